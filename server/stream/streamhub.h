#pragma once

#include "iobackend.h"
#include "streamfeed.h"
#include "streammux.h"
#include "tlssession.h"

#include <QByteArray>
#include <QObject>
#include <QTimer>

#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

class QSocketNotifier;

namespace sse {

class UringSender;

// Holds the long-lived SSE connections once their response has started. It takes each
// connection's descriptor over from QTcpSocket and drives all of them through one epoll
// instance that the Qt event loop watches with a single notifier, so:
// - a subscriber costs a small struct instead of a QTcpSocket, its notifiers and the
//   request state an HTTP connection keeps;
// - the event loop polls a handful of descriptors however many subscribers there are;
// - bytes go to the kernel at once with send(); only what the kernel does not take is queued;
// - with io_uring, a fan-out costs one system call per batch of streams, not one per stream.
// Linux only, like the product. Not thread-safe: use it from the thread that created it.
class StreamHub : public QObject
{
    Q_OBJECT

public:
    enum class WriteResult {
        Written,   // all bytes are with the kernel or queued below the limit
        OverLimit, // the queue is over the limit: the caller should drop the stream
        Closed,    // the peer is gone; streamClosed() follows from the event loop
    };

    // sendRings: how many threads may call trySendMany() at once (one io_uring each).
    StreamHub(qint64 maxQueueBytes, IoBackend io = IoBackend::Epoll, int sendRings = 1,
              QObject *parent = nullptr);

    // Each stream's kernel send buffer (SO_SNDBUF; the kernel doubles it for its own
    // bookkeeping). Fixed, so that a reader that shrinks its receive window cannot make the
    // kernel grow the buffer to megabytes: what does not fit waits in the stream's queue,
    // which the limits count (docs/security.md).
    static constexpr int SendBufferBytes = 128 * 1024;
    ~StreamHub() override;

    // False when epoll, or io_uring asked for by IoBackend::Uring, is not available; error()
    // says why.
    bool isValid() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    // What fan-outs use: IoBackend::Epoll or IoBackend::Uring (never Auto).
    IoBackend io() const { return m_senders.empty() ? IoBackend::Epoll : IoBackend::Uring; }
    // The io_uring rings, one per fan-out thread; 0 on epoll.
    int ringCount() const { return int(m_senders.size()); }
    // Why io_uring is not used, when it was asked for or probed ("auto"); else empty.
    QString uringRefusal() const { return m_uringRefusal; }

    // Duplicates the descriptor and watches the copy; the caller then aborts its socket.
    // Returns the stream's handle, or -1 with errno set. With a TLS session, whatever is
    // written is encrypted on the way out: queues hold plaintext (so limits, pacing and faults
    // count what the client reads), and each write's records wait in the session until the
    // kernel takes them.
    int adopt(qintptr descriptor, std::unique_ptr<TlsSession> tls = nullptr);
    // Takes over one stream of a multiplexed connection (HTTP/2). Its handle is a descriptor
    // number too (a duplicate of one placeholder descriptor), so both kinds of handle are
    // unique small numbers the kernel hands out, indexed alike. Returns -1 with errno set.
    int adoptMux(StreamMux &mux, int32_t streamId);
    // The mux has room again for a stream it did not take all of: the stream's queue moves on.
    // Nothing happens unless handle is still that mux's stream.
    void muxWritable(int handle, const StreamMux &mux);
    // The peer ended the stream (RST_STREAM) or its connection closed: the stream is released,
    // and streamClosed() follows at once.
    void muxClosed(int handle, const StreamMux &mux);
    // The TLS version of a stream ("TLSv1.3"), or empty for a plain one.
    QString tlsVersion(int handle) const;
    // How the stream's bytes travel, for the Clients table: "HTTP/1.1 · TLSv1.3", "h2c".
    QString protocol(int handle) const;
    // The connection a multiplexed stream shares with others, or 0.
    quint64 connectionOf(int handle) const;
    // Ends the connection a multiplexed stream is part of (StreamMux::closeConnection); its
    // streams are still the caller's to close.
    void closeConnectionOf(int handle);
    WriteResult write(int handle, const QByteArray &bytes);

