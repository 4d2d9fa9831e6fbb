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
    QJsonObject object{
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
    if (!info.route.isEmpty())
        object.insert(QStringLiteral("route"), info.route);
    if (!info.faults.isEmpty()) {
        QJsonArray faults;
        for (const quint64 faultId : info.faults)
            faults.append(QString::number(faultId));
        object.insert(QStringLiteral("faults"), faults);
    }
    return object;
}

QString playbackStateName(PlaybackProgress::State state)
{
    switch (state) {
    case PlaybackProgress::State::Playing:
        return QStringLiteral("playing");
    case PlaybackProgress::State::Paused:
        return QStringLiteral("paused");
    case PlaybackProgress::State::Finished:
        return QStringLiteral("finished");
    }
    return {};
}

QJsonObject playbackProgressJson(const PlaybackProgress &progress)
{
    QJsonObject object{
        {QStringLiteral("id"), QString::number(progress.id)},
        {QStringLiteral("name"), progress.name},
        {QStringLiteral("state"), playbackStateName(progress.state)},
        {QStringLiteral("step"), progress.step},
        {QStringLiteral("steps"), progress.steps},
        {QStringLiteral("pass"), progress.pass},
        {QStringLiteral("elapsedMs"), progress.elapsedMs},
        {QStringLiteral("totalMs"), progress.totalMs},
        {QStringLiteral("speed"), progress.speed},
        {QStringLiteral("loop"), progress.loop},
        {QStringLiteral("target"), progress.target},
        {QStringLiteral("eventsPublished"), qint64(progress.eventsPublished)},
    };
    if (!progress.lastError.isEmpty())
        object.insert(QStringLiteral("lastError"), progress.lastError);
    return object;
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

QByteArray metricsText(const ServerStats &stats)
{
    QByteArray out;
    const auto metric = [&out](const char *name, const char *type, const char *help, qint64 value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append(name).append(' ').append(QByteArray::number(value)).append('\n');
    };
    metric("sse_clients", "gauge", "Connected SSE subscribers.", stats.clients);
    metric("sse_events_published_total", "counter", "Events published.",
           qint64(stats.eventsPublished));
    metric("sse_deliveries_total", "counter", "Events written to subscribers.",
           qint64(stats.deliveries));
    metric("sse_bytes_sent_total", "counter", "Bytes written to subscribers.",
           qint64(stats.bytesSent));
    metric("sse_slow_client_drops_total", "counter",
           "Subscribers dropped because their output queue overflowed.",
           qint64(stats.slowClientDrops));
    metric("sse_rejected_connections_total", "counter",
           "Connections refused because the server was full.", qint64(stats.rejectedConnections));
    metric("sse_stream_writes_total", "counter",
           "Writes to streams (events published together share one write per subscriber).",
           qint64(stats.streamWrites));
    metric("sse_history_size", "gauge", "Events held for Last-Event-ID replay.", stats.historySize);
    metric("sse_uptime_seconds", "gauge", "Seconds since the server started.", stats.uptimeSeconds);
    return out;
}

} // namespace sse
