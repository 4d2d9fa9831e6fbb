#pragma once

#include "faultspec.h"
#include "history.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace sse {

// A subscriber as the UI and /api/clients see it.
// HTTPS as the server serves it (docs/tls.md), for the dashboard and the headless output.
struct TlsStatus
{
    bool enabled = false;
    QString certificateFile;
    QString subjectName;
    QDateTime notAfter;
    QString warning;            // expired, or not valid yet
    QString localCaName;        // with --tls-local
    QString localCaFingerprint; // SHA-256, "AB:CD:…"
    QString localCaFile;
};

struct ClientInfo
{
    quint64 id = 0;
    QString remoteAddress;
    QString userAgent;
    QStringList channels;
    QDateTime connectedSince;
    quint64 eventsSent = 0;
    quint64 bytesSent = 0;
    qint64 queuedBytes = 0;
    QString lastEventId;
    QString route;          // "METHOD PATH" for the stream of a scenario route, else empty
    QString tlsVersion;     // "TLSv1.3" over HTTPS, else empty
    QString protocol;       // "HTTP/1.1", "HTTP/1.1 · TLSv1.3", "h2 · TLSv1.3", "h2c"
    quint64 connection = 0; // the HTTP/2 connection the stream shares with others, else 0
    QList<quint64> faults;  // the faults acting on this stream now (docs/faults.md)
};

// The counters of a subscriber that change with traffic, sent to the UI in batches.
struct ClientCounters
{
    quint64 id = 0;
    quint64 eventsSent = 0;
    quint64 bytesSent = 0;
    qint64 queuedBytes = 0;
    QString lastEventId;
};

struct ServerStats
{
    int clients = 0;
    quint64 eventsPublished = 0;
    quint64 deliveries = 0;
    quint64 bytesSent = 0;
    quint64 slowClientDrops = 0;
    quint64 rejectedConnections = 0;
    quint64 retryAnswers = 0; // stream requests told to come back later (server or address full)
    qint64 queuedBytes = 0;   // queued for all subscribers now (--max-queued-total bounds it)
    qint64 queuedBytesLimit = 0;
    int replays = 0;          // Last-Event-ID replays being streamed now
    quint64 streamWrites = 0; // writes to streams; fewer than deliveries when bursts coalesce
    int historySize = 0;
    qint64 uptimeSeconds = 0;
    QString nextEventId; // what the log assigns next; empty when it can't tell
    // The event log (EventLog::Status): memory, sqlite or redis, and whether it accepts events.
    QString logBackend = QStringLiteral("memory");
    QString logLocation; // the file or the Redis URL
    bool logAvailable = true;
    QString logError;
    quint64 logReconnects = 0;
    quint64 logGaps = 0;
    int clusterInstances = 0; // instances registered in Redis, this one included; 0 alone
    // How fan-outs reach the kernel (--io): "uring" or "epoll", and why not io_uring.
    QString io = QStringLiteral("epoll");
    QString uringRefusal;
    int fanoutThreads = 1;
};

// One instance of a cluster sharing a Redis (docs/scaling.md), as its heartbeat describes it.
struct ClusterInstance
{
    QString id;
    QString address; // where it listens
    int clients = 0;
    double eventsPerSecond = 0;
    QDateTime startedAt;
    bool self = false;            // the instance answering
    QList<ClientInfo> clientList; // its clients, the first ClusterService::MaxClientsListed
};

enum class TrafficDirection { In, Out, System };

// What a client asks for when it opens a stream (parseSubscribe makes it from the request).
struct Subscription
{
    QStringList channels; // at least one
    QString lastEventId;  // empty: no replay
    QString userAgent;
    bool control = false; // ?control=1: the dashboard.* control events too
    QString route;        // "POST /v1/chat/completions": a scenario route's own stream
};

