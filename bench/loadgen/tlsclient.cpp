#include "tlsclient.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <utility>

// The borrowed ciphertext a connection's BIO reads from, and the socket it writes to.
struct TlsWindow
{
    int fd = -1;
    const char *data = nullptr;
    size_t size = 0;
    int writeErrno = 0; // errno of a failed send(), for the error text
};

namespace {

TlsWindow *windowOf(BIO *bio)
{
    return static_cast<TlsWindow *>(BIO_get_data(bio));
}

int windowRead(BIO *bio, char *out, int capacity)
{
    BIO_clear_retry_flags(bio);
    TlsWindow *window = windowOf(bio);
    if (window->size == 0) {
        BIO_set_retry_read(bio); // everything lent is consumed: wait for the socket
        return -1;
    }
    const size_t count = std::min(window->size, static_cast<size_t>(std::max(capacity, 0)));
    std::memcpy(out, window->data, count);
    window->data += count;
    window->size -= count;
    return static_cast<int>(count);
}

int windowWrite(BIO *bio, const char *data, int size)
{
    BIO_clear_retry_flags(bio);
    TlsWindow *window = windowOf(bio);
    for (;;) {
        const ssize_t written =
            send(window->fd, data, static_cast<size_t>(std::max(size, 0)), MSG_NOSIGNAL);
        if (written >= 0) {
            return static_cast<int>(written);
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            BIO_set_retry_write(bio);
        } else {
            window->writeErrno = errno;
        }
        return -1;
    }
}

long windowControl(BIO *bio, int command, long, void *)
{
    switch (command) {
    case BIO_CTRL_FLUSH:
        return 1; // writes go straight to the socket
    case BIO_CTRL_PENDING:
        return static_cast<long>(windowOf(bio)->size);
    default:
        return 0;
    }
}

int windowCreate(BIO *bio)
{
    BIO_set_data(bio, nullptr);
    return 1;
}

int windowDestroy(BIO *bio)
{
    delete windowOf(bio);
    BIO_set_data(bio, nullptr);
    return 1;
}

// Takes the first error off OpenSSL's queue as text and clears the rest.
std::string openSslError(const char *fallback)
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) {
        return fallback;
    }
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
}

bool isIpAddress(const std::string &host)
{
    unsigned char address[16];
    return inet_pton(AF_INET, host.c_str(), address) == 1 ||
           inet_pton(AF_INET6, host.c_str(), address) == 1;
}

int64_t monotonicMs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

} // namespace

TlsClientContext::~TlsClientContext()
{
    SSL_CTX_free(m_context);
    BIO_meth_free(m_method);
}

