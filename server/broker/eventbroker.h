#pragma once

#include "eventlog.h"
#include "pendingevent.h"
#include "serverconfig.h"
#include "servertypes.h"
#include "sseevent.h"
#include "streamfaults.h"
#include "streamwriter.h"
#include "subscriberregistry.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>
#include <optional>
#include <vector>

namespace sse {

class StreamHub;
class TrafficSink;

// The one way into the streams, whatever the source (HTTP, the dashboard, scenarios): an
// event is validated, appended to the event log (which may assign its id and may answer
// later), queued, and sent to the audience the registry resolves when control returns to the
// event loop. A log shared by several servers (Redis) delivers instead: what it reads back
// reaches the same queue through logDelivered, in the order every server agrees on. It keeps the
// order of everything that reaches a stream: whatever writes outside the queue (a new subscriber's
// replay, a comment, a kick) flushes the queue first. It also owns the heartbeat, slow-consumer
// drops and the server's counters.
class EventBroker : public QObject, private EventLog::Listener
{
    Q_OBJECT

public:
    EventBroker(const ServerConfig &config, EventLog &log, SubscriberRegistry &registry,
                StreamHub &hub, TrafficSink &recorder, QObject *parent = nullptr);
    ~EventBroker() override;

    void start(); // the heartbeat and the uptime clock
    // Sends what is queued, then ends every stream cleanly.
    void stop();

    using PublishDone = std::function<void(const PublishResult &)>;
    // done (if any) gets the id and the audience's size once the log accepted the event, or
    // the reason it was refused; the event reaches the streams on the next event-loop turn,
    // together with whatever else was published meanwhile.
    void publish(SseEvent event, const PublishTarget &target, PublishDone done);
    // Writes a comment (": text") to the audience now; returns how many got it.
    int sendComment(const QString &text, const QString &channel, const PublishTarget &target);
    // Starts a stream on a hub handle: responseHead, then for control listeners the hello,
    // then the replay after the Last-Event-ID. Returns the subscriber's id, or 0 when the
    // stream is already gone.
    quint64 subscribe(int stream, const QByteArray &responseHead, const Subscription &subscription,
                      const QString &remoteAddress);
    bool disconnectClient(quint64 clientId);
    // Ends the client's whole connection: every stream of its HTTP/2 connection, then the
    // connection (GOAWAY); for HTTP/1.1 the stream is the connection. Returns the ids of the
    // clients it ended, empty when the client is gone.
    QList<quint64> disconnectConnection(quint64 clientId);
    // Sends one client the kept events from fromId on (fromId included) in its channels,
    // byte for byte as they were first sent: the history panel's "replay to one client".
    // Returns how many were sent, or -1 and why not (the client left, the id is not kept).
    int replayTo(quint64 clientId, const QString &fromId, QString *error);
    // Ends a stream cleanly once what was published to it has been sent (a route's scenario
    // is over). False when the client is gone already.
    bool finishStream(quint64 clientId);

    // Faults (docs/faults.md). applyFault acts on one client's stream, after what was published
    // before it has gone out; Close and Reset have ended the stream when it returns. nullopt
    // when the client is gone.
    std::optional<StreamFaults::Outcome> applyFault(quint64 clientId, quint64 faultId,
                                                    const FaultSpec &spec);
    void liftFault(quint64 clientId, quint64 faultId);
    // delay-accept: subscribe() after ms; opened gets the id (0 when the stream went away).
    void subscribeLater(qint64 ms, int stream, const QByteArray &responseHead,
                        const Subscription &subscription, const QString &remoteAddress,
                        std::function<void(quint64)> opened);

    void countRejectedConnection() { ++m_stats.rejectedConnections; }
    void countRetryAnswer()
    {
        ++m_stats.rejectedConnections;
        ++m_stats.retryAnswers;
    }
    // Instances sharing the Redis event log, this one included (ClusterService keeps it).
    void setClusterInstances(int instances) { m_stats.clusterInstances = instances; }

    // The connected clients by id; the first limit of them when limit is not negative.
    QList<ClientInfo> clients(int limit = -1) const;
    // Counters of the subscribers whose counters changed since the last call.
    QList<ClientCounters> takeChangedCounters();
    ServerStats stats() const;

signals:
    void subscriberRemoved(quint64 clientId);
    // A fault has finished with a client (a one-shot fired, a stall ended).
    void faultDone(quint64 faultId, quint64 clientId);

private:
    // EventLog::Listener (eventbrokerlog.cpp): a shared log delivers what every server sends.
    void logDelivered(const HistoryEntry &entry, const QString &data) override;
    void logGap(const HistoryGap &gap) override;

    void accepted(const EventLog::Appended &appended, const Audience &audience,
                  const QString &eventType, const QString &summary, const PublishDone &done);
    // Queues an accepted event for its audience, counts and records it; returns the audience's
    // size.
    int deliver(const QByteArray &encoded, const QString &id, const Audience &audience,
                const QString &eventType, const QString &summary);
    void enqueue(PendingEvent event);
    void scheduleFlush();
    // Sends the events queued since the last turn of the event loop.
    void flush();
    void sendRun(const PendingEvent *begin, const PendingEvent *end);
    // Drops the subscribers over their queue limit, then the largest queues while all of them
    // together are over the total limit.
    void dropSlowConsumers();
    void dropSlowConsumer(quint64 clientId, const QString &why);
    // Streams that took nothing of their replay for a whole heartbeat period.
    void dropStalledReplays();
    void announceEventType(const QString &eventType);
    QByteArray helloEvent(const Subscriber &subscriber, bool historyGap) const;
    // Streams the kept events after the cursor to the subscriber as its socket drains.
    void replayFrom(const Subscriber &subscriber, const EventLog::ReplayCursor &cursor,
                    const QString &lastEventId);
    // The dashboard's "client N connected" row, with the bytes the stream started with.
    void recordConnected(const Subscriber &added, const QByteArray &opening);
    void sendHeartbeat();
    void onStreamClosed(int stream);
    void forget(quint64 clientId, const QString &reason);
    ClientInfo clientInfo(const Subscriber &subscriber) const;

    const ServerConfig &m_config;
    EventLog &m_log;
    SubscriberRegistry &m_registry;
    StreamHub &m_hub;
    TrafficSink &m_recorder;
    StreamWriter m_writer;
    StreamFaults m_faults;
    std::vector<PendingEvent> m_pending; // published, not yet sent
    std::vector<PendingEvent> m_sending; // the batch flush() is sending
    std::vector<Subscriber *> m_members; // the audience of the run being sent
    std::vector<Subscriber *> m_faulted; // of those, the ones a fault acts on
    bool m_flushScheduled = false;
    QStringList m_eventTypes; // announced to control listeners so pages listen for each type
    QTimer m_heartbeatTimer;
    QElapsedTimer m_uptime;
    ServerStats m_stats;
};

} // namespace sse
