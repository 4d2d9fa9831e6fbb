#include "clusterservice.h"

#include "eventbroker.h"
#include "rediseventlog.h"
#include "serverlogging.h"

#include <QJsonDocument>
#include <QRandomGenerator>

namespace sse {

namespace {

// KEYS: the set of instance ids. ARGV: own id, own description, expiry (ms), the prefix of the
// description keys. Returns every live description; ids whose key expired leave the set.
const QByteArray HeartbeatScript = QByteArrayLiteral(R"lua(
redis.call('SET', ARGV[4] .. ARGV[1], ARGV[2], 'PX', ARGV[3])
redis.call('SADD', KEYS[1], ARGV[1])
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local v = redis.call('GET', ARGV[4] .. id)
  if v then table.insert(out, v) else redis.call('SREM', KEYS[1], id) end
end
return out
)lua");

} // namespace

ClusterService::ClusterService(RedisEventLog &log, EventBroker &broker, QObject *parent)
    : QObject(parent)
    , m_log(log)
    , m_broker(broker)
    , m_id(QString::number(QRandomGenerator::system()->generate(), 16).rightJustified(8, u'0'))
{
    m_timer.setInterval(HeartbeatMs);
    connect(&m_timer, &QTimer::timeout, this, &ClusterService::heartbeat);
    connect(&m_log, &RedisEventLog::controlMessage, this, &ClusterService::onControl);
}

ClusterService::~ClusterService() = default;

void ClusterService::start(const QString &address)
{
    m_address = address;
    m_startedAt = QDateTime::currentDateTimeUtc();
    m_sinceLastBeat.start();
    setInstances({describeSelf()});
    m_timer.start();
    heartbeat();
    qCInfo(lcServer).noquote() << "joined the cluster on" << m_log.endpoint().displayUrl()
                               << "as instance" << m_id;
}

void ClusterService::stop()
{
    m_timer.stop(); // the others drop this instance when its key expires
}

ClusterInstance ClusterService::describeSelf()
{
    const ServerStats stats = m_broker.stats();
    ClusterInstance self;
    self.id = m_id;
    self.address = m_address;
    self.clients = stats.clients;
    const qint64 elapsedMs = m_sinceLastBeat.restart();
    if (elapsedMs > 0) {
        self.eventsPerSecond =
            double(stats.eventsPublished - m_publishedAtLastBeat) * 1000.0 / double(elapsedMs);
    }
    m_publishedAtLastBeat = stats.eventsPublished;
    self.startedAt = m_startedAt;
    self.self = true;
    self.clientList = m_broker.clients(MaxClientsListed);
    return self;
}

void ClusterService::heartbeat()
{
    const ClusterInstance self = describeSelf();
    const QByteArray description =
        QJsonDocument(clusterInstanceJson(self, true)).toJson(QJsonDocument::Compact);
    const bool sent =
        m_log.run({"EVAL", HeartbeatScript, "1", m_log.key("instances"), m_id.toUtf8(), description,
                   QByteArray::number(ExpiryMs), m_log.key("instance:")},
                  [this, self](const RedisReply *reply) {
                      if (!reply || reply->isError())
                          return; // the event log reports the connection; the next beat tries again
                      QList<ClusterInstance> instances{self};
                      for (const RedisReply &element : reply->elements) {
                          ClusterInstance instance = clusterInstanceFromJson(
                              QJsonDocument::fromJson(element.string).object());
                          if (!instance.id.isEmpty() && instance.id != m_id)
                              instances.append(std::move(instance));
                      }
                      std::sort(instances.begin() + 1, instances.end(),
                                [](const ClusterInstance &a, const ClusterInstance &b) {
                                    return a.address < b.address;
                                });
                      setInstances(std::move(instances));
                  });
    if (!sent) {
        // Redis is away: this instance is all it can vouch for.
        setInstances({self});
    }
}

void ClusterService::setInstances(QList<ClusterInstance> instances)
{
    m_instances = std::move(instances);
    m_changed = true;
    m_broker.setClusterInstances(int(m_instances.size()));
}

bool ClusterService::disconnectRemoteClient(const QString &instanceId, quint64 clientId,
                                            QString *error)
{
    if (instanceId == m_id) {
        if (m_broker.disconnectClient(clientId))
            return true;
        *error = QStringLiteral("client %1 is not connected").arg(clientId);
        return false;
    }
    const bool known = std::any_of(m_instances.cbegin(), m_instances.cend(),
                                   [&](const ClusterInstance &i) { return i.id == instanceId; });
    if (!known) {
        *error = QStringLiteral("instance %1 is not in the cluster").arg(instanceId);
        return false;
    }
    m_log.sendControl(QJsonObject{
        {QStringLiteral("op"), QStringLiteral("disconnect")},
        {QStringLiteral("instance"), instanceId},
        {QStringLiteral("client"), QString::number(clientId)},
        {QStringLiteral("from"), m_id},
    });
    return true;
}

void ClusterService::onControl(const QJsonObject &message)
{
    if (message.value(QStringLiteral("op")).toString() != QLatin1String("disconnect") ||
        message.value(QStringLiteral("instance")).toString() != m_id)
        return;
    const quint64 clientId = message.value(QStringLiteral("client")).toString().toULongLong();
    const bool done = m_broker.disconnectClient(clientId);
    qCInfo(lcServer).noquote() << "instance" << message.value(QStringLiteral("from")).toString()
                               << "asked to disconnect client" << clientId
                               << (done ? "done" : "(not connected)");
}

} // namespace sse
