// How StreamHub's bytes reach the kernel: send() or io_uring batches for plain streams, each
// write encrypted once for its stream over TLS (docs/tls.md), queues sent with sendmsg() or
// encrypted a record at a time as they drain.
#include "streamhub.h"

#include "uringsender.h"

#include <algorithm>

#include <cerrno>
#include <sys/socket.h>
#include <sys/uio.h>

namespace sse {

namespace {

constexpr int MaxIoVectors = 64;
// Fewer sends than this go out with send(): a batch of one costs a system call either way.
constexpr size_t MinUringBatch = 2;
// A queued TLS stream encrypts this much at a time: one full record.
constexpr qint64 TlsChunkBytes = 16 * 1024;

} // namespace

bool StreamHub::sendWouldBlock()
{
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

qsizetype StreamHub::trySend(int handle, const QByteArray &bytes) const
{
    if (qsizetype result = 0; !maySend(handle, bytes, &result))
        return result;
    if (TlsSession *tls = m_streams[size_t(handle)].tls.get())
        return trySendTls(handle, *tls, bytes);
    // The common case: the kernel takes it all now, nothing is queued or copied.
    const ssize_t result =
        ::send(handle, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (result >= 0)
        return result;
    return sendWouldBlock() ? 0 : SendError;
}

qsizetype StreamHub::trySendTls(int handle, TlsSession &tls, const QByteArray &bytes)
{
    // Encrypted once for this stream, on the calling (fan-out) thread; what the kernel does
    // not take waits in the session, counted by finishWrite().
    if (!tls.encrypt(bytes.constData(), bytes.size()))
        return SendError;
    const ssize_t sent =
        ::send(handle, tls.outgoingData(), size_t(tls.outgoingSize()), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0 && !sendWouldBlock())
        return SendError;
    tls.consumeOutgoing(std::max<qsizetype>(sent, 0));
    return tls.outgoingSize() == 0 ? bytes.size() : TlsPending;
}

void StreamHub::countTlsRecords(Stream &s)
{
    const qint64 made = s.tls->outgoingSize() - s.tls->accountedBytes;
    s.tls->accountedBytes += made;
    addQueued(s, made);
}

StreamHub::Sent StreamHub::sendTlsRecords(int handle, Stream &s)
{
    TlsSession &tls = *s.tls;
    countTlsRecords(s);
    while (tls.outgoingSize() > 0) {
        const ssize_t sent = ::send(handle, tls.outgoingData(), size_t(tls.outgoingSize()),
                                    MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0)
            return sendWouldBlock() ? Sent::Partial : Sent::Error;
        tls.consumeOutgoing(sent);
        tls.accountedBytes -= sent;
        addQueued(s, -sent);
        if (tls.outgoingSize() > 0)
            return Sent::Partial; // the kernel is full
    }
    return Sent::All;
}

StreamHub::Sent StreamHub::sendQueuedTls(int handle, Stream &s, std::deque<QByteArray> &queue,
                                         qsizetype &headOffset, qint64 &budget)
{
    for (;;) {
        if (const Sent records = sendTlsRecords(handle, s); records != Sent::All)
            return records;
        if (queue.empty())
            return Sent::All;
        if (budget <= 0)
            return Sent::Partial;
        // Encrypted as it leaves, a record at a time, so a paced (held) stream sends the few
        // bytes it is let out as a record of their own.
        const QByteArray &front = queue.front();
        const qint64 take = std::min({qint64(front.size() - headOffset), budget, TlsChunkBytes});
        if (!s.tls->encrypt(front.constData() + headOffset, take))
            return Sent::Error;
        // Budgets and pacing count what the client reads: the plaintext, once encrypted (its
        // records then leave whole, before anything else).
        addQueued(s, -take);
        budget -= take;
        m_bytesFlushed += quint64(take);
        headOffset += take;
        if (headOffset == front.size()) {
            queue.pop_front();
            headOffset = 0;
        }
    }
}

StreamHub::Sent StreamHub::sendQueuedMux(Stream &s, std::deque<QByteArray> &queue,
                                         qsizetype &headOffset, qint64 &budget)
{
    while (!queue.empty()) {
        if (budget <= 0)
            return Sent::Partial;
        const QByteArray &front = queue.front();
        const qsizetype wanted = qsizetype(std::min<qint64>(front.size() - headOffset, budget));
        const qsizetype taken = s.mux->offer(s.muxStream, front, headOffset, wanted);
        if (taken < 0)
            return Sent::Error;
        addQueued(s, -taken);
        budget -= taken;
        m_bytesFlushed += quint64(taken);
        headOffset += taken;
        if (headOffset == front.size()) {
            queue.pop_front();
            headOffset = 0;
        }
        if (taken < wanted) {
            s.muxFull = true; // the mux calls muxWritable() when it has room
            return Sent::Partial;
        }
    }
    return Sent::All;
}

void StreamHub::trySendMany(int ring, const int *handles, size_t count, const QByteArray &bytes,
                            qsizetype *results)
{
    UringSender *sender = size_t(ring) < m_senders.size() && count >= MinUringBatch
                              ? m_senders[size_t(ring)].get()
                              : nullptr;
    if (!sender || sender->isBroken()) {
        for (size_t i = 0; i < count; ++i)
            results[i] = trySend(handles[i], bytes);
        return;
    }
    std::vector<size_t> tlsSends; // allocated only when there are TLS streams
    for (size_t i = 0; i < count; ++i) {
        if (!maySend(handles[i], bytes, &results[i]))
            continue;
        if (TlsSession *tls = m_streams[size_t(handles[i])].tls.get()) {
            // Each stream's own records, encrypted here, in the same batch as the rest.
            if (!tls->encrypt(bytes.constData(), bytes.size())) {
                results[i] = SendError;
                continue;
            }
            sender->queue(handles[i], tls->outgoingData(), size_t(tls->outgoingSize()),
                          &results[i]);
            tlsSends.push_back(i);
        } else {
            sender->queue(handles[i], bytes.constData(), size_t(bytes.size()), &results[i]);
        }
    }
    sender->flush();
    for (const size_t i : tlsSends) {
        TlsSession &tls = *m_streams[size_t(handles[i])].tls;
        if (results[i] < 0) {
            results[i] = SendError;
            continue;
        }
        tls.consumeOutgoing(results[i]);
        results[i] = tls.outgoingSize() == 0 ? bytes.size() : TlsPending;
    }
}

StreamHub::Sent StreamHub::sendQueued(int handle, Stream &s, std::deque<QByteArray> &queue,
                                      qsizetype &headOffset, qint64 &budget)
{
    if (s.tls)
        return sendQueuedTls(handle, s, queue, headOffset, budget);
    if (s.mux)
        return sendQueuedMux(s, queue, headOffset, budget);
    while (!queue.empty()) {
        if (budget <= 0)
            return Sent::Partial;
        iovec vectors[MaxIoVectors];
        int count = 0;
        qint64 planned = 0;
        for (auto it = queue.cbegin();
             it != queue.cend() && count < MaxIoVectors && planned < budget; ++it) {
            const qsizetype offset = count == 0 ? headOffset : 0;
            const qint64 length = std::min<qint64>(it->size() - offset, budget - planned);
            vectors[count].iov_base = const_cast<char *>(it->constData() + offset);
            vectors[count].iov_len = size_t(length);
            planned += length;
            ++count;
        }
        msghdr message{};
        message.msg_iov = vectors;
        message.msg_iovlen = size_t(count);
        ssize_t sent = ::sendmsg(handle, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0)
            return sendWouldBlock() ? Sent::Partial : Sent::Error;
        addQueued(s, -sent);
        budget -= sent;
        m_bytesFlushed += sent;
        const bool kernelFull = sent < planned;
        while (sent > 0) {
            const qsizetype rest = queue.front().size() - headOffset;
            if (sent < rest) {
                headOffset += sent;
                break;
            }
            sent -= rest;
            queue.pop_front();
            headOffset = 0;
        }
        if (kernelFull)
            return queue.empty() ? Sent::All : Sent::Partial;
    }
    return Sent::All;
}

} // namespace sse
