#pragma once

#include "servertypes.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace sse {

class EventBroker;
class RedisEventLog;

// This instance's place in a cluster sharing one Redis (docs/scaling.md): it registers itself
// with a heartbeat that expires (address, clients, events/s), reads everyone else's back with
// the same call, and carries out orders from the control stream (disconnect one of its
// clients on behalf of another instance's dashboard).
class ClusterService : public QObject
{
    Q_OBJECT

public:
    static constexpr int HeartbeatMs = 2000;
    static constexpr int ExpiryMs = 3 * HeartbeatMs; // gone after three missed heartbeats
    static constexpr int MaxClientsListed = 500;     // per instance, in its heartbeat

    ClusterService(RedisEventLog &log, EventBroker &broker, QObject *parent = nullptr);
    ~ClusterService() override;

    // Registers under address (where this instance listens) and beats until stop().
    void start(const QString &address);
    // Stops beating: the other instances drop this one within ExpiryMs.
    void stop();

    QString instanceId() const { return m_id; }
    // As of the last heartbeat, this instance first.
    QList<ClusterInstance> instances() const { return m_instances; }
    // True once after the list changed.
    bool takeChanged() { return std::exchange(m_changed, false); }

    // Disconnects a client of any instance: this one's at once, another's through the control
    // stream. False and why when the instance is not in the list.
    bool disconnectRemoteClient(const QString &instanceId, quint64 clientId, QString *error);

private:
    void heartbeat();
    // The list changed: the snapshot and the broker's counters (/api/stats, /metrics) follow.
    void setInstances(QList<ClusterInstance> instances);
    ClusterInstance describeSelf();
    void onControl(const QJsonObject &message);

    RedisEventLog &m_log;
    EventBroker &m_broker;
    QString m_id;
    QString m_address;
    QDateTime m_startedAt;
    QTimer m_timer;
    QElapsedTimer m_sinceLastBeat;
    quint64 m_publishedAtLastBeat = 0;
    QList<ClusterInstance> m_instances;
    bool m_changed = false;
};

} // namespace sse
