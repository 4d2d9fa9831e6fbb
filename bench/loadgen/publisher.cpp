// LoadGenerator's publisher: one keep-alive connection that POSTs the events (declared in
// loadgenerator.h; the subscribers are in subscribers.cpp, the phases in loadgenerator.cpp).

#include "loadgenerator.h"

#include "loadgenutil.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

using namespace loadgen;

namespace {

constexpr size_t kMaxPublishBodyKept = 4096;

// The number of subscribers the server says it reached, from our /publish answer
// ({"id":"1","delivered":N}) or Nchan's text answer ("active subscribers: N").
int64_t deliveredFromAnswer(std::string_view body)
{
    for (const std::string_view key :
         {std::string_view("\"delivered\""), std::string_view("active subscribers")}) {
        size_t pos = body.find(key);
        if (pos == std::string_view::npos) {
            continue;
        }
        pos += key.size();
        while (pos < body.size() && (body[pos] == ':' || body[pos] == ' ' || body[pos] == '"')) {
            ++pos;
        }
        uint64_t value = 0;
        if (parseDecimal(body, pos, value)) {
            return static_cast<int64_t>(value);
        }
    }
    return -1;
}

} // namespace

bool LoadGenerator::connectPublisher()
{
    closePublisher();
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        publishFailed("socket: " + errnoText(errno));
        return false;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const sockaddr_in &target = m_options.server.address;
    if (connect(fd, reinterpret_cast<const sockaddr *>(&target), sizeof target) != 0) {
        if (errno != EINPROGRESS) {
            publishFailed("publisher connect: " + errnoText(errno));
            close(fd);
            return false;
        }
        pollfd waitFor{fd, POLLOUT, 0};
        int error = 0;
        socklen_t length = sizeof error;
        if (poll(&waitFor, 1, 5000) != 1 ||
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
            publishFailed("publisher connect: " + errnoText(error != 0 ? error : ETIMEDOUT));
            close(fd);
            return false;
        }
    }
    // One connection, so its TLS handshake simply waits (as the TCP connect above does).
    TlsConnection tls;
    if (m_tls.enabled()) {
        std::string error;
        if (!tls.start(m_tls, fd, error) ||
            tls.handshakeBlocking(fd, 5000, m_readBuffer.data(), m_readBuffer.size(), error) !=
                TlsConnection::Result::Done) {
            publishFailed("publisher TLS handshake: " + error);
            tls.reset();
            close(fd);
            return false;
        }
        if (m_report.tls.empty()) {
            m_report.tls = tls.description();
            m_report.tlsVerified = m_tls.verifying();
        }
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = kPublisherTag;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event) != 0) {
        publishFailed("epoll_ctl: " + errnoText(errno));
        tls.reset();
        close(fd);
        return false;
    }
    m_publisher.fd = fd;
    m_publisher.tls = std::move(tls);
    return true;
}

void LoadGenerator::closePublisher()
{
    m_publisher.tls.reset();
    if (m_publisher.fd >= 0) {
        close(m_publisher.fd);
    }
    m_publisher = Publisher{};
}

void LoadGenerator::publish(uint32_t seq)
{
    if (m_publisher.fd < 0 && !connectPublisher()) {
        return; // counted as a publish error; the next slot tries again
    }
    Publisher &pub = m_publisher;
    const int64_t sentNs = monotonicNs();
    // Event data: "lg:<run>:<seq>:<send time ns>:" padded with 'x' to the payload size.
    char header[96];
    const int headerLength =
        std::snprintf(header, sizeof header, "%s%u:%lld:", m_eventPrefix.c_str(), seq,
                      static_cast<long long>(sentNs));
    std::string data(header, static_cast<size_t>(headerLength));
    if (data.size() < m_options.payloadBytes) {
        data.append(m_options.payloadBytes - data.size(), 'x');
    }
    std::string body = m_options.publishBody;
    const size_t slot = body.find("{{data}}");
    body.replace(slot, 8, data);
    pub.out = "POST " + m_options.publishPath +
              " HTTP/1.1\r\nHost: " + m_options.server.hostHeader +
              "\r\nContent-Type: " + m_options.publishContentType +
              "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    pub.outOffset = 0;
    pub.busy = true;
    m_publishingSeq = seq;
    pub.sentNs = sentNs;
    pub.in.clear();
    pub.headDone = false;
    pub.body.clear();
    pub.chunkedDecoder = ChunkedDecoder{};
    flushPublisher();
}

void LoadGenerator::flushPublisher()
{
    Publisher &pub = m_publisher;
    while (pub.outOffset < pub.out.size()) {
        const char *data = pub.out.data() + pub.outOffset;
        const size_t size = pub.out.size() - pub.outOffset;
        std::string tlsError;
        const ssize_t written = pub.tls.active() ? pub.tls.send(data, size, tlsError)
                                                 : send(pub.fd, data, size, MSG_NOSIGNAL);
        if (written > 0) {
            pub.outOffset += static_cast<size_t>(written);
            continue;
        }
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            epoll_event event{};
            event.events = EPOLLIN | EPOLLOUT;
            event.data.u64 = kPublisherTag;
            epoll_ctl(m_epoll, EPOLL_CTL_MOD, pub.fd, &event);
            return;
        }
        publishFailed("publisher send: " + (tlsError.empty() ? errnoText(errno) : tlsError));
        return;
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = kPublisherTag;
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, pub.fd, &event);
}

