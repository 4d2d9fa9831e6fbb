// The streams of multiplexed connections (HTTP/2, StreamMux): driven like sockets, with the
// mux in the place of the kernel. Their handles are duplicates of one placeholder descriptor.
#include "streamhub.h"

#include "serverlogging.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>

namespace sse {

int StreamHub::adoptMux(StreamMux &mux, int32_t streamId)
{
    if (m_epoll < 0 || m_muxPlaceholder < 0)
        return -1;
    const int handle = ::fcntl(m_muxPlaceholder, F_DUPFD_CLOEXEC, 0);
    if (handle < 0) {
        qCWarning(lcHub) << "cannot take over a stream:" << std::strerror(errno);
        return -1;
    }
    if (size_t(handle) >= m_streams.size())
        m_streams.resize(size_t(handle) + 1);
    Stream &s = m_streams[size_t(handle)];
    s.open = true;
    s.mux = &mux;
    s.muxStream = streamId;
    ++m_streamCount;
    return handle;
}

void StreamHub::muxWritable(int handle, const StreamMux &mux)
{
    flushMux(handle, &mux);
}

void StreamHub::flushMux(int handle, const StreamMux *mux)
{
    Stream *s = stream(handle);
    if (!s || s->mux != mux || s->failed || s->held || !s->wantsWrite)
        return;
    s->muxFull = false;
    if (!flushQueue(handle, *s, MaxBytesPerStreamPerTurn))
        scheduleFailedClose(handle);
    else if (s->finishing && !hasPending(*s))
        close(handle);
}

void StreamHub::muxClosed(int handle, const StreamMux &mux)
{
    const Stream *s = stream(handle);
    if (!s || s->mux != &mux)
        return;
    release(handle);
    emit streamClosed(handle);
}

void StreamHub::closeConnectionOf(int handle)
{
    if (Stream *s = stream(handle); s && s->mux)
        s->mux->closeConnection();
}

quint64 StreamHub::connectionOf(int handle) const
{
    const Stream *s = stream(handle);
    return s && s->mux ? s->mux->connectionId() : 0;
}

void StreamHub::postMuxFlush(int handle)
{
    const StreamMux *mux = m_streams[size_t(handle)].mux;
    QMetaObject::invokeMethod(
        this, [this, handle, mux] { flushMux(handle, mux); }, Qt::QueuedConnection);
}

} // namespace sse
