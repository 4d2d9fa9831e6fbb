// HTTP/2 subscribers (--h2-streams M): each connection carries M subscribers' streams through
// nghttp2's client session, h2 through ALPN over TLS or h2c with prior knowledge. The bytes of
// a stream's DATA frames go to its subscriber's parser as a socket's would, with the times of
// the read that brought them.
#include "loadgenerator.h"

#include "loadgenutil.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <string>
#include <utility>

using namespace loadgen;

namespace {

// Windows large enough that flow control never holds a stream back: the load generator reads
// everything at once, and it measures the server, not its own windows.
constexpr int32_t kStreamWindow = 16 << 20;
constexpr int32_t kConnectionWindow = 1 << 30;

uint32_t subscriberOf(nghttp2_session *session, int32_t streamId)
{
    return static_cast<uint32_t>(
        reinterpret_cast<uintptr_t>(nghttp2_session_get_stream_user_data(session, streamId)));
}

} // namespace

void LoadGenerator::startH2Connection(uint32_t connection)
{
    H2Connection &h2 = m_h2Connections[connection];
    h2.state = SubscriberState::Connecting;
    // Its streams count as handshakes in flight until each is answered.
    for (uint32_t i = h2.first; i < h2.first + h2.count; ++i) {
        m_subscribers[i].state = SubscriberState::AwaitingHead;
        ++m_handshakesInFlight;
    }
    bool connected = false;
    std::string error;
    h2.fd = openSocket(h2.first, kH2ConnectionTag | connection, &connected, error);
    if (h2.fd < 0) {
        failH2Connection(connection, error);
        return;
    }
    if (connected) {
        onH2Ready(connection, EPOLLOUT);
    }
}

void LoadGenerator::onH2Ready(uint32_t connection, uint32_t events)
{
    if (connection >= m_h2Connections.size()) {
        return;
    }
    H2Connection &h2 = m_h2Connections[connection];
    switch (h2.state) {
    case SubscriberState::Connecting: {
        if (const std::string failure = connectFailure(h2.fd, events); !failure.empty()) {
            failH2Connection(connection, failure);
            return;
        }
        if (!m_h2Tls.enabled()) {
            startH2Session(connection);
            return;
        }
        std::string why;
        if (!h2.tls.start(m_h2Tls, h2.fd, why)) {
            failH2Connection(connection, "TLS: " + why);
            return;
        }
        h2.state = SubscriberState::Handshaking;
        continueH2Handshake(connection);
        return;
    }
    case SubscriberState::Handshaking:
        if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) {
            readH2(connection);
        } else {
            continueH2Handshake(connection);
        }
        return;
    case SubscriberState::Streaming:
        readH2(connection);
        return;
    default:
        return;
    }
}

void LoadGenerator::continueH2Handshake(uint32_t connection)
{
    H2Connection &h2 = m_h2Connections[connection];
    std::string error;
    const TlsConnection::Result result = h2.tls.handshake(error);
    if (result == TlsConnection::Result::Done) {
        if (m_report.tls.empty()) {
            m_report.tls = h2.tls.description();
            m_report.tlsVerified = m_h2Tls.verifying();
        }
        startH2Session(connection);
        return;
    }
    if (result == TlsConnection::Result::WantRead || result == TlsConnection::Result::WantWrite) {
        epoll_event event{};
        event.events = result == TlsConnection::Result::WantRead ? EPOLLIN : EPOLLOUT;
        event.data.u64 = kH2ConnectionTag | connection;
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, h2.fd, &event);
        return;
    }
    failH2Connection(connection, "TLS handshake: " + error);
}

