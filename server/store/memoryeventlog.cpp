#include "memoryeventlog.h"

#include <QDateTime>

#include <algorithm>

namespace sse {

MemoryEventLog::MemoryEventLog(int capacity, qint64 maxBytes)
    : m_capacity(std::max(0, capacity))
    , m_maxBytes(maxBytes)
{}

void MemoryEventLog::setCapacity(int capacity)
{
    m_capacity = std::max(0, capacity);
    evictOverflow();
}

void MemoryEventLog::append(SseEvent event, const QString &scope, bool keep, AppendDone done)
{
    if (event.id.isEmpty())
        event.id = QString::number(m_nextId++);
    Appended appended{event.id, encodeEvent(event), {}};
    if (keep)
        store(appended.id, scope, appended.encoded, event.event,
              QDateTime::currentMSecsSinceEpoch());
    done(appended);
}

void MemoryEventLog::store(const QString &id, const QString &scope, const QByteArray &encoded,
                           const QString &type, qint64 timeMs)
{
    if (m_capacity == 0)
        return;
    const quint64 sequence = m_nextSequence++;
    m_entries.push_back(Entry{sequence, HistoryEntry{id, timeMs, scope, type, encoded}});
    m_bytes += encoded.size();
    m_sequenceById.insert(id, sequence);
    m_evicted.forget(id);
    evictOverflow();
}

void MemoryEventLog::evictOverflow()
{
    while (int(m_entries.size()) > m_capacity || (m_bytes > m_maxBytes && !m_entries.empty()))
        evictOldest();
}

void MemoryEventLog::evictOldest()
{
    const Entry &oldest = m_entries.front();
    const auto it = m_sequenceById.constFind(oldest.entry.id);
    // Only forget the id when no newer event reuses it.
    if (it != m_sequenceById.cend() && it.value() == oldest.sequence) {
        m_sequenceById.erase(it);
        m_evicted.add(oldest.entry.id, EvictedIds::limitFor(m_capacity));
    }
    m_bytes -= oldest.entry.encoded.size();
    m_entries.pop_front();
}

EventLog::Replay MemoryEventLog::replayAfter(const QString &lastEventId,
                                             const QStringList &channels, bool inclusive) const
{
    Replay replay;
    if (!m_entries.empty())
        replay.oldestId = m_entries.front().entry.id;

    quint64 after = 0;
    const auto found = m_sequenceById.constFind(lastEventId);
    if (found != m_sequenceById.cend())
        after = found.value() - (inclusive ? 1 : 0);
    else
        replay.gap = m_evicted.contains(lastEventId) ? Gap::Evicted : Gap::Unknown;

    // Sequences grow along the ring, so the first entry after the id is found by binary search.
    auto it =
        std::upper_bound(m_entries.cbegin(), m_entries.cend(), after,
                         [](quint64 value, const Entry &entry) { return value < entry.sequence; });
    for (; it != m_entries.cend(); ++it) {
        const HistoryEntry &entry = it->entry;
        if (entry.scope == AllChannels || channels.contains(entry.scope))
            replay.events.append(entry.encoded);
    }
    return replay;
}

HistoryPage MemoryEventLog::history(const HistoryFilter &filter, int offset, int limit) const
{
    HistoryPage page;
    page.offset = offset;
    for (auto it = m_entries.crbegin(); it != m_entries.crend(); ++it) {
        if (!filter.matches(it->entry))
            continue;
        if (page.matching >= offset && page.entries.size() < limit)
            page.entries.append(it->entry);
        ++page.matching;
    }
    return page;
}

void MemoryEventLog::clear()
{
    // Cleared ids count as evicted: a client that comes back with one hears of the gap.
    while (!m_entries.empty())
        evictOldest();
}

} // namespace sse
