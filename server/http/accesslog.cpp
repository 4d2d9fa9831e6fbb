#include "accesslog.h"

namespace sse {

AccessLog::AccessLog(std::FILE *output)
    : m_output(output)
    , m_writer([this] { run(); })
{}

AccessLog::~AccessLog()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_writer.join();
}

void AccessLog::append(QByteArray line)
{
    {
        const std::lock_guard lock(m_mutex);
        if (m_queuedBytes + line.size() > MaxQueuedBytes) {
            ++m_droppedSinceWrite;
            m_droppedTotal.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        m_queuedBytes += line.size();
        m_lines.push_back(std::move(line));
    }
    m_wake.notify_one();
}

void AccessLog::run()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_stopping || !m_lines.empty(); });
        if (m_lines.empty())
            return; // stopping, and everything is written
        std::deque<QByteArray> lines;
        lines.swap(m_lines);
        m_queuedBytes = 0;
        const quint64 dropped = std::exchange(m_droppedSinceWrite, 0);
        lock.unlock();
        if (dropped > 0)
            std::fprintf(stderr, "sse-dashboard: the access log fell behind; %llu lines dropped\n",
                         static_cast<unsigned long long>(dropped));
        // Whole lines, flushed each batch, so a pipe or journald sees each request soon.
        for (const QByteArray &line : lines)
            std::fwrite(line.constData(), 1, size_t(line.size()), m_output);
        std::fflush(m_output);
        lock.lock();
    }
}

} // namespace sse
