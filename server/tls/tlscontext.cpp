#include "tlscontext.h"

#include "opensslpointers.h"

#include "tlssession.h"

#include <QFile>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <tuple>

namespace sse {

namespace {

QDateTime toDateTime(const ASN1_TIME *time)
{
    tm parts{};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1)
        return {};
    return QDateTime(QDate(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday),
                     QTime(parts.tm_hour, parts.tm_min, parts.tm_sec), Qt::UTC);
}

// The file's bytes, or a sentence naming it and why it cannot be read.
std::optional<QByteArray> readFile(const QString &option, const QString &path, QString *error)
{
    QFile file(path);
    if (path.isEmpty()) {
        *error = QStringLiteral("%1 is missing: give a file").arg(option);
        return std::nullopt;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        *error =
            QStringLiteral("%1 %2: cannot read the file: %3").arg(option, path, file.errorString());
        return std::nullopt;
    }
    return file.readAll();
}

// The protocols this front speaks, for ALPN, HTTP/2 first. The list is offered by the client
// in wire format; OpenSSL picks the first of ours the client offers.
int selectAlpn(SSL *, const unsigned char **out, unsigned char *outLength, const unsigned char *in,
               unsigned int inLength, void *)
{
    static const unsigned char ours[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    unsigned char *selected = nullptr;
    if (SSL_select_next_proto(&selected, outLength, ours, sizeof ours, in, inLength) !=
        OPENSSL_NPN_NEGOTIATED) {
        return SSL_TLSEXT_ERR_NOACK; // no ALPN: HTTP/1.1 all the same
    }
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

} // namespace

QString takeOpenSslError(const QString &fallback)
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (!code)
        return fallback;
    const char *reason = ERR_reason_error_string(code);
    return reason ? QString::fromLatin1(reason) : fallback;
}

std::unique_ptr<TlsContext> TlsContext::fromFiles(const QString &certFile, const QString &keyFile,
                                                  QString *error, const QString &certOption,
                                                  const QString &keyOption)
{
    ERR_clear_error();
    const std::optional<QByteArray> certPem = readFile(certOption, certFile, error);
    if (!certPem)
        return nullptr;
    const std::optional<QByteArray> keyPem = readFile(keyOption, keyFile, error);
    if (!keyPem)
        return nullptr;

    for (const auto &[option, path, pem] :
         {std::tuple{certOption, certFile, *certPem}, std::tuple{keyOption, keyFile, *keyPem}}) {
        if (!pem.contains("-----BEGIN ")) {
            *error = QStringLiteral("%1 %2: not a PEM file (no -----BEGIN line)").arg(option, path);
            return nullptr;
        }
    }
    BioPtr certBio(BIO_new_mem_buf(certPem->constData(), int(certPem->size())));
    X509Ptr certificate(PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr));
    if (!certificate) {
        *error = QStringLiteral("%1 %2: not a PEM certificate (%3)")
                     .arg(certOption, certFile,
                          takeOpenSslError(QStringLiteral("no BEGIN CERTIFICATE block")));
        return nullptr;
    }
    BioPtr keyBio(BIO_new_mem_buf(keyPem->constData(), int(keyPem->size())));
    KeyPtr key(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr));
    if (!key) {
        const QString why = !keyPem->contains("PRIVATE KEY")
                                ? QStringLiteral("no PRIVATE KEY block")
                            : keyPem->contains("ENCRYPTED")
                                ? QStringLiteral("it is encrypted; decrypt it with openssl pkey")
                                : takeOpenSslError(QStringLiteral("damaged"));
        ERR_clear_error();
        *error = QStringLiteral("%1 %2: not a PEM private key (%3)").arg(keyOption, keyFile, why);
        return nullptr;
    }
    if (X509_check_private_key(certificate.get(), key.get()) != 1) {
        ERR_clear_error();
        *error = QStringLiteral("%1 %2 does not match the certificate in %3 %4")
                     .arg(keyOption, keyFile, certOption, certFile);
        return nullptr;
    }

    std::unique_ptr<TlsContext> made(new TlsContext);
    made->m_certFile = certFile;
    made->m_notBefore = toDateTime(X509_get0_notBefore(certificate.get()));
    made->m_notAfter = toDateTime(X509_get0_notAfter(certificate.get()));
    char commonName[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(certificate.get()), NID_commonName, commonName,
                              sizeof commonName);
    made->m_subjectName = QString::fromUtf8(commonName);

    SSL_CTX *context = SSL_CTX_new(TLS_server_method());
    made->m_context = context;
    if (!context || SSL_CTX_set_cipher_list(context, Tls12Ciphers) != 1) {
        *error = QStringLiteral("TLS cannot be set up: %1")
                     .arg(takeOpenSslError(QStringLiteral("OpenSSL refused its settings")));
        return nullptr;
    }
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    SSL_CTX_set_dh_auto(context, 1); // the DHE-RSA suites of the list, for RSA keys
    SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    // An idle stream gives its record buffers back; a subscriber costs the session alone.
    SSL_CTX_set_mode(context, SSL_MODE_RELEASE_BUFFERS);
    // No TLS 1.3 tickets after the handshake: the connection may be handed to the stream hub
    // at once, and a reconnect costs one full handshake, which is cheap with ECDSA.
    SSL_CTX_set_num_tickets(context, 0);
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_alpn_select_cb(context, &selectAlpn, nullptr);
    // The sending secret, for a stream's session to keep alone (TlsSession::becomeSendOnly).
    SSL_CTX_set_keylog_callback(context, &TlsSession::keyLogged);
    SSL_CTX_set_msg_callback(context, &TlsSession::messageSeen);
    if (SSL_CTX_use_certificate(context, certificate.get()) != 1 ||
        SSL_CTX_use_PrivateKey(context, key.get()) != 1) {
        *error = QStringLiteral("%1 %2: the certificate cannot be used (%3)")
                     .arg(certOption, certFile, takeOpenSslError(QStringLiteral("unknown")));
        return nullptr;
    }
    // The rest of the file is the chain up to (not including) the root.
    while (X509 *chained = PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr)) {
        if (SSL_CTX_add0_chain_cert(context, chained) != 1) {
            X509_free(chained);
            *error = QStringLiteral("%1 %2: a certificate of the chain cannot be used (%3)")
                         .arg(certOption, certFile, takeOpenSslError(QStringLiteral("unknown")));
            return nullptr;
        }
    }
    ERR_clear_error(); // the end of the file reads as "no start line"
    return made;
}

TlsContext::~TlsContext()
{
    SSL_CTX_free(m_context);
}

QString TlsContext::warning() const
{
    if (m_notAfter.isValid() && m_notAfter < QDateTime::currentDateTimeUtc()) {
        return QStringLiteral("the certificate in %1 expired on %2: browsers will refuse it")
            .arg(m_certFile, m_notAfter.toString(Qt::ISODate));
    }
    if (m_notBefore.isValid() && m_notBefore > QDateTime::currentDateTimeUtc()) {
        return QStringLiteral("the certificate in %1 is not valid before %2")
            .arg(m_certFile, m_notBefore.toString(Qt::ISODate));
    }
    return {};
}

} // namespace sse
