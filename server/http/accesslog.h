#pragma once

#include <QByteArray>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

namespace sse {

// The access log's output (--access-log): lines are handed to a writer thread of its own, so
// a stdout pipe that stalls never stalls the server thread and with it every stream. At most
// MaxQueuedBytes wait; lines past that are dropped and counted, and the count is written once
// the output moves again.
class AccessLog
{
public:
    static constexpr qsizetype MaxQueuedBytes = 4 * 1024 * 1024;

    explicit AccessLog(std::FILE *output = stdout);
    // Writes what is still queued, then stops the writer.
    ~AccessLog();
    AccessLog(const AccessLog &) = delete;
    AccessLog &operator=(const AccessLog &) = delete;

    // One whole line, newline included. Never waits for the output.
    void append(QByteArray line);
    quint64 droppedLines() const { return m_droppedTotal.load(std::memory_order_relaxed); }

private:
    void run();

    std::FILE *m_output;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<QByteArray> m_lines; // guarded by m_mutex, as are the next three
    qsizetype m_queuedBytes = 0;
    quint64 m_droppedSinceWrite = 0;
    bool m_stopping = false;
    std::atomic<quint64> m_droppedTotal{0};
    std::thread m_writer; // last: started once the rest is set up
};

} // namespace sse
