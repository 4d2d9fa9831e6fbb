#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QTcpServer>
#include <QTimer>

#include <functional>

class QTcpSocket;

namespace sse {

// A QTcpServer that polices connections before QHttpServer sees them: it caps how many are
// open (503), answers 408 to requests not finished within the idle timeout, and 413 to
// requests larger than the limit (QHttpServerRequest in Qt 6.4 bounds neither headers nor
// time). Each refusal is read by the client before the connection closes (lingering close). Streams
// leave this server's care once SseServer hands them to its StreamHub.
class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    struct Limits
    {
        int maxConnections = 10000;
        qint64 maxRequestBytes = 1024 * 1024 + 64 * 1024;
        int idleTimeoutMs = 10000;
    };

    explicit GuardedTcpServer(Limits limits, QObject *parent = nullptr);

    // Connections this server accepted and that are still open as plain HTTP connections.
    int connectionCount() const { return m_connectionCount; }
    // Connections handed elsewhere (streams) still count against the cap.
    void setHandedOverCount(std::function<int()> handedOverCount);

    // A complete request on this socket reached a handler: its byte count and clock restart.
    void requestDispatched(QTcpSocket *socket);

signals:
    void connectionRejected(const QString &reason);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    struct PendingRequest
    {
        qint64 receivedBytes = 0;
        qint64 startedMs = 0; // when the connection opened or the last request was dispatched
    };

    void onReadyRead(QTcpSocket *socket);
    void sweepIdleConnections();
    void refuse(QTcpSocket *socket, int status, const QString &message);

    Limits m_limits;
    int m_connectionCount = 0;
    std::function<int()> m_handedOverCount;
    QElapsedTimer m_clock;
    QTimer m_sweepTimer;
    // Open HTTP connections and the request each is receiving.
    QHash<QTcpSocket *, PendingRequest> m_pending;
};

} // namespace sse