bool TlsClientContext::init(const TlsSettings &settings, std::string &error)
{
    SSL_CTX *context = SSL_CTX_new(TLS_client_method());
    if (context == nullptr) {
        error = "SSL_CTX_new: " + openSslError("failed");
        return false;
    }
    auto fail = [&](const std::string &why) {
        SSL_CTX_free(context);
        error = why;
        return false;
    };
    // TLS 1.3 with one cipher suite, so that every server is measured on the same cipher.
    SSL_CTX_set_min_proto_version(context, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(context, TLS1_3_VERSION);
    if (SSL_CTX_set_ciphersuites(context, settings.ciphersuites.c_str()) != 1) {
        return fail("no usable TLS 1.3 cipher suite in \"" + settings.ciphersuites + "\"");
    }
    // Idle connections keep no record buffers; writes may be partial and retried from a
    // moved buffer (the publisher's request string).
    SSL_CTX_set_mode(context, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                                  SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    static const unsigned char h2Protocol[] = {2, 'h', '2'};
    if (settings.h2 && SSL_CTX_set_alpn_protos(context, h2Protocol, sizeof h2Protocol) != 0) {
        return fail("cannot offer h2 through ALPN");
    }
    // Full handshakes only: every subscriber costs the server the same.
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
    m_verifying = !settings.caFile.empty();
    if (m_verifying) {
        if (SSL_CTX_load_verify_locations(context, settings.caFile.c_str(), nullptr) != 1) {
            return fail("cannot load CA certificates from " + settings.caFile + ": " +
                        openSslError("no certificate"));
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
        // Every SSL_new() copies this: the certificate must name the host of --url.
        X509_VERIFY_PARAM *param = SSL_CTX_get0_param(context);
        const int ok = isIpAddress(settings.host)
                           ? X509_VERIFY_PARAM_set1_ip_asc(param, settings.host.c_str())
                           : X509_VERIFY_PARAM_set1_host(param, settings.host.c_str(), 0);
        if (ok != 1) {
            return fail("cannot verify against host " + settings.host);
        }
    } else {
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nullptr);
    }

    BIO_METHOD *method =
        BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "sse-loadgen window");
    if (method == nullptr || BIO_meth_set_read(method, windowRead) != 1 ||
        BIO_meth_set_write(method, windowWrite) != 1 ||
        BIO_meth_set_ctrl(method, windowControl) != 1 ||
        BIO_meth_set_create(method, windowCreate) != 1 ||
        BIO_meth_set_destroy(method, windowDestroy) != 1) {
        BIO_meth_free(method);
        return fail("BIO_meth_new: " + openSslError("failed"));
    }
    SSL_CTX_free(m_context);
    BIO_meth_free(m_method);
    m_context = context;
    m_method = method;
    // Server name indication only for host names (RFC 6066 forbids addresses).
    m_serverName = isIpAddress(settings.host) ? std::string() : settings.host;
    return true;
}

TlsConnection::TlsConnection(TlsConnection &&other) noexcept
    : m_ssl(std::exchange(other.m_ssl, nullptr))
    , m_window(std::exchange(other.m_window, nullptr))
{}

TlsConnection &TlsConnection::operator=(TlsConnection &&other) noexcept
{
    if (this != &other) {
        reset();
        m_ssl = std::exchange(other.m_ssl, nullptr);
        m_window = std::exchange(other.m_window, nullptr);
    }
    return *this;
}

bool TlsConnection::start(const TlsClientContext &context, int fd, std::string &error)
{
    reset();
    SSL *ssl = SSL_new(context.m_context);
    BIO *bio = ssl != nullptr ? BIO_new(context.m_method) : nullptr;
    if (bio == nullptr) {
        error = "SSL_new: " + openSslError("out of memory");
        SSL_free(ssl);
        return false;
    }
    auto *window = new TlsWindow;
    window->fd = fd;
    BIO_set_data(bio, window);
    BIO_set_init(bio, 1);
    SSL_set_bio(ssl, bio, bio); // one reference, owned by the SSL from now on
    SSL_set_connect_state(ssl);
    if (!context.m_serverName.empty()) {
        SSL_set_tlsext_host_name(ssl, context.m_serverName.c_str());
    }
    m_ssl = ssl;
    m_window = window;
    return true;
}

void TlsConnection::reset()
{
    if (m_ssl != nullptr) {
        SSL_free(m_ssl); // frees the BIO and with it the window
        m_ssl = nullptr;
        m_window = nullptr;
    }
}

void TlsConnection::supply(const char *data, size_t size)
{
    m_window->data = data;
    m_window->size = size;
}

TlsConnection::Result TlsConnection::classify(int returned, std::string &error) const
{
    switch (SSL_get_error(m_ssl, returned)) {
    case SSL_ERROR_WANT_READ:
        return Result::WantRead;
    case SSL_ERROR_WANT_WRITE:
        return Result::WantWrite;
    case SSL_ERROR_ZERO_RETURN:
        ERR_clear_error();
        return Result::Closed;
    case SSL_ERROR_SYSCALL:
        error = openSslError("I/O error"); // also empties the queue for the next connection
        if (m_window->writeErrno != 0) {
            error = std::strerror(m_window->writeErrno);
        }
        return Result::Failed;
    default: {
        error = openSslError("protocol error");
        const long verify = SSL_get_verify_result(m_ssl);
        if (verify != X509_V_OK) {
            error += std::string(" (certificate: ") + X509_verify_cert_error_string(verify) + ")";
        }
        return Result::Failed;
    }
    }
}

TlsConnection::Result TlsConnection::handshake(std::string &error)
{
    const int returned = SSL_connect(m_ssl);
    return returned == 1 ? Result::Done : classify(returned, error);
}

TlsConnection::Result TlsConnection::handshakeBlocking(int fd, int timeoutMs, char *buffer,
                                                       size_t capacity, std::string &error)
{
    const int64_t deadlineMs = monotonicMs() + timeoutMs;
    for (;;) {
        const Result result = handshake(error);
        if (result != Result::WantRead && result != Result::WantWrite) {
            if (result == Result::Done && m_window->size != 0) {
                // Whatever came with the server's last flight (session tickets): nothing was
                // asked for yet, so plaintext here is unsolicited and dropped.
                char sink[512];
                size_t got = 0;
                while (read(sink, sizeof sink, got, error) == Result::Done) {
                }
            }
            return result;
        }
        const int64_t leftMs = deadlineMs - monotonicMs();
        pollfd waitFor{fd, static_cast<short>(result == Result::WantRead ? POLLIN : POLLOUT), 0};
        const int ready = leftMs > 0 ? poll(&waitFor, 1, static_cast<int>(leftMs)) : 0;
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready <= 0) {
            error = "handshake timed out";
            return Result::Failed;
        }
        if (result == Result::WantRead) {
            const ssize_t count = ::read(fd, buffer, capacity);
            if (count > 0) {
                supply(buffer, static_cast<size_t>(count));
            } else if (count == 0) {
                error = "closed by server during the handshake";
                return Result::Failed;
            } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                error = std::strerror(errno);
                return Result::Failed;
            }
        }
    }
}

