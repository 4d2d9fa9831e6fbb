#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <deque>

namespace sse {

// A bounded ring of recently published events, looked up by event id for Last-Event-ID replay.
class EventHistory
{
public:
    struct Entry
    {
        quint64 sequence = 0;
        QString id;
        QString channel; // AllChannels for events sent to every subscriber
        QByteArray encoded;
    };

    enum class Gap {
        None,    // the id was found: the replay holds exactly what came after it
        Evicted, // the id was seen but has fallen out of the ring
        Unknown, // the id was never published by this server
    };

    struct Replay
    {
        QList<QByteArray> events;
        Gap gap = Gap::None;
        QString oldestId; // the oldest id still held, for the gap report
    };

    static inline const QString AllChannels = QStringLiteral("*");

    // Holds at most capacity events and maxBytes of encoded bytes, whichever is reached first.
    static constexpr qint64 DefaultMaxBytes = 64 * 1024 * 1024;
    explicit EventHistory(int capacity, qint64 maxBytes = DefaultMaxBytes);

    int capacity() const { return m_capacity; }
    int size() const { return int(m_entries.size()); }
    qint64 bytes() const { return m_bytes; }
    void setCapacity(int capacity);

    void append(const QString &id, const QString &channel, const QByteArray &encoded);

    // Events after lastEventId that match one of the channels. When the id is not held, the
    // whole matching history is returned along with the kind of gap.
    Replay replayAfter(const QString &lastEventId, const QStringList &channels) const;

private:
    void evictOverflow();

    int m_capacity;
    qint64 m_maxBytes;
    qint64 m_bytes = 0;
    quint64 m_nextSequence = 1;
    std::deque<Entry> m_entries;
    QHash<QString, quint64> m_sequenceById; // newest sequence for each id held
    // Sequences of ids that were evicted, so "evicted" can be told apart from "unknown";
    // bounded like the ring itself.
    QHash<QString, quint64> m_evictedIds;
    std::deque<QString> m_evictedOrder;
};

} // namespace sse
