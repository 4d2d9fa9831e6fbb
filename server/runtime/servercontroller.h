#pragma once

#include "eventlog.h"
#include "faultspec.h"
#include "scenario.h"
#include "scenarioplayer.h"
#include "serverconfig.h"
#include "servertypes.h"
#include "sseevent.h"

#include <QObject>
#include <QThread>

namespace sse {

class SseServer;

// Runs an SseServer on its own thread with its own event loop. Every call returns at once;
// results come back as queued signals, and the UI receives batched snapshots instead of one
// signal per event.
class ServerController : public QObject
{
    Q_OBJECT

public:
    explicit ServerController(QObject *parent = nullptr);
    ~ServerController() override;

    // Starts (or restarts) the server; answers with started() or startFailed().
    // snapshotIntervalMs 0 turns snapshots off (headless mode).
    void start(const sse::ServerConfig &config, int snapshotIntervalMs = 100);
    // Ends every stream cleanly; answers with stopped().
    void stop();

    bool isRunning() const { return m_running; }
    QString url() const { return m_url; }
    QString token() const { return m_token; }
    // How events reach the sockets (--io), once started: a sentence for the log.
    QString ioDescription() const { return m_ioDescription; }
    // HTTPS as served, once started.
    TlsStatus tlsStatus() const { return m_tlsStatus; }
    quint16 port() const { return m_port; }

    void publish(const sse::SseEvent &event, const sse::PublishTarget &target = {});
    void sendComment(const QString &text, const QString &channel,
                     const sse::PublishTarget &target = {});
    void disconnectClient(quint64 clientId);
    // Every stream of the client's connection, and the connection (HTTP/2).
    void disconnectConnection(quint64 clientId);

    // Scenario playback. tag is the caller's, handed back with scenarioStarted() or
    // scenarioFailed(); progress arrives with every snapshot (ServerSnapshot::playbacks).
    void playScenario(quint64 tag, const sse::Scenario &scenario,
                      const sse::PlaybackOptions &options);
    void pauseScenario(quint64 playbackId);
    void resumeScenario(quint64 playbackId);
    void stopScenario(quint64 playbackId);
    void setScenarioSpeed(quint64 playbackId, double speed);
    // Replaces the scenario routes ("METHOD PATH=FILE"); answers with routesApplied(), whose
    // error names the first bad spec (then the routes are unchanged).
    void setRoutes(const QStringList &specs);

    // Faults (docs/faults.md): answers with faultInstalled() or faultRefused(), whose message
    // names the field; the list arrives with the snapshots (ServerSnapshot::faults).
    void installFault(const sse::FaultSpec &spec);
    void removeFault(quint64 faultId);
    void removeAllFaults();
    // The chaos preset; answers with chaosRefused() when the options are not acceptable.
    void startChaos(const sse::ChaosOptions &options);
    void stopChaos();

    // The history panel. queryHistory answers with historyPage() (tag is the caller's; an
    // empty page when the server is not running), clearHistory with historyCleared(), and
    // replayHistory with historyReplayed(), whose error says why nothing was sent.
    void queryHistory(quint64 tag, const sse::HistoryFilter &filter, int offset, int limit);
    void clearHistory();
    void replayHistory(quint64 clientId, const QString &fromId);

    // Disconnects a client of any instance sharing this one's Redis (docs/scaling.md): this
    // instance's at once, another's through the cluster's control stream. Answers with
    // clusterDisconnectRefused() when the instance is unknown or this one runs alone.
    void disconnectClusterClient(const QString &instanceId, quint64 clientId);

signals:
    void started(const QString &url, const QString &token, quint16 port);
    void startFailed(const QString &message);
    // After startFailed(), when what failed was opening the history file (message names it):
    // a window can offer to run with the history in memory.
    void historyFileRefused(const QString &message);
    void stopped();
    void snapshotReady(const sse::ServerSnapshot &snapshot);
    void publishFinished(const sse::PublishResult &result);
    void scenarioStarted(quint64 tag, quint64 playbackId);
    void scenarioFailed(quint64 tag, const QString &message);
    void routesApplied(const QString &error);
    void faultInstalled(quint64 faultId, int applied);
    void faultRefused(const QString &message);
    void chaosRefused(const QString &message);
    void historyPage(quint64 tag, const sse::HistoryPage &page);
    void historyCleared();
    void historyReplayed(quint64 clientId, int events, const QString &error);
    void clusterDisconnectRefused(const QString &instanceId, quint64 clientId,
                                  const QString &message);

private:
    // Runs function on the server thread, where the server lives.
    template<typename Function>
    void onServerThread(Function function)
    {
        QMetaObject::invokeMethod(m_threadContext, std::move(function), Qt::QueuedConnection);
    }
    void stopOnServerThread();

    QThread m_thread;
    QObject *m_threadContext = nullptr; // lives on m_thread; deleted when it finishes
    SseServer *m_server = nullptr;      // touched only on m_thread
    bool m_running = false;
    QString m_url;
    QString m_token;
    QString m_ioDescription;
    TlsStatus m_tlsStatus;
    quint16 m_port = 0;
};

} // namespace sse
