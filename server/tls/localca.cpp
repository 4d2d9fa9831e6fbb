#include "localca.h"

#include "opensslpointers.h"

#include "tlscontext.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QHostInfo>
#include <QNetworkInterface>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QtEndian>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <unistd.h>

namespace sse {

namespace {

using NamesPtr = std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<GENERAL_NAMES, GENERAL_NAMES_free>>;

QByteArray bioBytes(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, int(size));
}

QByteArray certificatePem(X509 *certificate)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), certificate);
    return bioBytes(bio.get());
}

QByteArray keyPem(EVP_PKEY *key)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    return bioBytes(bio.get());
}

X509Ptr readCertificate(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return nullptr;
    const QByteArray pem = file.readAll();
    BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

KeyPtr readKey(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return nullptr;
    const QByteArray pem = file.readAll();
    BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return KeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// Written whole or not at all (a new file, renamed over the old one); a key is readable by its
// owner alone from the start.
bool writeFile(const QString &path, const QByteArray &bytes, bool secret, QString *error)
{
    const QString partial = path + QStringLiteral(".new");
    QFile::remove(partial);
    QFile file(partial);
    const QFileDevice::Permissions permissions =
        secret ? QFileDevice::ReadOwner | QFileDevice::WriteOwner
               : QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup |
                     QFileDevice::ReadOther;
    if (!file.open(QIODevice::WriteOnly, permissions) || file.write(bytes) != bytes.size() ||
        !file.flush() || ::fsync(file.handle()) != 0) {
        *error = QStringLiteral("cannot write %1: %2").arg(partial, file.errorString());
        file.remove();
        return false;
    }
    file.close();
    if (std::rename(QFile::encodeName(partial).constData(), QFile::encodeName(path).constData()) !=
        0) {
        *error = QStringLiteral("cannot write %1: %2")
                     .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        QFile::remove(partial);
        return false;
    }
    return true;
}

// Signs a certificate whose extensions were all added (extended) with signer, then saves its
// key and it; false with a sentence naming what could not be done.
bool signAndSave(bool extended, X509 *certificate, EVP_PKEY *key, EVP_PKEY *signer,
                 const QString &certFile, const QString &keyFile, const char *what, QString *error)
{
    if (!extended || X509_sign(certificate, signer, EVP_sha256()) <= 0) {
        *error = QStringLiteral("cannot %1: %2")
                     .arg(QLatin1String(what), takeOpenSslError(QStringLiteral("unknown error")));
        return false;
    }
    return writeFile(keyFile, keyPem(key), true, error) &&
           writeFile(certFile, certificatePem(certificate), false, error);
}

// Names a certificate can carry: host names and addresses, nothing that would change the
// meaning of the subjectAltName list.
bool isCertificateName(const QString &name)
{
    static const QRegularExpression hostName(QStringLiteral("^[A-Za-z0-9._:-]+$"));
    return !name.isEmpty() && name.size() <= 253 && hostName.match(name).hasMatch();
}

bool addExtension(X509 *certificate, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX context;
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    X509_EXTENSION *extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    if (!extension)
        return false;
    const bool added = X509_add_ext(certificate, extension, -1) == 1;
    X509_EXTENSION_free(extension);
    return added;
}

// A certificate for key, valid from an hour ago (clocks of phones differ) for days days.
X509Ptr newCertificate(EVP_PKEY *key, int days)
{
    X509Ptr certificate(X509_new());
    X509_set_version(certificate.get(), 2);
    std::unique_ptr<BIGNUM, OpenSslDeleter<BIGNUM, BN_free>> serial(BN_new());
    BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
    BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get()));
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
    X509_time_adj_ex(X509_getm_notAfter(certificate.get()), days, 0, nullptr);
    X509_set_pubkey(certificate.get(), key);
    return certificate;
}

