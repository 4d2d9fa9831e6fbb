#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <memory>

typedef struct ssl_ctx_st SSL_CTX;

namespace sse {

// The server's TLS settings and certificate (an OpenSSL SSL_CTX): TLS 1.2 and 1.3 only, with
// Mozilla's "intermediate" ciphers, through the system's OpenSSL 3. Made once at start;
// every TlsSession of the server comes from it.
class TlsContext
{
public:
    // Mozilla's "intermediate" configuration (version 5.7) for TLS 1.2; TLS 1.3 keeps
    // OpenSSL's suites, which are the same list.
    static constexpr const char *Tls12Ciphers =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
        "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
        "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

    // From a PEM certificate chain (the server's first) and a PEM private key. nullptr, with a
    // sentence naming the file and the reason in *error, when either cannot be used.
    // certOption and keyOption name where the files came from ("--tls-cert").
    static std::unique_ptr<TlsContext>
    fromFiles(const QString &certFile, const QString &keyFile, QString *error,
              const QString &certOption = QStringLiteral("--tls-cert"),
              const QString &keyOption = QStringLiteral("--tls-key"));
    ~TlsContext();
    TlsContext(const TlsContext &) = delete;
    TlsContext &operator=(const TlsContext &) = delete;

    SSL_CTX *native() const { return m_context; }
    QDateTime notAfter() const { return m_notAfter; }
    QDateTime notBefore() const { return m_notBefore; }
    // The certificate's subject CommonName, for the dashboard.
    QString subjectName() const { return m_subjectName; }
    // A warning to show at start (an expired certificate), else empty.
    QString warning() const;
    QString certFile() const { return m_certFile; }

private:
    TlsContext() = default;

    SSL_CTX *m_context = nullptr;
    QDateTime m_notBefore;
    QDateTime m_notAfter;
    QString m_subjectName;
    QString m_certFile;
};

// The first OpenSSL error queued, as text (and the queue cleared); fallback when none is.
QString takeOpenSslError(const QString &fallback);

} // namespace sse
