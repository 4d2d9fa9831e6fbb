#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

// OpenSSL types, declared here so that only tlsclient.cpp includes OpenSSL's headers.
typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;
typedef struct bio_method_st BIO_METHOD;
struct TlsWindow; // what a connection's BIO reads from and writes to (tlsclient.cpp)

// TLS for the load generator's own non-blocking sockets, in its one epoll loop.
//
// The caller keeps reading the socket itself (recvmsg() with SO_TIMESTAMPNS, so arrival times
// stay the kernel's) and lends what it read to OpenSSL through a custom BIO: the BIO's read
// hands out that borrowed window without copying, its write goes straight to send(). A
// connection therefore owns no buffer of its own besides OpenSSL's record buffers, which
// SSL_MODE_RELEASE_BUFFERS frees while idle. Every call that supplies bytes drains them:
// read() is called until it says WantRead, which leaves nothing decrypted inside OpenSSL
// (SSL_pending() == 0) that epoll could not report.

struct TlsSettings
{
    std::string caFile;       // PEM roots; empty = no verification of the server
    std::string host;         // of --url: sent as SNI if a name; the certificate must name it
    std::string ciphersuites; // TLS 1.3 suites (SSL_CTX_set_ciphersuites)
    bool h2 = false;          // offer h2 alone through ALPN
};

// The SSL_CTX and BIO method all connections share. Must outlive its connections.
class TlsClientContext
{
public:
    TlsClientContext() = default;
    ~TlsClientContext();
    TlsClientContext(const TlsClientContext &) = delete;
    TlsClientContext &operator=(const TlsClientContext &) = delete;

    bool init(const TlsSettings &settings, std::string &error);
    bool enabled() const { return m_context != nullptr; }
    bool verifying() const { return m_verifying; }

private:
    friend class TlsConnection;
    SSL_CTX *m_context = nullptr;
    BIO_METHOD *m_method = nullptr;
    std::string m_serverName; // SNI
    bool m_verifying = false;
};

// One client connection. Move-only; frees its SSL (without close_notify) when reset or
// destroyed, leaving the socket to the caller.
class TlsConnection
{
public:
    enum class Result { Done, WantRead, WantWrite, Closed, Failed };

    TlsConnection() = default;
    ~TlsConnection() { reset(); }
    TlsConnection(TlsConnection &&other) noexcept;
    TlsConnection &operator=(TlsConnection &&other) noexcept;
    TlsConnection(const TlsConnection &) = delete;
    TlsConnection &operator=(const TlsConnection &) = delete;

    // A client session on the connected socket fd. False (with error) when OpenSSL refuses.
    bool start(const TlsClientContext &context, int fd, std::string &error);
    void reset();
    bool active() const { return m_ssl != nullptr; }

    // Lends ciphertext read from the socket to the next handshake()/read() calls. They must
    // consume all of it (read() until WantRead) before the buffer is reused.
    void supply(const char *data, size_t size);

    // SSL_connect(): Done when the handshake finished (bytes left in the window are
    // application data for read()), WantRead/WantWrite to wait for the socket.
    Result handshake(std::string &error);
    // Drives handshake() to its end, waiting with poll() up to timeoutMs and reading the
    // socket into buffer. For the one publisher connection; subscribers use the epoll loop.
    Result handshakeBlocking(int fd, int timeoutMs, char *buffer, size_t capacity,
                             std::string &error);
    // One SSL_read() into buffer: Done with got > 0 bytes, WantRead once everything
    // supplied is consumed, Closed on close_notify, Failed otherwise.
    Result read(char *buffer, size_t capacity, size_t &got, std::string &error);
    // SSL_write() of up to size bytes (partial writes allowed): Done with written > 0, or
    // WantWrite (retry with the same bytes when the socket is writable), Failed.
    Result write(const char *data, size_t size, size_t &written, std::string &error);

    // write() shaped like send(): bytes taken, or -1 with errno EAGAIN (wait for EPOLLOUT,
    // then retry with the same bytes) or EPROTO (error says why).
    ssize_t send(const char *data, size_t size, std::string &error);

    // "TLSv1.3 TLS_AES_128_GCM_SHA256" once the handshake is done.
    std::string description() const;

private:
    Result classify(int returned, std::string &error) const;

    SSL *m_ssl = nullptr;
    TlsWindow *m_window = nullptr; // owned by the BIO
};
