#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sse {

// Splits one fan-out over the calling thread and a few helper threads and waits for all of
// them (fork/join). Each part gets a disjoint index range, so a job that touches only the
// items of its range needs no locking, and its part number (0 on the calling thread), so it
// can use per-thread resources. With no helpers, run() just calls the job.
class FanoutPool
{
public:
    explicit FanoutPool(int helperThreads);
    ~FanoutPool();

    FanoutPool(const FanoutPool &) = delete;
    FanoutPool &operator=(const FanoutPool &) = delete;

    int threadCount() const { return int(m_parts); }

    using Job = std::function<void(size_t part, size_t begin, size_t end)>;
    // Runs job(part, begin, end) over [0, count) in threadCount() parts; returns when all are
    // done. Part p always runs on the same thread.
    void run(size_t count, const Job &job);

private:
    void helperLoop(size_t part);

    const size_t m_parts; // helpers + the calling thread
    std::vector<std::thread> m_helpers;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    const Job *m_job = nullptr;
    size_t m_count = 0;
    unsigned long m_generation = 0; // bumped for every run, so helpers see new work
    int m_pending = 0;              // helpers still working on this generation
    bool m_stopping = false;
};

} // namespace sse
