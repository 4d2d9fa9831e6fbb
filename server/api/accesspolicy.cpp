#include "accesspolicy.h"

#include "requestframer.h"
#include "serverconfig.h"

#include <QUrl>

namespace sse {

AccessPolicy::AccessPolicy(const ServerConfig &config, quint16 port)
    : m_config(config)
    , m_origins(config, port)
{}

std::optional<HttpError> AccessPolicy::refuseHost(const QByteArray &host) const
{
    // A name that is not ours is DNS rebinding, or a request meant for another server.
    // Browsers always send Host; a request without one (HTTP/1.0 tools) cannot be rebound.
    if (host.isEmpty() || m_origins.isOwnHost(host))
        return std::nullopt;
    return HttpError{421,
                     QStringLiteral("Host: '%1' is not a name of this server; start it with "
                                    "--allowed-host NAME to answer to NAME")
                         .arg(QString::fromLatin1(host.left(100))),
                     {},
                     false};
}

bool AccessPolicy::hasPublishToken(const QByteArray &authorization) const
{
    const QString token = bearerToken(authorization);
    return !token.isEmpty() && tokensEqual(token, m_config.token);
}

bool AccessPolicy::isTrustedWithoutToken(bool foreignOrigin, const QHostAddress &peer) const
{
    return !m_config.requireTokenOnLoopback && peer.isLoopback() && !foreignOrigin;
}

bool AccessPolicy::showsIdentities(const QByteArray &authorization, bool foreignOrigin,
                                   const QHostAddress &peer) const
{
    return isTrustedWithoutToken(foreignOrigin, peer) || hasPublishToken(authorization);
}

std::optional<HttpError> AccessPolicy::refusePublisher(const QByteArray &authorization,
                                                       const QByteArray &origin, bool foreignOrigin,
                                                       const QHostAddress &peer) const
{
    if (hasPublishToken(authorization) || isTrustedWithoutToken(foreignOrigin, peer))
        return std::nullopt;
    if (foreignOrigin) {
        return HttpError{403,
                         QStringLiteral("Origin: a page from %1 may not publish or disconnect "
                                        "clients without the token ('Authorization: Bearer "
                                        "TOKEN')")
                             .arg(origin.isEmpty() ? QStringLiteral("another site")
                                                   : QString::fromLatin1(origin.left(200))),
                         {},
                         false};
    }
    if (bearerToken(authorization).isEmpty()) {
        return HttpError{401,
                         QStringLiteral("Authorization: missing; publishing from another "
                                        "computer needs 'Authorization: Bearer TOKEN' (the "
                                        "token is shown in the dashboard)"),
                         {{"WWW-Authenticate", "Bearer"}},
                         false};
    }
    return HttpError{401,
                     QStringLiteral("Authorization: the bearer token is wrong"),
                     {{"WWW-Authenticate", "Bearer"}},
                     false};
}

std::optional<HttpError> AccessPolicy::refuseSubscriber(const QByteArray &authorization,
                                                        const QString &queryToken) const
{
    if (m_config.subscriberToken.isEmpty())
        return std::nullopt;
    QString token = bearerToken(authorization);
    if (token.isEmpty())
        token = queryToken;
    if (tokensEqual(token, m_config.subscriberToken))
        return std::nullopt;
    return HttpError{401,
                     token.isEmpty() ? QStringLiteral("subscribing needs the subscriber token: "
                                                      "?token=T or 'Authorization: Bearer T'")
                                     : QStringLiteral("the subscriber token is wrong"),
                     {},
                     false};
}

std::optional<HttpError> AccessPolicy::refusalBeforeBody(const RequestHead &head,
                                                         const QHostAddress &peer) const
{
    const QByteArray host = head.value("host");
    if (std::optional<HttpError> refusal = refuseHost(host)) {
        refusal->closeConnection = true; // the body was not read
        return refusal;
    }
    // Only publishing takes a body worth refusing early; elsewhere it is read and answered.
    const QString path = QUrl::fromEncoded(head.target).path();
    if (head.method != "POST" ||
        (path != u"/publish" && path != u"/api/scenarios" && path != u"/api/faults"))
        return std::nullopt;
    const QByteArray origin = head.value("origin");
    const bool foreign = m_origins.isForeignOrigin(origin, head.value("sec-fetch-site"), host);
    if (std::optional<HttpError> refusal =
            refusePublisher(head.value("authorization"), origin, foreign, peer)) {
        return refusal;
    }
    return path == u"/publish" ? refusePublishContentType(head.value("content-type"))
                               : std::nullopt;
}

} // namespace sse
