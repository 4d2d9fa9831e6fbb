#pragma once

#include "exchangetransport.h"
#include "request.h"
#include "requestframer.h"
#include "tlssession.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>

#include <memory>
#include <optional>

class QTcpSocket;
typedef struct ssl_ctx_st SSL_CTX;

namespace sse {

class HttpExchange;
class Http2Session;

// What answers requests: the route handlers behind every front (HttpApi).
class RequestHandler
{
public:
    virtual ~RequestHandler() = default;
    // Answers the exchange now or later, or hands its connection over to a stream.
    virtual void handle(HttpExchange &exchange) = 0;
    // For Expect: 100-continue: a refusal the request would get anyway, decided on its head.
    virtual std::optional<HttpError> refusalBeforeBody(const RequestHead &head,
                                                       const QHostAddress &peer) = 0;
    // Whether the request asks for a stream (GET /events, a scenario route): such a request
    // is let through on a connection over the HTTP connection caps.
    virtual bool asksForStream(const Request &request) const = 0;
};

// One connection (qBittorrent's Http::Connection): it owns its socket and its
// RequestFramer, parses each request once, and hands the handler one Request at a time. The
// next pipelined request is handled once the answer before it has been written, whenever the
// handler gives it, so answers leave in request order and a GET /events after other requests
// becomes a stream only after their answers are out.
// Malformed requests get their status here (400, 413, 414, 417, 429, 431, 501, 505) and
// reach no handler; each refusal is read by the client before the connection closes
// (lingering close).
// A connection that starts with HTTP/2's client preface (h2c), or agrees on h2 through ALPN,
// speaks HTTP/2 from then on: an Http2Session reads its plaintext and writes through it.
class HttpConnection : public QObject, public ExchangeTransport
{
    Q_OBJECT

public:
    struct Limits
    {
        RequestFramer::Limits request;
        int idleTimeoutMs = 10000;
        int maxHttp2Streams = 256;
    };

    // Takes the socket (it becomes a child of the connection). With a TLS context, a
    // connection whose first byte starts a TLS handshake (0x16) speaks HTTPS; any other is
    // plain HTTP on the TLS port, and its requests say so (Request::secure is false).
    HttpConnection(QTcpSocket *socket, const Limits &limits, RequestHandler &handler,
                   SSL_CTX *tlsContext = nullptr, QObject *parent = nullptr);
    ~HttpConnection() override;

    QHostAddress peer() const { return m_peer; }
    // Past the idle timeout: a half-sent request gets 408, an idle keep-alive connection just
    // closes. A request waiting for its answer is not idle.
    void closeIfIdle();
    // Answers with the error and closes, reading what the client still sends for a while.
    void refuse(const HttpError &error);
    // Over a connection cap: a stream request still goes to the handler, anything else is
    // refused with the error and reported as refusedOverCap(reason).
    void refuseUnlessStream(const HttpError &error, const QString &reason);
    // Closes at once without an answer (RST), for a connection there is no room for at all.
    void drop();
    // The server is stopping: an HTTP/2 connection writes the frames its streams' ends made.
    void flushHttp2();

    // "HTTP/2" once the connection speaks it, else "HTTP/1.1".
    bool isHttp2() const { return m_h2 != nullptr; }

    // ExchangeTransport, for HttpExchange. A stream takes the socket and the TLS session over.
    void writeAnswer(int32_t streamId, const QByteArray &bytes, bool closeAfter) override;
    int adoptStream(int32_t streamId, StreamHub &hub) override;
    void handOver(int32_t streamId, bool opened) override;

signals:
    void refusedOverCap(const QString &reason);

private:
    void onReadyRead();
    void handleNextRequest();
    Request takeRequest();
    void answerExpectation(const RequestHead &head);
    void endExchange();
    // Writes to the socket, through TLS when the connection speaks it.
    void send(const QByteArray &bytes);
    // Bytes read, as plaintext; false when the TLS session failed and the connection closes.
    bool decrypt(QByteArray &received);
    // Whether the plaintext so far starts HTTP/2 (h2 agreed through ALPN, or the client's
    // preface); starts the session then. False, with received kept, while it cannot tell yet.
    bool startsHttp2(QByteArray &received);
    void startHttp2();

    QTcpSocket *m_socket; // child
    QHostAddress m_peer;
    RequestFramer m_framer;
    RequestHandler &m_handler;
    std::unique_ptr<HttpExchange> m_exchange; // the request being answered
    QElapsedTimer m_idle; // since the connection opened or its last request was answered
    int m_idleTimeoutMs;
    bool m_busy = false;                // in handleNextRequest, which answers what it can at once
    bool m_closing = false;             // answered with Connection: close, refused, or handed over
    std::optional<HttpError> m_overCap; // refuseUnlessStream()
    QString m_overCapReason;
    SSL_CTX *m_tlsContext;             // null: plain HTTP only
    std::unique_ptr<TlsSession> m_tls; // this connection speaks HTTPS
    bool m_sniffed = false;            // the first byte decided between TLS and plain
    Limits m_limits;
    std::unique_ptr<Http2Session> m_h2; // the connection speaks HTTP/2
    QByteArray m_early;                 // plaintext that may be the start of the h2c preface
    QElapsedTimer m_writeProgress;      // HTTP/2: since the socket last sent something
    bool m_protocolKnown = false;       // HTTP/1.1 or HTTP/2 decided
};

} // namespace sse
