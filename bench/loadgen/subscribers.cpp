// LoadGenerator's HTTP/1.1 subscribers, from connect (and TLS handshake) to the events they
// count, and the socket calls every connection of the load generator shares: openSocket() from
// a source address and readSocket() with kernel arrival times (h2connections.cpp uses both).
// Declared in loadgenerator.h; the phases are in loadgenerator.cpp.

#include "loadgenerator.h"

#include "loadgenutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

using namespace loadgen;

int LoadGenerator::openSocket(uint32_t sourceIndex, uint64_t tag, bool *connected,
                              std::string &error)
{
    *connected = false;
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = "socket: " + errnoText(errno);
        return -1;
    }
    auto fail = [&](const char *what) {
        error = what + errnoText(errno);
        close(fd);
        return -1;
    };
    // Source address 127.0.0.(1 + index / perSource): each address has its own ~28k
    // ephemeral ports. IP_BIND_ADDRESS_NO_PORT defers the port choice to connect(), which
    // then only needs the 4-tuple to be unique.
    const int one = 1;
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    // Kernel arrival times: latency without this process's own reading lag.
    if (m_options.kernelTimestamps) {
        setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
    }
    sockaddr_in source{};
    source.sin_family = AF_INET;
    source.sin_addr.s_addr = htonl((127u << 24) + 1 + sourceIndex / m_options.perSourceAddress);
    if (bind(fd, reinterpret_cast<const sockaddr *>(&source), sizeof source) != 0) {
        return fail("bind: ");
    }
    epoll_event event{};
    event.events = EPOLLOUT;
    event.data.u64 = tag;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event) != 0) {
        return fail("epoll_ctl: ");
    }
    const sockaddr_in &target = m_options.server.address;
    if (connect(fd, reinterpret_cast<const sockaddr *>(&target), sizeof target) == 0) {
        *connected = true;
    } else if (errno != EINPROGRESS) {
        return fail("connect: ");
    }
    return fd;
}

void LoadGenerator::startSubscriber(uint32_t index)
{
    Subscriber &sub = m_subscribers[index];
    sub.state = SubscriberState::Connecting;
    ++m_handshakesInFlight;
    bool connected = false;
    std::string error;
    sub.fd = openSocket(index, index, &connected, error);
    if (sub.fd < 0) {
        failSubscriber(index, error);
    } else if (connected) {
        onSubscriberConnected(index);
    }
}

void LoadGenerator::sendSubscribeRequest(uint32_t index)
{
    Subscriber &sub = m_subscribers[index];
    const std::string request = "GET " + m_options.subscribePath +
                                " HTTP/1.1\r\nHost: " + m_options.server.hostHeader +
                                "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n"
                                "User-Agent: sse-loadgen\r\n\r\n";
    if (sub.tls.active()) {
        size_t written = 0;
        std::string error;
        const TlsConnection::Result result =
            sub.tls.write(request.data(), request.size(), written, error);
        if (result != TlsConnection::Result::Done || written != request.size()) {
            failSubscriber(index,
                           error.empty() ? std::string("short TLS send") : "TLS send: " + error);
            return;
        }
    } else {
        const ssize_t written = send(sub.fd, request.data(), request.size(), MSG_NOSIGNAL);
        if (written != static_cast<ssize_t>(request.size())) {
            failSubscriber(index, written < 0 ? "send: " + errnoText(errno) : "short send");
            return;
        }
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = index;
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, sub.fd, &event);
    sub.state = SubscriberState::AwaitingHead;
}

void LoadGenerator::onSubscriberReady(uint32_t index, uint32_t events)
{
    if (index >= m_subscribers.size()) {
        return;
    }
    Subscriber &sub = m_subscribers[index];
    switch (sub.state) {
    case SubscriberState::Connecting: {
        if (const std::string failure = connectFailure(sub.fd, events); !failure.empty()) {
            failSubscriber(index, failure);
        } else if ((events & EPOLLOUT) != 0) {
            onSubscriberConnected(index);
        }
        break;
    }
    case SubscriberState::Handshaking:
        if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) {
            readSubscriber(index); // goes on with the handshake
        } else {
            continueHandshake(index); // the socket took what OpenSSL could not send
        }
        break;
    case SubscriberState::AwaitingHead:
    case SubscriberState::Streaming:
        readSubscriber(index);
        break;
    case SubscriberState::Pending:
    case SubscriberState::Closed:
        break;
    }
}

void LoadGenerator::onSubscriberConnected(uint32_t index)
{
    if (!m_tls.enabled()) {
        sendSubscribeRequest(index);
        return;
    }
    Subscriber &sub = m_subscribers[index];
    std::string error;
    if (!sub.tls.start(m_tls, sub.fd, error)) {
        failSubscriber(index, "TLS: " + error);
        return;
    }
    sub.state = SubscriberState::Handshaking;
    continueHandshake(index); // sends the ClientHello
}

