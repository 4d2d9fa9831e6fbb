#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>

namespace sse {

// The scope of events sent to every subscriber, whatever their channels.
inline const QString AllChannelsScope = QStringLiteral("*");

// One kept event, as the history panel lists it.
struct HistoryEntry
{
    QString id;
    qint64 timeMs = 0; // when it was published (ms since the epoch); 0 when not known
    QString scope;     // its channel, or AllChannelsScope
    QString type;      // the event field; empty for the default, "message"
    QByteArray encoded;
};

// Which kept events a history page holds: every given part must match. text is looked for,
// case-sensitively, in the event as sent (its field lines).
struct HistoryFilter
{
    QString scope;
    QString type; // "message" also matches events sent without an event field
    QString text;

    bool matches(const HistoryEntry &entry) const;
};

// One page of the kept events, newest first.
struct HistoryPage
{
    QList<HistoryEntry> entries;
    int offset = 0;   // of the first entry, counted from the newest match
    int matching = 0; // events that match the filter in all
};

// Events a subscriber asked for that the history cannot give: its Last-Event-ID is evicted or
// unknown, or a shared log lost events. Every stream hears of it as a ": history-gap" comment;
// the subscribers that asked for control events (?control=1) also get dashboard.history-gap.
struct HistoryGap
{
    QString reason;      // "evicted", "unknown", or why a shared log lost events
    QString lastEventId; // the id the client (or the log) had reached; may be empty
    QString oldestId;    // the oldest id the history still holds; empty when it holds none

    QByteArray comment() const;
    QByteArray controlEvent() const;
};

} // namespace sse

Q_DECLARE_METATYPE(sse::HistoryFilter)
Q_DECLARE_METATYPE(sse::HistoryPage)
