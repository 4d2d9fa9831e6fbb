#pragma once

#include "eventhistory.h"
#include "serverconfig.h"
#include "servertypes.h"
#include "sseevent.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>
#include <unordered_map>
#include <vector>

class QHttpServer;
class QHttpServerRequest;
class QTcpSocket;

namespace sse {

class GuardedTcpServer;
class StreamHub;
class FanoutPool;

// The SSE server: HTTP routes on QHttpServer, the subscriber hub, history and stats. It lives
// on one thread (ServerController gives it its own); call it only from that thread.
class SseServer : public QObject
{
    Q_OBJECT

public:
    explicit SseServer(ServerConfig config, QObject *parent = nullptr);
    ~SseServer() override;

    // Binds and listens. On failure returns false and a sentence naming address and port.
    bool start(QString *errorMessage = nullptr);
    // Ends every stream cleanly (pending bytes are flushed) and stops listening.
    void stop();
    bool isListening() const;
    quint16 port() const;
    QString url() const;
    const ServerConfig &config() const { return m_config; }

    // Validates, assigns an id when none is given, records in the history (unless targeted at
    // single clients) and queues the encoded bytes; they go to every matching subscriber when
    // control returns to the event loop, together with whatever else was published meanwhile.
    PublishResult publish(SseEvent event, const PublishTarget &target = {});
    // Writes a comment (": text") to the matching subscribers; returns how many got it.
    int sendComment(const QString &text, const QString &channel, const PublishTarget &target = {});
    bool disconnectClient(quint64 clientId);

    QList<ClientInfo> clients() const;
    ServerStats stats() const;

    // Snapshots for a UI: every intervalMs at most, only while enabled (0 disables). Headless
    // mode leaves them off and pays nothing for the traffic log.
    void setSnapshotInterval(int intervalMs);
    // Emits what has accumulated now, for a final snapshot before the server goes away.
    void flushSnapshot();

signals:
    void snapshotReady(const sse::ServerSnapshot &snapshot);

private:
    struct Subscriber
    {
        quint64 id = 0;
        int stream = -1; // handle in the StreamHub
        QString remoteAddress;
        QString userAgent;
        QStringList channels;
        std::vector<size_t> channelSlots; // position in each channel's member list
        QDateTime connectedSince;
        quint64 eventsSent = 0;
        quint64 bytesSent = 0;
        QString lastEventId;
        bool countersChanged = false;
        quint64 lastWriteBeat = ~quint64(0); // heartbeat period of the last write
    };

    using Handler = void (SseServer::*)(const QHttpServerRequest &, QTcpSocket *);

    void addRoute(const QString &path, Handler handler);
    void dispatch(const QHttpServerRequest &request, QTcpSocket *socket, Handler handler);

    void handleStatic(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleEvents(const QHttpServerRequest &request, QTcpSocket *socket);
    void handlePublish(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleSend(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleClients(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleClientDelete(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleStats(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleMetrics(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleHealth(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleMissing(const QHttpServerRequest &request, QTcpSocket *socket);

    // Answers 405 and returns false unless the request uses one of the methods.
    bool requireMethod(const QHttpServerRequest &request, QTcpSocket *socket,
                       const QByteArray &allowed);
    // Publishing needs loopback or the publish token; answers 401 and returns false otherwise.
    bool requirePublisher(const QHttpServerRequest &request, QTcpSocket *socket);
    void answerPublish(QTcpSocket *socket, SseEvent event);

    using SubscriberMap = std::unordered_map<quint64, std::unique_ptr<Subscriber>>;

    void addSubscriber(std::unique_ptr<Subscriber> subscriber);
    // Removes the subscriber from every table (its stream is already closed).
    SubscriberMap::iterator forgetSubscriber(SubscriberMap::iterator it, const QString &reason);
    void onStreamClosed(int stream);
    // Writes and counts bytes; a subscriber whose queue overflows is marked slow.
    void writeTo(Subscriber &subscriber, const QByteArray &bytes);
    void finishWrite(Subscriber &subscriber, const QByteArray &bytes, qsizetype sent);
    // Delivers an event to every member, on several threads when there are many.
    void fanOut(const std::vector<Subscriber *> &members, const QByteArray &bytes,
                const QString &lastEventId, int eventCount);
    // Sends the events published since the last turn of the event loop.
    void deliverPending();
    void dropSlowConsumers();
    void announceEventType(const QString &eventType);
    QByteArray helloEvent(const Subscriber &subscriber, bool historyGap) const;
    void sendHeartbeat();

    void record(TrafficDirection direction, quint64 clientId, const QString &eventType,
                const QString &id, qint64 size, const QString &summary, const QByteArray &raw = {});
    void appendRecord(TrafficRecord entry); // only while snapshots are enabled
    void emitSnapshot();
    ClientInfo clientInfo(const Subscriber &subscriber) const;

    ServerConfig m_config;
    QHttpServer *m_http = nullptr;           // child of this
    GuardedTcpServer *m_tcpServer = nullptr; // child of m_http once bound
    EventHistory m_history;
    QTimer m_heartbeatTimer;
    quint64 m_heartbeatCount = 0; // heartbeat periods so far
    QTimer m_snapshotTimer;
    QElapsedTimer m_uptime;

    quint64 m_nextClientId = 1;
    quint64 m_nextEventId = 1;
    StreamHub *m_streams = nullptr; // child
    std::unique_ptr<FanoutPool> m_fanoutPool;
    std::vector<qsizetype> m_sendResults; // per member of the fan-out under way
    SubscriberMap m_subscribers;
    QHash<int, Subscriber *> m_subscriberByStream;
    QHash<QString, std::vector<Subscriber *>> m_channels;
    std::vector<quint64> m_slowConsumers; // found during a fan-out, dropped right after it

    struct PendingEvent
    {
        QByteArray encoded;
        QString id;
        QString channel;
        PublishTarget target;
    };
    std::vector<PendingEvent> m_pendingEvents; // published, not yet sent
    bool m_deliveryScheduled = false;
    QStringList m_eventTypes; // announced to pages so they listen for each type

    ServerStats m_stats;

    // Snapshot accumulation, used only while snapshots are enabled.
    bool m_snapshotsEnabled = false;
    QList<ClientInfo> m_pendingConnected;
    QList<quint64> m_pendingDisconnected;
    QList<TrafficRecord> m_pendingTraffic;
    quint64 m_pendingTrafficDropped = 0;
    int m_snapshotTick = 0;
};

} // namespace sse
