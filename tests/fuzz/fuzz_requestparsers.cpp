// libFuzzer target over the request parsers: what a client sends to /publish, /send and
// /events, as plain values. Besides crashes and sanitizer reports it checks the promises the
// rest of the server relies on, and traps when one is broken.
//
// Input: one selector byte, then for publish "CONTENT-TYPE\nCONTENT-LENGTH\nQUERY\nBODY",
// for send "QUERY", for subscribe "QUERY\nLAST-EVENT-ID\nUSER-AGENT", and for the request
// gate (RequestFramer) the raw bytes of a connection.
#include "requestframer.h"
#include "requestparsers.h"

#include <cstddef>
#include <cstdint>

namespace {

void require(bool promise)
{
    if (!promise)
        __builtin_trap();
}

QList<QByteArray> fields(const QByteArray &input, int count)
{
    QList<QByteArray> parts;
    qsizetype start = 0;
    for (int i = 0; i < count - 1; ++i) {
        const qsizetype end = input.indexOf('\n', start);
        if (end < 0)
            break;
        parts.append(input.mid(start, end - start));
        start = end + 1;
    }
    parts.append(input.mid(start));
    while (parts.size() < count)
        parts.append(QByteArray());
    return parts;
}

// An event the broker would send: encoded, it is whole and cannot inject lines.
void checkEncoding(const sse::SseEvent &event)
{
    if (sse::validateEvent(event))
        return;
    const QByteArray encoded = sse::encodeEvent(event);
    require(encoded.endsWith("\n\n"));
    require(!encoded.contains('\r'));
    for (const QByteArray &line : encoded.chopped(2).split('\n')) {
        require(line.startsWith("id: ") || line.startsWith("event: ") ||
                line.startsWith("retry: ") || line.startsWith("data: ") || line == "data:");
    }
}

void checkError(const sse::HttpError &error)
{
    require(error.status >= 400 && error.status < 600);
    require(!error.message.isEmpty());
}

struct FramingOutcome
{
    QList<QByteArray> requests;
    int errorStatus = 0;
};

// Feeds the connection's bytes in pieces of the given sizes (cycled), taking requests as the
// gate does, and checks what every framing must hold.
FramingOutcome frame(const QByteArray &input, const QList<int> &pieceSizes)
{
    sse::RequestFramer framer({1024, 256, 4096});
    FramingOutcome outcome;
    qsizetype framedUpTo = 0; // in input
    qsizetype at = 0;
    for (qsizetype piece = 0; at < input.size(); ++piece) {
        const qsizetype length =
            std::min<qsizetype>(pieceSizes[piece % pieceSizes.size()], input.size() - at);
        framer.feed(QByteArrayView(input).sliced(at, length));
        at += length;
        while (framer.hasRequest()) {
            const sse::FramedRequest request = framer.takeRequest();
            require(!request.bytes.isEmpty());
            require(!request.head.method.isEmpty());
            require(request.head.target.size() <= 256);
            require(!(request.head.chunked && request.head.contentLength >= 0));
            // Requests go to Qt byte for byte as they arrived, in order; only the blank lines
            // between requests are left out.
            while (framedUpTo < input.size() &&
                   (input.at(framedUpTo) == '\r' || input.at(framedUpTo) == '\n')) {
                ++framedUpTo;
            }
            QByteArray bytes = request.bytes;
            while (bytes.startsWith('\r') || bytes.startsWith('\n'))
                bytes.remove(0, 1);
            require(input.sliced(framedUpTo).startsWith(bytes));
            framedUpTo += bytes.size();
            outcome.requests.append(bytes);
        }
        if (framer.error() || framer.isFinished())
            break;
    }
    if (framer.error()) {
        checkError(*framer.error());
        require(framer.error()->closeConnection);
        outcome.errorStatus = framer.error()->status;
    }
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArray input(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    switch (data[0] % 4) {
    case 0: {
        const QList<QByteArray> parts = fields(input, 4);
        const sse::Parsed<sse::SseEvent> parsed = sse::parsePublish(
            {parts[0], parts[1], parts[3], QUrlQuery(QString::fromUtf8(parts[2])), 4096});
        if (const auto *event = std::get_if<sse::SseEvent>(&parsed))
            checkEncoding(*event);
        else
            checkError(std::get<sse::HttpError>(parsed));
        break;
    }
    case 1: {
        const sse::Parsed<sse::SseEvent> parsed =
            sse::parseSend(QUrlQuery(QString::fromUtf8(input)));
        if (const auto *event = std::get_if<sse::SseEvent>(&parsed))
            checkEncoding(*event);
        else
            checkError(std::get<sse::HttpError>(parsed));
        break;
    }
    case 3: {
        // However the bytes are split into reads, the framing is the same.
        const FramingOutcome whole = frame(input, {int(input.size()) + 1});
        const FramingOutcome pieces = frame(input, {1 + data[0] / 4 % 7, 3, 1, 64});
        require(whole.requests == pieces.requests);
        require(whole.errorStatus == pieces.errorStatus);
        break;
    }
    default: {
        const QList<QByteArray> parts = fields(input, 3);
        const sse::Parsed<sse::Subscription> parsed =
            sse::parseSubscribe({QUrlQuery(QString::fromUtf8(parts[0])), parts[1], parts[2]});
        if (const auto *subscription = std::get_if<sse::Subscription>(&parsed)) {
            require(!subscription->channels.isEmpty());
            require(subscription->channels.size() <= sse::MaxChannelsPerSubscriber);
            for (const QString &channel : subscription->channels)
                require(!sse::validateChannel(channel));
            require(subscription->lastEventId.size() <= sse::MaxIdLength);
            require(subscription->userAgent.toUtf8().size() <= sse::MaxUserAgentBytes * 3);
        } else {
            checkError(std::get<sse::HttpError>(parsed));
        }
        break;
    }
    }
    return 0;
}
