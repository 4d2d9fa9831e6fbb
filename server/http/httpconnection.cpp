#include "httpconnection.h"

#include "http2session.h"
#include "httpexchange.h"
#include "serverlogging.h"
#include "streamhub.h"

#include <QScopedValueRollback>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>

#include <sys/socket.h>

namespace sse {

namespace {

// How long and how much a refused connection is drained before it is closed regardless.
constexpr int MaxLingeringMs = 10000;
constexpr qint64 MaxLingeringBytes = 64 * 1024 * 1024;
// Complete requests one connection may have waiting while it does not read its answers.
constexpr qsizetype MaxWaitingRequests = 32;
// What Qt reads ahead of an HTTP/2 session that does not take input (acceptsInput()).
constexpr qint64 MaxHttp2ReadBuffer = 64 * 1024;

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, const Limits &limits, RequestHandler &handler,
                               SSL_CTX *tlsContext, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_peer(plainAddress(socket->peerAddress()))
    , m_framer(limits.request)
    , m_handler(handler)
    , m_idleTimeoutMs(limits.idleTimeoutMs)
    , m_tlsContext(tlsContext)
    , m_limits(limits)
{
    m_socket->setParent(this);
    m_idle.start();
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (!m_h2) {
            if (m_socket->bytesToWrite() == 0)
                handleNextRequest();
            return;
        }
        m_writeProgress.restart();
        m_h2->socketDrained();
        if (!m_closing && m_h2->acceptsInput() && m_socket->bytesAvailable() > 0)
            onReadyRead(); // what waited while the answers did not leave
    });
    connect(m_socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::onReadyRead()
{
    // An HTTP/2 peer that does not read its answers is not read either: its bytes wait in
    // the socket (at most the read buffer's size here), as the HTTP/1.1 framer's do.
    if (m_h2 && !m_closing && !m_h2->acceptsInput())
        return;
    QByteArray received = m_socket->readAll();
    if (m_closing)
        return; // a refusal lingers, or the last answer said close: what comes is dropped
    if (!decrypt(received) || !startsHttp2(received))
        return;
    if (m_h2) {
        if (!received.isEmpty())
            m_h2->receive(received);
        return;
    }
    if (!received.isEmpty() && !m_framer.isFinished())
        m_framer.feed(received);
    if (m_framer.queuedRequests() > MaxWaitingRequests) {
        refuse({429,
                QStringLiteral("more than %1 pipelined requests are waiting: read the answers "
                               "before sending more")
                    .arg(MaxWaitingRequests),
                {},
                true});
        return;
    }
    if (const auto head = m_framer.takeHeadAwaitingBody(); head && head->expectContinue)
        answerExpectation(*head);
    handleNextRequest();
}

bool HttpConnection::decrypt(QByteArray &received)
{
    if (!m_sniffed && m_tlsContext && !received.isEmpty()) {
        m_sniffed = true;
        // A TLS record starts with its content type: 22 is a handshake (the ClientHello).
        if (quint8(received.front()) == 22)
            m_tls = std::make_unique<TlsSession>(m_tlsContext);
    }
    if (!m_tls)
        return true;
    QByteArray plain;
    const bool open = m_tls->receive(received.constData(), received.size(), &plain);
    if (m_tls->outgoingSize() > 0)
        m_socket->write(m_tls->takeOutgoing()); // the handshake's answer, or an alert
    if (!open) {
        qCInfo(lcHttp).noquote() << "TLS with" << m_peer.toString() << "failed:" << m_tls->error();
        m_closing = true;
        m_socket->disconnectFromHost(); // after the alert
        return false;
    }
    received = std::move(plain);
    return true;
}

bool HttpConnection::startsHttp2(QByteArray &received)
{
    if (m_protocolKnown)
        return true;
    if (m_tls) {
        if (!m_tls->isEstablished())
            return false; // nothing but the handshake yet
        m_protocolKnown = true;
        if (m_tls->alpn() == "h2")
            startHttp2();
        return true;
    }
    // h2c with prior knowledge (RFC 9113 section 3.3): the client's preface comes first. No
    // HTTP/1.1 request starts with "PRI ".
    received.prepend(std::exchange(m_early, {}));
    const QByteArray &preface = Http2Session::ClientPreface;
    if (received.size() < preface.size() && preface.startsWith(received)) {
        m_early = std::exchange(received, {});
        return false;
    }
    m_protocolKnown = true;
    if (received.startsWith(preface))
        startHttp2();
    return true;
}

void HttpConnection::startHttp2()
{
    const Http2Session::Limits limits{m_limits.maxHttp2Streams, m_limits.request.maxHeaderBytes,
                                      m_limits.request.maxBodyBytes};
    Http2Session::Socket socket{[this](const QByteArray &bytes) { send(bytes); },
                                [this] {
                                    return m_socket->bytesToWrite();
                                }};
    m_h2 = std::make_unique<Http2Session>(limits, m_handler, m_peer,
                                          m_tls ? m_tls->version() : QString(), std::move(socket));
    m_socket->setReadBufferSize(MaxHttp2ReadBuffer);
    m_writeProgress.start();
    // Its streams' events leave at once, as a stream's socket's do (TCP_NODELAY): not after the
    // previous segment's acknowledgement, which delayed ACKs make up to 40 ms.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_h2.get(), &Http2Session::finished, this, [this] {
        m_closing = true;
        m_socket->disconnectFromHost(); // after the GOAWAY
        // A peer that does not read its last frames is not waited for long.
        QTimer::singleShot(std::min(m_idleTimeoutMs, MaxLingeringMs), m_socket,
                           &QAbstractSocket::abort);
    });
    if (m_overCap)
        m_h2->refuseUnlessStream(*m_overCap);
}

