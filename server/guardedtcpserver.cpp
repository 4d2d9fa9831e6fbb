#include "guardedtcpserver.h"

#include "httpexchange.h"
#include "httputil.h"
#include "serverlogging.h"

#include <QTcpSocket>

#include <algorithm>
#include <memory>

#include <sys/socket.h>

namespace sse {

namespace {

// How long and how much a refused connection is drained before it is closed regardless.
constexpr int MaxLingeringMs = 10000;
constexpr qint64 MaxLingeringBytes = 64 * 1024 * 1024;
// Complete requests one connection may have waiting while it does not read its answers.
constexpr qsizetype MaxWaitingRequests = 32;

} // namespace

GuardedTcpServer::GuardedTcpServer(Limits limits, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
{
    // Bursts of thousands of connects must not be refused by the kernel or by QTcpServer.
    setListenBacklogSize(4096);
    setMaxPendingConnections(1 << 20);
    m_clock.start();
    m_sweepTimer.setInterval(std::clamp(m_limits.idleTimeoutMs / 4, 50, 1000));
    connect(&m_sweepTimer, &QTimer::timeout, this, &GuardedTcpServer::sweepIdleConnections);
    m_sweepTimer.start();
    // Out of descriptors, QTcpServer pauses accepting for good; try again shortly instead.
    connect(this, &QTcpServer::acceptError, this,
            [this] { QTimer::singleShot(100, this, &QTcpServer::resumeAccepting); });
}

GuardedTcpServer::~GuardedTcpServer() = default;

GuardedTcpServer::Persistence GuardedTcpServer::persistence(QTcpSocket *socket) const
{
    const auto it = m_connections.find(socket);
    return it == m_connections.end() ? Persistence::KeepAlive : it->second.persistence;
}

void GuardedTcpServer::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    const QHostAddress peer = plainAddress(socket->peerAddress());
    const bool perAddressCapped = !peer.isLoopback();
    Connection connection;
    connection.framer = std::make_unique<RequestFramer>(m_limits.request);
    connection.peer = peer;
    connection.startedMs = m_clock.elapsed();
    m_connections.emplace(socket, std::move(connection));
    const int fromPeer = perAddressCapped ? ++m_perAddress[peer] : 0;
    connect(socket, &QObject::destroyed, this, [this, socket] { forget(socket); });

    if (connectionCount() > m_limits.maxHttpConnections) {
        emit connectionRejected(QStringLiteral("limit of %1 HTTP connections reached")
                                    .arg(m_limits.maxHttpConnections));
        refuse(socket, {503,
                        QStringLiteral("server busy: %1 connections are sending requests or "
                                       "idle (the limit); streams are not counted")
                            .arg(m_limits.maxHttpConnections),
                        {{"Retry-After", "1"}},
                        true});
        return;
    }
    if (fromPeer > m_limits.maxConnectionsPerAddress) {
        emit connectionRejected(QStringLiteral("limit of %1 connections from %2 reached")
                                    .arg(m_limits.maxConnectionsPerAddress)
                                    .arg(peer.toString()));
        refuse(socket, {503,
                        QStringLiteral("server busy: %1 connections from your address are "
                                       "sending requests or idle (the limit)")
                            .arg(m_limits.maxConnectionsPerAddress),
                        {{"Retry-After", "1"}},
                        true});
        return;
    }

    // Connected before QHttpServer's slot: the bytes are framed before Qt may read them.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
    connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] {
        const auto it = m_connections.find(socket);
        if (it != m_connections.end() && it->second.awaitingWrites && socket->bytesToWrite() == 0) {
            it->second.awaitingWrites = false;
            QMetaObject::invokeMethod(socket, &QIODevice::readyRead, Qt::QueuedConnection);
        }
    });
    // QHttpServer connects its readyRead slot inside addPendingConnection (Qt 6.4 binds to
    // pendingConnectionAvailable), so the slot connected after it runs after Qt's.
    addPendingConnection(socket);
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { afterQtRead(socket); });
}

void GuardedTcpServer::onReadyRead(QTcpSocket *socket)
{
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    Connection &connection = it->second;
    // Qt only ever sees whole requests, so a read transaction it left open holds nothing;
    // it must go, or the bytes read here would stay in the buffer for Qt.
    if (socket->isTransactionStarted())
        socket->rollbackTransaction();
    const QByteArray received = socket->readAll();
    if (!received.isEmpty() && !connection.framer->isFinished())
        connection.framer->feed(received);
    if (connection.framer->queuedRequests() > MaxWaitingRequests) {
        refuse(socket, {429,
                        QStringLiteral("more than %1 pipelined requests are waiting: read the "
                                       "answers before sending more")
                            .arg(MaxWaitingRequests),
                        {},
                        true});
        return;
    }
    if (const auto head = connection.framer->takeHeadAwaitingBody(); head && head->expectContinue) {
        answerExpectation(socket, connection, *head);
        if (connection.refused)
            return;
    }
    handOnNextRequest(socket, connection);
}

