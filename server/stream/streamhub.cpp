#include "streamhub.h"

#include "serverlogging.h"
#include "uringsender.h"

#include <QScopeGuard>
#include <QSocketNotifier>
#include <QTimer>

#include <algorithm>
#include <utility>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sse {

namespace {

constexpr int MaxEventsPerWait = 256;
// A feed pulls about this much at a time (less when the slow-consumer limit is lower).
constexpr qint64 FeedPageBytes = 64 * 1024;
// How soon after the first of a burst of streams the memory their connections used before the
// hand-over is given back, and how many make a burst worth a malloc_trim().
constexpr int TrimDelayMs = 500;
constexpr int TrimAfterStreams = 64;

} // namespace

StreamHub::StreamHub(qint64 maxQueueBytes, IoBackend io, int sendRings, QObject *parent)
    : QObject(parent)
    , m_maxQueueBytes(maxQueueBytes)
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
    , m_feedPageBytes(std::clamp<qint64>(maxQueueBytes / 2, 1, FeedPageBytes))
{
    if (m_epoll < 0) {
        m_error =
            QStringLiteral("epoll_create1: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        qCWarning(lcHub).noquote() << m_error;
        return;
    }
    if (io != IoBackend::Epoll) {
        for (int ring = 0; ring < std::max(sendRings, 1) && m_uringRefusal.isEmpty(); ++ring) {
            if (auto sender = UringSender::create(&m_uringRefusal))
                m_senders.push_back(std::move(sender));
        }
        if (!m_uringRefusal.isEmpty()) {
            m_senders.clear();
            if (io == IoBackend::Uring)
                m_error = QStringLiteral("io_uring is not available: %1").arg(m_uringRefusal);
        }
    }
    m_trimTimer.setSingleShot(true);
    m_trimTimer.setInterval(TrimDelayMs);
    connect(&m_trimTimer, &QTimer::timeout, this, [this] {
#ifdef __GLIBC__
        if (m_streamsSinceTrim >= TrimAfterStreams)
            ::malloc_trim(0);
#endif
        m_streamsSinceTrim = 0;
    });
    m_muxPlaceholder = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    m_notifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &StreamHub::processEvents);
}

StreamHub::~StreamHub()
{
    for (size_t handle = 0; handle < m_streams.size(); ++handle) {
        if (m_streams[handle].open)
            ::close(int(handle));
    }
    if (m_epoll >= 0)
        ::close(m_epoll);
    if (m_muxPlaceholder >= 0)
        ::close(m_muxPlaceholder);
}

int StreamHub::adopt(qintptr descriptor, std::unique_ptr<TlsSession> tls)
{
    if (m_epoll < 0)
        return -1;
    const int handle = ::fcntl(int(descriptor), F_DUPFD_CLOEXEC, 0);
    if (handle < 0) {
        qCWarning(lcHub) << "cannot take over a stream:" << std::strerror(errno);
        return -1;
    }
    ::fcntl(handle, F_SETFL, ::fcntl(handle, F_GETFL) | O_NONBLOCK);
    // Each event is written whole and should leave at once, not wait for the previous
    // packet's acknowledgement (Nagle), which costs up to a round trip on a real network.
    const int noDelay = 1;
    ::setsockopt(handle, IPPROTO_TCP, TCP_NODELAY, &noDelay, sizeof noDelay);
    const int sendBuffer = SendBufferBytes;
    ::setsockopt(handle, SOL_SOCKET, SO_SNDBUF, &sendBuffer, sizeof sendBuffer);
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.fd = handle;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, handle, &event) != 0) {
        qCWarning(lcHub) << "cannot watch stream" << handle << std::strerror(errno);
        ::close(handle);
        return -1;
    }
    if (size_t(handle) >= m_streams.size())
        m_streams.resize(size_t(handle) + 1);
    m_streams[size_t(handle)].open = true;
    // A stream only sends: the sending key is all it keeps.
    if (tls)
        tls->becomeSendOnly();
    ++m_streamsSinceTrim;
    if (!m_trimTimer.isActive())
        m_trimTimer.start();
    m_streams[size_t(handle)].tls = std::move(tls);
    ++m_streamCount;
    for (const auto &sender : m_senders)
        sender->registerSocket(handle);
    return handle;
}

const StreamHub::Stream *StreamHub::stream(int handle) const
{
    if (handle < 0 || size_t(handle) >= m_streams.size() || !m_streams[size_t(handle)].open)
        return nullptr;
    return &m_streams[size_t(handle)];
}

StreamHub::Stream *StreamHub::stream(int handle)
{
    return const_cast<Stream *>(std::as_const(*this).stream(handle));
}

QString StreamHub::tlsVersion(int handle) const
{
    const Stream *s = stream(handle);
    if (s && s->mux)
        return s->mux->tlsVersion();
    return s && s->tls ? s->tls->version() : QString();
}

QString StreamHub::protocol(int handle) const
{
    const Stream *s = stream(handle);
    if (!s)
        return {};
    if (s->mux)
        return s->mux->protocol();
    return s->tls ? QStringLiteral("HTTP/1.1 · %1").arg(s->tls->version())
                  : QStringLiteral("HTTP/1.1");
}

