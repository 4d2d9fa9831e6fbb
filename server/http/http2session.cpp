// The HTTP/2 session: nghttp2's callbacks, reading requests into Request values, and the
// limits a peer meets (docs/protocol.md, "HTTP/2"). The frames a stream sends are in
// http2streams.cpp.
#include "http2callbacks.h"

#include "httpconnection.h"
#include "httpexchange.h"
#include "serverlogging.h"
#include "streamhub.h"

#include <QAtomicInteger>

#include <algorithm>

namespace sse {

namespace {

// A peer may send this many control frames at once, and this many a second after that:
// browsers send a handful; a flood of SETTINGS, PING or empty frames (which cost this side
// work and memory for their answers) ends with GOAWAY ENHANCE_YOUR_CALM.
constexpr double ControlBurst = 1000;
constexpr double ControlPerSecond = 100;
// RST_STREAM from the peer (rapid reset, CVE-2023-44487): nghttp2's token bucket, burst and
// rate, after which it sends GOAWAY.
constexpr uint64_t ResetBurst = 200;
constexpr uint64_t ResetPerSecond = 33;
// CONTINUATION frames after one HEADERS (CVE-2024-28182): nghttp2 ends the session beyond.
constexpr size_t MaxContinuations = 8;
// What the requests of one connection being read may hold together (headers and bodies),
// whatever --max-body allows one of them: 256 streams each sending a body stay bounded.
constexpr qint64 MaxReadingBytes = 8 * 1024 * 1024;

QAtomicInteger<quint64> nextConnectionId = 1;

} // namespace

const QByteArray Http2Session::ClientPreface =
    QByteArrayLiteral("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

int Http2Callbacks::beginHeaders(nghttp2_session *session, const nghttp2_frame *frame, void *user)
{
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST)
        return 0;
    Http2Session &self = of(user);
    auto stream = std::make_unique<Http2Session::Stream>();
    stream->reading = std::make_unique<Http2Session::Reading>();
    stream->reading->openedMs = self.m_clock.elapsed();
    self.m_activity.restart();
    Request &request = stream->reading->request;
    request.httpVersion = QByteArrayLiteral("HTTP/2");
    request.peer = self.m_peer;
    request.secure = self.m_secure;
    nghttp2_session_set_stream_user_data(session, frame->hd.stream_id, stream.get());
    self.m_streams[frame->hd.stream_id] = std::move(stream);
    return 0;
}

int Http2Callbacks::header(nghttp2_session *session, const nghttp2_frame *frame,
                           const uint8_t *name, size_t nameLength, const uint8_t *value,
                           size_t valueLength, uint8_t, void *user)
{
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST)
        return 0; // trailers are not read
    Http2Session::Stream *stream = streamOf(session, frame->hd.stream_id);
    if (!stream || !stream->reading || stream->reading->refusal)
        return 0;
    Http2Session::Reading &reading = *stream->reading;
    Http2Session &self = of(user);
    // Counted as SETTINGS_MAX_HEADER_LIST_SIZE counts: 32 bytes a field besides its text.
    // HPACK lets a few bytes stand for a large field, so the count is of what they decode to,
    // and nothing more is kept past the limit (nghttp2 does not enforce the setting).
    const qint64 fieldBytes = qint64(nameLength + valueLength + 32);
    reading.headerBytes += fieldBytes;
    if (reading.headerBytes > self.m_limits.maxHeaderBytes) {
        reading.refusal = HttpError{431,
                                    QStringLiteral("request header fields larger than %1 bytes")
                                        .arg(self.m_limits.maxHeaderBytes),
                                    {},
                                    false};
        reading.request.headers.clear();
        self.releaseRequestBytes(reading);
        return 0;
    }
    if (!self.holdRequestBytes(reading, fieldBytes))
        return 0;
    Request &request = reading.request;
    const QByteArray fieldName(reinterpret_cast<const char *>(name), qsizetype(nameLength));
    QByteArray fieldValue(reinterpret_cast<const char *>(value), qsizetype(valueLength));
    if (fieldName == ":method")
        request.method = std::move(fieldValue);
    else if (fieldName == ":path")
        request.setTarget(std::move(fieldValue));
    else if (fieldName == ":authority") // checked the way Host is (AccessPolicy)
        request.headers.prepend(qMakePair(QByteArrayLiteral("Host"), std::move(fieldValue)));
    else if (!fieldName.startsWith(':'))
        request.headers.append(qMakePair(fieldName, std::move(fieldValue)));
    return 0;
}

