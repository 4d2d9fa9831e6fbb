#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QString>
#include <QStringList>

namespace sse {

struct ServerConfig;

// The browser threat model of docs/security.md in one place. The operator's own browser is on
// loopback, so any page it opens can send requests here: a request is judged by the names it
// uses (Host, against DNS rebinding) and the web origin it comes from (Origin and
// Sec-Fetch-Site), not only by its address.
class OriginPolicy
{
public:
    // port is the one the server listens on (known once bound).
    OriginPolicy(const ServerConfig &config, quint16 port);

    // Whether the Host header names this server: localhost, a loopback address, the bound
    // address, and when listening on all interfaces the interface addresses and host name
    // (also as NAME.local), plus every --allowed-host. The port, if given, must be ours.
    bool isOwnHost(const QByteArray &host) const;

    // Whether a browser sent the request on behalf of a page from another origin: an Origin
    // that is not this server's own, or Sec-Fetch-Site cross-site or same-site.
    bool isForeignOrigin(const QByteArray &origin, const QByteArray &secFetchSite,
                         const QByteArray &host) const;

    // The Access-Control-Allow-Origin value for a protected route: the origin itself when it
    // is listed with --cors-origin, else empty (no CORS).
    QByteArray corsOriginFor(const QByteArray &origin) const;

    const QStringList &ownNames() const { return m_names; }

private:
    QStringList m_names; // lower-case host names and addresses, IPv6 without brackets
    QStringList m_corsOrigins;
    quint16 m_port;
    QByteArray m_ownScheme; // "https://" with TLS: the pages are served over it then
};

// "Bearer T" (scheme in any case) gives T; anything else gives an empty string.
QString bearerToken(const QByteArray &authorization);
// Compares in time that depends only on the lengths, so a guess learns nothing from timing.
bool tokensEqual(const QString &given, const QString &expected);

} // namespace sse
