#include "tlssession.h"

#include "tls13sealer.h"

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
        if (session->m_established)
            session->countRecords(data, size);
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
    SSL_set_app_data(m_ssl, this);
    BIO *bio = BIO_new(TlsSessionBio::method());
    BIO_set_data(bio, this);
    SSL_set_bio(m_ssl, bio, bio); // one BIO both ways; the session owns it now
    SSL_set_accept_state(m_ssl);
}

TlsSession::~TlsSession()
{
    SSL_free(m_ssl);
    m_sendingSecret.fill('\0');
}

void TlsSession::keyLogged(const SSL *ssl, const char *line)
{
    // "SERVER_TRAFFIC_SECRET_0 <client random> <secret>", all hex.
    static constexpr char Label[] = "SERVER_TRAFFIC_SECRET_0 ";
    auto *session = static_cast<TlsSession *>(SSL_get_app_data(ssl));
    if (!session || std::strncmp(line, Label, sizeof Label - 1) != 0)
        return;
    const char *secret = std::strrchr(line, ' ');
    if (secret)
        session->m_sendingSecret = QByteArray::fromHex(QByteArray(secret + 1));
}

void TlsSession::messageSeen(int written, int, int contentType, const void *message, size_t length,
                             SSL *ssl, void *)
{
    auto *session = static_cast<TlsSession *>(SSL_get_app_data(ssl));
    if (session && written && contentType == SSL3_RT_HANDSHAKE && length > 0 &&
        static_cast<const unsigned char *>(message)[0] == SSL3_MT_KEY_UPDATE) {
        session->m_keyUpdated = true;
    }
}

void TlsSession::countRecords(const char *data, qsizetype size)
{
    while (size > 0) {
        if (m_recordLeft > 0) {
            const qsizetype taken = std::min(size, m_recordLeft);
            m_recordLeft -= taken;
            data += taken;
            size -= taken;
            continue;
        }
        m_header[m_headerFill++] = quint8(*data++);
        --size;
        if (m_headerFill == int(sizeof m_header)) {
            m_headerFill = 0;
            m_recordLeft = (qsizetype(m_header[3]) << 8) | m_header[4];
            ++m_recordsSent;
        }
    }
}

bool TlsSession::becomeSendOnly(quint64 recordsPerKey)
{
    if (!m_ssl || !m_established || !m_error.isEmpty())
        return false;
    std::unique_ptr<Tls13Sealer> sealer;
    // Only between whole records, with nothing received left unread.
    if (SSL_version(m_ssl) == TLS1_3_VERSION && m_recordLeft == 0 && m_headerFill == 0 &&
        SSL_pending(m_ssl) == 0 && !m_sendingSecret.isEmpty() && !m_keyUpdated) {
        sealer = Tls13Sealer::create(SSL_CIPHER_standard_name(SSL_get_current_cipher(m_ssl)),
                                     m_sendingSecret, m_recordsSent, recordsPerKey);
    }
    m_sendingSecret.fill('\0');
    m_sendingSecret = QByteArray();
    if (!sealer) {
        SSL_free_buffers(m_ssl);
        return false;
    }
    m_version = SSL_get_version(m_ssl);
    m_sealer = std::move(sealer);
    SSL_free(m_ssl);
    m_ssl = nullptr;
    return true;
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
    if (m_sealer) {
        if (m_sealer->sealApplicationData(data, size, m_out))
            return true;
        m_error = QStringLiteral("TLS write: sealing a record failed");
        return false;
    }
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
    if (m_sealer) {
        m_sealer->sealCloseNotify(m_out);
        return;
    }
    if (m_ssl && m_established && m_error.isEmpty())
        SSL_shutdown(m_ssl);
    ERR_clear_error();
}

void TlsSession::consumeOutgoing(qsizetype bytes)
{
    m_outOffset += bytes;
    if (m_outOffset >= m_out.size()) {
        // A buffer the size of a typical event is kept for the next one, which then costs no
        // allocation; a large one is given back.
        if (m_out.capacity() <= KeptBufferBytes)
            m_out.resize(0);
        else
            m_out = QByteArray();
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
    if (m_version)
        return QString::fromLatin1(m_version);
    return m_ssl && m_established ? QString::fromLatin1(SSL_get_version(m_ssl)) : QString();
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
