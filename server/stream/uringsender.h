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
    // Sends per io_uring_enter(). A call takes about 7 µs a send on loopback; the kernel
    // here is not preemptible, and once the scheduler wants the CPU back during a long call,
    // the receive half of every loopback send in the rest of it is left to ksoftirqd. 64 keeps
    // a call under half a millisecond and that work where it belongs (bench/README.md).
    static constexpr unsigned BatchSize = 64;
    // Sockets with a descriptor below this and the open-file limit are registered with the
    // ring (the slot is the descriptor); others are sent to by descriptor.
    static constexpr unsigned MaxFixedFiles = 65536;

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
    // A registered socket stays open while registered: unregister it before closing it.
    void registerSocket(int socket);
    void unregisterSocket(int socket);
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
    std::vector<bool> m_registered;      // by descriptor; empty without a file table
    bool m_broken = false;
};

} // namespace sse