void setName(X509_NAME *name, const QString &organization, const QString &unit,
             const QString &commonName)
{
    const auto add = [name](const char *field, const QString &value) {
        const QByteArray utf8 = value.left(64).toUtf8();
        X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>(utf8.constData()),
                                   int(utf8.size()), -1, 0);
    };
    add("O", organization);
    add("OU", unit);
    add("CN", commonName);
}

QString userAtHost()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = QStringLiteral("user");
    return QStringLiteral("%1@%2").arg(user, QHostInfo::localHostName());
}

QStringList certificateNames(X509 *certificate)
{
    QStringList names;
    NamesPtr general(static_cast<GENERAL_NAMES *>(
        X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
    for (int i = 0; general && i < sk_GENERAL_NAME_num(general.get()); ++i) {
        const GENERAL_NAME *name = sk_GENERAL_NAME_value(general.get(), i);
        if (name->type == GEN_DNS) {
            names << QString::fromLatin1(
                reinterpret_cast<const char *>(ASN1_STRING_get0_data(name->d.dNSName)),
                ASN1_STRING_length(name->d.dNSName));
        } else if (name->type == GEN_IPADD) {
            const QByteArray raw(
                reinterpret_cast<const char *>(ASN1_STRING_get0_data(name->d.iPAddress)),
                ASN1_STRING_length(name->d.iPAddress));
            QHostAddress address;
            if (raw.size() == 4)
                address.setAddress(qFromBigEndian<quint32>(raw.constData()));
            else if (raw.size() == 16)
                address.setAddress(reinterpret_cast<const quint8 *>(raw.constData()));
            names << address.toString();
        }
    }
    return names;
}

bool nearsItsEnd(X509 *certificate)
{
    int days = 0;
    int seconds = 0;
    if (ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(certificate)) != 1)
        return true;
    return days < LocalCa::RenewWithinDays;
}

QString subjectAltNames(const QStringList &names)
{
    QStringList entries;
    for (const QString &name : names) {
        const QHostAddress address(name);
        entries << (address.isNull() ? QStringLiteral("DNS:") + name
                                     : QStringLiteral("IP:") + address.toString());
    }
    return entries.join(u',');
}

} // namespace

QString LocalCa::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/local-ca");
}

QStringList LocalCa::serverNames(const QStringList &extraNames)
{
    QStringList names{QStringLiteral("localhost"), QStringLiteral("127.0.0.1"),
                      QStringLiteral("::1")};
    for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
        if (address.protocol() == QAbstractSocket::IPv6Protocol && address.isLinkLocal())
            continue; // fe80::/10 needs a zone a URL cannot carry well; phones use IPv4 here
        QHostAddress plain(address);
        plain.setScopeId({});
        names << plain.toString();
    }
    const QString host = QHostInfo::localHostName();
    if (!host.isEmpty()) {
        names << host;
        if (!host.contains(u'.'))
            names << host + QStringLiteral(".local");
    }
    for (const QString &extra : extraNames) {
        if (!isCertificateName(extra))
            continue; // the command line refuses no name, but a certificate cannot carry it
        const QHostAddress address(extra); // an address in its usual form, or a name as given
        names << (address.isNull() ? extra : address.toString());
    }
    names.removeDuplicates();
    return names;
}

