#pragma once

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

// One HTTP/1.1 connection (qBittorrent's Http::Connection): it owns its socket and its
// RequestFramer, parses each request once, and hands the handler one Request at a time. The
// next pipelined request is handled once the answer before it has been written, whenever the
// handler gives it, so answers leave in request order and a GET /events after other requests
// becomes a stream only after their answers are out.
// Malformed requests get their status here (400, 413, 414, 417, 429, 431, 501, 505) and
// reach no handler; each refusal is read by the client before the connection closes
// (lingering close).
class HttpConnection : public QObject
{
    Q_OBJECT

public:
    struct Limits
    {
        RequestFramer::Limits request;
        int idleTimeoutMs = 10000;
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

    // For HttpExchange.
    void writeAnswer(const QByteArray &bytes, bool closeAfter);
    qintptr socketDescriptor() const;
    // The TLS session, for the stream hub that takes the connection over.
    std::unique_ptr<TlsSession> takeTlsSession() { return std::move(m_tls); }
    void handOver();

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
};

} // namespace sse