// True once the handshake is done and the subscribe request went out. The handshake counts
// against --connect-concurrency like the rest of the connect phase.
bool LoadGenerator::continueHandshake(uint32_t index)
{
    Subscriber &sub = m_subscribers[index];
    std::string error;
    const TlsConnection::Result result = sub.tls.handshake(error);
    if (result == TlsConnection::Result::Done) {
        if (m_report.tls.empty()) {
            m_report.tls = sub.tls.description();
            m_report.tlsVerified = m_tls.verifying();
        }
        sendSubscribeRequest(index);
        return sub.state == SubscriberState::AwaitingHead;
    }
    if (result == TlsConnection::Result::WantRead || result == TlsConnection::Result::WantWrite) {
        epoll_event event{};
        event.events = result == TlsConnection::Result::WantRead ? EPOLLIN : EPOLLOUT;
        event.data.u64 = index;
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, sub.fd, &event);
        return false;
    }
    failSubscriber(index, "TLS handshake: " + error);
    return false;
}

bool LoadGenerator::readSocket(
    int fd, const std::function<bool(const char *, size_t, ReceiveTimes)> &onBytes,
    std::string &why)
{
    // Bounded: a socket with a flood of data must not starve the others.
    for (int round = 0; round < 8; ++round) {
        iovec vector{m_readBuffer.data(), m_readBuffer.size()};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
        msghdr message{};
        message.msg_iov = &vector;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        const ssize_t count = recvmsg(fd, &message, 0);
        if (count > 0) {
            ReceiveTimes times;
            times.readNs = monotonicNs();
            times.arrivalNs = -1;
            for (cmsghdr *header = CMSG_FIRSTHDR(&message); header != nullptr;
                 header = CMSG_NXTHDR(&message, header)) {
                if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_TIMESTAMPNS) {
                    timespec arrival{};
                    std::memcpy(&arrival, CMSG_DATA(header), sizeof arrival);
                    // For TCP this is the arrival of the last segment in this read.
                    times.arrivalNs =
                        arrival.tv_sec * 1'000'000'000LL + arrival.tv_nsec - m_realtimeOffsetNs;
                }
            }
            // onBytes says whether to go on (the connection may have closed meanwhile).
            if (!onBytes(m_readBuffer.data(), static_cast<size_t>(count), times) ||
                static_cast<size_t>(count) < m_readBuffer.size()) {
                return true;
            }
            continue;
        }
        if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return true;
        }
        if (count < 0 && errno == EINTR) {
            continue;
        }
        why = count == 0 ? std::string("closed by server") : "read: " + errnoText(errno);
        return false;
    }
    return true;
}

void LoadGenerator::readSubscriber(uint32_t index)
{
    Subscriber &sub = m_subscribers[index];
    std::string why;
    const bool open = readSocket(
        sub.fd,
        [&](const char *data, size_t size, ReceiveTimes times) {
            if (sub.tls.active()) {
                consumeSubscriberCiphertext(index, data, size, times);
            } else {
                consumeSubscriberBytes(index, data, size, times);
            }
            return sub.state != SubscriberState::Closed;
        },
        why);
    if (!open) {
        failSubscriber(index, why);
    }
}

// Every plaintext byte of this read carries its times: the arrival of the segment that
// completed its TLS record.
void LoadGenerator::consumeSubscriberCiphertext(uint32_t index, const char *data, size_t size,
                                                ReceiveTimes times)
{
    Subscriber &sub = m_subscribers[index];
    sub.tls.supply(data, size);
    if (sub.state == SubscriberState::Handshaking && !continueHandshake(index)) {
        return;
    }
    // Until OpenSSL wants more: nothing stays decrypted inside it (SSL_pending() == 0) that
    // epoll would not report.
    for (;;) {
        size_t got = 0;
        std::string error;
        const TlsConnection::Result result =
            sub.tls.read(m_plainBuffer.data(), m_plainBuffer.size(), got, error);
        if (result == TlsConnection::Result::Done) {
            consumeSubscriberBytes(index, m_plainBuffer.data(), got, times);
            if (sub.state == SubscriberState::Closed) {
                return;
            }
            continue;
        }
        if (result != TlsConnection::Result::WantRead) {
            failSubscriber(index, result == TlsConnection::Result::Closed
                                      ? std::string("closed by server (close_notify)")
                                      : "TLS: " + error);
        }
        return;
    }
}