void HttpConnection::send(const QByteArray &bytes)
{
    if (!m_tls) {
        m_socket->write(bytes);
        return;
    }
    if (m_tls->encrypt(bytes.constData(), bytes.size()))
        m_socket->write(m_tls->takeOutgoing());
}

void HttpConnection::handleNextRequest()
{
    // Not again from inside: flush() and write() may emit bytesWritten, which calls this.
    if (m_busy || m_closing || m_exchange || m_h2)
        return;
    const QScopedValueRollback busy(m_busy, true);
    while (!m_closing && !m_exchange) {
        if (!m_framer.hasRequest()) {
            if (const std::optional<HttpError> &error = m_framer.error())
                refuse(*error);
            return;
        }
        // Answers to earlier requests leave first: a GET /events after them becomes a stream,
        // and what was still in the socket's buffer then would be lost. bytesWritten calls
        // this again.
        if (m_socket->bytesToWrite() > 0 && (m_socket->flush(), m_socket->bytesToWrite() > 0))
            return;
        m_exchange = std::make_unique<HttpExchange>(takeRequest(), this, this);
        m_idle.restart();
        if (m_overCap) {
            if (!m_handler.asksForStream(m_exchange->request())) {
                emit refusedOverCap(m_overCapReason);
                refuse(*m_overCap);
                return;
            }
            // Let through for a stream only: answered instead (a refusal, a preflight), the
            // connection must not stay open over the cap.
            m_exchange->closeAfterAnswer();
        }
        if (isImplementedMethod(m_exchange->request().method)) {
            m_handler.handle(*m_exchange);
        } else {
            m_exchange->error(501, QStringLiteral("method not implemented; use GET, HEAD, POST, "
                                                  "DELETE or OPTIONS"));
        }
        if (m_exchange && m_exchange->isFinished())
            m_exchange.reset(); // else the answer comes later, through writeAnswer
    }
}

Request HttpConnection::takeRequest()
{
    FramedRequest framed = m_framer.takeRequest();
    Request request;
    request.method = std::move(framed.head.method);
    request.setTarget(std::move(framed.head.target));
    request.httpVersion =
        framed.head.httpMinor == 0 ? QByteArrayLiteral("HTTP/1.0") : QByteArrayLiteral("HTTP/1.1");
    request.headers = std::move(framed.head.headers);
    request.body = std::move(framed.body);
    request.peer = m_peer;
    request.keepAlive = framed.keepAlive;
    request.wireBytes = framed.bytes.size();
    request.secure = m_tls != nullptr;
    return request;
}

void HttpConnection::writeAnswer(int32_t, const QByteArray &bytes, bool closeAfter)
{
    send(bytes);
    if (closeAfter) {
        m_closing = true;
        m_socket->disconnectFromHost(); // after what is written has gone out
    }
    if (!m_busy) // answered later than the handler returned
        QMetaObject::invokeMethod(this, &HttpConnection::endExchange, Qt::QueuedConnection);
}

void HttpConnection::endExchange()
{
    m_exchange.reset();
    m_idle.restart();
    handleNextRequest();
}

int HttpConnection::adoptStream(int32_t, StreamHub &hub)
{
    return hub.adopt(m_socket->socketDescriptor(), std::move(m_tls));
}

void HttpConnection::handOver(int32_t, bool)
{
    // The stream hub holds its own duplicate of the descriptor; this one closes without a
    // word to the peer.
    m_closing = true;
    m_socket->abort();
    deleteLater();
}

