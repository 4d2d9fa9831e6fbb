#include "tlssession.h"

#include <QScopeGuard>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace sse {

// A BIO over the session's own buffers: OpenSSL reads the ciphertext receive() was given and
// writes records straight into m_out, so there are no memory BIOs to copy through, and an idle
// session holds no buffers at all.
struct TlsSessionBio
{
    static int write(BIO *bio, const char *data, int size)
    {
        BIO_clear_retry_flags(bio);
        auto *session = static_cast<TlsSession *>(BIO_get_data(bio));
        session->m_out.append(data, size);
        return size;
    }
    static int read(BIO *bio, char *data, int size)
    {
        BIO_clear_retry_flags(bio);
        auto *session = static_cast<TlsSession *>(BIO_get_data(bio));
        if (session->m_inSize == 0) {
            BIO_set_retry_read(bio);
            return -1;
        }
        const int taken = int(std::min<qsizetype>(size, session->m_inSize));
        std::memcpy(data, session->m_in, size_t(taken));
        session->m_in += taken;
        session->m_inSize -= taken;
        return taken;
    }
    static long control(BIO *, int command, long, void *)
    {
        return command == BIO_CTRL_FLUSH ? 1 : 0;
    }
    static int create(BIO *bio)
    {
        BIO_set_init(bio, 1);
        return 1;
    }
    static const BIO_METHOD *method()
    {
        static BIO_METHOD *const bioMethod = [] {
            BIO_METHOD *made =
                BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "sse-dashboard session");
            BIO_meth_set_write(made, &TlsSessionBio::write);
            BIO_meth_set_read(made, &TlsSessionBio::read);
            BIO_meth_set_ctrl(made, &TlsSessionBio::control);
            BIO_meth_set_create(made, &TlsSessionBio::create);
            return made;
        }();
        return bioMethod;
    }
};

TlsSession::TlsSession(SSL_CTX *context)
    : m_ssl(SSL_new(context))
{
    if (!m_ssl) {
        fail("SSL_new");
        return;
    }
    BIO *bio = BIO_new(TlsSessionBio::method());
    BIO_set_data(bio, this);
    SSL_set_bio(m_ssl, bio, bio); // one BIO both ways; the session owns it now
    SSL_set_accept_state(m_ssl);
}

TlsSession::~TlsSession()
{
    SSL_free(m_ssl);
}

void TlsSession::fail(const char *operation)
{
    if (!m_error.isEmpty())
        return;
    const unsigned long code = ERR_get_error();
    char text[256] = {};
    if (code)
        ERR_error_string_n(code, text, sizeof text);
    m_error = code ? QStringLiteral("%1: %2").arg(QLatin1String(operation), QLatin1String(text))
                   : QStringLiteral("%1 failed").arg(QLatin1String(operation));
    ERR_clear_error();
}

bool TlsSession::advanceHandshake()
{
    const int result = SSL_do_handshake(m_ssl);
    if (result == 1) {
        m_established = true;
        return true;
    }
    const int reason = SSL_get_error(m_ssl, result);
    if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE)
        return true;
    fail("TLS handshake");
    return false;
}

bool TlsSession::receive(const char *data, qsizetype size, QByteArray *plain)
{
    if (!m_ssl || !m_error.isEmpty())
        return false;
    m_in = data;
    m_inSize = size;
    const auto clearInput = qScopeGuard([this] {
        m_in = nullptr;
        m_inSize = 0;
    });
    if (!m_established && !advanceHandshake())
        return false;
    if (!m_established)
        return true;
    char buffer[16 * 1024];
    for (;;) {
        const int read = SSL_read(m_ssl, buffer, int(sizeof buffer));
        if (read > 0) {
            plain->append(buffer, read);
            continue;
        }
        const int reason = SSL_get_error(m_ssl, read);
        if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE)
            return true;
        if (reason == SSL_ERROR_ZERO_RETURN) {
            m_error = QStringLiteral("the peer closed the TLS session");
            return false;
        }
        fail("TLS read");
        return false;
    }
}

bool TlsSession::encrypt(const char *data, qsizetype size)
{
    if (!m_established || !m_error.isEmpty())
        return false;
    while (size > 0) {
        // The BIO takes every record whole, so a write never stops half way.
        const int chunk = int(std::min<qsizetype>(size, 1 << 30));
        const int written = SSL_write(m_ssl, data, chunk);
        if (written <= 0) {
            fail("TLS write");
            return false;
        }
        data += written;
        size -= written;
    }
    return true;
}

void TlsSession::shutdown()
{
    if (m_established && m_error.isEmpty())
        SSL_shutdown(m_ssl);
    ERR_clear_error();
}

void TlsSession::consumeOutgoing(qsizetype bytes)
{
    m_outOffset += bytes;
    if (m_outOffset >= m_out.size()) {
        m_out = QByteArray(); // an idle session holds no buffer
        m_outOffset = 0;
    }
}

QByteArray TlsSession::takeOutgoing()
{
    QByteArray out = m_outOffset == 0 ? std::exchange(m_out, QByteArray()) : m_out.mid(m_outOffset);
    m_out = QByteArray();
    m_outOffset = 0;
    return out;
}

QString TlsSession::version() const
{
    return m_established ? QString::fromLatin1(SSL_get_version(m_ssl)) : QString();
}

QByteArray TlsSession::alpn() const
{
    const unsigned char *protocol = nullptr;
    unsigned int length = 0;
    if (m_ssl)
        SSL_get0_alpn_selected(m_ssl, &protocol, &length);
    return QByteArray(reinterpret_cast<const char *>(protocol), int(length));
}

} // namespace sse
