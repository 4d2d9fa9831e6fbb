// LoadGenerator's run: its phases (connect, settle, publish), the epoll loop that drives every
// connection, and closing them. The subscribers are in subscribers.cpp, the HTTP/2 connections
// in h2connections.cpp, the publisher in publisher.cpp.

#include "loadgenerator.h"

#include "loadgenutil.h"
#include "procstats.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ctime>

using namespace loadgen;

namespace {

constexpr size_t kReadBufferSize = 64 * 1024;
constexpr size_t kPlainBufferSize = 16 * 1024; // a TLS record's worth
constexpr int kMaxEpollEvents = 1024;
constexpr int64_t kPublishAnswerTimeoutNs = 10'000'000'000;
constexpr size_t kMaxSeenBitmapBytes = 512u << 20; // dedup bitmap beyond this is skipped
constexpr uint32_t kMaxPublishFailuresInARow = 5;

} // namespace

LoadGenerator::LoadGenerator(const Options &options)
    : m_options(options)
    , m_readBuffer(kReadBufferSize)
    , m_plainBuffer(options.tls ? kPlainBufferSize : 0)
{
    const uint32_t run =
        static_cast<uint32_t>(getpid()) * 2654435761u ^ static_cast<uint32_t>(monotonicNs() / 1000);
    char prefix[32];
    std::snprintf(prefix, sizeof prefix, "lg:%08x:", run);
    m_eventPrefix = prefix;

    // Kernel receive timestamps come in CLOCK_REALTIME: measure the offset to MONOTONIC,
    // keeping the tightest of a few brackets.
    int64_t bestWindow = INT64_MAX;
    for (int i = 0; i < 5; ++i) {
        timespec before{};
        timespec realtime{};
        timespec after{};
        clock_gettime(CLOCK_MONOTONIC, &before);
        clock_gettime(CLOCK_REALTIME, &realtime);
        clock_gettime(CLOCK_MONOTONIC, &after);
        const int64_t beforeNs = before.tv_sec * 1'000'000'000LL + before.tv_nsec;
        const int64_t afterNs = after.tv_sec * 1'000'000'000LL + after.tv_nsec;
        const int64_t realtimeNs = realtime.tv_sec * 1'000'000'000LL + realtime.tv_nsec;
        if (afterNs - beforeNs < bestWindow) {
            bestWindow = afterNs - beforeNs;
            m_realtimeOffsetNs = realtimeNs - (beforeNs + afterNs) / 2;
        }
    }
}

LoadGenerator::~LoadGenerator()
{
    closeAll();
    if (m_epoll >= 0) {
        close(m_epoll);
    }
}

void LoadGenerator::progress(const char *format, ...) const
{
    if (m_options.quiet) {
        return;
    }
    std::va_list args;
    va_start(args, format);
    std::fputs("sse-loadgen: ", stderr);
    std::vfprintf(stderr, format, args);
    std::fputc('\n', stderr);
    va_end(args);
}

