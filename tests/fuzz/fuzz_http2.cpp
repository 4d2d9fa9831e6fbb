// libFuzzer target over the HTTP/2 front: the bytes a client sends after the connection
// preface, read by an Http2Session whose SSE streams a real StreamHub (epoll) drives. A
// handler answers every request, and opens a stream for /events, which is written to again
// after the input, so flow control, RST_STREAM and GOAWAY meet live streams. Besides crashes,
// leaks and sanitizer reports it traps when a promise breaks: the session's first bytes are
// its SETTINGS frame, and when the session is gone the hub holds none of its streams.
//
// Input: one byte that picks the size of the reads (1 to 64 bytes, or all at once), then the
// frames.
#include "http2session.h"
#include "httpconnection.h"
#include "httpexchange.h"
#include "streamhub.h"

#include <QCoreApplication>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

void require(bool promise)
{
    if (!promise)
        __builtin_trap();
}

const QByteArray StreamHead = QByteArrayLiteral(
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n");

class Handler : public sse::RequestHandler
{
public:
    explicit Handler(sse::StreamHub &hub)
        : m_hub(hub)
    {}

    void handle(sse::HttpExchange &exchange) override
    {
        if (!exchange.request().path().startsWith(QLatin1String("/events"))) {
            exchange.respond(200, QByteArrayLiteral("text/plain"), exchange.request().body);
            return;
        }
        const int handle = exchange.adoptStream(m_hub);
        if (handle >= 0) {
            m_hub.write(handle, StreamHead + "data: hello\n\n");
            streams.push_back(handle);
        }
        exchange.handOver(handle >= 0);
    }
    std::optional<sse::HttpError> refusalBeforeBody(const sse::RequestHead &,
                                                    const QHostAddress &) override
    {
        return std::nullopt;
    }
    bool asksForStream(const sse::Request &request) const override
    {
        return request.path().startsWith(QLatin1String("/events"));
    }

    std::vector<int> streams;

private:
    sse::StreamHub &m_hub;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int argc = 1;
    static char name[] = "fuzz_http2";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
    if (size == 0)
        return 0;
    const qsizetype readSize = data[0] % 65 == 0 ? qsizetype(size) : data[0] % 65;
    const QByteArray input =
        sse::Http2Session::ClientPreface +
        QByteArray(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    sse::StreamHub hub(64 * 1024);
    Handler handler(hub);
    QByteArray written;
    {
        sse::Http2Session session({4, 2048, 4096}, handler, QHostAddress::LocalHost, {},
                                  {[&](const QByteArray &bytes) { written += bytes; },
                                   [&] {
                                       return qint64(written.size() % 100000);
                                   }});
        for (qsizetype at = 0; at < input.size(); at += readSize) {
            session.receive(input.mid(at, readSize));
            QCoreApplication::sendPostedEvents();
        }
        // Events after the input: what the windows it set let through, or queue, or drop.
        for (int round = 0; round < 3; ++round) {
            for (const int handle : handler.streams)
                hub.write(handle, QByteArray(3000, 'e') + "\n\n");
            QCoreApplication::sendPostedEvents();
            session.socketDrained();
        }
        // The server's preface, SETTINGS, comes first (unless the session failed before it).
        require(written.isEmpty() || (written.size() >= 9 && written.at(3) == 0x4));
    }
    QCoreApplication::sendPostedEvents();
    require(hub.streamCount() == 0); // the session let go of every stream it held
    return 0;
}