    // write() in two steps, so the sends of one fan-out can run on several threads:
    // trySend() only calls send() when nothing is queued and touches no shared state, so it
    // may run concurrently for distinct handles while no other hub call runs; finishWrite()
    // then queues what the kernel did not take, on the hub's own thread.
    static constexpr qsizetype SendError = -1; // the peer is gone
    static constexpr qsizetype NoStream = -2;  // closed or closing already
    // TLS: all of bytes is encrypted, and part of its records waits in the session.
    static constexpr qsizetype TlsPending = -3;
    // A multiplexed stream: finishWrite() offers the bytes to its mux on the hub's thread,
    // since the streams of one connection share its state.
    static constexpr qsizetype MuxDeferred = -4;
    qsizetype trySend(int handle, const QByteArray &bytes) const;
    // trySend() for many handles at once: results[i] for handles[i]. On io_uring, one system
    // call per batch. The same rules as trySend(); concurrent calls need distinct rings
    // (0 .. sendRings - 1) and distinct handles.
    void trySendMany(int ring, const int *handles, size_t count, const QByteArray &bytes,
                     qsizetype *results);
    WriteResult finishWrite(int handle, const QByteArray &bytes, qsizetype sent);
    qint64 queuedBytes(int handle) const;
    // Bytes queued for all streams together, a feed's pulled pages included.
    qint64 queuedTotal() const { return m_queuedTotal; }
    // The streams whose queues are largest, enough of them that dropping them brings the
    // total to limit or below; empty while it is.
    std::vector<int> largestQueuesOver(qint64 limit) const;

    // Sends the feed's bytes first, pulled a page at a time as the socket drains, then what
    // was queued or written meanwhile (which waits, under the slow-consumer limit). What was
    // queued before the feed began leaves before it. False, and the feed is dropped, when the
    // stream is gone or has a feed already.
    bool feed(int handle, std::unique_ptr<StreamFeed> feed);
    bool isFeeding(int handle) const;
    int feedCount() const { return int(m_feeds.size()); }
    // The most bytes one turn of the event loop sent from queues and feeds: what bounds the
    // time a storm of replays keeps the loop from everything else.
    qint64 largestTurnBytes() const { return m_largestTurnBytes; }
    static constexpr qint64 MaxBytesPerTurn = 4 * 1024 * 1024;
    // What one turn sends to one stream (MaxBytesPerTurn to all): a storm of replays then
    // costs the loop a few milliseconds a turn, and the streams take turns.
    static constexpr qint64 MaxBytesPerStreamPerTurn = 256 * 1024;
    // Feeding streams that took nothing since the last call although they were not held:
    // readers that stopped reading during a replay.
    std::vector<int> takeStalledFeeds();
    // Closes at once. With reset, the peer gets RST and queued data is discarded (slow
    // consumers); otherwise the kernel delivers what it holds, then FIN.
    void close(int handle, bool reset = false);
    // Ends the stream with FIN once its queue has gone to the kernel: at once when nothing is
    // queued, else from the event loop. The caller lets go of the handle now: no
    // streamClosed() follows, and nothing more may be written to it.
    void finish(int handle);
    // Writes what the kernel takes of every queue, then closes every stream with FIN.
    void closeAll();
    int streamCount() const { return m_streamCount; }

    // A held stream sends nothing: every write is queued (the slow-consumer limit still
    // applies) until it is let go, or sendHeld() lets some of it out. Faults stall and throttle
    // streams with this; StreamPacer decides when.
    void setHeld(int handle, bool held);
    // Sends at most maxBytes of a held stream's queue; returns how many the kernel took.
    qint64 sendHeld(int handle, qint64 maxBytes);

signals:
    // The peer closed, reset, or sent bytes (an SSE client has nothing to say). The handle is
    // already closed when this is emitted.
    void streamClosed(int handle);

private:
    struct Stream
    {
        // Created on the first write the kernel does not take whole: an empty std::deque
        // already costs about 600 bytes, most subscribers never need one.
        std::unique_ptr<std::deque<QByteArray>> queue;
        qsizetype headOffset = 0; // bytes of queue->front() already sent
        qint64 queuedBytes = 0;
        bool wantsWrite = false;         // EPOLLOUT registered
        bool failed = false;             // a write saw the peer gone; closing is pending
        bool finishing = false;          // finish() was called: close once the queue is empty
        bool held = false;               // setHeld(): queue every write, send nothing by itself
        bool open = false;               // adopted and not closed yet
        bool feeding = false;            // has a Feed in m_feeds, which goes before the queue
        std::unique_ptr<TlsSession> tls; // records made wait here, before feed and queue
        StreamMux *mux = nullptr;        // a stream of a multiplexed connection, not a socket
        int32_t muxStream = 0;           // its id on that connection
        bool muxFull = false;            // the mux took less than offered: it calls back
    };
    struct Feed
    {
        std::unique_ptr<StreamFeed> source; // null once it has given its last page
        std::deque<QByteArray> pending;     // pulled, not all sent yet
        qsizetype headOffset = 0;           // bytes of pending.front() already sent
        bool progressed = true;             // sent something since takeStalledFeeds()
    };
    enum class Sent { All, Partial, Error };