int Http2Callbacks::dataChunk(nghttp2_session *session, uint8_t, int32_t streamId,
                              const uint8_t *data, size_t length, void *user)
{
    Http2Session::Stream *stream = streamOf(session, streamId);
    if (!stream || !stream->reading || stream->reading->refusal)
        return 0;
    Http2Session &self = of(user);
    Http2Session::Reading &reading = *stream->reading;
    Request &request = reading.request;
    if (request.body.size() + qint64(length) > self.m_limits.maxBodyBytes) {
        reading.refusal = HttpError{
            413,
            QStringLiteral("request body larger than %1 bytes").arg(self.m_limits.maxBodyBytes),
            {},
            false};
        request.body.clear();
        self.releaseRequestBytes(reading);
        self.m_refusedEarly.push_back(streamId);
        return 0;
    }
    if (self.holdRequestBytes(reading, qint64(length)))
        request.body.append(reinterpret_cast<const char *>(data), qsizetype(length));
    else
        self.m_refusedEarly.push_back(streamId);
    return 0;
}

int Http2Callbacks::frameReceived(nghttp2_session *session, const nghttp2_frame *frame, void *user)
{
    Http2Session &self = of(user);
    const bool endOfStream = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
    switch (frame->hd.type) {
    case NGHTTP2_DATA:
        if (frame->hd.length == 0 && !endOfStream && !self.spendControlToken())
            return 0;
        break;
    case NGHTTP2_SETTINGS:
    case NGHTTP2_PING:
    case NGHTTP2_PRIORITY:
        if (!self.spendControlToken())
            return 0;
        break;
    case NGHTTP2_WINDOW_UPDATE:
        // Flow control at work, which costs no answer: not counted as a flood.
        self.wakeBlocked(); // a window opened
        return 0;
    default:
        break;
    }
    if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) && endOfStream) {
        // Not again for a request answered already (a 408 before its end came).
        if (auto *stream = streamOf(session, frame->hd.stream_id); stream && stream->reading)
            self.dispatch(frame->hd.stream_id, *stream);
    }
    return 0;
}

int Http2Callbacks::streamClosed(nghttp2_session *, int32_t streamId, uint32_t, void *user)
{
    of(user).closed(streamId);
    return 0;
}

int Http2Callbacks::frameSent(nghttp2_session *session, const nghttp2_frame *frame, void *user)
{
    Http2Session &self = of(user);
    if (frame->hd.type == NGHTTP2_RST_STREAM) {
        // Resets nghttp2 sent because the peer broke the protocol on a stream (a zero
        // WINDOW_UPDATE, a frame on a closed stream: "MadeYouReset", CVE-2025-8671) cost a
        // token of the flood bucket. This side's own resets use CANCEL, INTERNAL_ERROR and
        // NO_ERROR; the peer's RST_STREAMs are nghttp2's reset limit's to count.
        const uint32_t code = frame->rst_stream.error_code;
        if (code != NGHTTP2_NO_ERROR && code != NGHTTP2_CANCEL && code != NGHTTP2_INTERNAL_ERROR)
            self.spendControlToken();
        return 0;
    }
    // An answer given before its request was complete (408, 413, 431): the request's end is
    // not waited for (RFC 9113 section 8.1), so the stream does not hold its slot.
    if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0 &&
        (frame->hd.type == NGHTTP2_DATA || frame->hd.type == NGHTTP2_HEADERS)) {
        if (Http2Session::Stream *stream = streamOf(session, frame->hd.stream_id);
            stream && stream->answeredEarly) {
            nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->hd.stream_id,
                                      NGHTTP2_NO_ERROR);
        }
    }
    return 0;
}

ssize_t Http2Callbacks::send(nghttp2_session *, const uint8_t *data, size_t length, int, void *user)
{
    Http2Session &self = of(user);
    self.m_out.append(reinterpret_cast<const char *>(data), qsizetype(length));
    return ssize_t(length);
}

Http2Session::Http2Session(const Limits &limits, RequestHandler &handler, const QHostAddress &peer,
                           const QString &tlsVersion, Socket socket, QObject *parent)
    : QObject(parent)
    , m_limits(limits)
    , m_handler(handler)
    , m_peer(peer)
    , m_secure(!tlsVersion.isEmpty())
    , m_tlsVersion(tlsVersion)
    , m_protocol(tlsVersion.isEmpty() ? QStringLiteral("h2c")
                                      : QStringLiteral("h2 · %1").arg(tlsVersion))
    , m_connectionId(nextConnectionId.fetchAndAddRelaxed(1))
    , m_socket(std::move(socket))
    , m_controlTokens(ControlBurst)
{
    nghttp2_session_callbacks *callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks,
                                                            &Http2Callbacks::beginHeaders);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, &Http2Callbacks::header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks,
                                                              &Http2Callbacks::dataChunk);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &Http2Callbacks::frameReceived);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks,
                                                           &Http2Callbacks::streamClosed);
    nghttp2_session_callbacks_set_send_callback(callbacks, &Http2Callbacks::send);
    nghttp2_session_callbacks_set_send_data_callback(callbacks, &Http2Callbacks::sendBody);
    nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, &Http2Callbacks::frameSent);
    nghttp2_option *options = nullptr;
    nghttp2_option_new(&options);
    nghttp2_option_set_stream_reset_rate_limit(options, ResetBurst, ResetPerSecond);
    nghttp2_option_set_max_continuations(options, MaxContinuations);
    nghttp2_session_server_new2(&m_session, callbacks, this, options);
    nghttp2_option_del(options);
    nghttp2_session_callbacks_del(callbacks);
    m_tokenClock.start();
    m_clock.start();
    m_activity.start();
}

