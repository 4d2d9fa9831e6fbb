#pragma once

#include <QByteArray>
#include <QString>

#include <memory>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace sse {

class Tls13Sealer;

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
    // For a stream, which only sends from now on. With TLS 1.3 the session keeps the sending
    // key alone (Tls13Sealer) and frees OpenSSL's connection state, 13 KiB a stream; otherwise
    // it gives OpenSSL's record buffers back. True when it kept the key alone. What is
    // received after this is not read.
    bool becomeSendOnly(quint64 recordsPerKey = quint64(1) << 24);
    // OpenSSL's key log (SSL_CTX_set_keylog_callback): how the session learns its sending
    // secret. TlsContext installs it.
    static void keyLogged(const SSL *ssl, const char *line);
    // OpenSSL's message callback (SSL_CTX_set_msg_callback): a KeyUpdate the session sent
    // moves it to a secret the key log does not tell, so it stays with OpenSSL then.
    static void messageSeen(int written, int version, int contentType, const void *message,
                            size_t length, SSL *ssl, void *);

    // Ciphertext to send, in order.
    qsizetype outgoingSize() const { return m_out.size() - m_outOffset; }
    const char *outgoingData() const { return m_out.constData() + m_outOffset; }
    void consumeOutgoing(qsizetype bytes);
    QByteArray takeOutgoing();

    bool isSendOnly() const { return m_sealer != nullptr; }
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
    // Counts the records written once established: the sequence number a sealer goes on from.
    void countRecords(const char *data, qsizetype size);

    static constexpr qsizetype KeptBufferBytes = 1024;

    SSL *m_ssl = nullptr;                  // null once send-only
    std::unique_ptr<Tls13Sealer> m_sealer; // send-only
    QByteArray m_sendingSecret;            // SERVER_TRAFFIC_SECRET_0, until send-only
    quint64 m_recordsSent = 0;             // since established
    qsizetype m_recordLeft = 0;            // bytes of the record being written still to come
    unsigned char m_header[5] = {};        // a record header split across writes
    int m_headerFill = 0;
    const char *m_version = nullptr; // OpenSSL's static text, kept when send-only
    bool m_keyUpdated = false;       // sent a KeyUpdate: SERVER_TRAFFIC_SECRET_0 is stale
    QByteArray m_out;                // ciphertext made, from m_outOffset on not sent yet
    qsizetype m_outOffset = 0;       // consumed bytes at the front of m_out
    const char *m_in = nullptr;      // receive(): ciphertext OpenSSL reads, m_inSize bytes left
    qsizetype m_inSize = 0;
    QString m_error;
    bool m_established = false;
};

} // namespace sse
