#pragma once

#include "originpolicy.h"
#include "requestparsers.h"

#include <QByteArray>
#include <QHostAddress>
#include <QString>

#include <optional>

namespace sse {

struct RequestHead;
struct ServerConfig;

// Who may do what (docs/security.md): the names a request may use (Host), the origins it may
// come from, and the tokens that publishing, disconnecting and subscribing need. Each check
// answers with the refusal a request gets, so the HTTP routes and the early answer to
// "Expect: 100-continue" (decided on the head alone) say the same thing.
class AccessPolicy
{
public:
    // port is the one the server listens on (known once bound).
    AccessPolicy(const ServerConfig &config, quint16 port);

    const OriginPolicy &origins() const { return m_origins; }

    // 421 unless the Host header (when there is one) names this server.
    std::optional<HttpError> refuseHost(const QByteArray &host) const;
    // 401 or 403 unless the caller may publish and disconnect clients.
    std::optional<HttpError> refusePublisher(const QByteArray &authorization,
                                             const QByteArray &origin, bool foreignOrigin,
                                             const QHostAddress &peer) const;
    // 401 unless the subscriber token, when the server has one, is given (header or ?token=).
    std::optional<HttpError> refuseSubscriber(const QByteArray &authorization,
                                              const QString &queryToken) const;
    // The refusal a request would get, decided on its head alone.
    std::optional<HttpError> refusalBeforeBody(const RequestHead &head,
                                               const QHostAddress &peer) const;
    // Whether the caller may see who is connected from where (the operator).
    bool showsIdentities(const QByteArray &authorization, bool foreignOrigin,
                         const QHostAddress &peer) const;

private:
    bool hasPublishToken(const QByteArray &authorization) const;
    // Loopback, not on behalf of another web origin, and the server does not demand the token.
    bool isTrustedWithoutToken(bool foreignOrigin, const QHostAddress &peer) const;

    const ServerConfig &m_config;
    OriginPolicy m_origins;
};

} // namespace sse
