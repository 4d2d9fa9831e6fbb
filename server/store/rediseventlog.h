#pragma once

#include "eventlog.h"
#include "memoryeventlog.h"
#include "redisconnection.h"

#include <QJsonObject>
#include <QObject>
#include <QTimer>

namespace sse {

// The event log as a Redis stream that several servers share (docs/scaling.md):
// - append runs one script that takes the next number from a counter and adds the event to
//   the stream under it (XADD … MAXLEN ~), so ids are plain integers across the cluster; the
//   publisher is answered once Redis has it;
// - every server reads the stream back with XREAD BLOCK on a connection of its own and hands
//   each event to the broker (Listener::logDelivered): all servers deliver the same events in
//   the same order, whoever published them;
// - what was read is mirrored in memory, up to the history size, for Last-Event-ID replay and
//   the history panel; the mirror is filled from the stream at start.
// When Redis goes away, appends are refused at once (503), the connections are made again
// with back-off, and reading resumes after the last entry read. A Redis that came back empty
// (a new epoch key) or trimmed entries this server had not read is reported as a gap.
class RedisEventLog : public QObject, public EventLog
{
    Q_OBJECT

public:
    RedisEventLog(RedisEndpoint endpoint, int capacity, QObject *parent = nullptr);
    ~RedisEventLog() override;

    QString open() override;
    // Ends both connections; appends still waiting are answered as unavailable.
    void close() override;
    void append(SseEvent event, const QString &scope, bool keep, AppendDone done) override;
    ReplayStart replayStart(const QString &lastEventId, bool inclusive = false) const override;
    ReplayPage replayPage(ReplayCursor &cursor, const QStringList &channels,
                          qint64 maxBytes) const override
    {
        return m_mirror.replayPage(cursor, channels, maxBytes);
    }
    int replayCount(const ReplayCursor &cursor, const QStringList &channels) const override
    {
        return m_mirror.replayCount(cursor, channels);
    }
    HistoryPage history(const HistoryFilter &filter, int offset, int limit) const override;
    // Empties the stream for every server (each clears its mirror when it reads the order).
    void clear() override;
    int size() const override { return m_mirror.size(); }
    QString nextId() const override { return {}; } // only Redis knows
    Status status() const override;
    void setListener(Listener *listener) override { m_listener = listener; }

    const RedisEndpoint &endpoint() const { return m_endpoint; }
    // A key under the prefix; the braces make every key of one prefix hash to one Redis
    // Cluster slot.
    QByteArray key(const char *name) const;
    // A command on the shared (non-blocking) connection; false when Redis is not reachable.
    bool run(const QList<QByteArray> &args, RedisConnection::Callback callback);
    // Adds a message to the control stream, which every server reads with the events.
    void sendControl(const QJsonObject &message);

signals:
    void controlMessage(const QJsonObject &message);
    void statusChanged();

private:
    // The 503 sentence: reason, else why Redis was lost, else "not connected".
    QString unavailableError(const QString &reason = {}) const;
    void sendAppend(QList<QByteArray> args, SseEvent event, bool keep, AppendDone done);
    void connectAgain();
    void onConnected();
    void onLost(const QString &reason);
    void resume();
    void readNext();
    void readEntries(const RedisReply &entries, bool control);
    void signalGap(const QString &reason);

    RedisEndpoint m_endpoint;
    int m_capacity;
    int m_streamLength; // MAXLEN ~ of the stream: at least the history, room for a slow reader
    MemoryEventLog m_mirror;
    Listener *m_listener = nullptr;
    RedisConnection m_commands;
    RedisConnection m_reader; // only XREAD BLOCK: a blocked connection can do nothing else
    QTimer m_reconnectTimer;
    int m_backoffMs;
    bool m_available = false;
    bool m_resuming = false;
    QString m_error;
    quint64 m_reconnects = 0;
    quint64 m_gaps = 0;
    QByteArray m_epoch;        // the store's identity; a new one means it came back empty
    QByteArray m_lastEventsId; // the last stream entry read
    QByteArray m_lastControlId;
    quint64 m_highestNumber = 0; // the highest counter value seen: never handed out again
};

} // namespace sse
