#include "originpolicy.h"

#include "serverconfig.h"

#include <QHostInfo>
#include <QNetworkInterface>
#include <QUrl>

namespace sse {

namespace {

// "name:port", "[v6]:port", "name" or "[v6]" gives the name (lower-case, no brackets) and the
// port (0 when absent; -1 when not a number).
std::pair<QString, int> splitHost(const QByteArray &host)
{
    QByteArray name = host.trimmed().toLower();
    int port = 0;
    const qsizetype colon = name.lastIndexOf(':');
    const qsizetype bracket = name.lastIndexOf(']');
    if (colon > bracket && (name.startsWith('[') || name.indexOf(':') == colon)) {
        bool ok = false;
        port = name.mid(colon + 1).toInt(&ok);
        if (!ok || port <= 0 || port > 65535)
            port = -1;
        name.truncate(colon);
    }
    if (name.startsWith('[') && name.endsWith(']'))
        name = name.mid(1, name.size() - 2);
    return {QString::fromLatin1(name), port};
}

bool isLoopbackName(const QString &name)
{
    if (name == QStringLiteral("localhost") || name.endsWith(QStringLiteral(".localhost")))
        return true;
    const QHostAddress address(name);
    return !address.isNull() && address.isLoopback();
}

} // namespace

OriginPolicy::OriginPolicy(const ServerConfig &config, quint16 port)
    : m_corsOrigins(config.corsOrigins)
    , m_port(port)
    , m_ownScheme(config.tlsEnabled() ? QByteArrayLiteral("https://")
                                      : QByteArrayLiteral("http://"))
{
    const QHostAddress bound = config.bindAddress;
    m_names.append(bound.toString().toLower());
    if (bound == QHostAddress::Any || bound == QHostAddress::AnyIPv4 ||
        bound == QHostAddress::AnyIPv6) {
        for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
            QHostAddress plain = address;
            plain.setScopeId({});
            m_names.append(plain.toString().toLower());
        }
        const QString hostName = QHostInfo::localHostName().toLower();
        if (!hostName.isEmpty())
            m_names << hostName << hostName + QStringLiteral(".local");
    }
    for (const QString &allowed : config.allowedHosts)
        m_names.append(allowed.toLower());
    m_names.removeDuplicates();
}

bool OriginPolicy::isOwnHost(const QByteArray &host) const
{
    const auto [name, port] = splitHost(host);
    if (name.isEmpty() || port < 0 || (port != 0 && port != m_port))
        return false;
    return isLoopbackName(name) || m_names.contains(name);
}

bool OriginPolicy::isForeignOrigin(const QByteArray &origin, const QByteArray &secFetchSite,
                                   const QByteArray &host) const
{
    const QByteArray site = secFetchSite.trimmed().toLower();
    if (site == "cross-site" || site == "same-site")
        return true;
    if (origin.isEmpty())
        return false;
    // Our own pages are served from the very Host the browser asked for.
    return origin.trimmed().toLower() != m_ownScheme + host.trimmed().toLower();
}

QByteArray OriginPolicy::corsOriginFor(const QByteArray &origin) const
{
    const QString text = QString::fromLatin1(origin.trimmed());
    for (const QString &allowed : m_corsOrigins) {
        if (allowed.compare(text, Qt::CaseInsensitive) == 0)
            return origin.trimmed();
    }
    return {};
}

QString bearerToken(const QByteArray &authorization)
{
    const QByteArray value = authorization.trimmed();
    if (value.size() < 7 || qstrnicmp(value.constData(), "bearer ", 7) != 0)
        return {};
    return QString::fromUtf8(value.mid(7).trimmed());
}

bool tokensEqual(const QString &given, const QString &expected)
{
    const QByteArray a = given.toUtf8();
    const QByteArray b = expected.toUtf8();
    unsigned difference = unsigned(a.size() ^ b.size());
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= unsigned(quint8(a.at(i)) ^ quint8(b.isEmpty() ? 0 : b.at(i % b.size())));
    return difference == 0 && !b.isEmpty();
}

} // namespace sse