void LoadGenerator::startH2Session(uint32_t connection)
{
    H2Connection &h2 = m_h2Connections[connection];
    nghttp2_session_callbacks *callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, &LoadGenerator::h2Header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &LoadGenerator::h2Data);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks,
                                                           &LoadGenerator::h2StreamClosed);
    nghttp2_session_client_new(&h2.session, callbacks, this);
    nghttp2_session_callbacks_del(callbacks);
    const nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, kStreamWindow}, {NGHTTP2_SETTINGS_ENABLE_PUSH, 0}};
    nghttp2_submit_settings(h2.session, NGHTTP2_FLAG_NONE, settings, 2);
    nghttp2_submit_window_update(h2.session, NGHTTP2_FLAG_NONE, 0, kConnectionWindow - 65535);
    const std::string scheme = m_options.tls ? "https" : "http";
    for (uint32_t i = h2.first; i < h2.first + h2.count; ++i) {
        const nghttp2_nv headers[] = {
            {(uint8_t *)":method", (uint8_t *)"GET", 7, 3, NGHTTP2_NV_FLAG_NONE},
            {(uint8_t *)":scheme", (uint8_t *)scheme.data(), 7, scheme.size(),
             NGHTTP2_NV_FLAG_NONE},
            {(uint8_t *)":authority", (uint8_t *)m_options.server.hostHeader.data(), 10,
             m_options.server.hostHeader.size(), NGHTTP2_NV_FLAG_NONE},
            {(uint8_t *)":path", (uint8_t *)m_options.subscribePath.data(), 5,
             m_options.subscribePath.size(), NGHTTP2_NV_FLAG_NONE},
            {(uint8_t *)"accept", (uint8_t *)"text/event-stream", 6, 17, NGHTTP2_NV_FLAG_NONE},
            {(uint8_t *)"user-agent", (uint8_t *)"sse-loadgen", 10, 11, NGHTTP2_NV_FLAG_NONE},
        };
        nghttp2_submit_request(h2.session, nullptr, headers, std::size(headers), nullptr,
                               reinterpret_cast<void *>(uintptr_t{i}));
    }
    h2.state = SubscriberState::Streaming;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = kH2ConnectionTag | connection;
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, h2.fd, &event);
    flushH2(connection);
}

void LoadGenerator::readH2(uint32_t connection)
{
    H2Connection &h2 = m_h2Connections[connection];
    std::string why;
    const bool open = readSocket(
        h2.fd,
        [&](const char *data, size_t size, ReceiveTimes times) {
            if (!h2.tls.active()) {
                feedH2(connection, data, size, times);
                return h2.state != SubscriberState::Closed;
            }
            h2.tls.supply(data, size);
            if (h2.state == SubscriberState::Handshaking) {
                continueH2Handshake(connection);
                if (h2.state != SubscriberState::Streaming) {
                    return h2.state != SubscriberState::Closed;
                }
            }
            for (;;) {
                size_t got = 0;
                std::string error;
                const TlsConnection::Result result =
                    h2.tls.read(m_plainBuffer.data(), m_plainBuffer.size(), got, error);
                if (result == TlsConnection::Result::Done) {
                    feedH2(connection, m_plainBuffer.data(), got, times);
                    if (h2.state == SubscriberState::Closed) {
                        return false;
                    }
                    continue;
                }
                if (result != TlsConnection::Result::WantRead) {
                    failH2Connection(connection, "TLS: " + error);
                    return false;
                }
                return true;
            }
        },
        why);
    if (!open) {
        failH2Connection(connection, why);
    }
}

void LoadGenerator::feedH2(uint32_t connection, const char *data, size_t size, ReceiveTimes times)
{
    H2Connection &h2 = m_h2Connections[connection];
    if (h2.session == nullptr) {
        return;
    }
    m_h2Times = times;
    const ssize_t read =
        nghttp2_session_mem_recv(h2.session, reinterpret_cast<const uint8_t *>(data), size);
    if (read < 0) {
        ++m_report.protocolErrors;
        failH2Connection(connection, std::string("HTTP/2: ") + nghttp2_strerror(int(read)));
        return;
    }
    flushH2(connection); // acknowledgements and WINDOW_UPDATEs
}