    const Stream *stream(int handle) const; // nullptr when not open
    Stream *stream(int handle);
    // Whether bytes may go to the kernel now; if not, *result is what trySend() answers.
    bool maySend(int handle, const QByteArray &bytes, qsizetype *result) const;
    // Sends what the kernel takes of the queue, at most budget bytes; false when the peer is
    // gone.
    bool flushQueue(int handle, Stream &stream, qint64 budget = std::numeric_limits<qint64>::max());
    // Sends what the kernel takes of queue, at most budget bytes (spent as it goes).
    Sent sendQueued(int handle, Stream &stream, std::deque<QByteArray> &queue,
                    qsizetype &headOffset, qint64 &budget);
    // The feed's part of flushQueue(); ends the feed once it is all sent.
    Sent flushFeed(int handle, Stream &stream, qint64 &budget);
    // TLS: sendQueued() encrypting as it goes, and the session's waiting records alone.
    Sent sendQueuedTls(int handle, Stream &stream, std::deque<QByteArray> &queue,
                       qsizetype &headOffset, qint64 &budget);
    // The records waiting in the session, whole whatever the budget: their plaintext was
    // counted when it was encrypted.
    Sent sendTlsRecords(int handle, Stream &stream);
    // Counts the records a send on a fan-out thread left in the session.
    void countTlsRecords(Stream &stream);
    static qsizetype trySendTls(int handle, TlsSession &tls, const QByteArray &bytes);
    // sendQueued() for a multiplexed stream: what its mux takes.
    Sent sendQueuedMux(Stream &stream, std::deque<QByteArray> &queue, qsizetype &headOffset,
                       qint64 &budget);
    static bool sendWouldBlock(); // errno after a send that took nothing: try again later
    // What is left to send: queue, feed or TLS records.
    static bool hasPending(const Stream &stream)
    {
        return stream.queue || stream.feeding || (stream.tls && stream.tls->outgoingSize() > 0);
    }
    void addQueued(Stream &stream, qint64 bytes)
    {
        stream.queuedBytes += bytes;
        m_queuedTotal += bytes;
    }
    void setWantsWrite(int handle, Stream &stream, bool wantsWrite);
    // A multiplexed stream goes on sending from the next turn of the event loop, as EPOLLOUT
    // would make a socket's.
    void postMuxFlush(int handle);
    // muxWritable(), for a stream that is still mux's (compared, never called through).
    void flushMux(int handle, const StreamMux *mux);
    void processEvents();
    void release(int handle);
    void scheduleFailedClose(int handle);

    qint64 m_maxQueueBytes;
    // A connection's socket, parser and buffers are freed when its stream starts (and a TLS
    // stream frees OpenSSL's handshake state: TlsSession::becomeSendOnly), between the objects
    // of later connections: glibc keeps such holes until malloc_trim(). What a burst of them
    // used is given back to the system once it has passed. The subscribers' own state lives
    // apart (SubscriberRegistry), so those pages are whole.
    QTimer m_trimTimer;
    int m_streamsSinceTrim = 0;
    int m_epoll = -1;
    int m_muxPlaceholder = -1; // duplicated for each multiplexed stream's handle
    std::vector<std::unique_ptr<UringSender>> m_senders; // one per ring; empty on epoll
    QString m_error;                                     // why the hub cannot work
    QString m_uringRefusal;
    QSocketNotifier *m_notifier = nullptr; // child
    // Indexed by descriptor, and held in place: a fan-out reads them in a row, and 40 bytes
    // a descriptor cost less than a pointer and a separate allocation each.
    std::vector<Stream> m_streams;
    std::vector<int> m_failed;
    std::unordered_map<int, Feed> m_feeds;
    qint64 m_feedPageBytes;
    qint64 m_queuedTotal = 0;
    quint64 m_bytesFlushed = 0; // sent from queues and feeds, ever
    qint64 m_largestTurnBytes = 0;
    int m_streamCount = 0;
};

} // namespace sse
