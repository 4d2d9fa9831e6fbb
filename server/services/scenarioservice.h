#pragma once

#include "scenario.h"
#include "scenarioplayer.h"
#include "scenarioroute.h"
#include "servertypes.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QObject>
#include <QString>

#include <map>
#include <optional>

namespace sse {

class EventBroker;

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
