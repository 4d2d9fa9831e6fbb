#include "httpserver.h"

#include <QTcpSocket>

#include <algorithm>

namespace sse {

HttpServer::HttpServer(Limits limits, RequestHandler &handler, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
    , m_handler(handler)
{
    // Bursts of thousands of connects must not be refused by the kernel or by QTcpServer
    // (DESIGN.md: QTcpServer accepts only 30 pending connections by default).
    setListenBacklogSize(4096);
    setMaxPendingConnections(1 << 20);
    m_sweepTimer.setInterval(std::clamp(m_limits.connection.idleTimeoutMs / 4, 50, 1000));
    connect(&m_sweepTimer, &QTimer::timeout, this, [this] {
        // closeIfIdle may end a connection, which leaves the set through forget() later.
        const std::vector<HttpConnection *> connections(m_connections.begin(), m_connections.end());
        for (HttpConnection *connection : connections)
            connection->closeIfIdle();
    });
    m_sweepTimer.start();
    // Out of descriptors, QTcpServer pauses accepting for good; try again shortly instead.
    connect(this, &QTcpServer::acceptError, this,
            [this] { QTimer::singleShot(100, this, &QTcpServer::resumeAccepting); });
}

HttpServer::~HttpServer()
{
    // The connections are children: they go with this object, and need no forgetting.
    for (HttpConnection *connection : m_connections) {
        disconnect(connection, &QObject::destroyed, this, nullptr);
        connection->flushHttp2(); // the END_STREAMs of the streams the hub closed
    }
}

void HttpServer::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket;
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    auto *connection =
        new HttpConnection(socket, m_limits.connection, m_handler, m_tlsContext, this);
    const QHostAddress peer = connection->peer();
    const bool perAddressCapped = !peer.isLoopback();
    m_connections.insert(connection);
    const int fromPeer = perAddressCapped ? ++m_perAddress[peer] : 0;
    connect(connection, &QObject::destroyed, this,
            [this, connection, peer] { forget(connection, peer); });
    connect(connection, &HttpConnection::refusedOverCap, this, &HttpServer::connectionRejected);

    if (connectionCount() > m_limits.maxHttpConnections + m_limits.streamRoom ||
        fromPeer > m_limits.maxConnectionsPerAddress + m_limits.streamRoomPerAddress) {
        // Not even a stream would find room. A network error, unlike any status but 200, makes
        // EventSource try again.
        emit connectionRejected(QStringLiteral("no room for another connection from %1; closed "
                                               "without an answer")
                                    .arg(peer.toString()));
        connection->drop();
    } else if (connectionCount() > m_limits.maxHttpConnections) {
        connection->refuseUnlessStream(
            {503,
             QStringLiteral("server busy: %1 connections are sending requests or idle (the "
                            "limit); streams are not counted")
                 .arg(m_limits.maxHttpConnections),
             {{"Retry-After", "1"}},
             true},
            QStringLiteral("limit of %1 HTTP connections reached")
                .arg(m_limits.maxHttpConnections));
    } else if (fromPeer > m_limits.maxConnectionsPerAddress) {
        connection->refuseUnlessStream(
            {503,
             QStringLiteral("server busy: %1 connections from your address are sending requests "
                            "or idle (the limit)")
                 .arg(m_limits.maxConnectionsPerAddress),
             {{"Retry-After", "1"}},
             true},
            QStringLiteral("limit of %1 connections from %2 reached")
                .arg(m_limits.maxConnectionsPerAddress)
                .arg(peer.toString()));
    }
}

void HttpServer::forget(HttpConnection *connection, const QHostAddress &peer)
{
    m_connections.erase(connection);
    const auto count = m_perAddress.find(peer);
    if (count != m_perAddress.end() && --*count <= 0)
        m_perAddress.erase(count);
}

} // namespace sse