Http2Session::~Http2Session()
{
    // The hub lets go of the streams it still drives here; their subscribers are forgotten.
    for (auto &[id, stream] : m_streams) {
        if (stream->hubHandle >= 0 && m_hub)
            m_hub->muxClosed(std::exchange(stream->hubHandle, -1), *this);
    }
    m_streams.clear();
    nghttp2_session_del(m_session);
}

void Http2Session::start()
{
    m_started = true;
    const nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, uint32_t(m_limits.maxStreams)},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, uint32_t(m_limits.maxHeaderBytes)},
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
    };
    nghttp2_submit_settings(m_session, NGHTTP2_FLAG_NONE, settings, std::size(settings));
}

void Http2Session::receive(const QByteArray &bytes)
{
    if (m_finished)
        return;
    if (!m_started)
        start();
    const ssize_t read = nghttp2_session_mem_recv(
        m_session, reinterpret_cast<const uint8_t *>(bytes.constData()), size_t(bytes.size()));
    if (read < 0) {
        fail("reading", int(read));
        return;
    }
    if (!m_refusedEarly.empty())
        answerRefusedEarly();
    sendNow(); // SETTINGS and PING acknowledgements, answers given at once
}

void Http2Session::answerRefusedEarly()
{
    // A request refused before its end (a body over a limit: 413, a stall: 408) is answered
    // now, not at its end, which a client may never send. Once the answer is out, the stream
    // is reset.
    for (const int32_t id : std::exchange(m_refusedEarly, {})) {
        if (Stream *stream = find(id); stream && stream->reading) {
            stream->answeredEarly = true;
            dispatch(id, *stream);
        }
    }
}

void Http2Session::dispatch(int32_t streamId, Stream &stream)
{
    const std::unique_ptr<Reading> reading = std::move(stream.reading);
    m_readingTotal -= reading->readBytes;
    m_activity.restart();
    Request request = std::move(reading->request);
    request.wireBytes = reading->headerBytes + request.body.size();
    stream.exchange = std::make_unique<HttpExchange>(std::move(request), this, this, streamId);
    HttpExchange &exchange = *stream.exchange;
    if (reading->refusal) {
        exchange.error(*reading->refusal);
    } else if (m_overCap && !m_handler.asksForStream(exchange.request())) {
        exchange.error(*m_overCap);
    } else if (!isImplementedMethod(exchange.request().method)) {
        exchange.error(501, QStringLiteral("method not implemented; use GET, HEAD, POST, DELETE "
                                           "or OPTIONS"));
    } else {
        m_handler.handle(exchange);
    }
    // A stream the handler answered at once, or handed to the hub, needs the exchange no more.
    if (Stream *still = find(streamId); still && still->exchange && still->exchange->isFinished())
        still->exchange.reset();
}

Http2Session::Stream *Http2Session::find(int32_t streamId) const
{
    const auto it = m_streams.find(streamId);
    return it == m_streams.end() ? nullptr : it->second.get();
}

void Http2Session::closed(int32_t streamId)
{
    const auto it = m_streams.find(streamId);
    if (it == m_streams.end())
        return;
    std::unique_ptr<Stream> stream = std::move(it->second);
    m_streams.erase(it);
    m_blocked.erase(streamId);
    m_pendingTotal -= stream->pending;
    if (stream->reading)
        m_readingTotal -= stream->reading->readBytes;
    m_activity.restart();
    // The peer reset it, or its end was sent: a stream the hub still drives is gone.
    if (stream->hubHandle >= 0 && m_hub)
        m_hub->muxClosed(stream->hubHandle, *this);
    // An exchange still unanswered is dropped (logged as unanswered); a late answer finds no
    // stream.
}

