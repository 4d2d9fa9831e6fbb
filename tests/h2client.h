#pragma once

// An HTTP/2 client for the tests: nghttp2's client session over a socket of testsupport.h
// (h2 through ALPN over TLS, h2c with prior knowledge otherwise). Requests, their answers and
// their streams are plain data the tests read with QTRY_*.

#include "httputil.h"
#include "testsupport.h"

#include <nghttp2/nghttp2.h>

#include <QSslSocket>

#include <map>
#include <optional>

namespace testsupport {

// A connection that will speak HTTP/2: over TLS, one that offers h2 alone through ALPN.
inline std::unique_ptr<QTcpSocket> h2Socket(quint16 port, bool tls)
{
    if (!tls)
        return connectTo(port, false);
    auto socket = std::make_unique<QSslSocket>();
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setCaCertificates(trustedRoots());
    configuration.setAllowedNextProtocols({QByteArrayLiteral("h2")});
    socket->setSslConfiguration(configuration);
    socket->connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    return socket;
}

class H2Client
{
public:
    struct Response
    {
        int status = 0;
        sse::http::HeaderList headers;
        QByteArray body;
        SseParser events;
        bool closed = false;    // END_STREAM or RST_STREAM
        uint32_t errorCode = 0; // of RST_STREAM (NGHTTP2_NO_ERROR after END_STREAM)

        QByteArray header(QByteArrayView name) const
        {
            return sse::http::headerValue(headers, name);
        }
    };

    // initialWindow: SETTINGS_INITIAL_WINDOW_SIZE this client announces (how much of each
    // stream it lets the server send before it reads).
    explicit H2Client(quint16 port, bool tls = overTls(), uint32_t initialWindow = 1 << 20)
    {
        nghttp2_session_callbacks *callbacks = nullptr;
        nghttp2_session_callbacks_new(&callbacks);
        nghttp2_session_callbacks_set_send_callback(callbacks, &H2Client::sendCallback);
        nghttp2_session_callbacks_set_on_header_callback(callbacks, &H2Client::headerCallback);
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks,
                                                                  &H2Client::dataCallback);
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &H2Client::closeCallback);
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &H2Client::frameCallback);
        nghttp2_session_client_new(&m_session, callbacks, this);
        nghttp2_session_callbacks_del(callbacks);
        m_socket = h2Socket(port, tls);
        QObject::connect(m_socket.get(), &QTcpSocket::readyRead, [this] { read(); });
        QObject::connect(m_socket.get(), &QTcpSocket::disconnected,
                         [this] { m_disconnected = true; });
        const nghttp2_settings_entry settings[] = {
            {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, initialWindow}};
        nghttp2_submit_settings(m_session, NGHTTP2_FLAG_NONE, settings, 1);
        // Connections get a window as large as each stream's.
        if (initialWindow > 65535)
            nghttp2_submit_window_update(m_session, NGHTTP2_FLAG_NONE, 0,
                                         int32_t(initialWindow) - 65535);
        flush();
    }
    ~H2Client() { nghttp2_session_del(m_session); }

    bool waitForConnected() { return testsupport::waitForConnected(*m_socket); }
    // The protocol ALPN agreed on over TLS ("h2"), or empty.
    QByteArray alpn() const
    {
        auto *ssl = qobject_cast<QSslSocket *>(m_socket.get());
        return ssl ? ssl->sslConfiguration().nextNegotiatedProtocol() : QByteArray();
    }

    int32_t request(const QByteArray &method, const QByteArray &path,
                    const sse::http::HeaderList &headers = {}, const QByteArray &body = {})
    {
        QList<std::pair<QByteArray, QByteArray>> fields{{":method", method},
                                                        {":scheme", overTls() ? "https" : "http"},
                                                        {":authority", "127.0.0.1"},
                                                        {":path", path}};
        for (const auto &[name, value] : headers)
            fields.append({name.toLower(), value});
        std::vector<nghttp2_nv> nv;
        for (auto &[name, value] : fields) {
            nv.push_back({reinterpret_cast<uint8_t *>(name.data()),
                          reinterpret_cast<uint8_t *>(value.data()), size_t(name.size()),
                          size_t(value.size()), NGHTTP2_NV_FLAG_NONE});
        }
        nghttp2_data_provider provider{};
        provider.read_callback = &H2Client::readBody;
        const int32_t id = nghttp2_submit_request(m_session, nullptr, nv.data(), nv.size(),
                                                  body.isNull() ? nullptr : &provider, nullptr);
        m_bodies[id] = body;
        m_responses[id];
        flush();
        return id;
    }
    // A POST whose body stops after sent (by default at once) and never ends: no END_STREAM.
    int32_t openUpload(const QByteArray &path, const QByteArray &sent = QByteArray(""))
    {
        m_deferred = true;
        return request("POST", path, {}, sent);
    }
    int32_t get(const QByteArray &path, const sse::http::HeaderList &headers = {})
    {
        return request("GET", path, headers);
    }

    const Response &response(int32_t id) { return m_responses[id]; }
    nghttp2_session *session() const { return m_session; }
    // Sends what the session has queued (after calls on session()).
    void flush()
    {
        while (nghttp2_session_want_write(m_session) && nghttp2_session_send(m_session) == 0 &&
               !m_out.isEmpty()) {
            m_socket->write(std::exchange(m_out, {}));
        }
    }
    bool goAwayReceived() const { return m_goAway; }
    uint32_t goAwayError() const { return m_goAwayError; }
    bool isDisconnected() const { return m_disconnected; }

