#pragma once

#include "eventlog.h"
#include "streamfeed.h"

#include <QStringList>

#include <functional>

namespace sse {

// A Last-Event-ID replay as a StreamFeed: the event log's pages, read as the stream drains, so
// a replay of any size never queues more than a page and never keeps the event loop busy.
// What is published meanwhile waits in the stream's queue and follows the replay, since the
// cursor ends at the newest event kept when the replay began. Events trimmed away before
// their turn are reported as a history gap, in the stream, where they would have been.
class ReplayFeed : public StreamFeed
{
public:
    // Told of each page handed to the stream: its bytes, how many events, the last one's id.
    using Progress = std::function<void(qint64 bytes, int events, const QString &lastId)>;

    ReplayFeed(const EventLog &log, EventLog::ReplayCursor cursor, QStringList channels,
               QString lastEventId, bool control, Progress progress);

    bool next(qint64 maxBytes, std::deque<QByteArray> &out) override;

private:
    const EventLog &m_log;
    EventLog::ReplayCursor m_cursor;
    QStringList m_channels;
    QString m_lastEventId; // the last id the stream was given (or came back with)
    bool m_control;        // the stream also gets dashboard.* control events
    Progress m_progress;
};

} // namespace sse
