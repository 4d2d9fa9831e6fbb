#include "eventlog.h"

namespace sse {

void EvictedIds::add(const QString &id, size_t limit)
{
    if (m_ids.contains(id))
        return;
    m_ids.insert(id);
    m_order.push_back(id);
    while (m_order.size() > limit) {
        m_ids.remove(m_order.front());
        m_order.pop_front();
    }
}

EventLog::Replay EventLog::replayAfter(const QString &lastEventId, const QStringList &channels,
                                       bool inclusive) const
{
    const ReplayStart start = replayStart(lastEventId, inclusive);
    Replay replay{{}, start.gap, start.oldestId};
    ReplayCursor cursor = start.cursor;
    constexpr qint64 PageBytes = 1024 * 1024;
    while (!cursor.done()) {
        const ReplayPage page = replayPage(cursor, channels, PageBytes);
        replay.events.append(page.events);
    }
    return replay;
}

} // namespace sse
