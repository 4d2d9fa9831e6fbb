#pragma once

#include "history.h"
#include "sseevent.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QSet>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <deque>
#include <functional>

namespace sse {

// Where published events are kept for Last-Event-ID replay, and where ids come from. The
// broker appends every event here before it goes to anyone, so a log may:
// - assign the id (a shared log hands out ids that are increasing across instances);
// - answer later (a remote log accepts the event asynchronously; the publish is answered then).
// Implementations: MemoryEventLog (a bounded ring), SqliteEventLog (a file that survives
// restarts), RedisEventLog (a Redis stream shared by several servers, docs/scaling.md).

// Ids of events a log no longer holds (trimmed or cleared), so a client that comes back with
// one hears "evicted" rather than "unknown". Bounded: past the limit the oldest are forgotten.
class EvictedIds
{
public:
    // At least 1024, else four times the log's capacity.
    static size_t limitFor(int capacity) { return std::max<size_t>(size_t(capacity) * 4, 1024); }

    void add(const QString &id, size_t limit);
    // The id is held again (published anew).
    void forget(const QString &id) { m_ids.remove(id); }
    bool contains(const QString &id) const { return m_ids.contains(id); }

private:
    QSet<QString> m_ids;
    std::deque<QString> m_order; // oldest first; may name ids forgotten since
};

class EventLog
{
public:
    enum class Gap {
        None,    // the id was found: the replay holds exactly what came after it
        Evicted, // the id was seen but has been trimmed away
        Unknown, // the id was never published here
    };

    struct Replay
    {
        QList<QByteArray> events;
        Gap gap = Gap::None;
        QString oldestId; // the oldest id still held, for the gap report
    };

    // Where a replay stands, in the log's own order of kept events (sequences): what is after
    // `after`, up to and including `through`, is still to be read. `through` is the newest
    // event when the replay began: what comes later reaches the subscriber live.
    struct ReplayCursor
    {
        qint64 after = 0;
        qint64 through = 0;
        quint64 generation = 0; // clear() starts a new one; a cursor of an older one is void
        bool done() const { return after >= through; }
    };
    struct ReplayStart
    {
        ReplayCursor cursor;
        Gap gap = Gap::None;
        QString oldestId; // the oldest id still held, for the gap report
    };
    // One bounded step of a replay.
    struct ReplayPage
    {
        QList<QByteArray> events; // encoded, shared with the log where it keeps them in memory
        QString lastId;           // of the last event in events
        // Events the replay had still to send were trimmed or cleared away meanwhile.
        bool lost = false;
        QString oldestId; // the oldest id held, when lost
    };

    // What the log made of an append: the final id and the encoded bytes to deliver, or why
    // it refused the event (then nothing was stored and nothing is delivered).
    struct Appended
    {
        QString id;
        QByteArray encoded;
        QString error;
        bool unavailable = false; // the log could not store it (a storage error, not the event)
        // The log hands the event to the streams itself (Listener::logDelivered), in the order
        // every server sharing it agrees on; the broker only answers the publisher.
        bool deliveredByLog = false;
    };
    using AppendDone = std::function<void(const Appended &)>;

    // How the log is doing, for /api/stats, /metrics and the dashboard.
    struct Status
    {
        QString backend = QStringLiteral("memory"); // memory, sqlite or redis
        QString location;                           // the file or the Redis URL
        bool available = true;
        QString error;          // why it is not available
        quint64 reconnects = 0; // connections lost and made again
        quint64 gaps = 0;       // history gaps signalled (a store that lost events)
    };

    // What a log shared with other servers tells the broker.
    class Listener
    {
    public:
        virtual ~Listener() = default;
        // An event to send to the streams, in the shared order; data is its text, for the
        // traffic log.
        virtual void logDelivered(const HistoryEntry &entry, const QString &data) = 0;
        // Events may have been lost (the store came back empty, or trimmed what this server
        // had not read yet): every stream hears of the gap.
        virtual void logGap(const HistoryGap &gap) = 0;
    };

    // The scope of events sent to every subscriber, whatever their channels.
    static inline const QString &AllChannels = AllChannelsScope;

    virtual ~EventLog() = default;

    // Makes the log ready before the server listens; a sentence naming what is wrong (for a
    // file: its path and the reason) when it cannot be used.
    virtual QString open() { return {}; }

    // Gives the event the next id when it has none, encodes it, keeps it under scope (a
    // channel or AllChannels) unless keep is false (events for chosen clients only are not
    // replayed), and calls done once the log has accepted it: at once, or later from the
    // event loop. The event must be valid (validateEvent).
    virtual void append(SseEvent event, const QString &scope, bool keep, AppendDone done) = 0;
    // Answers every append made so far now (before the server stops).
    virtual void finishAppends() {}
    // Lets go of what open() took (connections), once the server stops.
    virtual void close() {}

    // Where a replay of the events after lastEventId (from it, when inclusive) starts. When the
    // id is not held, the replay holds everything kept, along with the kind of gap. Events
    // appended but not yet accepted (done not called) are never part of it: they reach a new
    // subscriber through the fan-out.
    virtual ReplayStart replayStart(const QString &lastEventId, bool inclusive = false) const = 0;
    // The next events of the replay whose scope is AllChannels or one of channels: whole
    // events, about maxBytes of them (at least one while any is left), and the cursor moves
    // past them. Reads are bounded, so a replay of any size can be streamed as the socket
    // drains (EventBroker's ReplayFeed).
    virtual ReplayPage replayPage(ReplayCursor &cursor, const QStringList &channels,
                                  qint64 maxBytes) const = 0;
    // How many events the replay from cursor holds for channels (the operator's resend says
    // how many it sends).
    virtual int replayCount(const ReplayCursor &cursor, const QStringList &channels) const = 0;
    // The whole replay at once (tests).
    Replay replayAfter(const QString &lastEventId, const QStringList &channels,
                       bool inclusive = false) const;

    // A page of the kept events, newest first, for the history panel.
    virtual HistoryPage history(const HistoryFilter &filter, int offset, int limit) const = 0;
    // Forgets every kept event; ids go on from where they were.
    virtual void clear() = 0;

    // Events held now.
    virtual int size() const = 0;

    virtual Status status() const { return {}; }
    // Set by the broker before open() for logs that deliver events themselves.
    virtual void setListener(Listener *) {}

    // The id the next event published without one will get, so the window can show it before
    // sending; empty when the log cannot tell without asking elsewhere.
    virtual QString nextId() const = 0;
};

} // namespace sse
