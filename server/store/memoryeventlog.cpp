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

std::deque<MemoryEventLog::Entry>::const_iterator MemoryEventLog::firstAfter(quint64 sequence) const
{
    // Sequences grow along the ring: a binary search finds it.
    return std::upper_bound(
        m_entries.cbegin(), m_entries.cend(), sequence,
        [](quint64 value, const Entry &entry) { return value < entry.sequence; });
}

EventLog::ReplayStart MemoryEventLog::replayStart(const QString &lastEventId, bool inclusive) const
{
    ReplayStart start;
    start.oldestId = oldestId();
    start.cursor.generation = m_generation;
    start.cursor.through = qint64(m_nextSequence - 1);
    const auto found = m_sequenceById.constFind(lastEventId);
    if (found != m_sequenceById.cend())
        start.cursor.after = qint64(found.value()) - (inclusive ? 1 : 0);
    else
        start.gap = m_evicted.contains(lastEventId) ? Gap::Evicted : Gap::Unknown;
    if (start.gap != Gap::None) // everything held, from just before the oldest
        start.cursor.after =
            m_entries.empty() ? start.cursor.through : qint64(m_entries.front().sequence) - 1;
    return start;
}

EventLog::ReplayPage MemoryEventLog::replayPage(ReplayCursor &cursor, const QStringList &channels,
                                                qint64 maxBytes) const
{
    // Entries of other channels are skipped a bounded number at a time, so that no page costs
    // more than a moment whatever the ring holds.
    constexpr int MaxScanned = 4096;
    ReplayPage page;
    if (cursor.done())
        return page;
    const quint64 oldest = m_entries.empty() ? m_nextSequence : m_entries.front().sequence;
    if (cursor.generation != m_generation || oldest > quint64(cursor.after) + 1) {
        page.lost = true; // what the replay still had to send was trimmed or cleared
        page.oldestId = oldestId();
        if (cursor.generation != m_generation) {
            cursor.after = cursor.through;
            return page;
        }
    }
    qint64 bytes = 0;
    int scanned = 0;
    auto it = firstAfter(quint64(cursor.after));
    for (; it != m_entries.cend() && qint64(it->sequence) <= cursor.through; ++it) {
        if (bytes >= maxBytes || scanned == MaxScanned)
            break;
        ++scanned;
        cursor.after = qint64(it->sequence);
        const HistoryEntry &entry = it->entry;
        if (entry.scope == AllChannels || channels.contains(entry.scope)) {
            page.events.append(entry.encoded); // shared, not copied
            page.lastId = entry.id;
            bytes += entry.encoded.size();
        }
    }
    if (it == m_entries.cend() || qint64(it->sequence) > cursor.through)
        cursor.after = cursor.through;
    return page;
}

int MemoryEventLog::replayCount(const ReplayCursor &cursor, const QStringList &channels) const
{
    if (cursor.generation != m_generation)
        return 0;
    int count = 0;
    for (auto it = firstAfter(quint64(cursor.after));
         it != m_entries.cend() && qint64(it->sequence) <= cursor.through; ++it) {
        if (it->entry.scope == AllChannels || channels.contains(it->entry.scope))
            ++count;
    }
    return count;
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
    ++m_generation;
}

} // namespace sse