void LoadGenerator::onPublisherReady(uint32_t events)
{
    if (m_publisher.fd < 0) {
        return;
    }
    if ((events & EPOLLOUT) != 0) {
        flushPublisher();
        if (m_publisher.fd < 0) {
            return;
        }
    }
    for (int round = 0; round < 16; ++round) {
        const ssize_t count = read(m_publisher.fd, m_readBuffer.data(), m_readBuffer.size());
        if (count > 0) {
            if (m_publisher.tls.active()) {
                decryptPublisherBytes(static_cast<size_t>(count));
            } else {
                onPublisherBytes(m_readBuffer.data(), static_cast<size_t>(count));
            }
            if (m_publisher.fd < 0) {
                return; // failed, or answered with Connection: close
            }
            continue;
        }
        if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        }
        if (count < 0 && errno == EINTR) {
            continue;
        }
        publisherEnded(count == 0 ? std::string("publisher connection closed")
                                  : "publisher read: " + errnoText(errno));
        return;
    }
}

void LoadGenerator::decryptPublisherBytes(size_t size)
{
    m_publisher.tls.supply(m_readBuffer.data(), size);
    for (;;) { // all of it: see consumeSubscriberCiphertext()
        size_t got = 0;
        std::string error;
        const TlsConnection::Result result =
            m_publisher.tls.read(m_plainBuffer.data(), m_plainBuffer.size(), got, error);
        if (result == TlsConnection::Result::Done) {
            onPublisherBytes(m_plainBuffer.data(), got);
            if (m_publisher.fd < 0) {
                return;
            }
            continue;
        }
        if (result == TlsConnection::Result::Closed) {
            publisherEnded("publisher connection closed (close_notify)");
        } else if (result != TlsConnection::Result::WantRead) {
            publishFailed("publisher TLS: " + error);
        }
        return;
    }
}

void LoadGenerator::onPublisherBytes(const char *data, size_t size)
{
    if (!m_publisher.busy) {
        return; // unsolicited bytes: ignore
    }
    m_publisher.in.append(data, size);
    if (consumePublisherBytes()) {
        finishPublish(monotonicNs());
    }
}

// The connection ended: completes a body delimited by the connection end, fails anything
// else.
void LoadGenerator::publisherEnded(const std::string &why)
{
    if (m_publisher.busy && m_publisher.headDone && !m_publisher.head.chunked &&
        m_publisher.head.contentLength < 0) {
        finishPublish(monotonicNs());
        closePublisher();
    } else if (m_publisher.busy) {
        publishFailed(why);
    } else {
        closePublisher();
    }
}

bool LoadGenerator::consumePublisherBytes()
{
    Publisher &pub = m_publisher;
    if (!pub.headDone) {
        const size_t headEnd = findHeadEnd(pub.in, 0);
        if (headEnd == 0) {
            if (pub.in.size() > kMaxHeadBytes) {
                publishFailed("publish answer head too large");
            }
            return false;
        }
        if (!parseResponseHead(std::string_view(pub.in).substr(0, headEnd - 4), pub.head)) {
            publishFailed("malformed publish answer");
            return false;
        }
        pub.in.erase(0, headEnd);
        pub.headDone = true;
        if (pub.head.status == 100) {
            pub.headDone = false; // interim answer; the real one follows
            return consumePublisherBytes();
        }
    }
    auto keep = [&](const char *p, size_t n) {
        pub.body.append(
            p, std::min(n, kMaxPublishBodyKept - std::min(kMaxPublishBodyKept, pub.body.size())));
    };
    if (pub.head.chunked) {
        const ChunkedDecoder::Status status =
            pub.chunkedDecoder.feed(pub.in.data(), pub.in.size(), keep);
        pub.in.clear();
        if (status == ChunkedDecoder::Status::Error) {
            publishFailed("malformed chunked publish answer");
            return false;
        }
        return status == ChunkedDecoder::Status::Finished;
    }
    if (pub.head.contentLength >= 0) {
        if (pub.in.size() < static_cast<size_t>(pub.head.contentLength)) {
            return false;
        }
        keep(pub.in.data(), static_cast<size_t>(pub.head.contentLength));
        pub.in.clear();
        return true;
    }
    if (pub.head.status == 204 || pub.head.status == 304) {
        return true;
    }
    keep(pub.in.data(), pub.in.size()); // delimited by connection close
    pub.in.clear();
    return false;
}

void LoadGenerator::finishPublish(int64_t nowNs)
{
    Publisher &pub = m_publisher;
    RunReport &r = m_report;
    pub.busy = false;
    m_publishRtt.add(nowNs - pub.sentNs);
    m_lastProgressNs = nowNs;
    if (pub.head.status >= 200 && pub.head.status < 300) {
        ++r.eventsPublished;
        m_acknowledged[m_publishingSeq / 64] |= uint64_t{1} << (m_publishingSeq % 64);
        m_publishFailuresInARow = 0;
        const int64_t delivered = deliveredFromAnswer(pub.body);
        if (delivered >= 0) {
            r.serverDeliveredMin =
                r.serverDeliveredMin < 0 ? delivered : std::min(r.serverDeliveredMin, delivered);
            r.serverDeliveredMax = std::max(r.serverDeliveredMax, delivered);
        }
    } else {
        ++r.publishErrors;
        ++m_publishFailuresInARow;
        if (r.firstPublishError.empty()) {
            r.firstPublishError =
                "HTTP " + std::to_string(pub.head.status) + " " + pub.body.substr(0, 200);
        }
    }
    if (pub.head.connectionClose) {
        closePublisher();
    }
}

void LoadGenerator::publishFailed(const std::string &why)
{
    ++m_report.publishErrors;
    ++m_publishFailuresInARow;
    if (m_report.firstPublishError.empty()) {
        m_report.firstPublishError = why;
    }
    closePublisher();
}
