// HttpApi's /api/cluster: the instances sharing this one's Redis (docs/scaling.md), apart from
// httpapi.cpp so each file stays about one thing.
#include "httpapi.h"

#include "clusterservice.h"
#include "httpexchange.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace sse {

void HttpApi::handleCluster(HttpExchange &exchange)
{
    if (!requireMethod(exchange, "GET"))
        return;
    if (!m_cluster) {
        exchange.error(404, QStringLiteral("not in a cluster: this instance runs without --redis"));
        return;
    }
    // ?clients=1 adds each instance's clients; who is connected from where is for the
    // operator, as in /api/clients.
    const bool withClients =
        QUrlQuery(exchange.request().url()).queryItemValue(QStringLiteral("clients")) ==
        QLatin1String("1");
    const bool identities =
        isTrustedWithoutToken(exchange.isFromForeignOrigin(), exchange.peer()) ||
        hasPublishToken(exchange.request().value("authorization"));
    QJsonArray instances;
    for (const ClusterInstance &instance : m_cluster->instances()) {
        QJsonObject object = clusterInstanceJson(instance, withClients);
        if (withClients && !identities) {
            QJsonArray clients;
            for (const QJsonValue &value : object.value(QStringLiteral("clientList")).toArray()) {
                QJsonObject client = value.toObject();
                client.remove(QStringLiteral("remoteAddress"));
                client.remove(QStringLiteral("userAgent"));
                clients.append(client);
            }
            object.insert(QStringLiteral("clientList"), clients);
        }
        instances.append(object);
    }
    exchange.json(200, QJsonDocument(QJsonObject{
                           {QStringLiteral("self"), m_cluster->instanceId()},
                           {QStringLiteral("instances"), instances},
                       }));
}

} // namespace sse
