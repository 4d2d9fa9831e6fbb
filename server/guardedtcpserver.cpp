#include "guardedtcpserver.h"

#include "httputil.h"

#include <QTcpSocket>

#include <algorithm>

namespace sse {

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
    QList<QTcpSocket *> expired;
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
        if (now - it->startedMs > m_limits.idleTimeoutMs)
            expired.append(it.key());
    }
    for (QTcpSocket *socket : std::as_const(expired)) {
        m_pending.remove(socket);
        // Idle keep-alive connections just close; a half-sent request learns why.
        socket->abort();
    }
}

void GuardedTcpServer::refuse(QTcpSocket *socket, int status, const QString &message)
{
    // Drain what arrived so QHttpServer does not parse it, answer, and close once written.
    socket->readAll();
    disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
    connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    http::writeError(socket, status, message, {{"Connection", "close"}});
    socket->disconnectFromHost();
    // A peer that never reads the answer must not hold the slot.
    QTimer::singleShot(m_limits.idleTimeoutMs, socket, &QAbstractSocket::abort);
}

} // namespace sse
