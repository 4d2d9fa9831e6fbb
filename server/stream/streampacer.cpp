#include "streampacer.h"

#include "streamhub.h"

#include <algorithm>
#include <vector>

namespace sse {

namespace {

// How often throttled streams get their share: 10 sends a second each, small enough that a
// drip looks smooth, rare enough to cost nothing.
constexpr qint64 TickMs = 100;

} // namespace

StreamPacer::StreamPacer(StreamHub &hub, QObject *parent)
    : QObject(parent)
    , m_hub(hub)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &StreamPacer::onTimer);
    m_clock.start();
}

StreamPacer::~StreamPacer() = default;

void StreamPacer::holdFor(int handle, qint64 ms, std::function<void()> onDue)
{
    Paced &paced = m_streams[handle];
    paced.dueMs = m_clock.elapsed() + std::max<qint64>(ms, 0);
    paced.onDue = std::move(onDue);
    update(handle);
}

void StreamPacer::endHold(int handle)
{
    const auto it = m_streams.find(handle);
    if (it == m_streams.end())
        return;
    it->second.dueMs = -1;
    it->second.onDue = nullptr;
    it->second.creditedAtMs = m_clock.elapsed(); // a held stream earned nothing meanwhile
    update(handle);
}

void StreamPacer::throttle(int handle, qint64 bytesPerSecond)
{
    if (bytesPerSecond <= 0 && m_streams.count(handle) == 0)
        return;
    Paced &paced = m_streams[handle];
    if (paced.bytesPerSecond == 0) {
        paced.credit = 0;
        paced.creditedAtMs = m_clock.elapsed();
    }
    paced.bytesPerSecond = std::max<qint64>(bytesPerSecond, 0);
    update(handle);
}

void StreamPacer::cancel(int handle)
{
    if (m_streams.erase(handle) == 0)
        return;
    m_hub.setHeld(handle, false);
    schedule();
}

void StreamPacer::clear()
{
    m_streams.clear();
    m_timer.stop();
}

void StreamPacer::update(int handle)
{
    const auto it = m_streams.find(handle);
    if (it == m_streams.end())
        return;
    if (it->second.dueMs < 0 && it->second.bytesPerSecond == 0) {
        m_streams.erase(it);
        m_hub.setHeld(handle, false);
    } else {
        m_hub.setHeld(handle, true);
    }
    schedule();
}

void StreamPacer::schedule()
{
    qint64 next = -1;
    for (const auto &[handle, paced] : m_streams) {
        qint64 wake = paced.dueMs;
        if (paced.bytesPerSecond > 0 && paced.dueMs < 0)
            wake = paced.creditedAtMs + TickMs;
        if (wake >= 0 && (next < 0 || wake < next))
            next = wake;
    }
    if (next < 0) {
        m_timer.stop();
        return;
    }
    m_timer.start(int(std::clamp<qint64>(next - m_clock.elapsed(), 0, TickMs * 100)));
}

void StreamPacer::onTimer()
{
    const qint64 now = m_clock.elapsed();
    std::vector<std::pair<int, std::function<void()>>> due;
    for (auto &[handle, paced] : m_streams) {
        if (paced.dueMs >= 0 && paced.dueMs <= now) {
            due.emplace_back(handle, std::move(paced.onDue));
            paced.dueMs = -1;
            paced.onDue = nullptr;
            paced.creditedAtMs = now;
            continue;
        }
        if (paced.bytesPerSecond == 0 || paced.dueMs >= 0 || now < paced.creditedAtMs + TickMs)
            continue;
        paced.credit += double(paced.bytesPerSecond) * double(now - paced.creditedAtMs) / 1000.0;
        paced.creditedAtMs = now;
        paced.credit -= double(m_hub.sendHeld(handle, qint64(paced.credit)));
        // Idle time earns no burst: at most one tick's worth waits for the next event.
        if (m_hub.queuedBytes(handle) == 0)
            paced.credit = std::min(paced.credit, double(paced.bytesPerSecond) * TickMs / 1000.0);
    }
    // The hold ends before onDue runs, which may pace the stream again or write to it.
    for (auto &[handle, onDue] : due) {
        update(handle);
        if (onDue)
            onDue();
    }
    schedule();
}

} // namespace sse
