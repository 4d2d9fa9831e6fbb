#include "servercontroller.h"

#include "clusterservice.h"
#include "faultservice.h"
#include "scenarioservice.h"
#include "sseserver.h"

namespace sse {

namespace {

void registerMetaTypes()
{
    qRegisterMetaType<sse::ServerConfig>();
    qRegisterMetaType<sse::ServerSnapshot>();
    qRegisterMetaType<sse::PublishResult>();
    qRegisterMetaType<sse::PublishTarget>();
    qRegisterMetaType<sse::Scenario>();
    qRegisterMetaType<sse::PlaybackOptions>();
    qRegisterMetaType<sse::FaultSpec>();
    qRegisterMetaType<sse::ChaosOptions>();
    qRegisterMetaType<sse::HistoryFilter>();
    qRegisterMetaType<sse::HistoryPage>();
}

} // namespace

ServerController::ServerController(QObject *parent)
    : QObject(parent)
{
    registerMetaTypes();
    m_thread.setObjectName(QStringLiteral("sse-server"));
    m_threadContext = new QObject;
    m_threadContext->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_threadContext, &QObject::deleteLater);
    m_thread.start();
}

ServerController::~ServerController()
{
    QMetaObject::invokeMethod(
        m_threadContext, [this] { stopOnServerThread(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void ServerController::start(const ServerConfig &config, int snapshotIntervalMs)
{
    onServerThread([this, config, snapshotIntervalMs] {
        stopOnServerThread();
        auto *server = new SseServer(config);
        QString error;
        if (!server->start(&error)) {
            const bool historyRefused = server->historyRefused();
            delete server;
            QMetaObject::invokeMethod(this, [this, error, historyRefused] {
                m_running = false;
                emit startFailed(error);
                if (historyRefused)
                    emit historyFileRefused(error);
            });
            return;
        }
        m_server = server;
        connect(server, &SseServer::snapshotReady, this, &ServerController::snapshotReady);
        server->setSnapshotInterval(snapshotIntervalMs);
        const QString url = server->url();
        const QString token = server->config().token;
        const quint16 port = server->port();
        const QString io = server->ioDescription();
        const TlsStatus tls = server->tlsStatus();
        QMetaObject::invokeMethod(this, [this, url, token, port, io, tls] {
            m_running = true;
            m_url = url;
            m_token = token;
            m_port = port;
            m_ioDescription = io;
            m_tlsStatus = tls;
            emit started(url, token, port);
        });
    });
}

void ServerController::stop()
{
    onServerThread([this] {
        stopOnServerThread();
        QMetaObject::invokeMethod(this, [this] {
            m_running = false;
            emit stopped();
        });
    });
}

void ServerController::stopOnServerThread()
{
    if (!m_server)
        return;
    m_server->stop();
    // The final snapshot carries the disconnects and the "stopped" record.
    m_server->flushSnapshot();
    delete m_server;
    m_server = nullptr;
}

void ServerController::publish(const SseEvent &event, const PublishTarget &target)
{
    onServerThread([this, event, target] {
        const auto finished = [this, target, channel = event.channel](PublishResult result) {
            result.target = target;
            result.channel = channel;
            QMetaObject::invokeMethod(this, [this, result] { emit publishFinished(result); });
        };
        if (m_server)
            m_server->publish(event, target, finished);
        else
            finished(PublishResult{{}, 0, QStringLiteral("the server is not running")});
    });
}

void ServerController::sendComment(const QString &text, const QString &channel,
                                   const PublishTarget &target)
{
    onServerThread([this, text, channel, target] {
        if (m_server)
            m_server->sendComment(text, channel, target);
    });
}

void ServerController::disconnectClient(quint64 clientId)
{
    onServerThread([this, clientId] {
        if (m_server)
            m_server->disconnectClient(clientId);
    });
}

void ServerController::disconnectConnection(quint64 clientId)
{
    onServerThread([this, clientId] {
        if (m_server)
            m_server->disconnectConnection(clientId);
    });
}

void ServerController::playScenario(quint64 tag, const Scenario &scenario,
                                    const PlaybackOptions &options)
{
    onServerThread([this, tag, scenario, options] {
        QString error = QStringLiteral("the server is not running");
        const quint64 id = m_server ? m_server->scenarios().play(scenario, options, &error) : 0;
        QMetaObject::invokeMethod(this, [this, tag, id, error] {
            if (id)
                emit scenarioStarted(tag, id);
            else
                emit scenarioFailed(tag, error);
        });
    });
}

void ServerController::pauseScenario(quint64 playbackId)
{
    onServerThread([this, playbackId] {
        if (m_server)
            m_server->scenarios().pause(playbackId);
    });
}

void ServerController::resumeScenario(quint64 playbackId)
{
    onServerThread([this, playbackId] {
        if (m_server)
            m_server->scenarios().resume(playbackId);
    });
}

void ServerController::stopScenario(quint64 playbackId)
{
    onServerThread([this, playbackId] {
        if (m_server)
            m_server->scenarios().stop(playbackId);
    });
}

void ServerController::setScenarioSpeed(quint64 playbackId, double speed)
{
    onServerThread([this, playbackId, speed] {
        if (m_server)
            m_server->scenarios().setSpeed(playbackId, speed);
    });
}

void ServerController::setRoutes(const QStringList &specs)
{
    onServerThread([this, specs] {
        const QString error =
            m_server ? m_server->setRoutes(specs) : QStringLiteral("the server is not running");
        QMetaObject::invokeMethod(this, [this, error] { emit routesApplied(error); });
    });
}

void ServerController::installFault(const FaultSpec &spec)
{
    onServerThread([this, spec] {
        QString error = QStringLiteral("the server is not running");
        int applied = 0;
        const quint64 id = m_server ? m_server->faults().install(spec, QStringLiteral("dashboard"),
                                                                 &error, &applied)
                                    : 0;
        QMetaObject::invokeMethod(this, [this, id, applied, error] {
            if (id)
                emit faultInstalled(id, applied);
            else
                emit faultRefused(error);
        });
    });
}

void ServerController::removeFault(quint64 faultId)
{
    onServerThread([this, faultId] {
        if (m_server)
            m_server->faults().remove(faultId);
    });
}

void ServerController::removeAllFaults()
{
    onServerThread([this] {
        if (m_server)
            m_server->faults().removeAll();
    });
}

void ServerController::startChaos(const ChaosOptions &options)
{
    onServerThread([this, options] {
        const QString error = m_server ? m_server->faults().startChaos(options)
                                       : QStringLiteral("the server is not running");
        if (!error.isEmpty())
            QMetaObject::invokeMethod(this, [this, error] { emit chaosRefused(error); });
    });
}

void ServerController::stopChaos()
{
    onServerThread([this] {
        if (m_server)
            m_server->faults().stopChaos();
    });
}

void ServerController::queryHistory(quint64 tag, const HistoryFilter &filter, int offset, int limit)
{
    onServerThread([this, tag, filter, offset, limit] {
        const HistoryPage page =
            m_server ? m_server->history(filter, offset, limit) : HistoryPage{};
        QMetaObject::invokeMethod(this, [this, tag, page] { emit historyPage(tag, page); });
    });
}

void ServerController::clearHistory()
{
    onServerThread([this] {
        if (!m_server)
            return;
        m_server->clearHistory();
        QMetaObject::invokeMethod(this, [this] { emit historyCleared(); });
    });
}

void ServerController::replayHistory(quint64 clientId, const QString &fromId)
{
    onServerThread([this, clientId, fromId] {
        QString error = QStringLiteral("the server is not running");
        const int events = m_server ? m_server->replayHistory(clientId, fromId, &error) : -1;
        if (events >= 0)
            error.clear();
        QMetaObject::invokeMethod(this, [this, clientId, events, error] {
            emit historyReplayed(clientId, std::max(events, 0), error);
        });
    });
}

void ServerController::disconnectClusterClient(const QString &instanceId, quint64 clientId)
{
    onServerThread([this, instanceId, clientId] {
        QString error;
        if (!m_server)
            error = QStringLiteral("the server is not running");
        else if (!m_server->cluster())
            error = QStringLiteral("this instance is not in a cluster (no --redis)");
        else if (m_server->cluster()->disconnectRemoteClient(instanceId, clientId, &error))
            return;
        QMetaObject::invokeMethod(this, [this, instanceId, clientId, error] {
            emit clusterDisconnectRefused(instanceId, clientId, error);
        });
    });
}

} // namespace sse
