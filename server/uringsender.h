#pragma once

#include <QString>
#include <QtGlobal>

#include <memory>
#include <vector>

struct io_uring;

namespace sse {

// One io_uring that sends the same bytes to many sockets: one submission queue entry per
// socket and one io_uring_enter() per batch (up to BatchSize sends), where send() costs one
// system call per socket. Every send carries MSG_DONTWAIT, so the kernel tries it at once,
// inside io_uring_enter(), and never parks it: a full socket answers EAGAIN as send() does and
// the caller queues the bytes as before. Not thread-safe: one per fan-out thread.
class UringSender
{
public:
    static constexpr unsigned BatchSize = 1024;

    // nullptr, with the reason in *error, when the kernel or a seccomp filter refuses io_uring
    // or a send through it.
    static std::unique_ptr<UringSender> create(QString *error);
    ~UringSender();

    UringSender(const UringSender &) = delete;
    UringSender &operator=(const UringSender &) = delete;

    // Queues one send of [data, data + length) to socket; *result is set by flush(): the
    // bytes the kernel took, 0 when the socket would block, -1 when the peer is gone. Submits
    // by itself when BatchSize sends are queued. data must stay valid until flush().
    void queue(int socket, const char *data, size_t length, qsizetype *result);
    // Submits what is queued and reaps every completion; returns when all results are set.
    void flush();
    // io_uring_enter() failed for good (not seen in practice): the sends it did not take were
    // answered 0, so their bytes went to the caller's queue; use send() from now on.
    bool isBroken() const { return m_broken; }

private:
    UringSender();
    void submitAndReap();

    std::unique_ptr<io_uring> m_ring;
    std::vector<qsizetype *> m_inFlight; // the results the queued sends still owe
    bool m_broken = false;
};

} // namespace sse
