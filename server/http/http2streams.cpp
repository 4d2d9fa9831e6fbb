// What an HTTP/2 stream sends: an answer's or an SSE stream's HTTP/1.1 bytes turned into a
// HEADERS frame and DATA frames (RFC 9113 section 8.3), sent as the peer's flow-control windows
// and the socket allow.
#include "http2callbacks.h"

#include "httpexchange.h"
#include "serverlogging.h"
#include "streamhub.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sse {

namespace {

// What a stream may hold framed-to-be (the rest waits in the hub's queue, where the
// slow-consumer limits count it), and what the connection's socket may have unsent before
// no more DATA frames are made: a peer that does not read holds little of the server's memory.
constexpr qint64 StreamBufferBytes = 64 * 1024;
constexpr qint64 ConnectionBufferBytes = 1024 * 1024;
constexpr qint64 SocketBacklogBytes = 256 * 1024;
// A response head the hub hands over in pieces (a paced stream) is at most this long.
constexpr qsizetype MaxHeadBytes = 16 * 1024;

// Fields that are about the HTTP/1.1 connection, not the answer: HTTP/2 forbids them.
bool isConnectionField(const QByteArray &name)
{
    static const QList<QByteArray> fields{"connection", "keep-alive", "proxy-connection",
                                          "transfer-encoding", "upgrade"};
    return fields.contains(name);
}

} // namespace

ssize_t Http2Callbacks::readBody(nghttp2_session *session, int32_t streamId, uint8_t *,
                                 size_t length, uint32_t *flags, nghttp2_data_source *, void *)
{
    auto *stream = streamOf(session, streamId);
    if (!stream)
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    const qint64 available = stream->pending - stream->reserved;
    const qint64 taken = std::min<qint64>(qint64(length), available);
    if (taken == 0 && !stream->ending) {
        stream->deferred = true; // offer() resumes it
        return NGHTTP2_ERR_DEFERRED;
    }
    // The bytes are copied once, behind their frame header, by sendBody: one event shared by
    // many streams is never copied per stream before that.
    *flags |= NGHTTP2_DATA_FLAG_NO_COPY;
    if (stream->ending && taken == available)
        *flags |= NGHTTP2_DATA_FLAG_EOF;
    stream->reserved += taken;
    return ssize_t(taken);
}

int Http2Callbacks::sendBody(nghttp2_session *session, nghttp2_frame *frame,
                             const uint8_t *frameHeader, size_t length, nghttp2_data_source *,
                             void *user)
{
    Http2Session &self = of(user);
    auto *stream = streamOf(session, frame->hd.stream_id);
    if (!stream)
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    // A peer that does not read gets no more DATA: socketDrained() sends again.
    if (self.m_out.size() + self.m_socket.backlog() > SocketBacklogBytes)
        return NGHTTP2_ERR_WOULDBLOCK;
    self.m_out.append(reinterpret_cast<const char *>(frameHeader), 9);
    qint64 left = qint64(length);
    while (left > 0) {
        const QByteArray &front = stream->chunks.first();
        const qint64 take = std::min<qint64>(left, front.size() - stream->chunkOffset);
        self.m_out.append(front.constData() + stream->chunkOffset, qsizetype(take));
        stream->chunkOffset += take;
        left -= take;
        if (stream->chunkOffset == front.size()) {
            stream->chunks.removeFirst();
            stream->chunkOffset = 0;
        }
    }
    stream->pending -= qint64(length);
    stream->reserved -= qint64(length);
    self.m_pendingTotal -= qint64(length);
    return 0;
}

bool Http2Session::submitHead(int32_t streamId, Stream &stream, const QByteArray &head)
{
    const QList<QByteArray> lines = head.split('\n');
    // "HTTP/1.1 200 OK"
    const QByteArray status = lines.value(0).mid(9, 3);
    std::vector<std::pair<QByteArray, QByteArray>> fields{{":status", status}};
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        QByteArray name = line.left(colon).trimmed().toLower();
        if (!isConnectionField(name))
            fields.emplace_back(std::move(name), line.mid(colon + 1).trimmed());
    }
    std::vector<nghttp2_nv> headers;
    headers.reserve(fields.size());
    for (auto &[name, value] : fields) {
        headers.push_back({reinterpret_cast<uint8_t *>(name.data()),
                           reinterpret_cast<uint8_t *>(value.data()), size_t(name.size()),
                           size_t(value.size()), NGHTTP2_NV_FLAG_NONE});
    }
    nghttp2_data_provider body{};
    body.read_callback = &Http2Callbacks::readBody;
    const int error =
        nghttp2_submit_response(m_session, streamId, headers.data(), headers.size(), &body);
    if (error != 0) {
        qCInfo(lcHttp) << "HTTP/2 stream" << streamId
                       << "cannot answer:" << nghttp2_strerror(error);
        reset(streamId, stream, NGHTTP2_INTERNAL_ERROR);
        return false;
    }
    stream.answered = true;
    scheduleSend();
    return true;
}

