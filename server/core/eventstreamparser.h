#pragma once

#include "scenario.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

namespace sse {

// Reads text/event-stream bytes the way the WHATWG HTML standard tells EventSource to
// ("Interpreting an event stream"): one leading BOM is skipped; lines end with CRLF, LF or a
// lone CR (a CR at the end of a chunk waits for the next byte); ':' lines are comments; a
// field without a colon has an empty value; one space after the colon is dropped; data lines
// join with LF; an empty data buffer dispatches nothing; ids with NUL and retry values that
// are not all digits are ignored; an unterminated event at the end is never dispatched.
// Bytes may arrive split anywhere. No sockets: the recorder and tests feed it.
class EventStreamParser
{
public:
    struct Event
    {
        QString type; // as the stream named it; empty for the default, "message"
        QString data;
        QString id; // the id field of this event's block, when it had one
        bool hasId = false;
        QString retry;       // a valid retry field of this event's block
        QString lastEventId; // the stream's last event id when the event was dispatched
    };

    static constexpr qsizetype MaxLineBytes = 16 * 1024 * 1024;

    // Parses what it can; false once a line or an event outgrows MaxLineBytes (then the
    // stream cannot be followed any further).
    bool feed(QByteArrayView bytes);
    QList<Event> takeEvents() { return std::exchange(m_events, {}); }
    // A retry field in a block that dispatched nothing (a retry on its own).
    QString takeLoneRetry() { return std::exchange(m_loneRetry, {}); }
    int commentCount() const { return m_comments; }

private:
    void processLine(QByteArrayView line);
    void dispatch();

    QByteArray m_pending;        // bytes of an unfinished line
    bool m_started = false;      // the BOM check is done
    bool m_skipLineFeed = false; // the last chunk ended in CR: a leading LF belongs to it
    QString m_type;
    QString m_data;
    bool m_hasData = false;
    QString m_id;
    bool m_hasId = false;
    QString m_retry;
    QString m_lastEventId;
    QString m_loneRetry;
    QList<Event> m_events;
    int m_comments = 0;
};

// A parsed event as a scenario step, with no delay and no channel; nothing when the publish
// rules would refuse it (the server's own dashboard.* events, names or ids they reject), so
// whatever is made of a recorded stream always plays back.
std::optional<ScenarioStep> scenarioStepFor(const EventStreamParser::Event &event);

} // namespace sse
