#include "httpapi.h"

#include "accesspolicy.h"
#include "eventbroker.h"
#include "faultservice.h"
#include "guardedtcpserver.h"
#include "httpexchange.h"
#include "requestparsers.h"
#include "scenarioservice.h"
#include "serverconfig.h"
#include "serverlogging.h"
#include "streamhub.h"
#include "subscriberregistry.h"
#include "trafficrecorder.h"

#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTcpSocket>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace sse {

namespace {

// No Content-Length: the stream lasts until either side closes it.
const QByteArray StreamHead = QByteArrayLiteral("HTTP/1.1 200 OK\r\n"
                                                "Content-Type: text/event-stream\r\n"
                                                "Cache-Control: no-cache\r\n"
                                                "X-Accel-Buffering: no\r\n"
                                                "Access-Control-Allow-Origin: *\r\n"
                                                "\r\n");

// Subscribing is open by design, and a health check harms nobody: any page may use these.
bool isOpenToEveryOrigin(const QString &path)
{
    return path == QStringLiteral("/events") || path == QStringLiteral("/healthz");
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
                 TrafficRecorder &recorder, QObject *parent)
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
    GuardedTcpServer::Limits limits;
    limits.maxHttpConnections = m_config.maxHttpConnections;
    limits.maxConnectionsPerAddress = m_config.maxConnectionsPerAddress;
    limits.idleTimeoutMs = m_config.idleTimeoutSeconds * 1000;
    limits.request.maxHeaderBytes = m_config.maxHeaderBytes;
    limits.request.maxBodyBytes = m_config.maxBodyBytes;
    auto tcpServer = std::make_unique<GuardedTcpServer>(limits);
    if (!tcpServer->listen(m_config.bindAddress, m_config.port)) {
        *errorMessage = QStringLiteral("cannot listen on %1 port %2: %3")
                            .arg(m_config.bindAddress.toString())
                            .arg(m_config.port)
                            .arg(tcpServer->errorString());
        return false;
    }
    m_access = std::make_unique<AccessPolicy>(m_config, tcpServer->serverPort());
    tcpServer->setContinueCheck([this](const RequestHead &head, const QHostAddress &peer) {
        return m_access->refusalBeforeBody(head, peer);
    });
    connect(tcpServer.get(), &GuardedTcpServer::connectionRejected, this,
            [this](const QString &reason) {
                m_broker.countRejectedConnection();
                m_recorder.record(TrafficDirection::System, 0, {}, {}, 0,
                                  QStringLiteral("connection refused: %1").arg(reason));
            });

    m_http = new QHttpServer(this);
    addRoute(QStringLiteral("/"), &HttpApi::handleStatic);
    addRoute(QStringLiteral("/app.js"), &HttpApi::handleStatic);
    addRoute(QStringLiteral("/style.css"), &HttpApi::handleStatic);
    addRoute(QStringLiteral("/events"), &HttpApi::handleEvents);
    addRoute(QStringLiteral("/publish"), &HttpApi::handlePublish);
    addRoute(QStringLiteral("/send"), &HttpApi::handleSend);
    addRoute(QStringLiteral("/api/clients"), &HttpApi::handleClients);
    addRoute(QStringLiteral("/api/stats"), &HttpApi::handleStats);
    addRoute(QStringLiteral("/metrics"), &HttpApi::handleMetrics);
    addRoute(QStringLiteral("/healthz"), &HttpApi::handleHealth);
    addRoute(QStringLiteral("/api/scenarios"), &HttpApi::handleScenarios);
    addRoute(QStringLiteral("/api/faults"), &HttpApi::handleFaults);
    addRoute(QStringLiteral("/api/cluster"), &HttpApi::handleCluster);
    m_http->route(QStringLiteral("/api/clients/<arg>"),
                  [this](const QString &, const QHttpServerRequest &request,
                         QHttpServerResponder &&responder) {
                      HttpExchange exchange(request, responder.socket());
                      dispatch(exchange, &HttpApi::handleClientDelete);
                  });
    m_http->route(QStringLiteral("/api/scenarios/<arg>"),
                  [this](const QString &, const QHttpServerRequest &request,
                         QHttpServerResponder &&responder) {
                      HttpExchange exchange(request, responder.socket());
                      dispatch(exchange, &HttpApi::handleScenarioDelete);
                  });
    m_http->route(QStringLiteral("/api/cluster/clients/<arg>/<arg>"),
                  [this](const QString &, const QString &, const QHttpServerRequest &request,
                         QHttpServerResponder &&responder) {
                      HttpExchange exchange(request, responder.socket());
                      dispatch(exchange, &HttpApi::handleClusterClientDelete);
                  });
    m_http->route(QStringLiteral("/api/faults/<arg>"),
                  [this](const QString &, const QHttpServerRequest &request,
                         QHttpServerResponder &&responder) {
                      HttpExchange exchange(request, responder.socket());
                      dispatch(exchange, &HttpApi::handleFaultDelete);
                  });
    m_http->setMissingHandler(
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            HttpExchange exchange(request, responder.socket());
            dispatch(exchange, &HttpApi::handleMissing);
        });

    m_tcpServer = tcpServer.release();
    m_http->bind(m_tcpServer); // takes ownership
    return true;
}