bool Http2Session::holdRequestBytes(Reading &reading, qint64 bytes)
{
    // At least what one request may be (--max-body can be larger than the budget).
    const qint64 budget =
        std::max(MaxReadingBytes, m_limits.maxBodyBytes + m_limits.maxHeaderBytes);
    if (m_readingTotal + bytes > budget) {
        reading.refusal = HttpError{413,
                                    QStringLiteral("the requests of this connection being read "
                                                   "hold more than %1 bytes")
                                        .arg(budget),
                                    {},
                                    false};
        reading.request.body.clear();
        reading.request.headers.clear();
        releaseRequestBytes(reading);
        return false;
    }
    reading.readBytes += bytes;
    m_readingTotal += bytes;
    return true;
}

void Http2Session::refuseStalledRequests(qint64 ms)
{
    for (const auto &[id, stream] : m_streams) {
        if (stream->reading && m_clock.elapsed() - stream->reading->openedMs > ms) {
            stream->reading->refusal =
                HttpError{408,
                          QStringLiteral("request timeout: the request was not complete after %1 s")
                              .arg(double(ms) / 1000.0),
                          {},
                          false};
            m_refusedEarly.push_back(id);
        }
    }
    if (m_refusedEarly.empty())
        return;
    answerRefusedEarly();
    scheduleSend();
}

void Http2Session::reset(int32_t streamId, Stream &stream, uint32_t errorCode)
{
    if (stream.hubHandle >= 0) // the hub hears of it through offer()'s Gone
        stream.hubHandle = -1;
    nghttp2_submit_rst_stream(m_session, NGHTTP2_FLAG_NONE, streamId, errorCode);
    scheduleSend();
}

bool Http2Session::spendControlToken()
{
    m_controlTokens = std::min(
        ControlBurst, m_controlTokens + ControlPerSecond * double(m_tokenClock.restart()) / 1000.0);
    if (m_controlTokens >= 1) {
        m_controlTokens -= 1;
        return true;
    }
    qCInfo(lcHttp).noquote() << "HTTP/2 peer" << m_peer.toString()
                             << "sent control frames faster than" << ControlPerSecond
                             << "a second: GOAWAY";
    nghttp2_session_terminate_session(m_session, NGHTTP2_ENHANCE_YOUR_CALM);
    return false;
}

void Http2Session::fail(const char *what, int error)
{
    qCInfo(lcHttp).noquote() << "HTTP/2 with" << m_peer.toString() << "failed" << what << ":"
                             << nghttp2_strerror(error);
    if (error == NGHTTP2_ERR_BAD_CLIENT_MAGIC || error == NGHTTP2_ERR_CALLBACK_FAILURE) {
        m_finished = true;
        emit finished();
        return;
    }
    // A flood of frames whose answers pile up (PING, SETTINGS) is told to calm down; anything
    // else broke the protocol.
    nghttp2_session_terminate_session(m_session, error == NGHTTP2_ERR_FLOODED
                                                     ? NGHTTP2_ENHANCE_YOUR_CALM
                                                     : NGHTTP2_PROTOCOL_ERROR);
    sendNow();
    if (!m_finished) {
        m_finished = true;
        emit finished();
    }
}

void Http2Session::goAway()
{
    if (m_finished)
        return;
    // Graceful (RFC 9113 section 6.8): the streams already begun still get their answers,
    // the request that asked for this among them. Sent from the event loop: this may run
    // inside one of nghttp2's callbacks, where nghttp2_session_send() must not be called.
    nghttp2_submit_goaway(m_session, NGHTTP2_FLAG_NONE,
                          nghttp2_session_get_last_proc_stream_id(m_session), NGHTTP2_NO_ERROR,
                          nullptr, 0);
    scheduleSend();
}

void Http2Session::scheduleSend()
{
    if (m_sendScheduled || m_finished)
        return;
    m_sendScheduled = true;
    QMetaObject::invokeMethod(this, &Http2Session::sendNow, Qt::QueuedConnection);
}

void Http2Session::sendNow()
{
    m_sendScheduled = false;
    if (m_finished)
        return;
    if (const int error = nghttp2_session_send(m_session); error != 0) {
        m_out.clear();
        m_finished = true;
        qCInfo(lcHttp).noquote() << "HTTP/2 with" << m_peer.toString()
                                 << "failed sending:" << nghttp2_strerror(error);
        emit finished();
        return;
    }
    if (!m_out.isEmpty())
        m_socket.write(std::exchange(m_out, {}));
    if (!nghttp2_session_want_read(m_session) && !nghttp2_session_want_write(m_session)) {
        m_finished = true; // GOAWAY sent and every stream done
        emit finished();
        return;
    }
    wakeBlocked(); // framing made room in the streams' buffers
}

void Http2Session::socketDrained()
{
    if (!m_finished && (!m_blocked.empty() || nghttp2_session_want_write(m_session)))
        sendNow();
}

} // namespace sse
