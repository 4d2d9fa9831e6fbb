#include "servertypes.h"

#include "iobackend.h"

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
    if (!info.tlsVersion.isEmpty())
        object.insert(QStringLiteral("tls"), info.tlsVersion);
    if (!info.protocol.isEmpty())
        object.insert(QStringLiteral("protocol"), info.protocol);
    if (info.connection != 0)
        object.insert(QStringLiteral("connection"), qint64(info.connection));
    if (!info.faults.isEmpty()) {
        QJsonArray faults;
        for (const quint64 faultId : info.faults)
            faults.append(QString::number(faultId));
        object.insert(QStringLiteral("faults"), faults);
    }
    return object;
}

ClientInfo clientInfoFromJson(const QJsonObject &object)
{
    ClientInfo info;
    info.id = quint64(object.value(QStringLiteral("id")).toInteger());
    info.remoteAddress = object.value(QStringLiteral("remoteAddress")).toString();
    info.userAgent = object.value(QStringLiteral("userAgent")).toString();
    for (const QJsonValue &channel : object.value(QStringLiteral("channels")).toArray())
        info.channels.append(channel.toString());
    info.connectedSince = QDateTime::fromString(
        object.value(QStringLiteral("connectedSince")).toString(), Qt::ISODateWithMs);
    info.eventsSent = quint64(object.value(QStringLiteral("eventsSent")).toInteger());
    info.bytesSent = quint64(object.value(QStringLiteral("bytesSent")).toInteger());
    info.queuedBytes = object.value(QStringLiteral("queuedBytes")).toInteger();
    info.lastEventId = object.value(QStringLiteral("lastEventId")).toString();
    info.route = object.value(QStringLiteral("route")).toString();
    info.tlsVersion = object.value(QStringLiteral("tls")).toString();
    info.protocol = object.value(QStringLiteral("protocol")).toString();
    info.connection = quint64(object.value(QStringLiteral("connection")).toInteger());
    return info;
}

QJsonObject clusterInstanceJson(const ClusterInstance &instance, bool withClients)
{
    QJsonObject object{
        {QStringLiteral("id"), instance.id},
        {QStringLiteral("address"), instance.address},
        {QStringLiteral("clients"), instance.clients},
        {QStringLiteral("eventsPerSecond"), instance.eventsPerSecond},
        {QStringLiteral("startedAt"), instance.startedAt.toUTC().toString(Qt::ISODateWithMs)},
    };
    if (instance.self)
        object.insert(QStringLiteral("self"), true);
    if (withClients) {
        QJsonArray clients;
        for (const ClientInfo &client : instance.clientList)
            clients.append(clientInfoJson(client));
        object.insert(QStringLiteral("clientList"), clients);
    }
    return object;
}

ClusterInstance clusterInstanceFromJson(const QJsonObject &object)
{
    ClusterInstance instance;
    instance.id = object.value(QStringLiteral("id")).toString();
    instance.address = object.value(QStringLiteral("address")).toString();
    instance.clients = object.value(QStringLiteral("clients")).toInt();
    instance.eventsPerSecond = object.value(QStringLiteral("eventsPerSecond")).toDouble();
    instance.startedAt = QDateTime::fromString(object.value(QStringLiteral("startedAt")).toString(),
                                               Qt::ISODateWithMs);
    for (const QJsonValue &client : object.value(QStringLiteral("clientList")).toArray())
        instance.clientList.append(clientInfoFromJson(client.toObject()));
    return instance;
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
        {QStringLiteral("retryAnswers"), qint64(stats.retryAnswers)},
        {QStringLiteral("queues"),
         QJsonObject{
             {QStringLiteral("bytes"), stats.queuedBytes},
             {QStringLiteral("limit"), stats.queuedBytesLimit},
             {QStringLiteral("replays"), stats.replays},
         }},
        {QStringLiteral("streamWrites"), qint64(stats.streamWrites)},
        {QStringLiteral("historySize"), stats.historySize},
        {QStringLiteral("uptimeSeconds"), stats.uptimeSeconds},
        {QStringLiteral("eventLog"),
         QJsonObject{
             {QStringLiteral("backend"), stats.logBackend},
             {QStringLiteral("location"), stats.logLocation},
             {QStringLiteral("available"), stats.logAvailable},
             {QStringLiteral("error"), stats.logError},
             {QStringLiteral("reconnects"), qint64(stats.logReconnects)},
             {QStringLiteral("gaps"), qint64(stats.logGaps)},
         }},
        {QStringLiteral("clusterInstances"), stats.clusterInstances},
        {QStringLiteral("io"),
         QJsonObject{
             {QStringLiteral("backend"), stats.io},
             {QStringLiteral("threads"), stats.fanoutThreads},
             {QStringLiteral("uringRefused"), stats.uringRefusal},
         }},
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
    metric(
        "sse_slow_client_drops_total", "counter",
        "Subscribers dropped as slow: over their queue limit, largest while all queues were over "
        "the total limit, or stopped reading during a replay.",
        qint64(stats.slowClientDrops));
    metric("sse_rejected_connections_total", "counter",
           "Connections refused because the server was full.", qint64(stats.rejectedConnections));
    metric("sse_stream_retry_answers_total", "counter",
           "Stream requests told to retry later because the server or their address was full.",
           qint64(stats.retryAnswers));
    metric("sse_queued_bytes", "gauge", "Bytes queued for all subscribers together.",
           stats.queuedBytes);
    metric("sse_queued_bytes_limit", "gauge",
           "Most bytes queued for all subscribers together (--max-queued-total).",
           stats.queuedBytesLimit);
    metric("sse_replays", "gauge", "Last-Event-ID replays being streamed now.", stats.replays);
    metric("sse_stream_writes_total", "counter",
           "Writes to streams (events published together share one write per subscriber).",
           qint64(stats.streamWrites));
    metric("sse_history_size", "gauge", "Events held for Last-Event-ID replay.", stats.historySize);
    metric("sse_uptime_seconds", "gauge", "Seconds since the server started.", stats.uptimeSeconds);
    metric("sse_event_log_available", "gauge",
           "1 while the event log accepts events (0: publishing answers 503).",
           stats.logAvailable ? 1 : 0);
    metric("sse_event_log_reconnects_total", "counter",
           "Times the connection to a shared event log (Redis) was lost.",
           qint64(stats.logReconnects));
    metric("sse_event_log_gaps_total", "counter",
           "History gaps signalled because the shared event log lost events.",
           qint64(stats.logGaps));
    metric("sse_cluster_instances", "gauge",
           "Instances sharing the Redis event log, this one included (0 alone).",
           stats.clusterInstances);
    metric("sse_io_uring", "gauge",
           "1 when fan-outs send through io_uring, 0 with one send() per stream (--io).",
           stats.io == ioBackendName(IoBackend::Uring) ? 1 : 0);
    return out;
}

} // namespace sse