void HttpApi::stopListening()
{
    if (m_tcpServer)
        m_tcpServer->close();
}

void HttpApi::close()
{
    delete m_http; // owns the TCP server and with it every HTTP connection
    m_http = nullptr;
    m_tcpServer = nullptr;
}

bool HttpApi::isListening() const
{
    return m_tcpServer && m_tcpServer->isListening();
}

quint16 HttpApi::port() const
{
    return m_tcpServer ? m_tcpServer->serverPort() : 0;
}

void HttpApi::addRoute(const QString &path, Handler handler)
{
    m_http->route(
        path, [this, handler](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            HttpExchange exchange(request, responder.socket());
            dispatch(exchange, handler);
        });
}

void HttpApi::dispatch(HttpExchange &exchange, Handler handler)
{
    const QHttpServerRequest &request = exchange.request();
    switch (m_tcpServer->persistence(exchange.socket())) {
    case GuardedTcpServer::Persistence::Close:
        exchange.setConnectionHeader(QByteArrayLiteral("close"));
        break;
    case GuardedTcpServer::Persistence::KeepAliveHttp10:
        exchange.setConnectionHeader(QByteArrayLiteral("keep-alive"));
        break;
    case GuardedTcpServer::Persistence::KeepAlive:
        break;
    }
    const QByteArray host = request.value("host");
    if (const std::optional<HttpError> refusal = m_access->refuseHost(host)) {
        exchange.error(*refusal);
        return;
    }
    const QByteArray origin = request.value("origin");
    exchange.setFromForeignOrigin(
        m_access->origins().isForeignOrigin(origin, request.value("sec-fetch-site"), host));
    const QString path = request.url().path();
    const bool routed = m_scenarios.isRouted(path);
    const QByteArray allowedOrigin = isOpenToEveryOrigin(path) || routed
                                         ? QByteArrayLiteral("*")
                                         : m_access->origins().corsOriginFor(origin);
    if (allowedOrigin == "*")
        exchange.setCommonHeaders({{"Access-Control-Allow-Origin", "*"}});
    else if (!allowedOrigin.isEmpty())
        exchange.setCommonHeaders(
            {{"Access-Control-Allow-Origin", allowedOrigin}, {"Vary", "Origin"}});
    constexpr auto implemented = QHttpServerRequest::Methods(QHttpServerRequest::Method::AnyKnown) &
                                 ~QHttpServerRequest::Methods(QHttpServerRequest::Method::Connect |
                                                              QHttpServerRequest::Method::Trace);
    if (!implemented.testFlag(request.method())) {
        // Qt 6.4 does not tell which method it did not name.
        exchange.error(501, QStringLiteral("method not implemented; use GET, HEAD, POST, DELETE "
                                           "or OPTIONS"));
        return;
    }
    if (request.method() == QHttpServerRequest::Method::Options) {
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
        return;
    }
    // The target as the client sent it (path and query), for the dashboard and the access log.
    const QString target = m_recorder.enabled() || m_config.accessLog
                               ? request.url().toString(QUrl::RemoveScheme | QUrl::RemoveAuthority |
                                                        QUrl::FullyEncoded)
                               : QString();
    const qsizetype ticket =
        m_recorder.enabled()
            ? m_recorder.beginRequest(methodName(request), target, exchange.peer().toString(),
                                      request.headers(), request.body())
            : -1;
    // Taken before the handler: a stream's socket leaves the exchange for the stream hub, and the
    // log's time is when the request came in.
    const QHostAddress peer = m_config.accessLog ? exchange.peer() : QHostAddress();
    const QDateTime received = m_config.accessLog ? QDateTime::currentDateTime() : QDateTime();
    (this->*handler)(exchange);
    m_recorder.finishRequest(ticket, exchange.status(), exchange.streamOpened());
    if (m_config.accessLog) {
        const QByteArray line =
            http::commonLogLine(peer.toString(), received, methodName(request).toLatin1(),
                                target.toLatin1(), exchange.status(), exchange.bodyBytes());
        // Whole lines, flushed each time, so a pipe or journald sees each request at once.
        std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
        std::fflush(stdout);
    }
    qCDebug(lcHttp).noquote() << methodName(request) << request.url().path() << "→"
                              << exchange.status();
}

bool HttpApi::requireMethod(HttpExchange &exchange, const QByteArray &allowed)
{
    const QString method = methodName(exchange.request());
    const QList<QByteArray> methods = allowed.split(',');
    // HEAD is GET without the body (HttpExchange leaves the body out).
    if (methods.contains(method.toLatin1()) ||
        (method == QStringLiteral("HEAD") && methods.contains("GET"))) {
        return true;
    }
    exchange.error(405,
                   QStringLiteral("method %1 is not allowed on %2; use %3")
                       .arg(method, exchange.request().url().path(), QString::fromLatin1(allowed)),
                   {{"Allow", allowed + ",OPTIONS"}});
    return false;
}

