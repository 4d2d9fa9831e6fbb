#pragma once

#include "eventlog.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <deque>

namespace sse {

// The event log in memory: a bounded ring of recently published events, looked up by event id
// for Last-Event-ID replay. Ids it assigns are increasing integers from 1; it answers every
// append at once.
class MemoryEventLog : public EventLog
{
public:
    // Holds at most capacity events and maxBytes of encoded bytes, whichever is reached first.
    static constexpr qint64 DefaultMaxBytes = 64 * 1024 * 1024;
    explicit MemoryEventLog(int capacity, qint64 maxBytes = DefaultMaxBytes);

    void append(SseEvent event, const QString &scope, bool keep, AppendDone done) override;
    ReplayStart replayStart(const QString &lastEventId, bool inclusive = false) const override;
    ReplayPage replayPage(ReplayCursor &cursor, const QStringList &channels,
                          qint64 maxBytes) const override;
    int replayCount(const ReplayCursor &cursor, const QStringList &channels) const override;
    HistoryPage history(const HistoryFilter &filter, int offset, int limit) const override;
    void clear() override;
    int size() const override { return int(m_entries.size()); }
    QString nextId() const override { return QString::number(m_nextId); }
    // The id of the newest event held; empty when none is.
    QString newestId() const { return m_entries.empty() ? QString() : m_entries.back().entry.id; }
    QString oldestId() const { return m_entries.empty() ? QString() : m_entries.front().entry.id; }

    int capacity() const { return m_capacity; }
    qint64 bytes() const { return m_bytes; }
    void setCapacity(int capacity);

    // An id that was published but is not held (cleared before it could be kept) reads as
    // evicted rather than unknown.
    void markEvicted(const QString &id)
    {
        if (!m_sequenceById.contains(id))
            m_evicted.add(id, EvictedIds::limitFor(m_capacity));
    }

    // Keeps already encoded bytes under an id; the ring part of append().
    void store(const QString &id, const QString &scope, const QByteArray &encoded,
               const QString &type = {}, qint64 timeMs = 0);

private:
    struct Entry
    {
        quint64 sequence = 0;
        HistoryEntry entry;
    };

    // The first entry whose sequence is after the given one.
    std::deque<Entry>::const_iterator firstAfter(quint64 sequence) const;
    void evictOverflow();
    void evictOldest();

    int m_capacity;
    qint64 m_maxBytes;
    qint64 m_bytes = 0;
    quint64 m_nextId = 1;
    quint64 m_nextSequence = 1;
    quint64 m_generation = 0; // counts clear() calls, for replay cursors
    std::deque<Entry> m_entries;
    QHash<QString, quint64> m_sequenceById; // newest sequence for each id held
    EvictedIds m_evicted;
};

} // namespace sse
