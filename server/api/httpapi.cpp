#include "httpapi.h"

#include "accesslog.h"
#include "accesspolicy.h"
#include "eventbroker.h"
#include "httpexchange.h"
#include "httpserver.h"
#include "localca.h"
#include "requestparsers.h"
#include "scenarioservice.h"
#include "serverconfig.h"
#include "serverlogging.h"
#include "tlscontext.h"
#include "trafficsink.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>

#include <algorithm>
#include <memory>

#include <QCoreApplication>

namespace sse {

namespace {

// Subscribing is open by design, and a health check harms nobody: any page may use these.
bool isOpenToEveryOrigin(const QString &path)
{
    return path == QStringLiteral("/events") || path == QStringLiteral("/see") ||
           path == QStringLiteral("/healthz");
}

// The demo page is served with its policy in headers too, where frame-ancestors works.
const http::HeaderList &pageSecurityHeaders()
{
    static const http::HeaderList headers{
        {"Content-Security-Policy",
         "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
         "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
         "frame-ancestors 'none'"},
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Referrer-Policy", "no-referrer"},
        {"Cache-Control", "no-cache"},
    };
    return headers;
}

} // namespace

HttpApi::HttpApi(const ServerConfig &config, EventBroker &broker, ScenarioService &scenarios,
                 FaultService &faults, SubscriberRegistry &registry, StreamHub &hub,
                 TrafficSink &recorder, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_broker(broker)
    , m_scenarios(scenarios)
    , m_faults(faults)
    , m_registry(registry)
    , m_hub(hub)
    , m_recorder(recorder)
{}

HttpApi::~HttpApi()
{
    close();
}

bool HttpApi::listen(QString *errorMessage)
{
    HttpServer::Limits limits;
    limits.maxHttpConnections = m_config.maxHttpConnections;
    limits.maxConnectionsPerAddress = m_config.maxConnectionsPerAddress;
    limits.streamRoom = m_config.maxClients;
    limits.streamRoomPerAddress = m_config.maxStreamsPerAddress;
    limits.connection.idleTimeoutMs = m_config.idleTimeoutSeconds * 1000;
    limits.connection.request.maxHeaderBytes = m_config.maxHeaderBytes;
    limits.connection.request.maxBodyBytes = m_config.maxBodyBytes;
    limits.connection.maxHttp2Streams = m_config.maxHttp2Streams;
    if (!setUpTls(errorMessage))
        return false;
    auto server = std::make_unique<HttpServer>(limits, *this);
    if (m_tls)
        server->setTlsContext(m_tls->native());
    if (!server->listen(m_config.bindAddress, m_config.port)) {
        *errorMessage = QStringLiteral("cannot listen on %1 port %2: %3")
                            .arg(m_config.bindAddress.toString())
                            .arg(m_config.port)
                            .arg(server->errorString());
        return false;
    }
    m_access = std::make_unique<AccessPolicy>(m_config, server->serverPort());
    if (m_config.accessLog)
        m_accessLog = std::make_unique<AccessLog>();
    connect(server.get(), &HttpServer::connectionRejected, this, [this](const QString &reason) {
        m_broker.countRejectedConnection();
        m_recorder.record(
            TrafficDirection::System, 0, {}, {}, 0,
            QCoreApplication::translate("sse::TrafficLog", "connection refused: %1").arg(reason));
    });
    m_server = std::move(server);
    return true;
}

void HttpApi::stopListening()
{
    if (m_server)
        m_server->close();
}

void HttpApi::close()
{
    m_server.reset(); // and with it every HTTP connection
}

bool HttpApi::isListening() const
{
    return m_server && m_server->isListening();
}

quint16 HttpApi::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

std::optional<HttpError> HttpApi::refusalBeforeBody(const RequestHead &head,
                                                    const QHostAddress &peer)
{
    return m_access->refusalBeforeBody(head, peer);
}

HttpApi::Handler HttpApi::route(const QString &path)
{
    static const QHash<QString, Handler> exact{
        {QStringLiteral("/"), &HttpApi::handleStatic},
        {QStringLiteral("/app.js"), &HttpApi::handleStatic},
        {QStringLiteral("/style.css"), &HttpApi::handleStatic},
        {QStringLiteral("/events"), &HttpApi::handleEvents},
        // The path of the classic ASP.NET Core example, whose page opens EventSource("/see").
        {QStringLiteral("/see"), &HttpApi::handleEvents},
        {QStringLiteral("/publish"), &HttpApi::handlePublish},
        {QStringLiteral("/send"), &HttpApi::handleSend},
        {QStringLiteral("/api/clients"), &HttpApi::handleClients},
        {QStringLiteral("/api/stats"), &HttpApi::handleStats},
        {QStringLiteral("/metrics"), &HttpApi::handleMetrics},
        {QStringLiteral("/healthz"), &HttpApi::handleHealth},
        {QStringLiteral("/ca"), &HttpApi::handleCaPage},
        {QStringLiteral("/ca.crt"), &HttpApi::handleCaCertificate},
        {QStringLiteral("/api/scenarios"), &HttpApi::handleScenarios},
        {QStringLiteral("/api/faults"), &HttpApi::handleFaults},
        {QStringLiteral("/api/cluster"), &HttpApi::handleCluster},
    };
    if (const auto it = exact.constFind(path); it != exact.constEnd())
        return *it;
    // /api/NAME/ID, and /api/cluster/clients/INSTANCE/ID: one non-empty segment each.
    const QList<QStringView> parts = QStringView(path).split(u'/');
    const auto segmentsFilled = [&parts] {
        return std::none_of(parts.begin() + 1, parts.end(),
                            [](QStringView part) { return part.isEmpty(); });
    };
    if (parts.size() == 4 && parts.at(1) == u"api" && segmentsFilled()) {
        if (parts.at(2) == u"clients")
            return &HttpApi::handleClientDelete;
        if (parts.at(2) == u"scenarios")
            return &HttpApi::handleScenarioDelete;
        if (parts.at(2) == u"faults")
            return &HttpApi::handleFaultDelete;
    }
    if (parts.size() == 6 && parts.at(1) == u"api" && parts.at(2) == u"cluster" &&
        parts.at(3) == u"clients" && segmentsFilled()) {
        return &HttpApi::handleClusterClientDelete;
    }
    return &HttpApi::handleMissing;
}

void HttpApi::handle(HttpExchange &exchange)
{
    logWhenFinished(exchange);
    const QString path = exchange.request().path();
    if (admit(exchange, path))
        (this->*route(path))(exchange);
    qCDebug(lcHttp).noquote() << exchange.request().method << path << "→" << exchange.status();
}

bool HttpApi::asksForStream(const Request &request) const
{
    const QString path = request.path();
    if (m_scenarios.isRouted(path))
        return true; // a route may stream; if this one does not, it is one request anyway
    // A preflight comes before a stream of a page of another origin (a Last-Event-ID header).
    return route(path) == &HttpApi::handleEvents &&
           (request.method == "GET" || request.method == "OPTIONS");
}

bool HttpApi::admit(HttpExchange &exchange, const QString &path)
{
    const Request &request = exchange.request();
    const QByteArray host = request.value("host");
    if (const std::optional<HttpError> refusal = m_access->refuseHost(host)) {
        exchange.error(*refusal);
        return false;
    }
    if (redirectsToTls(exchange, path))
        return false;
    const QByteArray origin = request.value("origin");
    exchange.setFromForeignOrigin(
        m_access->origins().isForeignOrigin(origin, request.value("sec-fetch-site"), host));
    const bool routed = m_scenarios.isRouted(path);
    const QByteArray allowedOrigin = isOpenToEveryOrigin(path) || routed
                                         ? QByteArrayLiteral("*")
                                         : m_access->origins().corsOriginFor(origin);
    if (allowedOrigin == "*")
        exchange.setCommonHeaders({{"Access-Control-Allow-Origin", "*"}});
    else if (!allowedOrigin.isEmpty())
        exchange.setCommonHeaders(
            {{"Access-Control-Allow-Origin", allowedOrigin}, {"Vary", "Origin"}});
    if (request.method != "OPTIONS")
        return true;
    // Without an allowed origin the preflight carries no CORS grant and the browser stops.
    http::HeaderList grant;
    if (!allowedOrigin.isEmpty()) {
        // SDKs in a page send headers of their own (OpenAI's x-stainless-*) to a route.
        const QByteArray asked = request.value("access-control-request-headers");
        grant = {{"Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS"},
                 {"Access-Control-Allow-Headers",
                  routed && !asked.isEmpty() && asked.size() <= 1024
                      ? asked
                      : QByteArrayLiteral("Last-Event-ID, Content-Type, Authorization")},
                 {"Access-Control-Max-Age", "86400"}};
    }
    exchange.respond(204, {}, {}, grant);
    return false;
}

void HttpApi::logWhenFinished(HttpExchange &exchange)
{
    if (!m_recorder.enabled() && !m_accessLog)
        return;
    const Request &request = exchange.request();
    // The target as the client sent it (path and query), and when the request came in.
    const QString target = QString::fromLatin1(request.target);
    const qsizetype ticket =
        m_recorder.enabled()
            ? m_recorder.beginRequest(QString::fromLatin1(request.method), target,
                                      request.peer.toString(), request.headers, request.body,
                                      request.wireBytes, QString::fromLatin1(request.httpVersion))
            : -1;
    const QDateTime received = m_accessLog ? QDateTime::currentDateTime() : QDateTime();
    // Runs when the answer is sent, which the event log may make later than now.
    exchange.whenFinished([this, ticket, received](const HttpExchange &finished) {
        m_recorder.finishRequest(ticket, {finished.status(), finished.streamOpened(),
                                          finished.responseType(), finished.responseBody()});
        if (m_accessLog) {
            const Request &asked = finished.request();
            m_accessLog->append(http::commonLogLine(asked.peer.toString(), received, asked.method,
                                                    asked.target, finished.status(),
                                                    finished.bodyBytes()));
        }
    });
}

bool HttpApi::requireMethod(HttpExchange &exchange, const QByteArray &allowed)
{
    const QByteArray &method = exchange.request().method;
    const QList<QByteArray> methods = allowed.split(',');
    // HEAD is GET without the body (HttpExchange leaves the body out).
    if (methods.contains(method) || (method == "HEAD" && methods.contains("GET")))
        return true;
    exchange.error(405,
                   QStringLiteral("method %1 is not allowed on %2; use %3")
                       .arg(QString::fromLatin1(method), exchange.request().path(),
                            QString::fromLatin1(allowed)),
                   {{"Allow", allowed + ",OPTIONS"}});
    return false;
}

bool HttpApi::requirePublisher(HttpExchange &exchange)
{
    const Request &request = exchange.request();
    const std::optional<HttpError> refusal =
        m_access->refusePublisher(request.value("authorization"), request.value("origin"),
                                  exchange.isFromForeignOrigin(), exchange.peer());
    if (!refusal)
        return true;
    exchange.error(*refusal);
    return false;
}

bool HttpApi::requireSubscriber(HttpExchange &exchange)
{
    const Request &request = exchange.request();
    const std::optional<HttpError> refusal = m_access->refuseSubscriber(
        request.value("authorization"), queryValue(request.query(), QStringLiteral("token")));
    if (!refusal)
        return true;
    exchange.error(*refusal);
    return false;
}

void HttpApi::handleStatic(HttpExchange &exchange)
{
    if (!requireMethod(exchange, "GET"))
        return;
    QString path = exchange.request().path();
    if (path == QStringLiteral("/"))
        path = QStringLiteral("/index.html");
    QFile file(QStringLiteral(":/web") + path);
    if (!file.open(QIODevice::ReadOnly)) {
        exchange.error(500, QStringLiteral("the page %1 is missing from the build").arg(path));
        return;
    }
    QByteArray type = QByteArrayLiteral("text/html; charset=utf-8");
    if (path.endsWith(QStringLiteral(".js")))
        type = QByteArrayLiteral("text/javascript; charset=utf-8");
    else if (path.endsWith(QStringLiteral(".css")))
        type = QByteArrayLiteral("text/css; charset=utf-8");
    exchange.respond(200, type, file.readAll(), pageSecurityHeaders());
}

void HttpApi::handlePublish(HttpExchange &exchange)
{
    if (!requireMethod(exchange, "POST") || !requirePublisher(exchange))
        return;
    const Request &request = exchange.request();
    Parsed<SseEvent> parsed =
        parsePublish({request.value("content-type"), request.value("content-length"), request.body,
                      request.query(), m_config.maxBodyBytes});
    if (const auto *failure = std::get_if<HttpError>(&parsed)) {
        exchange.error(*failure);
        return;
    }
    answerPublish(exchange, std::move(std::get<SseEvent>(parsed)));
}

void HttpApi::handleSend(HttpExchange &exchange)
{
    if (!requireMethod(exchange, "GET") || !requirePublisher(exchange))
        return;
    Parsed<SseEvent> parsed = parseSend(exchange.request().query());
    if (const auto *failure = std::get_if<HttpError>(&parsed)) {
        exchange.error(*failure);
        return;
    }
    answerPublish(exchange, std::move(std::get<SseEvent>(parsed)));
}

void HttpApi::answerPublish(HttpExchange &exchange, SseEvent event)
{
    // The event log may accept the event later than now; the connection holds the answers of
    // later requests until this one is given. Gone with its connection, the exchange needs none.
    m_broker.publish(std::move(event), {},
                     [exchange = QPointer<HttpExchange>(&exchange)](const PublishResult &result) {
                         if (!exchange)
                             return;
                         if (!result.error.isEmpty()) {
                             exchange->error(result.unavailable ? 503 : 400, result.error);
                             return;
                         }
                         exchange->json(202, QJsonDocument(QJsonObject{
                                                 {QStringLiteral("id"), result.id},
                                                 {QStringLiteral("delivered"), result.delivered}}));
                     });
}

void HttpApi::handleClients(HttpExchange &exchange)
{
    if (!requireMethod(exchange, "GET"))
        return;
    const bool identities = showsIdentities(exchange);
    QJsonArray array;
    for (const ClientInfo &info : m_broker.clients())
        array.append(clientJson(info, identities));
    exchange.json(200, QJsonDocument(array));
}

bool HttpApi::showsIdentities(HttpExchange &exchange) const
{
    // Who is connected from where, with which browser, is for the operator.
    return m_access->showsIdentities(exchange.request().value("authorization"),
                                     exchange.isFromForeignOrigin(), exchange.peer());
}

QJsonObject HttpApi::clientJson(const ClientInfo &info, bool identities)
{
    QJsonObject client = clientInfoJson(info);
    if (!identities) {
        client.remove(QStringLiteral("remoteAddress"));
        client.remove(QStringLiteral("userAgent"));
    }
    return client;
}

void HttpApi::handleClientDelete(HttpExchange &exchange)
{
    if (!requireMethod(exchange, "DELETE") || !requirePublisher(exchange))
        return;
    const std::optional<quint64> id = idInPath(exchange, QStringLiteral("client id"));
    if (!id)
        return;
    const quint64 clientId = *id;
    // ?connection=1: the client's whole connection, every HTTP/2 stream of it.
    if (exchange.request().query().queryItemValue(QStringLiteral("connection")) ==
        QStringLiteral("1")) {
        const QList<quint64> ended = m_broker.disconnectConnection(clientId);
        if (ended.isEmpty()) {
            exchange.error(404, QStringLiteral("client %1 is not connected").arg(clientId));
            return;
        }
        QJsonArray ids;
        for (const quint64 endedId : ended)
            ids.append(qint64(endedId));
        exchange.json(200, QJsonDocument(QJsonObject{{QStringLiteral("disconnected"), ids}}));
        return;
    }
    if (!m_broker.disconnectClient(clientId)) {
        exchange.error(404, QStringLiteral("client %1 is not connected").arg(clientId));
        return;
    }
    exchange.json(200,
                  QJsonDocument(QJsonObject{{QStringLiteral("disconnected"), qint64(clientId)}}));
}

std::optional<quint64> HttpApi::idInPath(HttpExchange &exchange, const QString &what)
{
    const QString idText = exchange.request().path().section(u'/', 3, 3);
    bool ok = false;
    const quint64 id = idText.toULongLong(&ok);
    if (!ok) {
        exchange.error(400, QStringLiteral("%1: '%2' is not a number").arg(what, idText.left(40)));
        return std::nullopt;
    }
    return id;
}

void HttpApi::handleStats(HttpExchange &exchange)
{
    if (requireMethod(exchange, "GET"))
        exchange.json(200, QJsonDocument(statsJson(m_broker.stats())));
}

void HttpApi::handleMetrics(HttpExchange &exchange)
{
    if (requireMethod(exchange, "GET")) {
        exchange.respond(200, QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"),
                         metricsText(m_broker.stats()));
    }
}

void HttpApi::handleHealth(HttpExchange &exchange)
{
    if (requireMethod(exchange, "GET")) {
        exchange.respond(200, QByteArrayLiteral("text/plain; charset=utf-8"),
                         QByteArrayLiteral("ok"));
    }
}

void HttpApi::handleMissing(HttpExchange &exchange)
{
    const QString path = exchange.request().path();
    QByteArray method = exchange.request().method;
    if (method == "HEAD")
        method = QByteArrayLiteral("GET");
    if (const ScenarioRoute *route = m_scenarios.route(method, path)) {
        handleScenarioRoute(exchange, *route);
        return;
    }
    if (const QByteArray methods = m_scenarios.routeMethods(path); !methods.isEmpty()) {
        requireMethod(exchange, methods); // answers 405 with the route's methods
        return;
    }
    exchange.error(404, QStringLiteral("no route for %1").arg(path));
}

} // namespace sse
