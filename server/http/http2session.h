#pragma once

#include "exchangetransport.h"
#include "httputil.h"
#include "request.h"
#include "requestparsers.h"
#include "streammux.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>

#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

typedef struct nghttp2_session nghttp2_session;

namespace sse {

class HttpExchange;
class RequestHandler;
class StreamHub;
struct Http2Callbacks;

// The HTTP/2 side of one connection (RFC 9113), on Debian's libnghttp2: h2 after ALPN on the
// TLS port, h2c with prior knowledge on a plain one. The HttpConnection that found it keeps
// the socket and its TLS session and hands this the plaintext it reads; this writes frames
// back through it. Each request stream becomes a Request value for the same RequestHandler
// the HTTP/1.1 front uses, answered through an HttpExchange: the answer's HTTP/1.1 bytes are
// turned into HEADERS and DATA frames. An SSE stream becomes a stream of the StreamHub
// (StreamMux): the hub offers its bytes, which leave as DATA frames as the peer's windows
// allow, one write for all the frames of a turn of the event loop.
class Http2Session : public QObject, public ExchangeTransport, public StreamMux
{
    Q_OBJECT

public:
    struct Limits
    {
        int maxStreams = 256; // SETTINGS_MAX_CONCURRENT_STREAMS
        qint64 maxHeaderBytes = 16 * 1024;
        qint64 maxBodyBytes = 1024 * 1024;
    };
    struct Socket
    {
        std::function<void(const QByteArray &)> write; // plaintext frames, encrypted if TLS
        std::function<qint64()> backlog;               // bytes written, not sent yet
    };
    static const QByteArray ClientPreface; // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

    // tlsVersion: empty for h2c.
    Http2Session(const Limits &limits, RequestHandler &handler, const QHostAddress &peer,
                 const QString &tlsVersion, Socket socket, QObject *parent = nullptr);
    ~Http2Session() override;

    // Plaintext read from the peer, the client preface first. Sends this side's SETTINGS on
    // the first call.
    void receive(const QByteArray &bytes);
    // The socket sent some of its backlog: frames held back for it may go now.
    void socketDrained();
    // Whether the connection should read more now: not while what it wrote waits unsent
    // (a peer that does not read its answers is not read either, as over HTTP/1.1).
    bool acceptsInput() const;
    // Writes what is ready now (the server is stopping).
    void flush() { sendNow(); }
    // No request or stream open, and none for that long: the connection may close.
    bool isIdleFor(qint64 ms) const { return m_streams.empty() && m_activity.elapsed() > ms; }
    // Requests not complete within ms get 408, as a half-sent HTTP/1.1 request does.
    void refuseStalledRequests(qint64 ms);
    // Sends GOAWAY: no new streams; finished() follows once the open ones are done.
    void goAway();
    // Streams over the connection caps: only stream requests are answered, others get error.
    void refuseUnlessStream(const HttpError &error) { m_overCap = error; }

    // ExchangeTransport
    void writeAnswer(int32_t streamId, const QByteArray &bytes, bool closeAfter) override;
    int adoptStream(int32_t streamId, StreamHub &hub) override;
    void handOver(int32_t streamId, bool opened) override;
    // StreamMux
    qsizetype offer(int32_t streamId, const QByteArray &bytes, qsizetype offset,
                    qsizetype maxBytes) override;
    void end(int32_t streamId, bool reset) override;
    QString protocol() const override { return m_protocol; }
    QString tlsVersion() const override { return m_tlsVersion; }
    void closeConnection() override { goAway(); }
    quint64 connectionId() const override { return m_connectionId; }

signals:
    // The session is over (GOAWAY sent, or the peer broke the protocol): close the socket once
    // what was written has gone.
    void finished();

private:
    // A request while it is read; freed when it goes to the handler, so that a long-lived
    // SSE stream keeps only what it sends with.
    struct Reading
    {
        Request request;
        qint64 headerBytes = 0;           // as the header list size counts them
        qint64 readBytes = 0;             // held while it is read (m_readingTotal)
        qint64 openedMs = 0;              // m_clock when its HEADERS came
        std::optional<HttpError> refusal; // 408, 413 or 431, decided while reading
    };
    struct Stream
    {
        std::unique_ptr<Reading> reading;       // until the request is complete
        std::unique_ptr<HttpExchange> exchange; // while it is answered
        int hubHandle = -1;                     // an SSE stream the hub drives
        QByteArray head;                        // the hub's response head, until it is whole
        bool answered = false;                  // HEADERS submitted
        bool ending = false;                    // END_STREAM once what is pending is sent
        bool deferred = false;                  // the data source said "not now"
        bool answeredEarly = false;             // before its request was complete (408, 413)
        QList<QByteArray> chunks;               // body bytes taken, not framed yet
        qsizetype chunkOffset = 0;              // of chunks.first() framed already
        qint64 pending = 0;                     // bytes in chunks not framed yet
        qint64 reserved = 0;                    // of those, promised to a DATA frame
    };
    friend struct Http2Callbacks;

    Stream *find(int32_t streamId) const;
    void start();
    void dispatch(int32_t streamId, Stream &stream);
    void answerRefusedEarly();
    // Turns an HTTP/1.1 response head into the stream's HEADERS; body data follows in chunks.
    bool submitHead(int32_t streamId, Stream &stream, const QByteArray &head);
    void queueBody(int32_t streamId, Stream &stream, QByteArray bytes);
    // What a stream may take now: its window, the connection's, and the socket's backlog.
    qint64 roomFor(int32_t streamId, const Stream &stream) const;
    // Frames go out once per turn of the event loop, all in one write.
    void scheduleSend();
    void sendNow();
    void wakeBlocked();
    void fail(const char *what, int error);
    // Control frames (SETTINGS, PING, PRIORITY, WINDOW_UPDATE, empty DATA) cost a token of a
    // bucket; a peer that spends it all is flooding and is sent away.
    bool spendControlToken();
    void closed(int32_t streamId);
    // A request refused while it is read keeps nothing of the connection's budget.
    void releaseRequestBytes(Reading &reading)
    {
        m_readingTotal -= std::exchange(reading.readBytes, 0);
    }
    // Counts bytes a request being read holds; false when the connection's budget is spent.
    bool holdRequestBytes(Reading &reading, qint64 bytes);
    void reset(int32_t streamId, Stream &stream, uint32_t errorCode);

    nghttp2_session *m_session = nullptr;
    Limits m_limits;
    RequestHandler &m_handler;
    QHostAddress m_peer;
    bool m_secure;
    QString m_tlsVersion;
    QString m_protocol;
    quint64 m_connectionId;
    Socket m_socket;
    StreamHub *m_hub = nullptr;
    std::unordered_map<int32_t, std::unique_ptr<Stream>> m_streams;
    std::unordered_set<int32_t> m_blocked; // streams the hub has bytes for that did not fit
    QByteArray m_out;                      // frames of this turn
    qint64 m_pendingTotal = 0;             // body bytes taken, not framed, all streams
    qint64 m_readingTotal = 0;             // bytes of requests being read, all streams
    QElapsedTimer m_clock;                 // since the session started
    QElapsedTimer m_activity;              // since a request came or a stream closed
    std::optional<HttpError> m_overCap;
    double m_controlTokens;
    QElapsedTimer m_tokenClock;
    bool m_started = false;
    std::vector<int32_t> m_refusedEarly; // refused before their end, to answer now
    bool m_sendScheduled = false;
    bool m_finished = false;
};

} // namespace sse
