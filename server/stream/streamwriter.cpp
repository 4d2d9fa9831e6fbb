#include "streamwriter.h"

#include "fanoutpool.h"
#include "streamhub.h"
#include "subscriberregistry.h"

#include <algorithm>

namespace sse {

namespace {

// Below this many subscribers waking the other fan-out threads costs more than it saves.
constexpr size_t MinParallelFanout = 256;

void countEvents(Subscriber &subscriber, const QString &lastEventId, int eventCount)
{
    if (eventCount == 0)
        return;
    subscriber.eventsSent += quint64(eventCount);
    subscriber.lastEventId = lastEventId;
}

} // namespace

StreamWriter::StreamWriter(StreamHub &hub, int threads)
    : m_hub(hub)
    , m_pool(std::make_unique<FanoutPool>(std::max(threads, 1) - 1))
{}

StreamWriter::~StreamWriter() = default;

void StreamWriter::write(Subscriber &subscriber, const QByteArray &bytes)
{
    account(subscriber, bytes);
    settle(subscriber, bytes, m_hub.trySend(subscriber.stream, bytes));
}

void StreamWriter::countFed(Subscriber &subscriber, qint64 bytes, int events,
                            const QString &lastEventId)
{
    ++m_streamWrites;
    m_bytesSent += quint64(bytes);
    subscriber.bytesSent += quint64(bytes);
    subscriber.countersChanged = true;
    subscriber.lastWriteBeat = m_beat;
    countEvents(subscriber, lastEventId, events);
}

void StreamWriter::account(Subscriber &subscriber, const QByteArray &bytes)
{
    // Every write to a stream passes here, so the totals are counted once, where they happen.
    ++m_streamWrites;
    m_bytesSent += quint64(bytes.size());
    subscriber.bytesSent += quint64(bytes.size());
    subscriber.countersChanged = true;
    subscriber.lastWriteBeat = m_beat;
}

void StreamWriter::settle(Subscriber &subscriber, const QByteArray &bytes, qsizetype sent)
{
    if (m_hub.finishWrite(subscriber.stream, bytes, sent) == StreamHub::WriteResult::OverLimit)
        m_slowConsumers.push_back(subscriber.id);
    // A closed stream is reported by the hub from the event loop and removed then.
}

void StreamWriter::fanOut(const std::vector<Subscriber *> &members, const QByteArray &bytes,
                          const QString &lastEventId, int eventCount)
{
    const size_t count = members.size();
    // Three passes, so that each subscriber is read from memory once: the accounts while the
    // registry's walk has just brought it into the cache; then the sends (nearly all the
    // cost), which push it out again, on io_uring in batches or one send() each, and with
    // many members on every fan-out thread over its own range and ring; last, only the
    // streams the kernel did not take whole are settled.
    m_handles.resize(count);
    m_sendResults.resize(count);
    for (size_t i = 0; i < count; ++i) {
        Subscriber &subscriber = *members[i];
        m_handles[i] = subscriber.stream;
        account(subscriber, bytes);
        countEvents(subscriber, lastEventId, eventCount);
    }
    if (count < MinParallelFanout || m_pool->threadCount() == 1) {
        m_hub.trySendMany(0, m_handles.data(), count, bytes, m_sendResults.data());
    } else {
        m_pool->run(count, [&](size_t part, size_t begin, size_t end) {
            m_hub.trySendMany(int(part), m_handles.data() + begin, end - begin, bytes,
                              m_sendResults.data() + begin);
        });
    }
    for (size_t i = 0; i < count; ++i) {
        if (m_sendResults[i] != bytes.size())
            settle(*members[i], bytes, m_sendResults[i]);
    }
}

} // namespace sse