bool LoadGenerator::flushH2(uint32_t connection)
{
    H2Connection &h2 = m_h2Connections[connection];
    for (;;) {
        const uint8_t *bytes = nullptr;
        const ssize_t length = nghttp2_session_mem_send(h2.session, &bytes);
        if (length < 0) {
            failH2Connection(connection, std::string("HTTP/2: ") + nghttp2_strerror(int(length)));
            return false;
        }
        if (length == 0) {
            return true;
        }
        // Small frames (requests, SETTINGS, WINDOW_UPDATE): the socket takes them whole.
        size_t written = 0;
        if (h2.tls.active()) {
            std::string error;
            if (h2.tls.write(reinterpret_cast<const char *>(bytes), size_t(length), written,
                             error) != TlsConnection::Result::Done) {
                failH2Connection(connection, "TLS send: " + error);
                return false;
            }
        } else {
            const ssize_t sent = send(h2.fd, bytes, size_t(length), MSG_NOSIGNAL);
            written = sent < 0 ? 0 : size_t(sent);
        }
        if (written != size_t(length)) {
            failH2Connection(connection, "short send on an HTTP/2 connection");
            return false;
        }
    }
}

int LoadGenerator::h2Header(nghttp2_session *session, const nghttp2_frame *frame,
                            const uint8_t *name, size_t nameLength, const uint8_t *value,
                            size_t valueLength, uint8_t, void *user)
{
    if (frame->hd.type != NGHTTP2_HEADERS || nameLength != 7 ||
        std::string_view(reinterpret_cast<const char *>(name), 7) != ":status") {
        return 0;
    }
    auto &self = *static_cast<LoadGenerator *>(user);
    const uint32_t index = subscriberOf(session, frame->hd.stream_id);
    if (index >= self.m_subscribers.size() ||
        self.m_subscribers[index].state != SubscriberState::AwaitingHead) {
        return 0;
    }
    size_t pos = 0;
    uint64_t status = 0;
    parseDecimal(std::string_view(reinterpret_cast<const char *>(value), valueLength), pos, status);
    self.subscriberAnswered(index, static_cast<int>(status));
    return 0;
}

int LoadGenerator::h2Data(nghttp2_session *session, uint8_t, int32_t streamId, const uint8_t *data,
                          size_t length, void *user)
{
    auto &self = *static_cast<LoadGenerator *>(user);
    const uint32_t index = subscriberOf(session, streamId);
    if (index < self.m_subscribers.size() &&
        self.m_subscribers[index].state == SubscriberState::Streaming) {
        self.consumeSubscriberBytes(index, reinterpret_cast<const char *>(data), length,
                                    self.m_h2Times);
    }
    return 0;
}

int LoadGenerator::h2StreamClosed(nghttp2_session *session, int32_t streamId, uint32_t errorCode,
                                  void *user)
{
    auto &self = *static_cast<LoadGenerator *>(user);
    const uint32_t index = subscriberOf(session, streamId);
    if (index < self.m_subscribers.size()) {
        self.failSubscriber(index, "stream ended by server (HTTP/2 error code " +
                                       std::to_string(errorCode) + ")");
    }
    return 0;
}

void LoadGenerator::failH2Connection(uint32_t connection, const std::string &why)
{
    H2Connection &h2 = m_h2Connections[connection];
    if (h2.state == SubscriberState::Closed) {
        return;
    }
    h2.state = SubscriberState::Closed;
    for (uint32_t i = h2.first; i < h2.first + h2.count; ++i) {
        failSubscriber(i, why);
    }
    h2.tls.reset();
    if (h2.fd >= 0) {
        close(h2.fd);
        h2.fd = -1;
    }
    // Not from inside its own callbacks: nghttp2 calls back only from feedH2 and flushH2,
    // which look at the state after.
    nghttp2_session_del(std::exchange(h2.session, nullptr));
}

void LoadGenerator::closeH2Connections()
{
    const linger abortive{1, 0};
    for (H2Connection &h2 : m_h2Connections) {
        h2.tls.reset();
        if (h2.fd >= 0) {
            setsockopt(h2.fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
            close(h2.fd);
            h2.fd = -1;
        }
        nghttp2_session_del(std::exchange(h2.session, nullptr));
        h2.state = SubscriberState::Closed;
    }
}
