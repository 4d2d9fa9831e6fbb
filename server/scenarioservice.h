#pragma once

#include "scenario.h"
#include "scenarioplayer.h"
#include "servertypes.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QObject>
#include <QString>

#include <map>
#include <optional>

namespace sse {

class EventBroker;

// A scenario bound to a route ("POST /v1/chat/completions=FILE"): every request to it gets a
// stream of its own that plays the scenario from the start and then ends.
struct ScenarioRoute
{
    QByteArray method; // GET, POST, PUT, PATCH or DELETE
    QString path;      // starts with '/', not one of the server's own
    QString file;      // where the scenario came from (a path or a :/scenarios/ resource)
    Scenario scenario;

    QString name() const { return QString::fromLatin1(method) + u' ' + path; }
};

// Reads "METHOD PATH=FILE" and the scenario in FILE; a sentence naming the spec, the file and
// the line when anything is wrong.
std::variant<ScenarioRoute, QString> loadScenarioRoute(const QString &spec);
// True for the paths the server answers itself, which a route may not take.
bool isServerPath(const QString &path);

// The answer to a route request that asks for no stream ("stream": false): the scenario's data
// assembled into one JSON document (docs/scenarios.md, "One answer instead of a stream").
QJsonDocument assembledAnswer(const Scenario &scenario);
// True when a route request's JSON body says "stream": false.
bool asksForNoStream(const QByteArray &contentType, const QByteArray &body);

// The scenarios playing on the server: playbacks started from the API, the command line or
// the dashboard, and one per open route stream. It lives on the server thread.
class ScenarioService : public QObject
{
    Q_OBJECT

public:
    static constexpr int MaxPlaybacks = 256; // besides route streams, capped by --max-clients

    explicit ScenarioService(EventBroker &broker, QObject *parent = nullptr);
    ~ScenarioService() override;

    // Starts a playback; returns its id, or 0 and why not.
    quint64 play(Scenario scenario, const PlaybackOptions &options, QString *error);
    bool isFull() const { return int(m_players.size() - m_routeStreams.size()) >= MaxPlaybacks; }
    bool stop(quint64 id);
    bool pause(quint64 id);
    bool resume(quint64 id);
    bool setSpeed(quint64 id, double speed);
    void stopAll();
    QList<PlaybackProgress> progress() const;

    // Replaces the bound routes; open route streams play on with what they had.
    void setRoutes(QList<ScenarioRoute> routes);
    const QList<ScenarioRoute> &routes() const { return m_routes; }
    const ScenarioRoute *route(const QByteArray &method, const QString &path) const;
    bool isRouted(const QString &path) const;
    // The methods bound on path, for a 405's Allow header; empty when the path is not routed.
    QByteArray routeMethods(const QString &path) const;
    // Plays route's scenario on a subscriber's own stream and ends the stream after it.
    void playRoute(const ScenarioRoute &route, quint64 clientId);

private:
    void onFinished(quint64 id);
    void onSubscriberRemoved(quint64 clientId);
    ScenarioPlayer *find(quint64 id) const;

    EventBroker &m_broker;
    quint64 m_nextId = 1;
    std::map<quint64, ScenarioPlayer *> m_players; // children; ordered by id for listings
    std::map<quint64, quint64> m_routeStreams;     // client id → its playback
    QList<ScenarioRoute> m_routes;
};

} // namespace sse
