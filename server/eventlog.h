#pragma once

#include "sseevent.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace sse {

// Where published events are kept for Last-Event-ID replay, and where ids come from. The
// broker appends every event here before it goes to anyone, so a log may:
// - assign the id (a shared log hands out ids that are increasing across instances);
// - answer later (a remote log accepts the event asynchronously; the publish is answered then).
// Implementations: MemoryEventLog (a bounded ring), later an SQLite file and Redis Streams.
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

    // What the log made of an append: the final id and the encoded bytes to deliver, or why
    // it refused the event (then nothing was stored and nothing is delivered).
    struct Appended
    {
        QString id;
        QByteArray encoded;
        QString error;
    };
    using AppendDone = std::function<void(const Appended &)>;

    // The scope of events sent to every subscriber, whatever their channels.
    static inline const QString AllChannels = QStringLiteral("*");

    virtual ~EventLog() = default;

    // Gives the event the next id when it has none, encodes it, keeps it under scope (a
    // channel or AllChannels) unless keep is false (events for chosen clients only are not
    // replayed), and calls done once the log has accepted it: at once, or later from the
    // event loop. The event must be valid (validateEvent).
    virtual void append(SseEvent event, const QString &scope, bool keep, AppendDone done) = 0;

    // Events after lastEventId whose scope is AllChannels or one of channels. When the id is
    // not held, all that matches is returned along with the kind of gap.
    virtual Replay replayAfter(const QString &lastEventId, const QStringList &channels) const = 0;

    // Events held now.
    virtual int size() const = 0;

    // The id the next event published without one will get, so the window can show it before
    // sending; empty when the log cannot tell without asking elsewhere.
    virtual QString nextId() const = 0;
};

} // namespace sse
