#include "sseserver.h"

#include "clusterservice.h"
#include "faultservice.h"
#include "httpapi.h"
#include "memoryeventlog.h"
#include "rediseventlog.h"
#include "scenarioservice.h"
#include "serverlogging.h"
#include "sqliteeventlog.h"
#include "streamhub.h"
#include "subscriberregistry.h"
#include "trafficrecorder.h"

#include <algorithm>

#include <QCoreApplication>

namespace sse {

namespace {

// Per-client counters change with every delivery; a slower rate is plenty for a table.
constexpr int CountersEveryNthSnapshot = 5;

} // namespace

SseServer::SseServer(ServerConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
{
    if (m_config.token.isEmpty())
        m_config.token = generateToken();
    m_recorder = std::make_unique<TrafficRecorder>();
    RedisEventLog *redisLog = nullptr;
    if (!m_config.redisUrl.isEmpty()) {
        // A URL that does not parse is refused by validate() in start().
        auto endpoint = RedisEndpoint::parse(m_config.redisUrl);
        auto log = std::make_unique<RedisEventLog>(std::holds_alternative<RedisEndpoint>(endpoint)
                                                       ? std::get<RedisEndpoint>(endpoint)
                                                       : RedisEndpoint{},
                                                   m_config.historySize);
        redisLog = log.get();
        connect(redisLog, &RedisEventLog::statusChanged, this, &SseServer::recordLogStatus);
        m_log = std::move(log);
    } else if (m_config.historyFile.isEmpty())
        m_log = std::make_unique<MemoryEventLog>(m_config.historySize);
    else
        m_log = std::make_unique<SqliteEventLog>(m_config.historyFile, m_config.historySize,
                                                 MemoryEventLog::DefaultMaxBytes);
    m_registry = std::make_unique<SubscriberRegistry>();
    // One ring per fan-out thread; an out-of-range count or name is refused by start().
    m_hub = std::make_unique<StreamHub>(m_config.maxQueueBytes,
                                        ioBackendFromName(m_config.io).value_or(IoBackend::Auto),
                                        std::clamp(m_config.fanoutThreads, 1, 64));
    m_broker = std::make_unique<EventBroker>(m_config, *m_log, *m_registry, *m_hub, *m_recorder);
    m_scenarios = std::make_unique<ScenarioService>(*m_broker);
    m_faults = std::make_unique<FaultService>(*m_broker, *m_registry, *m_recorder);
    if (redisLog)
        m_cluster = std::make_unique<ClusterService>(*redisLog, *m_broker);
    m_http = std::make_unique<HttpApi>(m_config, *m_broker, *m_scenarios, *m_faults, *m_registry,
                                       *m_hub, *m_recorder);
    m_http->setCluster(m_cluster.get());
    connect(&m_snapshotTimer, &QTimer::timeout, this, &SseServer::emitSnapshot);
}

SseServer::~SseServer()
{
    stop();
    m_log->close(); // also when start() failed after opening it: its callbacks reach the broker
}

bool SseServer::start(QString *errorMessage)
{
    if (m_running)
        return true;
    QString error = m_config.validate();
    if (error.isEmpty() && !m_hub->isValid())
        error = QStringLiteral("cannot send to streams: %1").arg(m_hub->error());
    if (error.isEmpty())
        error = setRoutes(m_config.routes);
    if (error.isEmpty()) {
        error = m_log->open();
        // Only a file can be swapped for memory; a Redis that is away is waited for.
        m_historyRefused = !error.isEmpty() && m_log->status().backend == QLatin1String("sqlite");
    }
    if (error.isEmpty() && m_http->listen(&error)) {
        m_running = true;
        m_broker->start();
        if (m_cluster)
            m_cluster->start(url());
        installStartFaults();
        qCInfo(lcServer).noquote() << "listening on" << url();
        qCInfo(lcServer).noquote() << ioDescription();
        return true;
    }
    qCWarning(lcServer).noquote() << error;
    if (errorMessage)
        *errorMessage = error;
    return false;
}

QString SseServer::ioDescription() const
{
    // A traffic log row too: the dashboard shows it in its own language.
    if (m_hub->io() == IoBackend::Uring) {
        return QCoreApplication::translate("sse::TrafficLog",
                                           "events go out through io_uring, %n ring(s) (--io %1)",
                                           nullptr, m_hub->ringCount())
            .arg(m_config.io);
    }
    if (m_hub->uringRefusal().isEmpty()) {
        return QCoreApplication::translate("sse::TrafficLog",
                                           "events go out with one send() per stream (--io epoll)");
    }
    return QCoreApplication::translate(
               "sse::TrafficLog", "events go out with one send() per stream: io_uring refused (%1)")
        .arg(m_hub->uringRefusal());
}

void SseServer::stop()
{
    if (!m_running)
        return;
    m_running = false;
    m_http->stopListening();
    m_scenarios->stopAll();
    m_faults->removeAll();
    if (m_cluster)
        m_cluster->stop();
    m_log->finishAppends(); // what was published is answered and sent before the streams end
    m_broker->stop();
    m_log->close();
    m_http->close();
    qCInfo(lcServer) << "server stopped";
    m_recorder->record(TrafficDirection::System, 0, {}, {}, 0,
                       QCoreApplication::translate("sse::TrafficLog", "server stopped"));
}

bool SseServer::isListening() const
{
    return m_http->isListening();
}

TlsStatus SseServer::tlsStatus() const
{
    return m_http->tlsStatus();
}

quint16 SseServer::port() const
{
    return m_http->port();
}

QString SseServer::url() const
{
    QHostAddress address = m_config.bindAddress;
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        address = QHostAddress(QHostAddress::LocalHost);
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress(QHostAddress::LocalHostIPv6);
    QString host = address.toString();
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return QStringLiteral("%1://%2:%3/")
        .arg(m_config.tlsEnabled() ? QStringLiteral("https") : QStringLiteral("http"), host)
        .arg(port());
}

void SseServer::installStartFaults()
{
    // --fault specs were checked when the command line was read (checkFaultOption).
    for (const QString &text : std::as_const(m_config.faults)) {
        auto parsed = parseFaultSpec(text.toUtf8());
        QString error;
        if (const auto *spec = std::get_if<FaultSpec>(&parsed);
            !spec || !m_faults->install(*spec, QStringLiteral("command line"), &error)) {
            qCWarning(lcServer).noquote() << "--fault" << text << "not installed:" << error;
        }
    }
}

void SseServer::publish(SseEvent event, const PublishTarget &target, EventBroker::PublishDone done)
{
    m_broker->publish(std::move(event), target, std::move(done));
}

int SseServer::sendComment(const QString &text, const QString &channel, const PublishTarget &target)
{
    return m_broker->sendComment(text, channel, target);
}

QList<quint64> SseServer::disconnectConnection(quint64 clientId)
{
    return m_broker->disconnectConnection(clientId);
}

bool SseServer::disconnectClient(quint64 clientId)
{
    return m_broker->disconnectClient(clientId);
}

HistoryPage SseServer::history(const HistoryFilter &filter, int offset, int limit) const
{
    return m_log->history(filter, offset, limit);
}

void SseServer::clearHistory()
{
    m_log->clear();
    qCInfo(lcServer) << "history cleared";
    const QString nextId = m_log->nextId();
    m_recorder->record(
        TrafficDirection::System, 0, {}, {}, 0,
        nextId.isEmpty()
            ? QCoreApplication::translate("sse::TrafficLog", "history cleared; ids go on")
            : QCoreApplication::translate("sse::TrafficLog", "history cleared; ids go on from %1")
                  .arg(nextId));
}

int SseServer::replayHistory(quint64 clientId, const QString &fromId, QString *error)
{
    return m_broker->replayTo(clientId, fromId, error);
}

QString SseServer::setRoutes(const QStringList &specs)
{
    QList<ScenarioRoute> routes;
    for (const QString &spec : specs) {
        auto loaded = loadScenarioRoute(spec);
        if (const auto *failure = std::get_if<QString>(&loaded))
            return *failure;
        const ScenarioRoute &route = std::get<ScenarioRoute>(loaded);
        for (const ScenarioRoute &other : std::as_const(routes)) {
            if (other.method == route.method && other.path == route.path)
                return QStringLiteral("route '%1': %2 is bound twice").arg(spec, route.name());
        }
        routes.append(route);
    }
    m_scenarios->setRoutes(std::move(routes));
    m_config.routes = specs;
    return {};
}

QList<ClientInfo> SseServer::clients() const
{
    return m_broker->clients();
}

ServerStats SseServer::stats() const
{
    return m_broker->stats();
}

void SseServer::recordLogStatus()
{
    const EventLog::Status status = m_log->status();
    m_recorder->record(
        TrafficDirection::System, 0, {}, {}, 0,
        status.available
            ? QCoreApplication::translate("sse::TrafficLog",
                                          "event log on %1 is back: publishing resumes")
                  .arg(status.location)
            : QCoreApplication::translate("sse::TrafficLog",
                                          "event log unavailable: %1: %2; publishing answers "
                                          "503 while it reconnects")
                  .arg(status.location, status.error));
}

void SseServer::setSnapshotInterval(int intervalMs)
{
    const bool enabled = intervalMs > 0;
    // The first snapshot carries every client already connected.
    m_recorder->setEnabled(enabled, enabled ? clients() : QList<ClientInfo>());
    if (enabled && m_running) {
        // The log the dashboard shows begins with the start, which came before the recording.
        m_recorder->record(
            TrafficDirection::System, 0, {}, {}, 0,
            QCoreApplication::translate("sse::TrafficLog", "server started on %1").arg(url()));
        m_recorder->record(TrafficDirection::System, 0, {}, {}, 0, ioDescription());
    }
    if (enabled) { // the first snapshot carries the faults installed already
        m_faults->takeChanged();
        m_forceFaults = true;
    }
    if (enabled)
        m_snapshotTimer.start(intervalMs);
    else
        m_snapshotTimer.stop();
}

void SseServer::flushSnapshot()
{
    if (m_recorder->enabled())
        emitSnapshot();
}

void SseServer::emitSnapshot()
{
    ServerSnapshot snapshot = m_recorder->take();
    if (++m_snapshotTick % CountersEveryNthSnapshot == 0)
        snapshot.counters = m_broker->takeChangedCounters();
    snapshot.stats = stats();
    snapshot.playbacks = m_scenarios->progress();
    if (m_faults->takeChanged() || std::exchange(m_forceFaults, false)) {
        snapshot.faultsChanged = true;
        snapshot.faults = m_faults->faults();
    }
    snapshot.chaos = m_faults->chaos();
    if (m_cluster && m_cluster->takeChanged()) {
        snapshot.clusterChanged = true;
        snapshot.cluster = m_cluster->instances();
    }
    emit snapshotReady(snapshot);
}

} // namespace sse
