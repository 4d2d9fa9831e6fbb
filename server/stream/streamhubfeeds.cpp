// The feeds of StreamHub (a Last-Event-ID replay read as the socket drains): what a stream
// sends before its queue, pulled a page at a time.
#include "streamhub.h"

namespace sse {

bool StreamHub::feed(int handle, std::unique_ptr<StreamFeed> source)
{
    Stream *s = stream(handle);
    if (!s || s->failed || s->feeding)
        return false;
    Feed &feed = m_feeds[handle];
    feed.source = std::move(source);
    if (s->queue) {
        // What is queued already was written before the feed: it leaves first.
        feed.pending = std::move(*s->queue);
        feed.headOffset = s->headOffset;
        s->queue.reset();
        s->headOffset = 0;
    }
    s->feeding = true;
    // Sent from the event loop, within its budget per turn, like every other queue: a
    // thousand replays starting in one turn do not all send at once.
    if (!s->held)
        setWantsWrite(handle, *s, true);
    return true;
}

bool StreamHub::isFeeding(int handle) const
{
    const Stream *s = stream(handle);
    return s && s->feeding;
}

std::vector<int> StreamHub::takeStalledFeeds()
{
    std::vector<int> stalled;
    for (auto &[handle, feed] : m_feeds) {
        const Stream *s = stream(handle);
        if (s && !s->held && !s->failed && !feed.progressed)
            stalled.push_back(handle);
        feed.progressed = false;
    }
    return stalled;
}

StreamHub::Sent StreamHub::flushFeed(int handle, Stream &s, qint64 &budget)
{
    Feed &feed = m_feeds.at(handle);
    for (;;) {
        if (feed.pending.empty()) {
            if (!feed.source)
                break;
            if (budget <= 0)
                return Sent::Partial;
            if (!feed.source->next(m_feedPageBytes, feed.pending))
                feed.source.reset();
            qint64 pulled = 0;
            for (const QByteArray &bytes : feed.pending)
                pulled += bytes.size();
            addQueued(s, pulled);
            // A page of nothing (a stretch of other channels' events) still cost a read: the
            // next one waits for the next turn, so a long scan never holds the loop.
            if (pulled == 0 && feed.source)
                return Sent::Partial;
            continue;
        }
        const qint64 before = budget;
        const Sent sent = sendQueued(handle, s, feed.pending, feed.headOffset, budget);
        feed.progressed = feed.progressed || budget < before;
        if (sent != Sent::All)
            return sent;
    }
    m_feeds.erase(handle);
    s.feeding = false;
    return Sent::All;
}

} // namespace sse
