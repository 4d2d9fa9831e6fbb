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
    finishWrite(subscriber, bytes, m_hub.trySend(subscriber.stream, bytes));
}

void StreamWriter::finishWrite(Subscriber &subscriber, const QByteArray &bytes, qsizetype sent)
{
    // Every write to a stream passes here, so the totals are counted once, where they happen.
    ++m_streamWrites;
    m_bytesSent += quint64(bytes.size());
    subscriber.bytesSent += quint64(bytes.size());
    subscriber.countersChanged = true;
    subscriber.lastWriteBeat = m_beat;
    if (m_hub.finishWrite(subscriber.stream, bytes, sent) == StreamHub::WriteResult::OverLimit)
        m_slowConsumers.push_back(subscriber.id);
    // A closed stream is reported by the hub from the event loop and removed then.
}

void StreamWriter::fanOut(const std::vector<Subscriber *> &members, const QByteArray &bytes,
                          const QString &lastEventId, int eventCount)
{
    const size_t count = members.size();
    // The sends (nearly all the cost) go first, on io_uring in batches or one send() each,
    // and with many members on every fan-out thread over its own range and ring; the
    // bookkeeping follows on this thread.
    m_handles.resize(count);
    m_sendResults.resize(count);
    for (size_t i = 0; i < count; ++i)
        m_handles[i] = members[i]->stream;
    if (count < MinParallelFanout || m_pool->threadCount() == 1) {
        m_hub.trySendMany(0, m_handles.data(), count, bytes, m_sendResults.data());
    } else {
        m_pool->run(count, [&](size_t part, size_t begin, size_t end) {
            m_hub.trySendMany(int(part), m_handles.data() + begin, end - begin, bytes,
                              m_sendResults.data() + begin);
        });
    }
    for (size_t i = 0; i < count; ++i) {
        finishWrite(*members[i], bytes, m_sendResults[i]);
        countEvents(*members[i], lastEventId, eventCount);
    }
}

} // namespace sse
