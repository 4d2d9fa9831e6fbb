#include "servertypes.h"

#include <QJsonArray>

namespace sse {

QString directionName(TrafficDirection direction)
{
    switch (direction) {
    case TrafficDirection::In:
        return QStringLiteral("in");
    case TrafficDirection::Out:
        return QStringLiteral("out");
    case TrafficDirection::System:
        return QStringLiteral("system");
    }
    return {};
}

QJsonObject clientInfoJson(const ClientInfo &info)
{
    return QJsonObject{
        {QStringLiteral("id"), qint64(info.id)},
        {QStringLiteral("remoteAddress"), info.remoteAddress},
        {QStringLiteral("userAgent"), info.userAgent},
        {QStringLiteral("channels"), QJsonArray::fromStringList(info.channels)},
        {QStringLiteral("connectedSince"), info.connectedSince.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("eventsSent"), qint64(info.eventsSent)},
        {QStringLiteral("bytesSent"), qint64(info.bytesSent)},
        {QStringLiteral("queuedBytes"), info.queuedBytes},
        {QStringLiteral("lastEventId"), info.lastEventId},
    };
}

QJsonObject statsJson(const ServerStats &stats)
{
    return QJsonObject{
        {QStringLiteral("clients"), stats.clients},
        {QStringLiteral("eventsPublished"), qint64(stats.eventsPublished)},
        {QStringLiteral("deliveries"), qint64(stats.deliveries)},
        {QStringLiteral("bytesSent"), qint64(stats.bytesSent)},
        {QStringLiteral("slowClientDrops"), qint64(stats.slowClientDrops)},
        {QStringLiteral("rejectedConnections"), qint64(stats.rejectedConnections)},
        {QStringLiteral("streamWrites"), qint64(stats.streamWrites)},
        {QStringLiteral("historySize"), stats.historySize},
        {QStringLiteral("uptimeSeconds"), stats.uptimeSeconds},
    };
}

} // namespace sse
