// HttpApi's scenario routes: /api/scenarios (playback) and the routes bound with --route,
// apart from httpapi.cpp so each file stays about one thing.
#include "httpapi.h"

#include "eventbroker.h"
#include "httpexchange.h"
#include "requestparsers.h"
#include "scenarioservice.h"
#include "serverconfig.h"
#include "subscriberregistry.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace sse {

namespace {

// A route's stream ends when its scenario does, so the connection is not kept.
const QByteArray RouteStreamHead = QByteArrayLiteral("HTTP/1.1 200 OK\r\n"
                                                     "Content-Type: text/event-stream\r\n"
                                                     "Cache-Control: no-cache\r\n"
                                                     "X-Accel-Buffering: no\r\n"
                                                     "Access-Control-Allow-Origin: *\r\n"
                                                     "Connection: close\r\n"
                                                     "\r\n");

bool isJsonLinesType(const QByteArray &contentType)
{
    const QByteArray type = mediaType(contentType);
    return type == "application/x-ndjson" || type == "application/jsonl" ||
           type == "application/x-jsonlines";
}

// ?speed=, ?loop=, ?channel= and ?client= of POST /api/scenarios.
Parsed<PlaybackOptions> parsePlaybackQuery(const QUrlQuery &query)
{
    PlaybackOptions options;
    const QString speed = queryValue(query, QStringLiteral("speed"));
    if (!speed.isEmpty()) {
        bool ok = false;
        options.speed = speed.toDouble(&ok);
        if (!ok || !(options.speed >= PlaybackOptions::MinSpeed &&
                     options.speed <= PlaybackOptions::MaxSpeed)) {
            return HttpError{400,
                             QStringLiteral("speed: '%1' is not a number from %2 to %3")
                                 .arg(speed.left(40))
                                 .arg(PlaybackOptions::MinSpeed)
                                 .arg(PlaybackOptions::MaxSpeed),
                             {},
                             false};
        }
    }
    const QString loop = queryValue(query, QStringLiteral("loop"));
    if (loop == u"1" || loop == u"true")
        options.loop = true;
    else if (!loop.isEmpty() && loop != u"0" && loop != u"false")
        return HttpError{400, QStringLiteral("loop: must be 1 or 0"), {}, false};
    options.channel = queryValue(query, QStringLiteral("channel"));
    const QString client = queryValue(query, QStringLiteral("client"));
    if (!client.isEmpty()) {
        bool ok = false;
        const quint64 clientId = client.toULongLong(&ok);
        if (!ok || clientId == 0) {
            return HttpError{400,
                             QStringLiteral("client: '%1' is not a client id").arg(client.left(40)),
                             {},
                             false};
        }
        options.target.kind = PublishTarget::Kind::Clients;
        options.target.clientIds = {clientId};
    }
    return options;
}

} // namespace

void HttpApi::handleScenarios(HttpExchange &exchange)
{
    if (!requireMethod(exchange, "GET,POST"))
        return;
    const Request &request = exchange.request();
    if (request.method != "POST") {
        QJsonArray list;
        for (const PlaybackProgress &progress : m_scenarios.progress())
            list.append(playbackProgressJson(progress));
        exchange.json(200, QJsonDocument(list));
        return;
    }
    if (!requirePublisher(exchange))
        return;
    if (!isJsonLinesType(request.value("content-type"))) {
        exchange.error(415, QStringLiteral("Content-Type: '%1' is not a scenario; send JSON Lines "
                                           "as application/x-ndjson or application/jsonl")
                                .arg(QString::fromLatin1(request.value("content-type").left(100))));
        return;
    }
    auto parsed = parseScenario(request.body);
    if (const auto *failure = std::get_if<ScenarioError>(&parsed)) {
        exchange.error(400, QStringLiteral("scenario: %1").arg(failure->text()));
        return;
    }
    Parsed<PlaybackOptions> options = parsePlaybackQuery(request.query());
    if (const auto *failure = std::get_if<HttpError>(&options)) {
        exchange.error(*failure);
        return;
    }
    Scenario scenario = std::get<Scenario>(std::move(parsed));
    scenario.name = queryValue(request.query(), QStringLiteral("name")).left(100);
    if (scenario.name.isEmpty())
        scenario.name = QStringLiteral("api");
    if (m_scenarios.isFull()) {
        exchange.error(503, QStringLiteral("%1 scenarios are playing already (the limit); stop one "
                                           "first")
                                .arg(ScenarioService::MaxPlaybacks));
        return;
    }
    QString error;
    const quint64 id =
        m_scenarios.play(std::move(scenario), std::get<PlaybackOptions>(options), &error);
    if (!id) {
        exchange.error(400, error);
        return;
    }
    const QByteArray location = "/api/scenarios/" + QByteArray::number(id);
    exchange.json(201, QJsonDocument(QJsonObject{{QStringLiteral("id"), QString::number(id)}}),
                  {{"Location", location}});
}

void HttpApi::handleScenarioDelete(HttpExchange &exchange)
{
    if (!requireMethod(exchange, "DELETE") || !requirePublisher(exchange))
        return;
    const std::optional<quint64> id = idInPath(exchange, QStringLiteral("scenario id"));
    if (!id)
        return;
    if (!m_scenarios.stop(*id)) {
        exchange.error(404, QStringLiteral("scenario %1 is not playing").arg(*id));
        return;
    }
    exchange.json(200,
                  QJsonDocument(QJsonObject{{QStringLiteral("stopped"), QString::number(*id)}}));
}

void HttpApi::handleScenarioRoute(HttpExchange &exchange, const ScenarioRoute &route)
{
    // A route is a subscription: the subscriber token, when one is set, and nothing else. SDKs
    // always send an API key as Authorization; without a subscriber token it is ignored.
    if (!requireSubscriber(exchange))
        return;
    const Request &request = exchange.request();
    if (asksForNoStream(request.value("content-type"), request.body)) {
        exchange.json(200, assembledAnswer(route.scenario));
        return;
    }
    if (request.isHead()) {
        exchange.respondRaw(200, RouteStreamHead);
        return;
    }
    Subscription subscription;
    subscription.userAgent = QString::fromUtf8(request.value("user-agent").left(MaxUserAgentBytes));
    subscription.route = route.name();
    openStream(exchange, RouteStreamHead, subscription,
               [this, route](quint64 clientId) { m_scenarios.playRoute(route, clientId); });
}

} // namespace sse
