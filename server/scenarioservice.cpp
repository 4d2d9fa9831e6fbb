#include "scenarioservice.h"

#include "eventbroker.h"
#include "serverlogging.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>

namespace sse {

namespace {

constexpr qint64 MaxScenarioFileBytes = 64 * 1024 * 1024;

const QByteArray DoneSentinel = QByteArrayLiteral("[DONE]");

// The OpenAI chat completion a stream of chat.completion.chunk objects adds up to.
std::optional<QJsonObject> assembleChatCompletion(const QList<QJsonValue> &chunks)
{
    if (chunks.isEmpty())
        return std::nullopt;
    QJsonObject completion;
    QMap<int, QString> contents;
    QMap<int, QString> roles;
    QMap<int, QJsonValue> finishReasons;
    QJsonValue usage(QJsonValue::Undefined);
    for (const QJsonValue &value : chunks) {
        const QJsonObject chunk = value.toObject();
        if (chunk.value(QStringLiteral("object")).toString() !=
            QLatin1String("chat.completion.chunk")) {
            return std::nullopt;
        }
        for (const QString &key : {QStringLiteral("id"), QStringLiteral("created"),
                                   QStringLiteral("model"), QStringLiteral("system_fingerprint")}) {
            if (!completion.contains(key) && chunk.contains(key))
                completion.insert(key, chunk.value(key));
        }
        if (chunk.contains(QStringLiteral("usage")) &&
            !chunk.value(QStringLiteral("usage")).isNull())
            usage = chunk.value(QStringLiteral("usage"));
        for (const QJsonValue &choiceValue : chunk.value(QStringLiteral("choices")).toArray()) {
            const QJsonObject choice = choiceValue.toObject();
            const int index = choice.value(QStringLiteral("index")).toInt();
            const QJsonObject delta = choice.value(QStringLiteral("delta")).toObject();
            contents[index] += delta.value(QStringLiteral("content")).toString();
            if (delta.contains(QStringLiteral("role")))
                roles[index] = delta.value(QStringLiteral("role")).toString();
            const QJsonValue finish = choice.value(QStringLiteral("finish_reason"));
            if (!finish.isNull() && !finish.isUndefined())
                finishReasons[index] = finish;
            else if (!finishReasons.contains(index))
                finishReasons[index] = QJsonValue::Null;
        }
    }
    completion.insert(QStringLiteral("object"), QStringLiteral("chat.completion"));
    QJsonArray choices;
    for (auto it = finishReasons.cbegin(); it != finishReasons.cend(); ++it) {
        choices.append(QJsonObject{
            {QStringLiteral("index"), it.key()},
            {QStringLiteral("message"),
             QJsonObject{
                 {QStringLiteral("role"), roles.value(it.key(), QStringLiteral("assistant"))},
                 {QStringLiteral("content"), contents.value(it.key())}}},
            {QStringLiteral("finish_reason"), it.value()},
        });
    }
    completion.insert(QStringLiteral("choices"), choices);
    if (!usage.isUndefined())
        completion.insert(QStringLiteral("usage"), usage);
    return completion;
}

} // namespace

bool isServerPath(const QString &path)
{
    static const QStringList own{QStringLiteral("/"),          QStringLiteral("/app.js"),
                                 QStringLiteral("/style.css"), QStringLiteral("/events"),
                                 QStringLiteral("/publish"),   QStringLiteral("/send"),
                                 QStringLiteral("/metrics"),   QStringLiteral("/healthz")};
    return own.contains(path) || path == u"/api" || path.startsWith(u"/api/");
}

std::variant<ScenarioRoute, QString> loadScenarioRoute(const QString &spec)
{
    static const QRegularExpression pattern(
        QStringLiteral("^(GET|POST|PUT|PATCH|DELETE) (/[^\\s=?#]*)=(.+)$"));
    const QRegularExpressionMatch match = pattern.match(spec.trimmed());
    if (!match.hasMatch()) {
        return QStringLiteral("route '%1': expected \"METHOD PATH=FILE\" with METHOD one of GET, "
                              "POST, PUT, PATCH, DELETE and PATH starting with /")
            .arg(spec);
    }
    ScenarioRoute route;
    route.method = match.captured(1).toLatin1();
    route.path = match.captured(2);
    route.file = match.captured(3).trimmed();
    if (isServerPath(route.path)) {
        return QStringLiteral("route '%1': %2 is the server's own path; bind another")
            .arg(spec, route.path);
    }
    QFile file(route.file);
    if (!file.open(QIODevice::ReadOnly)) {
        return QStringLiteral("route '%1': cannot read %2: %3")
            .arg(spec, route.file, file.errorString());
    }
    if (file.size() > MaxScenarioFileBytes) {
        return QStringLiteral("route '%1': %2 is larger than %3 MiB")
            .arg(spec, route.file)
            .arg(MaxScenarioFileBytes >> 20);
    }
    auto parsed = parseScenario(file.readAll());
    if (const auto *failure = std::get_if<ScenarioError>(&parsed))
        return QStringLiteral("route '%1': %2 %3").arg(spec, route.file, failure->text());
    route.scenario = std::get<Scenario>(std::move(parsed));
    route.scenario.name = QFileInfo(route.file).completeBaseName();
    return route;
}

bool asksForNoStream(const QByteArray &contentType, const QByteArray &body)
{
    if (!contentType.toLower().startsWith("application/json"))
        return false;
    const QJsonDocument document = QJsonDocument::fromJson(body);
    return document.isObject() && document.object().value(QStringLiteral("stream")) == false;
}

QJsonDocument assembledAnswer(const Scenario &scenario)
{
    QList<QJsonValue> values;
    for (const ScenarioStep &step : scenario.steps) {
        if (step.hasData && step.event.data.toUtf8() != DoneSentinel)
            values.append(stepDataJson(step));
    }
    if (const std::optional<QJsonObject> completion = assembleChatCompletion(values))
        return QJsonDocument(*completion);
    QJsonArray array;
    for (const QJsonValue &value : std::as_const(values))
        array.append(value);
    return QJsonDocument(array);
}

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
