#pragma once

#include <QByteArray>

#include <memory>

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;
typedef struct evp_md_st EVP_MD;

namespace sse {

// The sending half of a TLS 1.3 connection after its handshake (RFC 8446 5.2 and 7.1): the
// application records of one direction, sealed with a key derived from the traffic secret,
// what kernel TLS does in the kernel. It holds a cipher context, an IV and a sequence number,
// about 1 KiB, where OpenSSL's whole connection state is 13 KiB: a stream, which only sends,
// needs no more. After 2^24 records it sends a KeyUpdate and goes on with the next key (the
// AES-GCM limit is 2^24.5). Not thread-safe.
class Tls13Sealer
{
public:
    static constexpr qsizetype MaxRecordPlaintext = 16384;
    static constexpr quint64 RecordsPerKey = quint64(1) << 24;

    // For TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384 or TLS_CHACHA20_POLY1305_SHA256 (the
    // cipher's standard name), the secret (SERVER_TRAFFIC_SECRET_N) and the number of records
    // already sent with it. nullptr for another suite or a secret of the wrong size.
    // recordsPerKey: when to go on with the next key (tests make it small).
    static std::unique_ptr<Tls13Sealer> create(const char *cipherName, const QByteArray &secret,
                                               quint64 recordsSent,
                                               quint64 recordsPerKey = RecordsPerKey);
    ~Tls13Sealer();
    Tls13Sealer(const Tls13Sealer &) = delete;
    Tls13Sealer &operator=(const Tls13Sealer &) = delete;

    // Appends application data to out as records of at most MaxRecordPlaintext bytes each.
    bool sealApplicationData(const char *data, qsizetype size, QByteArray &out);
    // Appends a close_notify alert.
    bool sealCloseNotify(QByteArray &out);
    quint64 recordsSent() const { return m_sequence; }

private:
    Tls13Sealer() = default;
    bool deriveKeys();
    bool seal(const char *data, qsizetype size, quint8 contentType, QByteArray &out);
    bool updateKey(QByteArray &out);

    EVP_CIPHER_CTX *m_context = nullptr;
    const EVP_MD *m_hash = nullptr;
    QByteArray m_secret;
    int m_keyLength = 0;
    unsigned char m_iv[12] = {};
    quint64 m_sequence = 0;
    quint64 m_recordsPerKey = RecordsPerKey;
};

} // namespace sse