std::optional<LocalCa> LocalCa::ensure(const QString &directory, const QStringList &names,
                                       QString *error)
{
    LocalCa ca;
    ca.m_directory = directory;
    if (!QDir().mkpath(directory)) {
        *error = QStringLiteral("cannot make the local CA's folder %1").arg(directory);
        return std::nullopt;
    }
    QFile::setPermissions(directory,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);

    X509Ptr root = readCertificate(ca.rootCertFile());
    KeyPtr rootKey = readKey(ca.rootKeyFile());
    const bool rootExists = QFile::exists(ca.rootCertFile()) || QFile::exists(ca.rootKeyFile());
    if (rootExists &&
        (!root || !rootKey || X509_check_private_key(root.get(), rootKey.get()) != 1)) {
        // Replacing it would make every device that trusts it stop trusting this server.
        ERR_clear_error();
        *error = QStringLiteral("the local CA in %1 cannot be used (%2 or %3 is missing, damaged "
                                "or unreadable, or they do not match); move the folder away to "
                                "make a new one")
                     .arg(directory, ca.rootCertFile(), ca.rootKeyFile());
        return std::nullopt;
    }
    if (!rootExists) {
        ERR_clear_error();
        rootKey.reset(EVP_EC_gen("P-256"));
        root = newCertificate(rootKey.get(), RootValidityDays);
        const QString who = userAtHost();
        setName(X509_get_subject_name(root.get()), QStringLiteral("SSE Dashboard local CA"), who,
                QStringLiteral("SSE Dashboard local CA %1").arg(who));
        X509_set_issuer_name(root.get(), X509_get_subject_name(root.get()));
        const bool extended =
            addExtension(root.get(), root.get(), NID_basic_constraints,
                         "critical,CA:TRUE,pathlen:0") &&
            addExtension(root.get(), root.get(), NID_key_usage, "critical,keyCertSign,cRLSign") &&
            addExtension(root.get(), root.get(), NID_subject_key_identifier, "hash");
        if (!signAndSave(extended, root.get(), rootKey.get(), rootKey.get(), ca.rootCertFile(),
                         ca.rootKeyFile(), "make the local CA", error)) {
            return std::nullopt;
        }
        ca.m_madeRoot = true;
        QFile::remove(ca.serverCertFile()); // signed by a root that is gone
    }

    X509Ptr server = readCertificate(ca.serverCertFile());
    KeyPtr serverKey = readKey(ca.serverKeyFile());
    QStringList wanted = names;
    wanted.sort();
    QStringList held = server ? certificateNames(server.get()) : QStringList();
    held.sort();
    const bool usable = server && serverKey &&
                        X509_check_private_key(server.get(), serverKey.get()) == 1 &&
                        X509_check_issued(root.get(), server.get()) == X509_V_OK &&
                        held == wanted && !nearsItsEnd(server.get());
    ERR_clear_error();
    if (!usable) {
        serverKey.reset(EVP_EC_gen("P-256"));
        server = newCertificate(serverKey.get(), ServerValidityDays);
        setName(X509_get_subject_name(server.get()), QStringLiteral("SSE Dashboard"), userAtHost(),
                names.value(0, QStringLiteral("localhost")));
        X509_set_issuer_name(server.get(), X509_get_subject_name(root.get()));
        const QByteArray altNames = subjectAltNames(names).toLatin1();
        const bool extended =
            addExtension(server.get(), root.get(), NID_basic_constraints, "critical,CA:FALSE") &&
            addExtension(server.get(), root.get(), NID_key_usage, "critical,digitalSignature") &&
            addExtension(server.get(), root.get(), NID_ext_key_usage, "serverAuth") &&
            addExtension(server.get(), root.get(), NID_authority_key_identifier, "keyid:always") &&
            addExtension(server.get(), root.get(), NID_subject_alt_name, altNames.constData());
        if (!signAndSave(extended, server.get(), serverKey.get(), rootKey.get(),
                         ca.serverCertFile(), ca.serverKeyFile(),
                         "issue the local server certificate", error)) {
            return std::nullopt;
        }
        ca.m_issuedServer = true;
    }
    ca.m_names = certificateNames(server.get());

    ca.m_rootPem = certificatePem(root.get());
    unsigned char *der = nullptr;
    const int derSize = i2d_X509(root.get(), &der);
    ca.m_rootDer = QByteArray(reinterpret_cast<const char *>(der), std::max(derSize, 0));
    OPENSSL_free(der);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestSize = 0;
    X509_digest(root.get(), EVP_sha256(), digest, &digestSize);
    ca.m_rootFingerprint = QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(digest), int(digestSize)).toHex(':').toUpper());
    char commonName[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(root.get()), NID_commonName, commonName,
                              sizeof commonName);
    ca.m_rootName = QString::fromUtf8(commonName);
    return ca;
}

} // namespace sse
