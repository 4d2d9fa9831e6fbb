#pragma once

// A stream read with plain POSIX calls, so that a test can tell FIN (recv() returns 0) from RST
// (ECONNRESET), which QTcpSocket reports alike; over TLS (SSE_TEST_TLS) through an OpenSSL
// client session on the same descriptor.

#include "testsupport.h"

#include <QByteArray>
#include <QDeadlineTimer>
#include <QList>
#include <QStringList>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <functional>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace testsupport {

class RawStream
{
public:
    enum class End { Open, Fin, Reset };

    RawStream(quint16 port, const QByteArray &target)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
            qWarning("connect failed: %s", strerror(errno));
        const QByteArray request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        if (overTls()) {
            // The certificate is checked by tst_tls; here only what the stream does matters.
            static SSL_CTX *const context = SSL_CTX_new(TLS_client_method());
            m_ssl = SSL_new(context);
            SSL_set_fd(m_ssl, m_fd);
            if (SSL_connect(m_ssl) != 1 ||
                SSL_write(m_ssl, request.constData(), int(request.size())) <= 0) {
                qWarning("TLS handshake or write failed");
            }
            return;
        }
        if (::send(m_fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL) < 0)
            qWarning("send failed: %s", strerror(errno));
    }
    ~RawStream()
    {
        SSL_free(m_ssl);
        ::close(m_fd);
    }
    RawStream(const RawStream &) = delete;
    RawStream &operator=(const RawStream &) = delete;

    // Reads until done(body) holds or the peer ends the stream. The timeout only keeps a
    // failing test from hanging; End::Open with done() false means the test failed.
    End readUntil(const std::function<bool(const QByteArray &)> &done, int timeoutMs = 15000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!done(body())) {
            pollfd descriptor{m_fd, POLLIN, 0};
            if ((!m_ssl || SSL_pending(m_ssl) == 0) &&
                ::poll(&descriptor, 1, int(deadline.remainingTime())) <= 0) {
                return End::Open;
            }
            if (readOnce() != End::Open)
                return m_end;
        }
        return End::Open;
    }
    End readToEnd()
    {
        return readUntil([](const QByteArray &) { return false; });
    }
    // Takes what has arrived so far without waiting.
    void readAvailable()
    {
        pollfd descriptor{m_fd, POLLIN, 0};
        while (m_end == End::Open &&
               ((m_ssl && SSL_pending(m_ssl) > 0) || ::poll(&descriptor, 1, 0) > 0)) {
            readOnce();
        }
    }

    const QByteArray &received() const { return m_received; }
    QByteArray head() const { return m_received.left(headSize()); }
    QByteArray body() const { return headSize() < 0 ? QByteArray() : m_received.mid(headSize()); }
    bool hasHead() const { return headSize() >= 0; }
    int reads() const { return m_reads; }
    QList<ReceivedEvent> events() const
    {
        SseParser parser;
        parser.feed(body());
        return parser.events();
    }

private:
    qsizetype headSize() const
    {
        const qsizetype end = m_received.indexOf("\r\n\r\n");
        return end < 0 ? -1 : end + 4;
    }
    End readOnce()
    {
        char buffer[65536];
        if (m_ssl)
            return readTls(buffer, int(sizeof buffer));
        const ssize_t got = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (got > 0) {
            m_received.append(buffer, got);
            ++m_reads;
        } else if (got == 0) {
            m_end = End::Fin;
        } else if (errno == ECONNRESET) {
            m_end = End::Reset;
        }
        return m_end;
    }

    End readTls(char *buffer, int size)
    {
        const int got = SSL_read(m_ssl, buffer, size);
        if (got > 0) {
            m_received.append(buffer, got);
            ++m_reads;
            return m_end;
        }
        const int reason = SSL_get_error(m_ssl, got);
        if (reason == SSL_ERROR_ZERO_RETURN)
            m_end = End::Fin; // close_notify
        else if (reason == SSL_ERROR_SYSCALL && errno == ECONNRESET)
            m_end = End::Reset;
        else if (reason == SSL_ERROR_SSL || reason == SSL_ERROR_SYSCALL)
            m_end = End::Fin; // the end without close_notify
        ERR_clear_error();
        return m_end;
    }

    int m_fd = -1;
    SSL *m_ssl = nullptr; // over TLS
    QByteArray m_received;
    int m_reads = 0;
    End m_end = End::Open;
};

// Whether body holds at least count whole events.
inline bool hasEvents(const QByteArray &body, int count)
{
    SseParser parser;
    parser.feed(body);
    return parser.events().size() >= count;
}

// The events' ids, in order.
inline QStringList ids(const QList<ReceivedEvent> &events)
{
    QStringList list;
    for (const ReceivedEvent &event : events)
        list.append(event.lastEventId);
    return list;
}

} // namespace testsupport
