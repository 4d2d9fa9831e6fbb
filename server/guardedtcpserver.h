#pragma once

#include "requestframer.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QTcpServer>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>

class QTcpSocket;

namespace sse {

// The request gate: a QTcpServer that polices connections before QHttpServer sees them.
// - Caps: connections that are not streams have their own cap, and a per-address cap for
//   non-loopback peers, so idle sockets cannot crowd out subscribers (503).
// - Framing: a connection's bytes go through a RequestFramer (libhttp-parser, strict), and
//   QHttpServer is handed one complete, valid request at a time. Malformed requests get
//   their status (400, 413, 414, 417, 431, 501, 505) from here and never reach Qt.
// - Time: a request not complete within the idle timeout gets 408; an idle keep-alive
//   connection just closes.
// - Order: a pipelined request is handed on only once the answers before it are written,
//   so a GET /events after other requests starts its stream after their answers.
// - Expect: 100-continue gets 100, or its refusal before the body is sent.
// Each refusal is read by the client before the connection closes (lingering close).
// Streams leave this server's care once HttpApi hands them to its StreamHub.
class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    struct Limits
    {
        int maxHttpConnections = 1024;
        int maxConnectionsPerAddress = 64;
        int idleTimeoutMs = 10000;
        RequestFramer::Limits request;
    };

    // How the connection of the request being answered goes on.
    enum class Persistence {
        KeepAlive,
        KeepAliveHttp10, // HTTP/1.0 with Connection: keep-alive: the answer must say so too
        Close,           // HTTP/1.0, or Connection: close: closed after the answer
    };

    // For Expect: 100-continue: a refusal the request would get anyway, decided on its head.
    using ContinueCheck =
        std::function<std::optional<HttpError>(const RequestHead &, const QHostAddress &peer)>;

    explicit GuardedTcpServer(Limits limits, QObject *parent = nullptr);
    ~GuardedTcpServer() override;

    // Connections this server accepted that are still plain HTTP connections.
    int connectionCount() const { return int(m_connections.size()); }
    void setContinueCheck(ContinueCheck check) { m_continueCheck = std::move(check); }
    Persistence persistence(QTcpSocket *socket) const;

signals:
    void connectionRejected(const QString &reason);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    struct Connection
    {
        std::unique_ptr<RequestFramer> framer;
        QHostAddress peer;
        qint64 startedMs = 0; // when the connection opened or its last request was handed on
        Persistence persistence = Persistence::KeepAlive;
        bool awaitingWrites = false; // a request waits for earlier answers to be written
        bool handedOn = false;       // Qt is reading a request in this readyRead
        bool refused = false;        // answered and closing; still counted while it lingers
    };

    void onReadyRead(QTcpSocket *socket);
    void afterQtRead(QTcpSocket *socket);
    void handOnNextRequest(QTcpSocket *socket, Connection &connection);
    void answerExpectation(QTcpSocket *socket, Connection &connection, const RequestHead &head);
    void sweepIdleConnections();
    void forget(QTcpSocket *socket);
    void refuse(QTcpSocket *socket, const HttpError &error);

    Limits m_limits;
    ContinueCheck m_continueCheck;
    QElapsedTimer m_clock;
    QTimer m_sweepTimer;
    std::unordered_map<QTcpSocket *, Connection> m_connections;
    QHash<QHostAddress, int> m_perAddress; // non-loopback peers only
};

} // namespace sse