void Http2Session::queueBody(int32_t streamId, Stream &stream, QByteArray bytes)
{
    if (bytes.isEmpty())
        return;
    stream.pending += bytes.size();
    m_pendingTotal += bytes.size();
    stream.chunks.append(std::move(bytes));
    if (stream.deferred) {
        stream.deferred = false;
        nghttp2_session_resume_data(m_session, streamId);
    }
    scheduleSend();
}

void Http2Session::writeAnswer(int32_t streamId, const QByteArray &bytes, bool)
{
    // closeAfter is about an HTTP/1.1 connection: this one carries other streams and stays.
    Stream *stream = find(streamId);
    if (!stream || stream->answered)
        return;
    const qsizetype headEnd = bytes.indexOf("\r\n\r\n");
    if (headEnd < 0) {
        reset(streamId, *stream, NGHTTP2_INTERNAL_ERROR); // not an answer: never left open
        return;
    }
    stream->ending = true;
    if (submitHead(streamId, *stream, bytes.left(headEnd)))
        queueBody(streamId, *stream, bytes.mid(headEnd + 4));
}

int Http2Session::adoptStream(int32_t streamId, StreamHub &hub)
{
    Stream *stream = find(streamId);
    if (!stream) {
        errno = ECONNRESET;
        return -1;
    }
    m_hub = &hub;
    stream->hubHandle = hub.adoptMux(*this, streamId);
    return stream->hubHandle;
}

void Http2Session::handOver(int32_t streamId, bool opened)
{
    Stream *stream = find(streamId);
    if (!opened && stream && !stream->answered) // no room for it: the stream alone ends
        nghttp2_submit_rst_stream(m_session, NGHTTP2_FLAG_NONE, streamId, NGHTTP2_REFUSED_STREAM);
    scheduleSend();
}

qsizetype Http2Session::offer(int32_t streamId, const QByteArray &bytes, qsizetype offset,
                              qsizetype maxBytes)
{
    Stream *stream = find(streamId);
    if (!stream || m_finished)
        return Gone;
    const qsizetype wanted = std::min(maxBytes, bytes.size() - offset);
    if (!stream->answered) {
        // The hub's first bytes are the response head, as HTTP/1.1 would send it.
        stream->head.append(bytes.constData() + offset, wanted);
        const qsizetype headEnd = stream->head.indexOf("\r\n\r\n");
        if (headEnd < 0 && stream->head.size() > MaxHeadBytes) {
            reset(streamId, *stream, NGHTTP2_INTERNAL_ERROR);
            return Gone;
        }
        if (headEnd < 0)
            return wanted;
        if (!submitHead(streamId, *stream, stream->head.left(headEnd)))
            return Gone; // reset it, and the hub lets go of it
        queueBody(streamId, *stream, stream->head.mid(headEnd + 4));
        stream->head = QByteArray();
        return wanted;
    }
    const qsizetype taken = qsizetype(std::min<qint64>(wanted, roomFor(streamId, *stream)));
    if (taken < wanted)
        m_blocked.insert(streamId);
    if (taken <= 0)
        return 0;
    // The common case takes the whole shared buffer: nothing is copied until it is framed.
    queueBody(streamId, *stream,
              offset == 0 && taken == bytes.size() ? bytes : bytes.mid(offset, taken));
    return taken;
}

void Http2Session::end(int32_t streamId, bool reset)
{
    Stream *stream = find(streamId);
    if (!stream)
        return;
    stream->hubHandle = -1; // the hub let go of it
    m_blocked.erase(streamId);
    if (reset || !stream->answered) {
        nghttp2_submit_rst_stream(m_session, NGHTTP2_FLAG_NONE, streamId, NGHTTP2_CANCEL);
    } else {
        stream->ending = true;
        if (stream->deferred) {
            stream->deferred = false;
            nghttp2_session_resume_data(m_session, streamId);
        }
    }
    scheduleSend();
}

qint64 Http2Session::roomFor(int32_t streamId, const Stream &stream) const
{
    if (m_out.size() + m_socket.backlog() >= SocketBacklogBytes)
        return 0;
    const qint64 streamWindow =
        nghttp2_session_get_stream_remote_window_size(m_session, streamId) - stream.pending;
    // The connection's own window is nghttp2's to keep; what waits for it here is bounded by
    // ConnectionBufferBytes, so one answer stuck behind its own window does not stop the rest.
    return std::max<qint64>(0, std::min({streamWindow, StreamBufferBytes - stream.pending,
                                         ConnectionBufferBytes - m_pendingTotal}));
}

bool Http2Session::acceptsInput() const
{
    return m_out.size() + m_socket.backlog() < SocketBacklogBytes;
}

void Http2Session::wakeBlocked()
{
    if (m_blocked.empty() || !m_hub)
        return;
    // The hub offers again, which may block some of them anew.
    const std::unordered_set<int32_t> blocked = std::exchange(m_blocked, {});
    for (const int32_t streamId : blocked) {
        if (const Stream *stream = find(streamId); stream && stream->hubHandle >= 0)
            m_hub->muxWritable(stream->hubHandle, *this);
    }
}

} // namespace sse
