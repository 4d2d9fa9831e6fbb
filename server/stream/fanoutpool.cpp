#include "fanoutpool.h"

#include <algorithm>

namespace sse {

namespace {

// The [begin, end) of part `part` out of `parts` over `count` items.
std::pair<size_t, size_t> partRange(size_t count, size_t part, size_t parts)
{
    return {count * part / parts, count * (part + 1) / parts};
}

} // namespace

FanoutPool::FanoutPool(int helperThreads)
    : m_parts(size_t(std::max(helperThreads, 0)) + 1)
{
    for (int i = 0; i < helperThreads; ++i)
        m_helpers.emplace_back([this, i] { helperLoop(size_t(i) + 1); });
}

FanoutPool::~FanoutPool()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    for (std::thread &helper : m_helpers)
        helper.join();
}

void FanoutPool::run(size_t count, const Job &job)
{
    const size_t parts = m_parts;
    if (parts == 1 || count < parts) {
        job(0, 0, count);
        return;
    }
    {
        std::lock_guard lock(m_mutex);
        m_job = &job;
        m_count = count;
        m_pending = int(m_helpers.size());
        ++m_generation;
    }
    m_wake.notify_all();
    const auto [begin, end] = partRange(count, 0, parts);
    job(0, begin, end);
    std::unique_lock lock(m_mutex);
    m_done.wait(lock, [this] { return m_pending == 0; });
    m_job = nullptr;
}

void FanoutPool::helperLoop(size_t part)
{
    unsigned long seen = 0;
    for (;;) {
        const Job *job = nullptr;
        size_t count = 0;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [&] { return m_stopping || m_generation != seen; });
            if (m_stopping)
                return;
            seen = m_generation;
            job = m_job;
            count = m_count;
        }
        const auto [begin, end] = partRange(count, part, m_parts);
        (*job)(part, begin, end);
        {
            std::lock_guard lock(m_mutex);
            --m_pending;
        }
        m_done.notify_one();
    }
}

} // namespace sse
