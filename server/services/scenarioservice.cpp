#include "scenarioservice.h"

#include "eventbroker.h"
#include "serverlogging.h"

namespace sse {

ScenarioService::ScenarioService(EventBroker &broker, QObject *parent)
    : QObject(parent)
    , m_broker(broker)
{
    connect(&m_broker, &EventBroker::subscriberRemoved, this,
            &ScenarioService::onSubscriberRemoved);
}

ScenarioService::~ScenarioService()
{
    stopAll();
}

quint64 ScenarioService::play(Scenario scenario, const PlaybackOptions &options, QString *error)
{
    if (const QString problem = options.validate(scenario); !problem.isEmpty()) {
        *error = problem;
        return 0;
    }
    if (isFull()) {
        *error = QStringLiteral("%1 scenarios are playing already (the limit); stop one first")
                     .arg(MaxPlaybacks);
        return 0;
    }
    const quint64 id = m_nextId++;
    auto *player = new ScenarioPlayer(id, std::move(scenario), options, m_broker, this);
    connect(player, &ScenarioPlayer::finished, this, &ScenarioService::onFinished);
    m_players.emplace(id, player);
    qCInfo(lcServer).noquote() << "scenario" << id << "playing";
    player->start();
    return id;
}

ScenarioPlayer *ScenarioService::find(quint64 id) const
{
    const auto it = m_players.find(id);
    return it == m_players.end() || it->second->isFinished() ? nullptr : it->second;
}

bool ScenarioService::stop(quint64 id)
{
    ScenarioPlayer *player = find(id);
    if (!player)
        return false;
    player->stop();
    // A route's stream ends with its playback.
    const auto route = std::find_if(m_routeStreams.cbegin(), m_routeStreams.cend(),
                                    [id](const auto &entry) { return entry.second == id; });
    if (route != m_routeStreams.cend()) {
        const quint64 clientId = route->first;
        m_routeStreams.erase(route);
        m_broker.finishStream(clientId);
    }
    onFinished(id);
    return true;
}

bool ScenarioService::pause(quint64 id)
{
    ScenarioPlayer *player = find(id);
    if (player)
        player->pause();
    return player;
}

bool ScenarioService::resume(quint64 id)
{
    ScenarioPlayer *player = find(id);
    if (player)
        player->resume();
    return player;
}

bool ScenarioService::setSpeed(quint64 id, double speed)
{
    ScenarioPlayer *player = find(id);
    if (!player || !(speed >= PlaybackOptions::MinSpeed && speed <= PlaybackOptions::MaxSpeed))
        return false;
    player->setSpeed(speed);
    return true;
}

void ScenarioService::stopAll()
{
    while (!m_players.empty()) {
        const quint64 id = m_players.begin()->first;
        m_players.begin()->second->stop();
        onFinished(id);
    }
}

QList<PlaybackProgress> ScenarioService::progress() const
{
    QList<PlaybackProgress> list;
    for (const auto &[id, player] : m_players) {
        if (!player->isFinished())
            list.append(player->progress());
    }
    return list;
}

void ScenarioService::setRoutes(QList<ScenarioRoute> routes)
{
    m_routes = std::move(routes);
}

const ScenarioRoute *ScenarioService::route(const QByteArray &method, const QString &path) const
{
    for (const ScenarioRoute &candidate : m_routes) {
        if (candidate.path == path && candidate.method == method)
            return &candidate;
    }
    return nullptr;
}

bool ScenarioService::isRouted(const QString &path) const
{
    return std::any_of(m_routes.cbegin(), m_routes.cend(),
                       [&path](const ScenarioRoute &candidate) { return candidate.path == path; });
}

QByteArray ScenarioService::routeMethods(const QString &path) const
{
    QByteArrayList methods;
    for (const ScenarioRoute &candidate : m_routes) {
        if (candidate.path == path)
            methods.append(candidate.method);
    }
    return methods.join(',');
}

void ScenarioService::playRoute(const ScenarioRoute &route, quint64 clientId)
{
    PlaybackOptions options;
    options.target.kind = PublishTarget::Kind::Clients;
    options.target.clientIds = {clientId};
    options.target.numbered = false;
    const quint64 id = m_nextId++;
    auto *player = new ScenarioPlayer(id, route.scenario, options, m_broker, this);
    player->setTargetName(QStringLiteral("route %1, client %2").arg(route.name()).arg(clientId));
    connect(player, &ScenarioPlayer::finished, this, [this, clientId](quint64 playbackId) {
        m_routeStreams.erase(clientId);
        m_broker.finishStream(clientId);
        onFinished(playbackId);
    });
    m_players.emplace(id, player);
    m_routeStreams.emplace(clientId, id);
    player->start();
}

void ScenarioService::onFinished(quint64 id)
{
    const auto it = m_players.find(id);
    if (it == m_players.end())
        return;
    ScenarioPlayer *player = it->second;
    m_players.erase(it);
    // Called from the player's own timer or callbacks: it goes once they have returned.
    player->deleteLater();
    qCInfo(lcServer).noquote() << "scenario" << id << "ended";
}

void ScenarioService::onSubscriberRemoved(quint64 clientId)
{
    const auto it = m_routeStreams.find(clientId);
    if (it == m_routeStreams.end())
        return;
    const quint64 playbackId = it->second;
    m_routeStreams.erase(it);
    if (ScenarioPlayer *player = find(playbackId))
        player->stop();
    onFinished(playbackId);
}

} // namespace sse