bool HttpApi::requirePublisher(HttpExchange &exchange)
{
    const QHttpServerRequest &request = exchange.request();
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
    const QHttpServerRequest &request = exchange.request();
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
    QString path = exchange.request().url().path();
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

void HttpApi::handleEvents(HttpExchange &exchange)
{
    if (!requireMethod(exchange, "GET") || !requireSubscriber(exchange))
        return;
    if (exchange.request().method() == QHttpServerRequest::Method::Head) {
        exchange.respondRaw(200, StreamHead); // what a stream would start with, and no stream
        return;
    }
    const QHttpServerRequest &request = exchange.request();
    const Parsed<Subscription> parsed = parseSubscribe(
        {request.query(), request.value("last-event-id"), request.value("user-agent")});
    if (const auto *failure = std::get_if<HttpError>(&parsed)) {
        exchange.error(*failure);
        return;
    }
    openStream(exchange, StreamHead, std::get<Subscription>(parsed));
}

void HttpApi::openStream(HttpExchange &exchange, const QByteArray &responseHead,
                         const Subscription &subscription, std::function<void(quint64)> opened)
{
    // The hub also holds ended route streams still sending their last bytes to a slow reader:
    // they count too, so no client can hold more descriptors than the limit.
    if (std::max(m_registry.size(), m_hub.streamCount()) >= m_config.maxClients) {
        m_broker.countRejectedConnection();
        exchange.error(503, QStringLiteral("server full: %1 subscribers are connected (the limit)")
                                .arg(m_config.maxClients));
        m_recorder.record(
            TrafficDirection::System, 0, {}, {}, 0,
            QStringLiteral("subscriber refused: limit of %1 reached").arg(m_config.maxClients));
        return;
    }
    const QString remoteAddress = exchange.peer().toString();
    const FaultService::Admission admission = m_faults.admit(remoteAddress);
    if (admission.status != 0) {
        answerWithFault(exchange, admission.status, admission.retryAfterSeconds, admission.location,
                        admission.faultId);
        return;
    }
    // From here the hub owns the connection; Qt's socket (and its request) go away.
    QTcpSocket *socket = exchange.socket();
    const int stream = m_hub.adopt(socket->socketDescriptor());
    if (stream < 0) {
        exchange.error(503, QStringLiteral("server full: cannot take another stream (%1)")
                                .arg(QString::fromLocal8Bit(std::strerror(errno))));
        return;
    }
    socket->abort();
    auto started = [this, opened = std::move(opened)](quint64 clientId) {
        if (!clientId)
            return;
        m_faults.streamOpened(clientId);
        if (opened)
            opened(clientId);
    };
    if (admission.delayMs > 0) {
        exchange.setStreamOpened();
        m_broker.subscribeLater(admission.delayMs, stream, responseHead, subscription,
                                remoteAddress, std::move(started));
        return;
    }
    const quint64 clientId = m_broker.subscribe(stream, responseHead, subscription, remoteAddress);
    if (clientId)
        exchange.setStreamOpened();
    started(clientId);
}

void HttpApi::handlePublish(HttpExchange &exchange)
{
    if (!requireMethod(exchange, "POST") || !requirePublisher(exchange))
        return;
    const QHttpServerRequest &request = exchange.request();
    Parsed<SseEvent> parsed =
        parsePublish({request.value("content-type"), request.value("content-length"),
                      request.body(), request.query(), m_config.maxBodyBytes});
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
    // The event log may accept the event later than now: then the answer goes straight to the
    // socket, if the client is still there.
    auto during = std::make_shared<HttpExchange *>(&exchange);
    m_broker.publish(
        std::move(event), {},
        [during, socket = QPointer<QTcpSocket>(exchange.socket()),
         headers = exchange.lateAnswerHeaders(),
         close = exchange.closesConnection()](const PublishResult &result) {
            const bool failed = !result.error.isEmpty();
            const int status = !failed ? 202 : result.unavailable ? 503 : 400;
            const QJsonDocument body =
                failed
                    ? QJsonDocument(QJsonObject{{QStringLiteral("error"), result.error}})
                    : QJsonDocument(QJsonObject{{QStringLiteral("id"), result.id},
                                                {QStringLiteral("delivered"), result.delivered}});
            if (*during)
                (*during)->json(status, body);
            else if (socket) {
                http::writeJson(socket, status, body, headers);
                if (close)
                    socket->disconnectFromHost();
            }
        });
    *during = nullptr;
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
    if (!m_broker.disconnect(clientId)) {
        exchange.error(404, QStringLiteral("client %1 is not connected").arg(clientId));
        return;
    }
    exchange.json(200,
                  QJsonDocument(QJsonObject{{QStringLiteral("disconnected"), qint64(clientId)}}));
}

std::optional<quint64> HttpApi::idInPath(HttpExchange &exchange, const QString &what)
{
    const QString idText = exchange.request().url().path().section(u'/', 3, 3);
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
    const QString path = exchange.request().url().path();
    QByteArray method = methodName(exchange.request()).toLatin1();
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
