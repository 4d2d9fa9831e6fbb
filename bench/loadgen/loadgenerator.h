#pragma once

#include "histogram.h"
#include "httphead.h"
#include "options.h"
#include "report.h"
#include "streamdecoder.h"
#include "tlsclient.h"

#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

// Single-threaded epoll engine: N subscriber sockets plus one keep-alive publisher
// connection in one loop. One thread is deliberate: the machine has two cores, one for the
// server under test and one for the load generator. With --tls every connection speaks TLS
// through tlsclient.h, still read with recvmsg() here so that arrival times stay the kernel's.
// With --h2-streams M the subscribers speak HTTP/2, M streams to a connection, through
// nghttp2's client session (h2connections.cpp); each stream is a subscriber as above, only its
// bytes come from its connection's DATA frames.
class LoadGenerator
{
public:
    explicit LoadGenerator(const Options &options);
    ~LoadGenerator();
    LoadGenerator(const LoadGenerator &) = delete;
    LoadGenerator &operator=(const LoadGenerator &) = delete;

    RunReport run();

private:
    enum class SubscriberState : uint8_t {
        Pending,
        Connecting,
        Handshaking, // TLS
        AwaitingHead,
        Streaming,
        Closed
    };

    struct Subscriber
    {
        int fd = -1;
        SubscriberState state = SubscriberState::Pending;
        bool chunked = false;
        std::string head; // response head bytes until the blank line
        ChunkedDecoder chunkedDecoder;
        SseParser parser;
        int64_t maxSeq = -1;
        TlsConnection tls;
    };

    // An HTTP/2 connection that carries the streams of subscribers first .. first + count - 1.
    struct H2Connection
    {
        int fd = -1;
        SubscriberState state = SubscriberState::Pending; // Streaming: the session is open
        TlsConnection tls;
        nghttp2_session *session = nullptr;
        uint32_t first = 0;
        uint32_t count = 0;
    };

    struct Publisher
    {
        int fd = -1;
        bool busy = false; // a POST is waiting for its answer
        std::string out;   // unsent request bytes
        size_t outOffset = 0;
        std::string in;
        bool headDone = false;
        ResponseHead head;
        ChunkedDecoder chunkedDecoder;
        std::string body;
        int64_t sentNs = 0;
        TlsConnection tls;
    };

    bool raiseFileLimit();
    bool connectPhase();
    void settlePhase();
    void publishPhase();
    void closeAll();

    void pollOnce(int timeoutMs);
    // A non-blocking socket from source address 127.0.0.(1 + sourceIndex / --per-source),
    // connecting to the server and watched by epoll with tag; -1 after setting error.
    // *connected: connect() finished at once.
    int openSocket(uint32_t sourceIndex, uint64_t tag, bool *connected, std::string &error);
    void startSubscriber(uint32_t index);
    void onSubscriberReady(uint32_t index, uint32_t events);
    void onSubscriberConnected(uint32_t index);
    bool continueHandshake(uint32_t index);
    void sendSubscribeRequest(uint32_t index);
    // When bytes reached us: readNs when recvmsg() returned them, arrivalNs when the kernel
    // queued them on the socket (SO_TIMESTAMPNS; on loopback that is the moment the server
    // sent them). Both CLOCK_MONOTONIC.
    struct ReceiveTimes
    {
        int64_t readNs = 0;
        int64_t arrivalNs = 0;
    };

    // Reads the socket (a bounded number of times); onBytes gets each read with its times.
    // False, with why, when the socket failed or the server closed it.
    bool readSocket(int fd, const std::function<bool(const char *, size_t, ReceiveTimes)> &onBytes,
                    std::string &why);
    void readSubscriber(uint32_t index);
    void consumeSubscriberCiphertext(uint32_t index, const char *data, size_t size,
                                     ReceiveTimes times);
    void consumeSubscriberBytes(uint32_t index, const char *data, size_t size, ReceiveTimes times);
    void onEventData(uint32_t index, std::string_view data, ReceiveTimes times);
    void failSubscriber(uint32_t index, const std::string &why);
    void closeSubscriber(uint32_t index);
    // The status of a subscriber's answer: 200 starts its stream, anything else rejects it.
    void subscriberAnswered(uint32_t index, int status);

    // HTTP/2 (h2connections.cpp).
    void startH2Connection(uint32_t connection);
    void onH2Ready(uint32_t connection, uint32_t events);
    void continueH2Handshake(uint32_t connection);
    void startH2Session(uint32_t connection);
    void readH2(uint32_t connection);
    void feedH2(uint32_t connection, const char *data, size_t size, ReceiveTimes times);
    bool flushH2(uint32_t connection);
    void failH2Connection(uint32_t connection, const std::string &why);
    void closeH2Connections();
    static int h2Header(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name,
                        size_t nameLength, const uint8_t *value, size_t valueLength, uint8_t flags,
                        void *user);
    static int h2Data(nghttp2_session *session, uint8_t flags, int32_t streamId,
                      const uint8_t *data, size_t length, void *user);
    static int h2StreamClosed(nghttp2_session *session, int32_t streamId, uint32_t errorCode,
                              void *user);

    bool connectPublisher();
    void closePublisher();
    void publish(uint32_t seq);
    void flushPublisher();
    void onPublisherReady(uint32_t events);
    void decryptPublisherBytes(size_t size);
    void onPublisherBytes(const char *data, size_t size);
    void publisherEnded(const std::string &why);
    bool consumePublisherBytes();
    void finishPublish(int64_t nowNs);
    void publishFailed(const std::string &why);

    bool overallExpired(int64_t nowNs) const { return nowNs >= m_overallDeadlineNs; }
    void progress(const char *format, ...) const __attribute__((format(printf, 2, 3)));

    Options m_options;
    RunReport m_report;
    TlsClientContext m_tls;   // before the connections: they must go first
    TlsClientContext m_h2Tls; // HTTP/2 connections: ALPN h2
    int m_epoll = -1;
    std::vector<Subscriber> m_subscribers;
    std::vector<H2Connection> m_h2Connections;
    ReceiveTimes m_h2Times; // of the bytes nghttp2 is reading
    Publisher m_publisher;
    std::vector<char> m_readBuffer;
    std::vector<char> m_plainBuffer; // TLS: what OpenSSL decrypted from m_readBuffer
    std::string m_eventPrefix;       // "lg:<run>:" identifies this run's events
    std::string m_dataPadding;

    // Connect phase.
    uint32_t m_nextToStart = 0;
    uint32_t m_handshakesInFlight = 0;
    uint32_t m_settled = 0; // connected or failed

    // Publish phase.
    bool m_publishing = false;
    std::vector<uint64_t> m_seen; // per subscriber bitmap of received sequence numbers
    size_t m_seenWords = 0;
    std::vector<uint64_t> m_acknowledged; // sequence numbers whose POST was answered 2xx
    uint32_t m_publishingSeq = 0;         // sequence number of the POST in flight
    LatencyHistogram m_latency;           // publish to arrival in the subscriber's socket
    LatencyHistogram m_readLatency;       // publish to the load generator reading it
    uint64_t m_samplesWithoutKernelTime = 0;
    int64_t m_realtimeOffsetNs = 0; // CLOCK_REALTIME - CLOCK_MONOTONIC
    LatencyHistogram m_publishRtt;
    int64_t m_lastProgressNs = 0;
    int64_t m_lastDeliveryNs = 0;
    int64_t m_overallDeadlineNs = 0;
    uint32_t m_publishFailuresInARow = 0; // the server is gone when this grows
};
