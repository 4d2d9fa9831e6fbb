#pragma once

#include <QByteArray>
#include <QString>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace sse {

// One server-side TLS connection whose records pass through memory, not through a socket:
// whoever owns the socket (an HTTP connection, then the stream hub) hands it the bytes read
// and sends what it makes, so sends keep their batches (io_uring) and their queues. The
// ciphertext waits in outgoing() until the owner sends it; nothing is copied on the way in.
// Not thread-safe; distinct sessions may be used on distinct threads at once.
class TlsSession
{
public:
    explicit TlsSession(SSL_CTX *context);
    ~TlsSession();
    TlsSession(const TlsSession &) = delete;
    TlsSession &operator=(const TlsSession &) = delete;

    // Takes bytes read from the peer: advances the handshake, and appends the application
    // data they carry to *plain. False on a fatal error (error() says why) or when the peer
    // closed the session (close_notify).
    bool receive(const char *data, qsizetype size, QByteArray *plain);
    bool isEstablished() const { return m_established; }
    // Encrypts application data into outgoing(). False on a fatal error.
    bool encrypt(const char *data, qsizetype size);
    // A close_notify alert into outgoing(), best effort.
    void shutdown();

    // Ciphertext to send, in order.
    qsizetype outgoingSize() const { return m_out.size() - m_outOffset; }
    const char *outgoingData() const { return m_out.constData() + m_outOffset; }
    void consumeOutgoing(qsizetype bytes);
    QByteArray takeOutgoing();

    // "TLSv1.3", once established.
    QString version() const;
    // The ALPN protocol agreed on ("http/1.1"), or empty.
    QByteArray alpn() const;
    QString error() const { return m_error; }

    // The stream hub's bookkeeping: how much of outgoing() its queue limits count already.
    qint64 accountedBytes = 0;

private:
    friend struct TlsSessionBio;
    bool advanceHandshake();
    void fail(const char *operation);

    SSL *m_ssl = nullptr;
    QByteArray m_out;           // ciphertext made, from m_outOffset on not sent yet
    qsizetype m_outOffset = 0;  // consumed bytes at the front of m_out
    const char *m_in = nullptr; // receive(): ciphertext OpenSSL reads, m_inSize bytes left
    qsizetype m_inSize = 0;
    QString m_error;
    bool m_established = false;
};

} // namespace sse