void HttpConnection::answerExpectation(const RequestHead &head)
{
    // Only for the request the connection is on: answers to earlier ones come first.
    if (m_framer.hasRequest() || m_exchange)
        return;
    if (std::optional<HttpError> refusal = m_handler.refusalBeforeBody(head, m_peer)) {
        refusal->closeConnection = true; // the body is on its way or never comes
        refuse(*refusal);
        return;
    }
    send(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
}

void HttpConnection::closeIfIdle()
{
    if (!m_protocolKnown && !m_early.isEmpty() && m_idle.elapsed() > m_idleTimeoutMs) {
        // The start of the h2c preface, or of a request ("PR…"), never went on: a half-sent
        // HTTP/1.1 request, which learns so below.
        m_protocolKnown = true;
        m_framer.feed(std::exchange(m_early, {}));
    }
    if (m_h2) {
        // A peer that takes nothing of what waits for it for the timeout is cut off: the
        // resets that would drop its streams as slow consumers cannot reach it either.
        if (m_socket->bytesToWrite() == 0)
            m_writeProgress.restart(); // nothing waits: nothing is late
        else if (m_writeProgress.elapsed() > m_idleTimeoutMs) {
            qCInfo(lcHttp).noquote() << "HTTP/2 peer" << m_peer.toString() << "read nothing for"
                                     << m_idleTimeoutMs << "ms: closed";
            m_closing = true;
            m_socket->abort();
            return;
        }
        // Requests not complete in time get 408; a connection with no stream for the timeout
        // is sent away (PINGs do not keep it).
        if (!m_closing) {
            m_h2->refuseStalledRequests(m_idleTimeoutMs);
            if (m_h2->isIdleFor(m_idleTimeoutMs))
                m_h2->goAway();
        }
        return;
    }
    if (m_closing || m_exchange || m_idle.elapsed() <= m_idleTimeoutMs ||
        m_socket->state() != QAbstractSocket::ConnectedState) {
        return;
    }
    if (!m_framer.isMidRequest()) {
        m_closing = true;
        m_socket->disconnectFromHost(); // an idle keep-alive connection just ends
        return;
    }
    // A half-sent request learns why it was cut off.
    refuse({408,
            QStringLiteral("request timeout: the request was not complete after %1 s")
                .arg(m_idleTimeoutMs / 1000.0),
            {},
            true});
}

void HttpConnection::refuseUnlessStream(const HttpError &error, const QString &reason)
{
    m_overCap = error;
    m_overCapReason = reason;
    if (m_h2)
        m_h2->refuseUnlessStream(error);
}

void HttpConnection::flushHttp2()
{
    if (!m_h2)
        return;
    m_closing = true; // nothing more is read: the server is going
    m_h2->flush();
    m_socket->flush();
}

void HttpConnection::drop()
{
    m_closing = true;
    m_socket->abort();
    deleteLater();
}

void HttpConnection::refuse(const HttpError &error)
{
    qCInfo(lcHttp).noquote() << "refused" << m_peer.toString() << error.status << error.message;
    m_closing = true;
    m_exchange.reset();
    // Nothing more reaches a handler: what arrived and what still arrives is dropped.
    m_socket->readAll();
    qint64 drained = 0;
    disconnect(m_socket, &QTcpSocket::readyRead, this, nullptr);
    connect(m_socket, &QTcpSocket::readyRead, this, [this, drained]() mutable {
        drained += m_socket->readAll().size();
        if (drained > MaxLingeringBytes)
            m_socket->abort();
    });
    disconnect(m_socket, &QTcpSocket::bytesWritten, this, nullptr);
    http::HeaderList headers = error.headers;
    headers.append(qMakePair(QByteArrayLiteral("Connection"), QByteArrayLiteral("close")));
    send(http::buildResponse(error.status, QByteArrayLiteral("application/json"),
                             http::errorBody(error.message), headers));
    // Lingering close: closing now, with request bytes still unread or on their way, would
    // make the kernel send RST, and a client still writing its body would lose the answer.
    // So the answer goes out, the write side shuts (FIN), and the rest of the request is read
    // and dropped until the client closes, for a bounded time and size.
    const auto shutDownWrites = [this] {
        if (m_socket->bytesToWrite() == 0 && m_socket->state() == QAbstractSocket::ConnectedState)
            ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    };
    connect(m_socket, &QTcpSocket::bytesWritten, this, shutDownWrites);
    m_socket->flush();
    shutDownWrites();
    QTimer::singleShot(std::min(m_idleTimeoutMs, MaxLingeringMs), m_socket,
                       &QAbstractSocket::abort);
}

} // namespace sse
