#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace sse {

// The dashboard's own certificate authority (--tls-local), what mkcert and Caddy do for
// development: a root made once per user and kept in the application data folder, which a
// browser or phone is told to trust, and a server certificate it signs for every name this
// machine answers to.
// - The root: ECDSA P-256, a CommonName (iOS shows and needs one), 10 years, path length 0.
// - The server certificate: ECDSA P-256, at most 825 days (Apple's limit for trusted
//   certificates), for names(); issued again at start when those change or it nears its end.
// The private keys are readable by the user alone.
class LocalCa
{
public:
    static constexpr int RootValidityDays = 3650;
    static constexpr int ServerValidityDays = 825;
    // A server certificate this close to its end is issued again.
    static constexpr int RenewWithinDays = 30;

    // The folder in the user's data folder (XDG_DATA_HOME) that holds it.
    static QString defaultDirectory();
    // localhost, 127.0.0.1, ::1, every address of this machine's interfaces (link-local
    // IPv6 ones aside), the host name, HOST.local, and extraNames (--allowed-host).
    static QStringList serverNames(const QStringList &extraNames = {});

    // Makes the root when the folder has none, and the server certificate when it has none,
    // when names changed, or when it nears its end. nullopt, with a sentence in *error, when a
    // file cannot be read or written.
    static std::optional<LocalCa> ensure(const QString &directory, const QStringList &names,
                                         QString *error);

    QString rootCertFile() const { return m_directory + QStringLiteral("/root-ca.pem"); }
    QString rootKeyFile() const { return m_directory + QStringLiteral("/root-ca-key.pem"); }
    QString serverCertFile() const { return m_directory + QStringLiteral("/server.pem"); }
    QString serverKeyFile() const { return m_directory + QStringLiteral("/server-key.pem"); }
    // The root in PEM, and in DER (what phones install: /ca.crt).
    QByteArray rootPem() const { return m_rootPem; }
    QByteArray rootDer() const { return m_rootDer; }
    // SHA-256 of the root, "AB:CD:…", for the user to compare on the phone.
    QString rootFingerprint() const { return m_rootFingerprint; }
    QString rootName() const { return m_rootName; }
    // What ensure() made this time.
    bool madeRoot() const { return m_madeRoot; }
    bool issuedServer() const { return m_issuedServer; }
    // The names in the server certificate.
    QStringList names() const { return m_names; }

private:
    QString m_directory;
    QByteArray m_rootPem;
    QByteArray m_rootDer;
    QString m_rootFingerprint;
    QString m_rootName;
    QStringList m_names;
    bool m_madeRoot = false;
    bool m_issuedServer = false;
};

} // namespace sse