void GuardedTcpServer::handOnNextRequest(QTcpSocket *socket, Connection &connection)
{
    if (connection.framer->hasRequest()) {
        // Answers to earlier requests go out first: a GET /events after them becomes a
        // stream, and what is still in Qt's write buffer then would be lost.
        if (socket->bytesToWrite() > 0)
            socket->flush();
        if (socket->bytesToWrite() > 0) {
            connection.awaitingWrites = true;
            return;
        }
        const FramedRequest request = connection.framer->takeRequest();
        connection.persistence = !request.keepAlive            ? Persistence::Close
                                 : request.head.httpMinor == 0 ? Persistence::KeepAliveHttp10
                                                               : Persistence::KeepAlive;
        connection.startedMs = m_clock.elapsed();
        connection.handedOn = true;
        // Back into the socket's read buffer, where QHttpServer's slot, next in line for
        // this readyRead, reads the request whole.
        for (qsizetype i = request.bytes.size(); i-- > 0;)
            socket->ungetChar(request.bytes.at(i));
        return;
    }
    if (const std::optional<HttpError> &error = connection.framer->error())
        refuse(socket, *error);
}

void GuardedTcpServer::afterQtRead(QTcpSocket *socket)
{
    const auto it = m_connections.find(socket);
    if (it == m_connections.end() || !it->second.handedOn)
        return;
    Connection &connection = it->second;
    connection.handedOn = false;
    if (socket->state() != QAbstractSocket::ConnectedState)
        return; // the request became a stream, or the connection closed
    if (socket->bytesAvailable() > 0) {
        qCWarning(lcHttp) << "QHttpServer left part of a request unread; closing the connection";
        socket->abort();
        return;
    }
    if (connection.framer->hasRequest() || connection.framer->error())
        QMetaObject::invokeMethod(socket, &QIODevice::readyRead, Qt::QueuedConnection);
}

void GuardedTcpServer::answerExpectation(QTcpSocket *socket, Connection &connection,
                                         const RequestHead &head)
{
    // Only the request the connection is on: answers to earlier ones come first.
    if (connection.framer->hasRequest() || connection.handedOn)
        return;
    if (m_continueCheck) {
        if (const std::optional<HttpError> refusal = m_continueCheck(head, connection.peer)) {
            HttpError final = *refusal;
            final.closeConnection = true; // the body is on its way or never comes
            refuse(socket, final);
            return;
        }
    }
    socket->write("HTTP/1.1 100 Continue\r\n\r\n");
}

void GuardedTcpServer::sweepIdleConnections()
{
    const qint64 now = m_clock.elapsed();
    QList<QTcpSocket *> expired;
    for (const auto &[socket, connection] : m_connections) {
        if (!connection.refused && now - connection.startedMs > m_limits.idleTimeoutMs &&
            socket->state() == QAbstractSocket::ConnectedState) {
            expired.append(socket);
        }
    }
    for (QTcpSocket *socket : std::as_const(expired)) {
        Connection &connection = m_connections.at(socket);
        if (!connection.framer->isMidRequest()) {
            connection.refused = true;
            socket->disconnectFromHost(); // an idle keep-alive connection just ends
            continue;
        }
        // A half-sent request learns why it was cut off.
        refuse(socket, {408,
                        QStringLiteral("request timeout: the request was not complete after %1 s")
                            .arg(m_limits.idleTimeoutMs / 1000.0),
                        {},
                        true});
    }
}

void GuardedTcpServer::forget(QTcpSocket *socket)
{
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    const auto count = m_perAddress.find(it->second.peer);
    if (count != m_perAddress.end() && --*count <= 0)
        m_perAddress.erase(count);
    m_connections.erase(it);
}

void GuardedTcpServer::refuse(QTcpSocket *socket, const HttpError &error)
{
    qCInfo(lcHttp).noquote() << "refused" << socket->peerAddress().toString() << error.status
                             << error.message;
    const auto it = m_connections.find(socket);
    if (it != m_connections.end())
        it->second.refused = true; // still counted against the caps while it lingers
    // Nothing more reaches QHttpServer: what arrived and what still arrives is dropped.
    disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    disconnect(socket, &QTcpSocket::bytesWritten, this, nullptr);
    if (socket->isTransactionStarted())
        socket->rollbackTransaction();
    socket->readAll();
    auto drained = std::make_shared<qint64>(0);
    connect(socket, &QTcpSocket::readyRead, socket, [socket, drained] {
        *drained += socket->readAll().size();
        if (*drained > MaxLingeringBytes)
            socket->abort();
    });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    http::HeaderList headers = error.headers;
    headers.append(qMakePair(QByteArrayLiteral("Connection"), QByteArrayLiteral("close")));
    http::writeError(socket, error.status, error.message, headers);
    // Lingering close: closing now, with request bytes still unread or on their way, would
    // make the kernel send RST, and a client still writing its body would lose the answer.
    // So the answer goes out, the write side shuts (FIN), and the rest of the request is read
    // and dropped until the client closes, for a bounded time and size.
    const auto shutDownWrites = [socket] {
        if (socket->bytesToWrite() == 0 && socket->state() == QAbstractSocket::ConnectedState)
            ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
    };
    connect(socket, &QTcpSocket::bytesWritten, socket, shutDownWrites);
    socket->flush();
    shutDownWrites();
    QTimer::singleShot(std::min(m_limits.idleTimeoutMs, MaxLingeringMs), socket,
                       &QAbstractSocket::abort);
}

} // namespace sse