TlsConnection::Result TlsConnection::read(char *buffer, size_t capacity, size_t &got,
                                          std::string &error)
{
    got = 0;
    for (;;) {
        if (m_window->size == 0 && SSL_pending(m_ssl) == 0) {
            // Nothing lent and nothing decrypted left: no need to ask OpenSSL.
            return Result::WantRead;
        }
        const size_t before = m_window->size;
        const int returned =
            SSL_read(m_ssl, buffer, static_cast<int>(std::min<size_t>(capacity, INT32_MAX)));
        if (returned > 0) {
            got = static_cast<size_t>(returned);
            return Result::Done;
        }
        const Result result = classify(returned, error);
        // WantRead with bytes still lent (a record that carried no application data, such
        // as a session ticket): go on until all of them are consumed.
        if (result == Result::WantRead && m_window->size != 0) {
            if (m_window->size == before) {
                error = "OpenSSL stopped reading";
                return Result::Failed;
            }
            continue;
        }
        return result;
    }
}

TlsConnection::Result TlsConnection::write(const char *data, size_t size, size_t &written,
                                           std::string &error)
{
    written = 0;
    const int returned =
        SSL_write(m_ssl, data, static_cast<int>(std::min<size_t>(size, INT32_MAX)));
    if (returned > 0) {
        written = static_cast<size_t>(returned);
        return Result::Done;
    }
    return classify(returned, error);
}

ssize_t TlsConnection::send(const char *data, size_t size, std::string &error)
{
    size_t written = 0;
    switch (write(data, size, written, error)) {
    case Result::Done:
        return static_cast<ssize_t>(written);
    case Result::WantWrite:
        errno = EAGAIN;
        return -1;
    case Result::WantRead: // no renegotiation in TLS 1.3: not expected
        error = "TLS write waits for a read";
        break;
    case Result::Closed:
        error = "connection closed (close_notify)";
        break;
    case Result::Failed:
        break;
    }
    errno = EPROTO;
    return -1;
}

std::string TlsConnection::description() const
{
    if (m_ssl == nullptr) {
        return {};
    }
    const SSL_CIPHER *cipher = SSL_get_current_cipher(m_ssl);
    return std::string(SSL_get_version(m_ssl)) + " " +
           (cipher != nullptr ? SSL_CIPHER_get_name(cipher) : "?");
}