// One line of the traffic log: a request in, an event out (once, not per delivery), or a
// system notice such as a connect, disconnect or slow-consumer drop.
struct TrafficRecord
{
    QDateTime time;
    TrafficDirection direction = TrafficDirection::System;
    quint64 clientId = 0; // 0 when not about one client
    QString eventType;
    QString id;
    qint64 size = 0;
    QString summary;
    QByteArray raw; // the bytes on the wire, capped at MaxRawBytes
    // For requests (direction In), and for the connect notice of a stream (the request that
    // opened it): what was asked, with the query, its headers and the status answered.
    QString method;
    QString path;
    QString httpVersion; // "HTTP/1.1", "HTTP/2"
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> requestHeaders; // at most MaxHeaderBytes of them
    QByteArray responseType; // the answer's content type and body (not a stream's), for HAR
    QByteArray responseBody; // at most MaxRawBytes
    // Who an event (Out) was for: a channel, AllScope, or empty for chosen clients; and the
    // channels of a connect notice. The HAR export files each event under its streams.
    QString scope;
    QStringList channels;

    static constexpr qsizetype MaxRawBytes = 64 * 1024;
    static constexpr qsizetype MaxHeaderBytes = 16 * 1024;
    static inline const QString &AllScope = AllChannelsScope;
};

// Where a playback is, for GET /api/scenarios and the dashboard.
struct PlaybackProgress
{
    enum class State { Playing, Paused, Finished };

    quint64 id = 0;
    QString name;
    State state = State::Playing;
    int step = 0;         // steps played in the current pass
    int steps = 0;        // steps in one pass
    int pass = 1;         // 1-based; grows while looping
    qint64 elapsedMs = 0; // scenario time into the current pass (at speed 1)
    qint64 totalMs = 0;   // one pass at speed 1
    double speed = 1.0;
    bool loop = false;
    QString target; // "channel news", "all channels", "client 7", "route POST /x"
    quint64 eventsPublished = 0;
    QString lastError; // the last publish the broker refused, if any
};

QString playbackStateName(PlaybackProgress::State state);
QJsonObject playbackProgressJson(const PlaybackProgress &progress);

// What the server thread hands the UI at a bounded rate.
struct ServerSnapshot
{
    QList<ClientInfo> connected;
    QList<quint64> disconnected;
    QList<ClientCounters> counters; // only clients whose counters changed
    QList<TrafficRecord> traffic;
    quint64 trafficDropped = 0; // records left out because the batch was full
    ServerStats stats;
    QList<PlaybackProgress> playbacks; // every scenario playing or paused now
    bool faultsChanged = false;        // faults is the whole list when true
    QList<FaultInfo> faults;
    bool clusterChanged = false; // cluster is the whole list when true
    QList<ClusterInstance> cluster;
    ChaosState chaos;
};

// Who a publish from the UI goes to.
struct PublishTarget
{
    enum class Kind { Channel, All, Clients };
    Kind kind = Kind::Channel; // the channel comes from the event itself
    QList<quint64> clientIds;
    // False for a scenario route's own stream: its events are not history, so the event log
    // neither numbers nor keeps them and they carry exactly the ids the scenario gives.
    bool numbered = true;
};

struct PublishResult
{
    QString id;
    int delivered = 0;
    QString error;            // empty on success
    bool unavailable = false; // the event was fine but could not be stored (answered 503)
    // What was asked, for the dashboard's confirmation (ServerController fills them in).
    PublishTarget target = {};
    QString channel = {};
};

QString directionName(TrafficDirection direction);

// The JSON shapes of /api/clients and /api/stats (docs/protocol.md), shared with the UI.
QJsonObject clientInfoJson(const ClientInfo &info);
ClientInfo clientInfoFromJson(const QJsonObject &object);
// withClients adds each instance's client list.
QJsonObject clusterInstanceJson(const ClusterInstance &instance, bool withClients);
ClusterInstance clusterInstanceFromJson(const QJsonObject &object);
QJsonObject statsJson(const ServerStats &stats);
// The same figures in the Prometheus text exposition format, for /metrics.
QByteArray metricsText(const ServerStats &stats);

} // namespace sse

Q_DECLARE_METATYPE(sse::ClientInfo)
Q_DECLARE_METATYPE(sse::ServerStats)
Q_DECLARE_METATYPE(sse::ServerSnapshot)
Q_DECLARE_METATYPE(sse::ClusterInstance)
Q_DECLARE_METATYPE(sse::PublishTarget)
Q_DECLARE_METATYPE(sse::PublishResult)