RunReport LoadGenerator::run()
{
    const int64_t startNs = monotonicNs();
    m_overallDeadlineNs = startNs + int64_t{m_options.timeoutS} * 1'000'000'000;
    RunReport &r = m_report;
    r.label = m_options.label;
    r.mode = m_options.rate > 0.0 ? "rate" : "closed-loop";
    r.targetRate = m_options.rate;
    r.payloadBytes = m_options.payloadBytes;
    r.subscribersRequested = m_options.subscribers;
    r.eventsRequested = m_options.events;
    r.sourceAddresses =
        (m_options.subscribers + m_options.perSourceAddress - 1) / m_options.perSourceAddress;

    auto finish = [&]() {
        closeAll();
        if (r.timedOut || !r.setupError.empty()) {
            r.exitCode = 3;
        } else if (r.lostDeliveries != 0 || r.duplicates != 0 || r.outOfOrder != 0 ||
                   r.connectFailures != 0 || r.rejectedResponses != 0 || r.publishErrors != 0 ||
                   r.disconnects != 0 || r.protocolErrors != 0) {
            r.exitCode = 1;
        } else {
            r.exitCode = 0;
        }
        return r;
    };

    if (!raiseFileLimit()) {
        return finish();
    }
    if (m_options.tls &&
        !m_tls.init({m_options.caFile, m_options.server.host, m_options.tlsCiphersuites, false},
                    r.setupError)) {
        return finish();
    }
    // HTTP/2 subscribers offer h2 alone; the publisher stays on HTTP/1.1.
    if (m_options.tls && m_options.h2Streams != 0 &&
        !m_h2Tls.init({m_options.caFile, m_options.server.host, m_options.tlsCiphersuites, true},
                      r.setupError)) {
        return finish();
    }
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll < 0) {
        r.setupError = "epoll_create1: " + errnoText(errno);
        return finish();
    }
    ProcSample before;
    if (!m_options.serverPids.empty()) {
        before = sampleProcesses(m_options.serverPids);
        if (!before.ok) {
            r.setupError = before.error;
            return finish();
        }
        r.serverSampled = true;
        r.serverRssBeforeKiB = before.rssKiB;
    }

    m_subscribers.resize(m_options.subscribers);
    if (m_options.h2Streams != 0) {
        r.h2StreamsPerConnection = m_options.h2Streams;
        const uint32_t connections =
            (m_options.subscribers + m_options.h2Streams - 1) / m_options.h2Streams;
        m_h2Connections.resize(connections);
        for (uint32_t c = 0; c < connections; ++c) {
            m_h2Connections[c].first = c * m_options.h2Streams;
            m_h2Connections[c].count =
                std::min(m_options.h2Streams, m_options.subscribers - c * m_options.h2Streams);
        }
    }
    if (!connectPhase()) {
        if (r.setupError.empty()) {
            r.setupError = "no subscriber connected";
        }
        return finish();
    }
    settlePhase();
    if (r.serverSampled) {
        const ProcSample idle = sampleProcesses(m_options.serverPids);
        r.serverRssIdleKiB = idle.rssKiB;
        r.idleBytesPerSubscriber =
            (static_cast<double>(idle.rssKiB) - static_cast<double>(r.serverRssBeforeKiB)) *
            1024.0 / r.subscribersConnected;
    }
    if (!r.timedOut) {
        publishPhase();
    }
    return finish();
}

bool LoadGenerator::raiseFileLimit()
{
    // Subscribers plus the publisher, epoll, stdio and some slack.
    const rlim_t needed = rlim_t{m_options.subscribers} + 32;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        m_report.setupError = "getrlimit: " + errnoText(errno);
        return false;
    }
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
            m_report.setupError = "setrlimit: " + errnoText(errno);
            return false;
        }
    }
    if (limit.rlim_cur < needed) {
        m_report.setupError = "open-file limit " + std::to_string(limit.rlim_cur) +
                              " is below the " + std::to_string(needed) + " needed";
        return false;
    }
    return true;
}

