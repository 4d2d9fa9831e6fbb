#include "guardedtcpserver.h"

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

void GuardedTcpServer::setHandedOverCount(std::function<int()> handedOverCount)
{
    m_handedOverCount = std::move(handedOverCount);
}

void GuardedTcpServer::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    ++m_connectionCount;
    connect(socket, &QObject::destroyed, this, [this, socket] {
        --m_connectionCount;
        m_pending.remove(socket);
    });

    const int open = m_connectionCount + (m_handedOverCount ? m_handedOverCount() : 0);
    if (open > m_limits.maxConnections) {
        emit connectionRejected(
            QStringLiteral("connection limit of %1 reached").arg(m_limits.maxConnections));
        refuse(socket, 503, QStringLiteral("server full: %1 connections are open").arg(open - 1));
        return;
    }

    m_pending.insert(socket, PendingRequest{0, m_clock.elapsed()});
    // Connected before QHttpServer's own slot, so sizes are checked before it parses.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
    addPendingConnection(socket);
}

void GuardedTcpServer::onReadyRead(QTcpSocket *socket)
{
    const auto it = m_pending.find(socket);
    if (it == m_pending.end())
        return;
    it->receivedBytes += socket->bytesAvailable();
    if (it->receivedBytes > m_limits.maxRequestBytes) {
        m_pending.erase(it);
        refuse(socket, 413,
               QStringLiteral("request too large: the limit is %1 bytes")
                   .arg(m_limits.maxRequestBytes));
    }
}

void GuardedTcpServer::requestDispatched(QTcpSocket *socket)
{
    const auto it = m_pending.find(socket);
    if (it != m_pending.end())
        *it = PendingRequest{0, m_clock.elapsed()};
}

void GuardedTcpServer::sweepIdleConnections()
{
    const qint64 now = m_clock.elapsed();
    QList<QPair<QTcpSocket *, qint64>> expired;
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
        if (now - it->startedMs > m_limits.idleTimeoutMs)
            expired.append({it.key(), it->receivedBytes});
    }
    for (const auto &[socket, receivedBytes] : std::as_const(expired)) {
        m_pending.remove(socket);
        if (receivedBytes == 0) {
            socket->disconnectFromHost(); // an idle keep-alive connection just ends
            continue;
        }
        // A half-sent request learns why it was cut off.
        refuse(socket, 408,
               QStringLiteral("request timeout: the request was not complete after %1 s")
                   .arg(m_limits.idleTimeoutMs / 1000.0));
    }
}

void GuardedTcpServer::refuse(QTcpSocket *socket, int status, const QString &message)
{
    qCInfo(lcHttp).noquote() << "refused" << socket->peerAddress().toString() << status << message;
    // Nothing more reaches QHttpServer: what arrived and what still arrives is dropped.
    disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    socket->readAll();
    auto drained = std::make_shared<qint64>(0);
    connect(socket, &QTcpSocket::readyRead, socket, [socket, drained] {
        *drained += socket->readAll().size();
        if (*drained > MaxLingeringBytes)
            socket->abort();
    });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    http::writeError(socket, status, message, {{"Connection", "close"}});
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
