#pragma once

#include "httpconnection.h"
#include "servertypes.h"

#include <QHostAddress>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace sse {

class AccessLog;
class ClusterService;
class EventBroker;
class FaultService;
class HttpServer;
class LocalCa;
class TlsContext;
class HttpExchange;
class AccessPolicy;
class ScenarioService;
struct ScenarioRoute;
class StreamHub;
class SubscriberRegistry;
class TrafficSink;
struct ServerConfig;
struct SseEvent;

// The HTTP surface: the routes of docs/protocol.md and who may use them, as handlers over a
// Request value (HttpExchange), whatever front the request came through; HttpServer is the
// HTTP/1.1 front. Requests become calls on the broker; a subscribe hands the connection's
// descriptor to the stream hub.
class HttpApi : public QObject, public RequestHandler
{
    Q_OBJECT

public:
    HttpApi(const ServerConfig &config, EventBroker &broker, ScenarioService &scenarios,
            FaultService &faults, SubscriberRegistry &registry, StreamHub &hub,
            TrafficSink &recorder, QObject *parent = nullptr);
    ~HttpApi() override;

    // /api/cluster lists the instances sharing this one's Redis; without one it answers 404.
    void setCluster(ClusterService *cluster) { m_cluster = cluster; }

    // Binds and listens. On failure returns false and a sentence naming address and port.
    bool listen(QString *errorMessage);
    // Stops accepting; open HTTP connections are closed by close().
    void stopListening();
    void close();
    bool isListening() const;
    quint16 port() const;

    // What the dashboard shows of HTTPS once listening (httpapitls.cpp).
    TlsStatus tlsStatus() const;

    // RequestHandler
    void handle(HttpExchange &exchange) override;
    std::optional<HttpError> refusalBeforeBody(const RequestHead &head,
                                               const QHostAddress &peer) override;
    bool asksForStream(const Request &request) const override;

private:
    using Handler = void (HttpApi::*)(HttpExchange &);

    // The handler of a path; handleMissing for none.
    static Handler route(const QString &path);
    // Host, CORS and preflight; false when the exchange has been answered.
    bool admit(HttpExchange &exchange, const QString &path);
    // For a stream request there is no room for: a 200 stream with only a retry time, then the
    // end, which EventSource retries (a 503 would end it for good).
    void answerRetryLater(HttpExchange &exchange, const QString &reason);
    // The TLS context (and local CA) of --tls-*; false with a sentence naming the file.
    bool setUpTls(QString *errorMessage);
    // Plain HTTP on the TLS port: true when it was redirected to https.
    bool redirectsToTls(HttpExchange &exchange, const QString &path);
    // GET, on a server with a local CA; false after answering 405 or 404.
    bool requireLocalCa(HttpExchange &exchange);
    void handleCaPage(HttpExchange &exchange);
    void handleCaCertificate(HttpExchange &exchange);
    // Records the request for the dashboard and the access log once it is answered.
    void logWhenFinished(HttpExchange &exchange);

    void handleStatic(HttpExchange &exchange);
    void handleEvents(HttpExchange &exchange);
    void handlePublish(HttpExchange &exchange);
    void handleSend(HttpExchange &exchange);
    void handleClients(HttpExchange &exchange);
    void handleClientDelete(HttpExchange &exchange);
    void handleStats(HttpExchange &exchange);
    void handleMetrics(HttpExchange &exchange);
    void handleHealth(HttpExchange &exchange);
    void handleMissing(HttpExchange &exchange);
    // In httpapiscenarios.cpp: /api/scenarios and the scenario routes.
    void handleScenarios(HttpExchange &exchange);
    void handleScenarioDelete(HttpExchange &exchange);
    void handleScenarioRoute(HttpExchange &exchange, const ScenarioRoute &route);
    // In httpapifaults.cpp: /api/faults.
    void handleCluster(HttpExchange &exchange); // httpapicluster.cpp
    void handleClusterClientDelete(HttpExchange &exchange);
    // Whether the caller may see clients' addresses and user agents (the operator).
    bool showsIdentities(HttpExchange &exchange) const;
    // A client as /api/clients and /api/cluster list it.
    static QJsonObject clientJson(const ClientInfo &info, bool identities);
    void handleFaults(HttpExchange &exchange);
    void handleFaultDelete(HttpExchange &exchange);
    // Hands the exchange's connection to the stream hub as a subscriber, unless it is refused
    // (the exchange has been answered then) or a fault answers it. opened gets the client id
    // once the stream has started: at once, or later when a fault holds the head back.
    void openStream(HttpExchange &exchange, const QByteArray &responseHead,
                    const struct Subscription &subscription,
                    std::function<void(quint64)> opened = {});
    // A status fault's answer to a new stream (docs/faults.md).
    void answerWithFault(HttpExchange &exchange, int status, int retryAfterSeconds,
                         const QString &location, quint64 faultId);

    // Answer 405 (or 401) and return false unless the request may go on.
    bool requireMethod(HttpExchange &exchange, const QByteArray &allowed);
    bool requirePublisher(HttpExchange &exchange);
    bool requireSubscriber(HttpExchange &exchange);
    // The number in /api/NAME/ID, or nullopt after answering 400 naming what.
    std::optional<quint64> idInPath(HttpExchange &exchange, const QString &what);
    void answerPublish(HttpExchange &exchange, SseEvent event);

    const ServerConfig &m_config;
    EventBroker &m_broker;
    ScenarioService &m_scenarios;
    FaultService &m_faults;
    ClusterService *m_cluster = nullptr;
    SubscriberRegistry &m_registry;
    StreamHub &m_hub;
    TrafficSink &m_recorder;
    std::unique_ptr<AccessPolicy> m_access; // made once the port is known
    std::unique_ptr<AccessLog> m_accessLog; // with --access-log
    std::unique_ptr<TlsContext> m_tls;      // with --tls-*
    std::unique_ptr<LocalCa> m_localCa;     // with --tls-local
    std::unique_ptr<HttpServer> m_server;
};

} // namespace sse