bool LoadGenerator::connectPhase()
{
    const int64_t startNs = monotonicNs();
    const int64_t deadlineNs =
        std::min(m_overallDeadlineNs, startNs + int64_t{m_options.connectTimeoutS} * 1'000'000'000);
    int64_t nextProgressNs = startNs + 2'000'000'000;
    const uint32_t total = m_options.subscribers;
    while (m_settled < total) {
        while (m_handshakesInFlight < m_options.connectConcurrency && m_nextToStart < total) {
            const uint32_t index = m_nextToStart++;
            if (m_options.h2Streams == 0) {
                startSubscriber(index);
            } else if (index % m_options.h2Streams == 0) {
                startH2Connection(index / m_options.h2Streams); // its streams start with it
            }
        }
        if (m_settled >= total) {
            break;
        }
        const int64_t nowNs = monotonicNs();
        if (nowNs >= deadlineNs) {
            m_report.timedOut = overallExpired(nowNs);
            for (uint32_t i = 0; i < total; ++i) {
                const SubscriberState state = m_subscribers[i].state;
                if (state == SubscriberState::Pending || state == SubscriberState::Connecting ||
                    state == SubscriberState::Handshaking ||
                    state == SubscriberState::AwaitingHead) {
                    failSubscriber(i, "connect phase timed out");
                }
            }
            break;
        }
        if (nowNs >= nextProgressNs) {
            progress("%u/%u subscribers connected", m_report.subscribersConnected, total);
            nextProgressNs = nowNs + 2'000'000'000;
        }
        pollOnce(50);
    }
    m_report.connectSeconds = static_cast<double>(monotonicNs() - startNs) / 1e9;
    progress("%u/%u subscribers connected in %.2f s (%u failed, %u rejected)",
             m_report.subscribersConnected, total, m_report.connectSeconds,
             m_report.connectFailures, m_report.rejectedResponses);
    return m_report.subscribersConnected > 0;
}

void LoadGenerator::settlePhase()
{
    // Lets the server finish per-connection work (hello events, buffers) before the idle
    // memory reading.
    const int64_t endNs = monotonicNs() + int64_t{m_options.settleMs} * 1'000'000;
    for (;;) {
        const int64_t nowNs = monotonicNs();
        if (overallExpired(nowNs)) {
            m_report.timedOut = true;
            return;
        }
        if (nowNs >= endNs) {
            return;
        }
        pollOnce(static_cast<int>(std::min<int64_t>((endNs - nowNs) / 1'000'000 + 1, 100)));
    }
}

void LoadGenerator::publishPhase()
{
    RunReport &r = m_report;
    if (m_options.events == 0) {
        return;
    }
    if (!connectPublisher()) {
        return;
    }
    m_seenWords = (m_options.events + 63) / 64;
    m_acknowledged.assign(m_seenWords, 0);
    if (m_seenWords * 8 * m_subscribers.size() <= kMaxSeenBitmapBytes) {
        m_seen.assign(m_seenWords * m_subscribers.size(), 0);
    } else {
        m_seenWords = 0; // too large to track duplicates; ordering is still checked
    }
    const uint32_t subscribersAtStart = r.subscribersConnected;
    const ProcSample cpuBefore = sampleProcesses(m_options.serverPids);
    const uint64_t selfBefore = selfCpuNs();
    const uint64_t softirqBefore = softirqThreadsCpuNs();
    const int64_t startNs = monotonicNs();
    const int64_t intervalNs =
        m_options.rate > 0.0 ? static_cast<int64_t>(1e9 / m_options.rate) : 0;
    m_lastProgressNs = startNs;
    m_publishing = true;
    progress("publishing %u events to %u subscribers", m_options.events, subscribersAtStart);

    uint32_t seq = 0;
    int64_t nowNs = startNs;
    for (;;) {
        nowNs = monotonicNs();
        if (overallExpired(nowNs)) {
            r.timedOut = true;
            break;
        }
        if (!m_publisher.busy && seq < m_options.events) {
            if (intervalNs == 0) {
                publish(seq++);
            } else {
                const int64_t dueNs = startNs + int64_t{seq} * intervalNs;
                if (nowNs >= dueNs) {
                    if (nowNs - dueNs > 1'000'000) {
                        ++r.latePublishes;
                    }
                    publish(seq++);
                }
            }
        }
        if (m_publisher.busy && nowNs - m_publisher.sentNs > kPublishAnswerTimeoutNs) {
            publishFailed("no answer within 10 s");
        }
        if (m_publishFailuresInARow >= kMaxPublishFailuresInARow && !m_publisher.busy &&
            seq < m_options.events) {
            progress("giving up publishing after %u failures in a row", m_publishFailuresInARow);
            seq = m_options.events; // the server is gone or refuses: end instead of spinning
        }
        int timeoutMs = 100;
        if (seq >= m_options.events && !m_publisher.busy) {
            r.expectedDeliveries = uint64_t{subscribersAtStart} * r.eventsPublished;
            if (r.receivedDeliveries >= r.expectedDeliveries) {
                break;
            }
            const int64_t quietNs = nowNs - m_lastProgressNs;
            if (quietNs >= int64_t{m_options.drainMs} * 1'000'000) {
                break;
            }
        } else if (intervalNs != 0 && !m_publisher.busy) {
            const int64_t dueNs = startNs + int64_t{seq} * intervalNs;
            timeoutMs = static_cast<int>(
                std::clamp<int64_t>((dueNs - nowNs + 999'999) / 1'000'000, 0, 100));
        }
        pollOnce(timeoutMs);
    }
    m_publishing = false;
    const ProcSample cpuAfter = sampleProcesses(m_options.serverPids);
    const uint64_t selfAfter = selfCpuNs();
    const uint64_t softirqAfter = softirqThreadsCpuNs();
    closePublisher();

    r.expectedDeliveries = uint64_t{subscribersAtStart} * r.eventsPublished;
    if (m_seenWords != 0 && r.publishErrors != 0) {
        // An event whose POST failed may still have gone out (e.g. the server answered with a
        // reset while shutting down): count only acknowledged events as deliveries.
        uint64_t acknowledgedReceipts = 0;
        for (size_t i = 0; i < m_seen.size(); ++i) {
            acknowledgedReceipts += static_cast<uint64_t>(
                __builtin_popcountll(m_seen[i] & m_acknowledged[i % m_seenWords]));
        }
        r.unacknowledged = r.receivedDeliveries - acknowledgedReceipts;
        r.receivedDeliveries = acknowledgedReceipts;
    }
    r.lostDeliveries =
        static_cast<int64_t>(r.expectedDeliveries) - static_cast<int64_t>(r.receivedDeliveries);
    const int64_t endNs = r.receivedDeliveries > 0 ? m_lastDeliveryNs : nowNs;
    r.publishSeconds = static_cast<double>(endNs - startNs) / 1e9;
    if (r.publishSeconds > 0) {
        r.deliveriesPerSecond = static_cast<double>(r.receivedDeliveries) / r.publishSeconds;
        r.eventsPerSecond = r.eventsPublished / r.publishSeconds;
    }
    r.latencyP50Us = static_cast<double>(m_latency.quantile(0.50)) / 1000.0;
    r.latencyP90Us = static_cast<double>(m_latency.quantile(0.90)) / 1000.0;
    r.latencyP99Us = static_cast<double>(m_latency.quantile(0.99)) / 1000.0;
    r.latencyP999Us = static_cast<double>(m_latency.quantile(0.999)) / 1000.0;
    r.latencyMaxUs = static_cast<double>(m_latency.max()) / 1000.0;
    r.latencyMeanUs = m_latency.mean() / 1000.0;
    r.latencySource = m_samplesWithoutKernelTime == 0 ? "kernel-arrival" : "read";
    r.readLatencyP50Us = static_cast<double>(m_readLatency.quantile(0.50)) / 1000.0;
    r.readLatencyP99Us = static_cast<double>(m_readLatency.quantile(0.99)) / 1000.0;
    r.readLatencyMaxUs = static_cast<double>(m_readLatency.max()) / 1000.0;
    r.publishRttP50Us = static_cast<double>(m_publishRtt.quantile(0.50)) / 1000.0;
    r.publishRttP99Us = static_cast<double>(m_publishRtt.quantile(0.99)) / 1000.0;
    const double wallSeconds = static_cast<double>(nowNs - startNs) / 1e9;
    r.loadgenCpuSeconds = static_cast<double>(selfAfter - selfBefore) / 1e9;
    r.loadgenCpuShare = wallSeconds > 0 ? r.loadgenCpuSeconds / wallSeconds : 0.0;
    r.softirqThreadsCpuSeconds = static_cast<double>(softirqAfter - softirqBefore) / 1e9;
    if (r.serverSampled) {
        if (cpuBefore.ok && cpuAfter.ok) {
            r.serverCpuSeconds = static_cast<double>(cpuAfter.cpuNs - cpuBefore.cpuNs) / 1e9;
            if (r.receivedDeliveries > 0) {
                r.serverCpuNsPerDelivery = r.serverCpuSeconds * 1e9 / r.receivedDeliveries;
                r.serverWithSoftirqNsPerDelivery =
                    (r.serverCpuSeconds + r.softirqThreadsCpuSeconds) * 1e9 / r.receivedDeliveries;
            }
            r.serverRssAfterKiB = cpuAfter.rssKiB;
        } else {
            r.setupError = "server process vanished during the run";
        }
    }
}

void LoadGenerator::closeAll()
{
    // Abortive close (RST): no TIME_WAIT sockets left holding ephemeral ports, so runs can
    // follow each other immediately.
    const linger abortive{1, 0};
    for (Subscriber &sub : m_subscribers) {
        sub.tls.reset();
        if (sub.fd >= 0) {
            setsockopt(sub.fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
            close(sub.fd);
            sub.fd = -1;
            sub.state = SubscriberState::Closed;
        }
    }
    closeH2Connections();
    closePublisher();
}

void LoadGenerator::pollOnce(int timeoutMs)
{
    epoll_event events[kMaxEpollEvents];
    const int count = epoll_wait(m_epoll, events, kMaxEpollEvents, timeoutMs);
    for (int i = 0; i < count; ++i) {
        const uint64_t tag = events[i].data.u64;
        if (tag == kPublisherTag) {
            onPublisherReady(events[i].events);
        } else if ((tag & kH2ConnectionTag) != 0) {
            onH2Ready(static_cast<uint32_t>(tag), events[i].events);
        } else {
            onSubscriberReady(static_cast<uint32_t>(tag), events[i].events);
        }
    }
}
