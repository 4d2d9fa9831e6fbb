#pragma once

#include <QByteArray>
#include <QString>

#include <memory>
#include <vector>

namespace sse {

class FanoutPool;
class StreamHub;
struct Subscriber;

// Writes bytes to subscribers' streams and keeps the accounts every write owes: bytes and
// writes in total and per subscriber, the heartbeat period of the last write, and which
// subscribers went over the slow-consumer limit (dropped by the broker once a fan-out is over,
// so no subscriber list changes while it is walked).
class StreamWriter
{
public:
    // threads: fan-out threads; the hub needs as many send rings.
    StreamWriter(StreamHub &hub, int threads);
    ~StreamWriter();

    void write(Subscriber &subscriber, const QByteArray &bytes);
    // The same implicitly shared bytes to every member, on several threads when there are
    // many. eventCount events (0 for control events) end with lastEventId.
    void fanOut(const std::vector<Subscriber *> &members, const QByteArray &bytes,
                const QString &lastEventId, int eventCount);

    // Counts bytes a stream's feed (a replay) handed the hub: events ending with lastEventId.
    void countFed(Subscriber &subscriber, qint64 bytes, int events, const QString &lastEventId);

    std::vector<quint64> takeSlowConsumers() { return std::exchange(m_slowConsumers, {}); }

    // Heartbeat periods: a stream written to in the current one needs no heartbeat.
    quint64 currentBeat() const { return m_beat; }
    void advanceBeat() { ++m_beat; }

    quint64 streamWrites() const { return m_streamWrites; }
    quint64 bytesSent() const { return m_bytesSent; }

private:
    void account(Subscriber &subscriber, const QByteArray &bytes);
    // Queues what the kernel did not take (sent: trySend()'s answer).
    void settle(Subscriber &subscriber, const QByteArray &bytes, qsizetype sent);

    StreamHub &m_hub;
    std::unique_ptr<FanoutPool> m_pool;
    std::vector<int> m_handles;           // per member of the fan-out under way
    std::vector<qsizetype> m_sendResults; // per member of the fan-out under way
    std::vector<quint64> m_slowConsumers;
    quint64 m_beat = 0;
    quint64 m_streamWrites = 0;
    quint64 m_bytesSent = 0;
};

} // namespace sse
