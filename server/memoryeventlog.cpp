#include "memoryeventlog.h"

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
        store(appended.id, scope, appended.encoded);
    done(appended);
}

void MemoryEventLog::store(const QString &id, const QString &scope, const QByteArray &encoded)
{
    if (m_capacity == 0)
        return;
    const quint64 sequence = m_nextSequence++;
    m_entries.push_back(Entry{sequence, id, scope, encoded});
    m_bytes += encoded.size();
    m_sequenceById.insert(id, sequence);
    m_evictedIds.remove(id);
    evictOverflow();
}

void MemoryEventLog::evictOverflow()
{
    while (int(m_entries.size()) > m_capacity || (m_bytes > m_maxBytes && !m_entries.empty())) {
        const Entry &oldest = m_entries.front();
        const auto it = m_sequenceById.constFind(oldest.id);
        // Only forget the id when no newer event reuses it.
        if (it != m_sequenceById.cend() && it.value() == oldest.sequence) {
            m_sequenceById.erase(it);
            m_evictedIds.insert(oldest.id, oldest.sequence);
            m_evictedOrder.push_back(oldest.id);
        }
        m_bytes -= oldest.encoded.size();
        m_entries.pop_front();
    }
    const auto evictedCapacity = std::max<size_t>(size_t(m_capacity) * 4, 1024);
    while (m_evictedOrder.size() > evictedCapacity) {
        m_evictedIds.remove(m_evictedOrder.front());
        m_evictedOrder.pop_front();
    }
}

EventLog::Replay MemoryEventLog::replayAfter(const QString &lastEventId,
                                             const QStringList &channels) const
{
    Replay replay;
    if (!m_entries.empty())
        replay.oldestId = m_entries.front().id;

    quint64 after = 0;
    const auto found = m_sequenceById.constFind(lastEventId);
    if (found != m_sequenceById.cend())
        after = found.value();
    else
        replay.gap = m_evictedIds.contains(lastEventId) ? Gap::Evicted : Gap::Unknown;

    // Sequences grow along the ring, so the first entry after the id is found by binary search.
    auto it =
        std::upper_bound(m_entries.cbegin(), m_entries.cend(), after,
                         [](quint64 value, const Entry &entry) { return value < entry.sequence; });
    for (; it != m_entries.cend(); ++it) {
        if (it->scope == AllChannels || channels.contains(it->scope))
            replay.events.append(it->encoded);
    }
    return replay;
}

} // namespace sse