StreamHub::WriteResult StreamHub::write(int handle, const QByteArray &bytes)
{
    return finishWrite(handle, bytes, trySend(handle, bytes));
}

bool StreamHub::maySend(int handle, const QByteArray &bytes, qsizetype *result) const
{
    const Stream *s = stream(handle);
    if (!s || s->failed) {
        *result = NoStream;
        return false;
    }
    if (bytes.isEmpty() || s->held || s->feeding || (s->queue && !s->queue->empty()) ||
        (s->tls && s->tls->outgoingSize() > 0)) {
        *result = 0; // held, or behind queued or fed bytes: queue these too, to keep the order
        return false;
    }
    if (s->mux) {
        *result = MuxDeferred;
        return false;
    }
    return true;
}

StreamHub::WriteResult StreamHub::finishWrite(int handle, const QByteArray &bytes, qsizetype sent)
{
    if (sent == MuxDeferred) {
        const Stream &s = m_streams[size_t(handle)];
        sent = s.mux->offer(s.muxStream, bytes, 0, bytes.size());
        if (sent < 0)
            sent = SendError;
    }
    if (sent == NoStream)
        return WriteResult::Closed;
    if (sent == SendError) {
        scheduleFailedClose(handle);
        return WriteResult::Closed;
    }
    if (sent == bytes.size())
        return WriteResult::Written;
    Stream *s = stream(handle);
    if (sent == TlsPending) {
        countTlsRecords(*s);
        if (!s->held && !s->feeding)
            setWantsWrite(handle, *s, true);
        return s->queuedBytes > m_maxQueueBytes ? WriteResult::OverLimit : WriteResult::Written;
    }
    // Queue the rest; the implicitly shared buffer is not copied.
    if (!s->queue)
        s->queue = std::make_unique<std::deque<QByteArray>>();
    s->queue->push_back(bytes);
    if (s->queue->size() == 1)
        s->headOffset = sent;
    addQueued(*s, bytes.size() - sent);
    if (!s->held && !s->feeding)
        setWantsWrite(handle, *s, true);
    return s->queuedBytes > m_maxQueueBytes ? WriteResult::OverLimit : WriteResult::Written;
}

qint64 StreamHub::queuedBytes(int handle) const
{
    const Stream *s = stream(handle);
    return s ? s->queuedBytes : 0;
}

bool StreamHub::flushQueue(int handle, Stream &s, qint64 budget)
{
    Sent sent = Sent::All;
    if (s.tls) // records a send left in the session are the oldest bytes: they go first
        sent = sendTlsRecords(handle, s);
    if (sent == Sent::All && s.feeding)
        sent = flushFeed(handle, s, budget);
    if (sent == Sent::All && s.queue)
        sent = sendQueued(handle, s, *s.queue, s.headOffset, budget);
    if (sent == Sent::Error)
        return false;
    if (sent == Sent::Partial) {
        if (!s.held) {
            setWantsWrite(handle, s, true);
            // Stopped by the budget or an empty replay page, not by a full mux: nothing would
            // call back, so the stream goes on next turn by itself.
            if (s.mux && !s.muxFull)
                postMuxFlush(handle);
        }
        return true;
    }
    s.queue.reset(); // a subscriber that caught up gives its queue memory back
    s.headOffset = 0;
    setWantsWrite(handle, s, false);
    return true;
}

std::vector<int> StreamHub::largestQueuesOver(qint64 limit) const
{
    if (m_queuedTotal <= limit)
        return {};
    std::vector<std::pair<qint64, int>> queues;
    for (size_t handle = 0; handle < m_streams.size(); ++handle) {
        const Stream &s = m_streams[handle];
        if (s.open && !s.failed && s.queuedBytes > 0)
            queues.emplace_back(s.queuedBytes, int(handle));
    }
    std::sort(queues.begin(), queues.end(), std::greater<>());
    std::vector<int> largest;
    qint64 total = m_queuedTotal;
    for (const auto &[bytes, handle] : queues) {
        if (total <= limit)
            break;
        largest.push_back(handle);
        total -= bytes;
    }
    return largest;
}

void StreamHub::setWantsWrite(int handle, Stream &s, bool wantsWrite)
{
    if (s.wantsWrite == wantsWrite)
        return;
    s.wantsWrite = wantsWrite;
    if (s.mux) {
        if (wantsWrite)
            postMuxFlush(handle);
        return;
    }
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP | (wantsWrite ? EPOLLOUT : 0u);
    event.data.fd = handle;
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, handle, &event);
}

