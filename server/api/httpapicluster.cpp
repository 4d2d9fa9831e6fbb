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
        exchange.request().query().queryItemValue(QStringLiteral("clients")) == QLatin1String("1");
    const bool identities = showsIdentities(exchange);
    QJsonArray instances;
    for (const ClusterInstance &instance : m_cluster->instances()) {
        QJsonObject object = clusterInstanceJson(instance, false);
        if (withClients) {
            QJsonArray clients;
            for (const ClientInfo &client : instance.clientList)
                clients.append(clientJson(client, identities));
            object.insert(QStringLiteral("clientList"), clients);
        }
        instances.append(object);
    }
    exchange.json(200, QJsonDocument(QJsonObject{
                           {QStringLiteral("self"), m_cluster->instanceId()},
                           {QStringLiteral("instances"), instances},
                       }));
}

void HttpApi::handleClusterClientDelete(HttpExchange &exchange)
{
    if (!requireMethod(exchange, "DELETE") || !requirePublisher(exchange))
        return;
    if (!m_cluster) {
        exchange.error(404, QStringLiteral("not in a cluster: this instance runs without --redis"));
        return;
    }
    // /api/cluster/clients/INSTANCE/ID
    const QString path = exchange.request().path();
    const QString instance = path.section(u'/', 4, 4);
    bool ok = false;
    const quint64 clientId = path.section(u'/', 5, 5).toULongLong(&ok);
    if (!ok) {
        exchange.error(400, QStringLiteral("client id: '%1' is not a number")
                                .arg(path.section(u'/', 5, 5).left(40)));
        return;
    }
    QString error;
    if (!m_cluster->disconnectRemoteClient(instance, clientId, &error)) {
        exchange.error(404, error);
        return;
    }
    // Another instance carries it out when it reads the control stream: accepted, not done.
    exchange.json(instance == m_cluster->instanceId() ? 200 : 202,
                  QJsonDocument(QJsonObject{{QStringLiteral("instance"), instance},
                                            {QStringLiteral("disconnected"), qint64(clientId)}}));
}

} // namespace sse
