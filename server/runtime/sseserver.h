#pragma once

#include "eventbroker.h"
#include "serverconfig.h"
#include "servertypes.h"
#include "sseevent.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace sse {

class ClusterService;
class EventLog;
class FaultService;
class HttpApi;
class ScenarioService;
class StreamHub;
class SubscriberRegistry;
class TrafficRecorder;

// The SSE server as one object: it builds the parts and wires them, one way:
// HttpApi (or a caller of publish) → EventBroker → EventLog → SubscriberRegistry → StreamHub.
// It lives on one thread (ServerController gives it its own); call it only from that thread.
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
    // start() failed because the history file cannot be used (the error names it).
    bool historyRefused() const { return m_historyRefused; }

    // Publishes through the broker; done (if given) gets the id and audience size, or why the
    // event was refused. The bytes leave when control returns to the event loop.
    void publish(SseEvent event, const PublishTarget &target = {},
                 EventBroker::PublishDone done = {});
    // Writes a comment (": text") to the matching subscribers; returns how many got it.
    int sendComment(const QString &text, const QString &channel, const PublishTarget &target = {});
    bool disconnectClient(quint64 clientId);
    QList<quint64> disconnectConnection(quint64 clientId);

    // The history panel: a page of the kept events, clearing them, and replaying them to one
    // client (EventBroker::replayTo).
    HistoryPage history(const HistoryFilter &filter, int offset, int limit) const;
    void clearHistory();
    int replayHistory(quint64 clientId, const QString &fromId, QString *error);

    ScenarioService &scenarios() { return *m_scenarios; }
    FaultService &faults() { return *m_faults; }
    // The cluster this instance shares a Redis with; nullptr without --redis.
    ClusterService *cluster() { return m_cluster.get(); }
    // Loads the route specs ("METHOD PATH=FILE") and binds them; on error the sentence naming
    // the spec, and the routes stay as they were.
    QString setRoutes(const QStringList &specs);

    QList<ClientInfo> clients() const;
    ServerStats stats() const;

    // Snapshots for a UI: every intervalMs at most, only while enabled (0 disables). Headless
    // mode leaves them off and pays nothing for the traffic log.
    void setSnapshotInterval(int intervalMs);
    // Emits what has accumulated now, for a final snapshot before the server goes away.
    void flushSnapshot();

    // Which way events reach the sockets (--io), for the log.
    QString ioDescription() const;
    TlsStatus tlsStatus() const;

signals:
    void snapshotReady(const sse::ServerSnapshot &snapshot);

private:
    void emitSnapshot();
    void installStartFaults();
    // A traffic-log line when the event log is lost or back.
    void recordLogStatus();

    ServerConfig m_config;
    // Declared in the order they depend on each other; destroyed in reverse.
    std::unique_ptr<TrafficRecorder> m_recorder;
    std::unique_ptr<EventLog> m_log;
    std::unique_ptr<SubscriberRegistry> m_registry;
    std::unique_ptr<StreamHub> m_hub;
    std::unique_ptr<EventBroker> m_broker;
    std::unique_ptr<ScenarioService> m_scenarios;
    std::unique_ptr<FaultService> m_faults;
    std::unique_ptr<ClusterService> m_cluster;
    std::unique_ptr<HttpApi> m_http;
    QTimer m_snapshotTimer;
    int m_snapshotTick = 0;
    bool m_forceFaults = false; // the next snapshot carries the fault list
    bool m_running = false;
    bool m_historyRefused = false;
};

} // namespace sse