private:
    void read()
    {
        const QByteArray bytes = m_socket->readAll();
        nghttp2_session_mem_recv(m_session, reinterpret_cast<const uint8_t *>(bytes.constData()),
                                 size_t(bytes.size()));
        flush();
    }
    static H2Client &of(void *user) { return *static_cast<H2Client *>(user); }
    static ssize_t sendCallback(nghttp2_session *, const uint8_t *data, size_t length, int,
                                void *user)
    {
        of(user).m_out.append(reinterpret_cast<const char *>(data), qsizetype(length));
        return ssize_t(length);
    }
    static int headerCallback(nghttp2_session *, const nghttp2_frame *frame, const uint8_t *name,
                              size_t nameLength, const uint8_t *value, size_t valueLength, uint8_t,
                              void *user)
    {
        Response &response = of(user).m_responses[frame->hd.stream_id];
        const QByteArray fieldName(reinterpret_cast<const char *>(name), qsizetype(nameLength));
        const QByteArray fieldValue(reinterpret_cast<const char *>(value), qsizetype(valueLength));
        if (fieldName == ":status")
            response.status = fieldValue.toInt();
        else
            response.headers.append({fieldName, fieldValue});
        return 0;
    }
    static int dataCallback(nghttp2_session *, uint8_t, int32_t id, const uint8_t *data,
                            size_t length, void *user)
    {
        Response &response = of(user).m_responses[id];
        const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(length));
        response.body += bytes;
        response.events.feed(bytes);
        return 0;
    }
    static int closeCallback(nghttp2_session *, int32_t id, uint32_t errorCode, void *user)
    {
        Response &response = of(user).m_responses[id];
        response.closed = true;
        response.errorCode = errorCode;
        return 0;
    }
    static int frameCallback(nghttp2_session *, const nghttp2_frame *frame, void *user)
    {
        if (frame->hd.type == NGHTTP2_GOAWAY) {
            of(user).m_goAway = true;
            of(user).m_goAwayError = frame->goaway.error_code;
        }
        return 0;
    }
    static ssize_t readBody(nghttp2_session *, int32_t id, uint8_t *buffer, size_t length,
                            uint32_t *flags, nghttp2_data_source *, void *user)
    {
        QByteArray &body = of(user).m_bodies[id];
        if (body.isEmpty() && of(user).m_deferred)
            return NGHTTP2_ERR_DEFERRED;
        const size_t taken = std::min(length, size_t(body.size()));
        memcpy(buffer, body.constData(), taken);
        body.remove(0, qsizetype(taken));
        if (body.isEmpty() && !of(user).m_deferred)
            *flags |= NGHTTP2_DATA_FLAG_EOF;
        return ssize_t(taken);
    }

    nghttp2_session *m_session = nullptr;
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_out;
    std::map<int32_t, Response> m_responses;
    std::map<int32_t, QByteArray> m_bodies;
    bool m_goAway = false;
    uint32_t m_goAwayError = 0;
    bool m_disconnected = false;
    bool m_deferred = false; // request bodies never end (openUpload)
};

// A client that writes frames by hand, as an attacker would, and reads which frames come
// back: the server's GOAWAY and when the connection closes.
class RawH2Client
{
public:
    explicit RawH2Client(quint16 port, bool tls = overTls())
        : m_socket(h2Socket(port, tls))
    {
        QObject::connect(m_socket.get(), &QTcpSocket::readyRead, [this] { read(); });
        QObject::connect(m_socket.get(), &QTcpSocket::disconnected,
                         [this] { m_disconnected = true; });
        // The preface and an empty SETTINGS: a well-behaved start.
        m_socket->write(QByteArrayLiteral("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + frame(0x4, 0, 0));
    }

    bool waitForConnected() { return testsupport::waitForConnected(*m_socket); }
    void write(const QByteArray &bytes) { m_socket->write(bytes); }
    bool goAwayReceived() const { return m_goAway.has_value(); }
    uint32_t goAwayError() const { return m_goAway.value_or(0); }
    bool isDisconnected() const { return m_disconnected; }
    // Frame types received, in order.
    const QList<quint8> &frameTypes() const { return m_types; }

    // One HTTP/2 frame as it goes on the wire (RFC 9113 section 4.1).
    static QByteArray frame(quint8 type, quint8 flags, quint32 streamId,
                            const QByteArray &payload = {})
    {
        QByteArray bytes;
        const quint32 length = quint32(payload.size());
        bytes.append(char(length >> 16)).append(char(length >> 8)).append(char(length));
        bytes.append(char(type)).append(char(flags));
        bytes.append(char(streamId >> 24)).append(char(streamId >> 16));
        bytes.append(char(streamId >> 8)).append(char(streamId));
        return bytes + payload;
    }

private:
    void read()
    {
        m_in += m_socket->readAll();
        while (m_in.size() >= 9) {
            const qsizetype length =
                (quint8(m_in[0]) << 16) | (quint8(m_in[1]) << 8) | quint8(m_in[2]);
            if (m_in.size() < 9 + length)
                return;
            const quint8 type = quint8(m_in[3]);
            m_types.append(type);
            if (type == 0x7 && length >= 8) {
                const auto *p = reinterpret_cast<const uchar *>(m_in.constData() + 13);
                m_goAway = (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) |
                           uint32_t(p[3]);
            }
            m_in.remove(0, 9 + length);
        }
    }

    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_in;
    QList<quint8> m_types;
    std::optional<uint32_t> m_goAway;
    bool m_disconnected = false;
};

} // namespace testsupport