void StreamHub::processEvents()
{
    epoll_event events[MaxEventsPerWait];
    qint64 turnBudget = MaxBytesPerTurn;
    const auto countTurn = qScopeGuard(
        [&] { m_largestTurnBytes = std::max(m_largestTurnBytes, MaxBytesPerTurn - turnBudget); });
    // A bounded number of rounds and bytes keeps the rest of the event loop (publishes, API)
    // served; what is left is still ready, so the notifier fires again on the next turn.
    for (int round = 0; round < 8 && turnBudget > 0; ++round) {
        const int ready = ::epoll_wait(m_epoll, events, MaxEventsPerWait, 0);
        if (ready <= 0)
            return;
        for (int i = 0; i < ready; ++i) {
            const int handle = events[i].data.fd;
            Stream *s = stream(handle);
            if (!s)
                continue;
            const uint32_t flags = events[i].events;
            bool gone = (flags & (EPOLLERR | EPOLLHUP | EPOLLRDHUP)) != 0;
            if (!gone && (flags & EPOLLIN))
                gone = true; // EOF, or bytes an SSE client must not send
            if (!gone && (flags & EPOLLOUT) && !s->held && turnBudget > 0) {
                const quint64 before = m_bytesFlushed;
                gone = !flushQueue(handle, *s, std::min(turnBudget, MaxBytesPerStreamPerTurn));
                turnBudget -= qint64(m_bytesFlushed - before);
            }
            if (!gone && s->finishing && !hasPending(*s)) {
                close(handle); // its owner let go of it at finish()
                continue;
            }
            if (gone) {
                qCDebug(lcHub) << "stream" << handle << "closed by the peer";
                release(handle);
                emit streamClosed(handle);
            }
        }
        if (ready < MaxEventsPerWait)
            return;
    }
}

void StreamHub::scheduleFailedClose(int handle)
{
    Stream *s = stream(handle);
    if (!s || s->failed)
        return;
    s->failed = true;
    // Reported from the event loop, never from inside a caller's fan-out loop.
    if (m_failed.empty()) {
        QTimer::singleShot(0, this, [this] {
            const std::vector<int> failed = std::exchange(m_failed, {});
            for (const int failedHandle : failed) {
                // Not a stream closed meanwhile whose number a new one has taken.
                if (const Stream *failedStream = stream(failedHandle);
                    failedStream && failedStream->failed) {
                    release(failedHandle);
                    emit streamClosed(failedHandle);
                }
            }
        });
    }
    m_failed.push_back(handle);
}

void StreamHub::release(int handle)
{
    if (!m_streams[size_t(handle)].mux) {
        for (const auto &sender : m_senders)
            sender->unregisterSocket(handle); // else the ring would keep the socket open
        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, handle, nullptr);
    }
    ::close(handle);
    m_queuedTotal -= m_streams[size_t(handle)].queuedBytes;
    m_feeds.erase(handle);
    m_streams[size_t(handle)] = Stream{};
    --m_streamCount;
}

void StreamHub::close(int handle, bool reset)
{
    Stream *s = stream(handle);
    if (!s)
        return;
    if (s->mux) {
        s->mux->end(s->muxStream, reset);
        release(handle);
        return;
    }
    if (reset) {
        const linger abortive{1, 0};
        ::setsockopt(handle, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
    } else {
        if (TlsSession *tls = s->tls.get(); tls && !s->queue && !s->feeding) {
            // close_notify, best effort: a client then knows the stream ended whole (not when
            // queued bytes are dropped: FIN alone says it did not).
            tls->shutdown();
            if (tls->outgoingSize() > 0) {
                ::send(handle, tls->outgoingData(), size_t(tls->outgoingSize()),
                       MSG_NOSIGNAL | MSG_DONTWAIT);
            }
        }
        ::shutdown(handle, SHUT_WR);
    }
    release(handle);
}

void StreamHub::finish(int handle)
{
    Stream *s = stream(handle);
    if (!s || s->failed)
        return;
    if (!hasPending(*s)) {
        close(handle);
        return;
    }
    s->finishing = true;
}

void StreamHub::setHeld(int handle, bool held)
{
    Stream *s = stream(handle);
    if (!s || s->failed || s->held == held)
        return;
    s->held = held;
    if (held) {
        setWantsWrite(handle, *s, false);
        return;
    }
    // Let go: what queued meanwhile leaves now, or when the kernel takes it.
    if (!flushQueue(handle, *s, MaxBytesPerStreamPerTurn))
        scheduleFailedClose(handle);
    else if (!hasPending(*s) && s->finishing)
        close(handle);
}

qint64 StreamHub::sendHeld(int handle, qint64 maxBytes)
{
    Stream *s = stream(handle);
    if (!s || s->failed || !hasPending(*s) || maxBytes <= 0)
        return 0;
    // Counted as sent, not as the change of queuedBytes: a feed may pull a page meanwhile.
    const quint64 before = m_bytesFlushed;
    if (!flushQueue(handle, *s, maxBytes)) {
        scheduleFailedClose(handle);
        return 0;
    }
    return qint64(m_bytesFlushed - before);
}

void StreamHub::closeAll()
{
    for (size_t handle = 0; handle < m_streams.size(); ++handle) {
        if (Stream *s = stream(int(handle))) {
            // A replay under way is not read to its end: the stream resumes it when it
            // reconnects with its Last-Event-ID.
            if (!s->feeding)
                flushQueue(int(handle), *s);
            close(int(handle));
        }
    }
}

} // namespace sse
