#pragma once

#include "httpconnection.h"

#include <QHash>
#include <QHostAddress>
#include <QTcpServer>
#include <QTimer>

#include <unordered_set>

namespace sse {

// The HTTP/1.1 front: accepts connections, polices how many there are, and gives each an
// HttpConnection that answers through the RequestHandler.
// - Caps: connections that are not streams have their own cap, and a per-address cap for
//   non-loopback peers, so idle sockets cannot crowd out subscribers. A connection over a cap
//   is not refused at once, since it may be a stream request in flight (a reconnect storm):
//   it may still become a stream, room for streams allowing, and any other request on it gets
//   503. Past that room too, it is closed without an answer, which EventSource retries.
// - Time: a request not complete within the idle timeout gets 408; an idle keep-alive
//   connection just closes.
// Streams leave this server's care once the handler hands them to the StreamHub.
class HttpServer : public QTcpServer
{
    Q_OBJECT

public:
    struct Limits
    {
        int maxHttpConnections = 1024;
        int maxConnectionsPerAddress = 64;
        // Connections over the caps above that may still become streams (the stream limits).
        int streamRoom = 10000;
        int streamRoomPerAddress = 256;
        HttpConnection::Limits connection;
    };

    HttpServer(Limits limits, RequestHandler &handler, QObject *parent = nullptr);
    ~HttpServer() override;

    // Serve HTTPS (and plain HTTP, told apart by the first byte) with this context; null for
    // plain HTTP only. The context must outlive the connections made meanwhile.
    void setTlsContext(SSL_CTX *context) { m_tlsContext = context; }

    // Connections this server accepted that are still plain HTTP connections.
    int connectionCount() const { return int(m_connections.size()); }

signals:
    void connectionRejected(const QString &reason);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    void forget(HttpConnection *connection, const QHostAddress &peer);

    Limits m_limits;
    RequestHandler &m_handler;
    QTimer m_sweepTimer;
    std::unordered_set<HttpConnection *> m_connections; // children of this server
    QHash<QHostAddress, int> m_perAddress;              // non-loopback peers only
    SSL_CTX *m_tlsContext = nullptr;
};

} // namespace sse