void LoadGenerator::consumeSubscriberBytes(uint32_t index, const char *data, size_t size,
                                           ReceiveTimes times)
{
    Subscriber &sub = m_subscribers[index];
    if (sub.state == SubscriberState::AwaitingHead) {
        const size_t searchedBefore = sub.head.size();
        sub.head.append(data, size);
        const size_t headEnd = findHeadEnd(sub.head, searchedBefore);
        if (headEnd == 0) {
            if (sub.head.size() > kMaxHeadBytes) {
                ++m_report.protocolErrors;
                failSubscriber(index, "response head too large");
            }
            return;
        }
        ResponseHead head;
        if (!parseResponseHead(std::string_view(sub.head).substr(0, headEnd - 4), head)) {
            ++m_report.protocolErrors;
            failSubscriber(index, "malformed response head");
            return;
        }
        subscriberAnswered(index, head.status);
        if (sub.state != SubscriberState::Streaming) {
            return;
        }
        sub.chunked = head.chunked;
        const std::string rest = sub.head.substr(headEnd);
        std::string().swap(sub.head); // release: 19k idle heads add up
        if (rest.empty()) {
            return;
        }
        consumeSubscriberBytes(index, rest.data(), rest.size(), times);
        return;
    }
    if (sub.state != SubscriberState::Streaming) {
        return;
    }
    auto onData = [&](std::string_view eventData) {
        onEventData(index, eventData, times);
    };
    bool parsedOk = true;
    if (sub.chunked) {
        const ChunkedDecoder::Status status =
            sub.chunkedDecoder.feed(data, size, [&](const char *chunk, size_t length) {
                parsedOk = sub.parser.feed(chunk, length, onData) && parsedOk;
            });
        if (status == ChunkedDecoder::Status::Error) {
            parsedOk = false;
        } else if (status == ChunkedDecoder::Status::Finished) {
            failSubscriber(index, "stream ended by server");
            return;
        }
    } else {
        parsedOk = sub.parser.feed(data, size, onData);
    }
    if (!parsedOk) {
        ++m_report.protocolErrors;
        failSubscriber(index, "malformed event stream");
    }
}

void LoadGenerator::subscriberAnswered(uint32_t index, int status)
{
    Subscriber &sub = m_subscribers[index];
    --m_handshakesInFlight;
    ++m_settled;
    if (status != 200) {
        ++m_report.rejectedResponses;
        if (m_report.firstRejectStatus == 0) {
            m_report.firstRejectStatus = status;
        }
        closeSubscriber(index);
        return;
    }
    ++m_report.subscribersConnected;
    sub.state = SubscriberState::Streaming;
}

void LoadGenerator::onEventData(uint32_t index, std::string_view data, ReceiveTimes times)
{
    // Only this run's events count: hello, type and history-gap events and Nchan's own
    // messages are ignored.
    if (data.compare(0, m_eventPrefix.size(), m_eventPrefix) != 0) {
        if (data.compare(0, 3, "lg:") == 0) {
            ++m_report.foreignEvents;
        }
        return;
    }
    size_t pos = m_eventPrefix.size();
    uint64_t seq = 0;
    uint64_t sentNs = 0;
    if (!parseDecimal(data, pos, seq) || pos >= data.size() || data[pos] != ':' ||
        !parseDecimal(data, ++pos, sentNs) || seq >= m_options.events) {
        ++m_report.protocolErrors;
        return;
    }
    Subscriber &sub = m_subscribers[index];
    if (m_seenWords != 0) {
        uint64_t &word = m_seen[size_t{index} * m_seenWords + seq / 64];
        const uint64_t bit = uint64_t{1} << (seq % 64);
        if ((word & bit) != 0) {
            ++m_report.duplicates;
            return;
        }
        word |= bit;
    }
    ++m_report.receivedDeliveries;
    if (static_cast<int64_t>(seq) < sub.maxSeq) {
        ++m_report.outOfOrder;
    } else {
        sub.maxSeq = static_cast<int64_t>(seq);
    }
    m_readLatency.add(times.readNs - static_cast<int64_t>(sentNs));
    if (times.arrivalNs >= 0) {
        m_latency.add(times.arrivalNs - static_cast<int64_t>(sentNs));
    } else {
        ++m_samplesWithoutKernelTime;
        m_latency.add(times.readNs - static_cast<int64_t>(sentNs));
    }
    m_lastDeliveryNs = times.readNs;
    m_lastProgressNs = times.readNs;
}

void LoadGenerator::failSubscriber(uint32_t index, const std::string &why)
{
    Subscriber &sub = m_subscribers[index];
    switch (sub.state) {
    case SubscriberState::Pending:
    case SubscriberState::Connecting:
    case SubscriberState::Handshaking:
    case SubscriberState::AwaitingHead:
        ++m_report.connectFailures;
        if (m_report.firstConnectError.empty()) {
            m_report.firstConnectError = why;
        }
        if (sub.state != SubscriberState::Pending) {
            --m_handshakesInFlight;
        }
        ++m_settled;
        break;
    case SubscriberState::Streaming:
        ++m_report.disconnects;
        if (m_report.disconnects == 1) {
            progress("subscriber %u lost: %s", index, why.c_str());
        }
        break;
    case SubscriberState::Closed:
        return;
    }
    closeSubscriber(index);
}

void LoadGenerator::closeSubscriber(uint32_t index)
{
    Subscriber &sub = m_subscribers[index];
    sub.tls.reset();
    if (sub.fd >= 0) {
        close(sub.fd); // also removes it from the epoll set
        sub.fd = -1;
    }
    sub.state = SubscriberState::Closed;
    std::string().swap(sub.head);
    sub.parser = SseParser{};
}
