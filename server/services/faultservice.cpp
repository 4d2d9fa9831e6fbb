#include "faultservice.h"

#include "eventbroker.h"
#include "serverlogging.h"
#include "subscriberregistry.h"
#include "trafficsink.h"

#include <algorithm>

namespace sse {

FaultService::FaultService(EventBroker &broker, SubscriberRegistry &registry, TrafficSink &recorder,
                           QObject *parent)
    : QObject(parent)
    , m_broker(broker)
    , m_registry(registry)
    , m_recorder(recorder)
{
    m_expiryTimer.setSingleShot(true);
    connect(&m_expiryTimer, &QTimer::timeout, this, &FaultService::expire);
    connect(&m_chaosTimer, &QTimer::timeout, this, &FaultService::chaosTick);
    connect(&m_broker, &EventBroker::faultDone, this, &FaultService::onFaultDone);
    connect(&m_broker, &EventBroker::subscriberRemoved, this, &FaultService::onSubscriberRemoved);
}

FaultService::~FaultService() = default;

quint64 FaultService::install(const FaultSpec &spec, const QString &origin, QString *error,
                              int *applied)
{
    if (isFull()) {
        *error =
            QStringLiteral("%1 faults are installed (the limit); remove one first").arg(MaxFaults);
        return 0;
    }
    if (spec.target.kind == FaultTarget::Kind::Client && !m_registry.find(spec.target.clientId)) {
        *error = QStringLiteral("client: %1 is not connected").arg(spec.target.clientId);
        return 0;
    }
    const quint64 id = m_nextId++;
    Fault &fault = m_faults[id];
    fault.info.id = id;
    fault.info.spec = spec;
    fault.info.origin = origin;
    if (spec.durationSeconds > 0) {
        fault.expiry = QDeadlineTimer(qint64(spec.durationSeconds) * 1000);
        fault.info.expiresAt = QDateTime::currentDateTimeUtc().addSecs(spec.durationSeconds);
    }
    m_changed = true;
    record(QStringLiteral("fault #%1 %2 on %3 installed (%4, %5)")
               .arg(id)
               .arg(faultLabel(spec), faultTargetText(spec.target), origin,
                    spec.oneShot ? QStringLiteral("one-shot")
                    : spec.durationSeconds > 0
                        ? QStringLiteral("for %1 s").arg(spec.durationSeconds)
                        : QStringLiteral("until removed")));

    // Applying may end streams, and so call back into onSubscriberRemoved(): the ids are taken
    // first, and finished faults are retired once all of it is over.
    ++m_applying;
    std::vector<quint64> targets;
    if (spec.target.kind == FaultTarget::Kind::Client) {
        targets.push_back(spec.target.clientId);
    } else if (spec.target.kind == FaultTarget::Kind::Channel) {
        m_registry.forEach(Audience{Audience::Kind::Channel, spec.target.channel, {}},
                           [&](const Subscriber &subscriber) { targets.push_back(subscriber.id); });
    }
    for (const quint64 clientId : targets)
        applyTo(fault, clientId);
    if (applied)
        *applied = int(fault.info.applied);
    --m_applying;
    retireFinished();
    scheduleExpiry();
    return id;
}

void FaultService::applyTo(Fault &fault, quint64 clientId)
{
    const std::optional<StreamFaults::Outcome> outcome =
        m_broker.applyFault(clientId, fault.info.id, fault.info.spec);
    if (!outcome)
        return;
    ++fault.info.applied;
    m_changed = true;
    if (*outcome == StreamFaults::Outcome::Armed)
        fault.affected.insert(clientId);
}

bool FaultService::isFinished(const Fault &fault) const
{
    const FaultSpec &spec = fault.info.spec;
    switch (spec.target.kind) {
    case FaultTarget::Kind::Client:
        // Its one client left, or a one-shot is done with it.
        return !m_registry.find(spec.target.clientId) || (spec.oneShot && fault.affected.empty());
    case FaultTarget::Kind::Channel:
        return spec.oneShot && fault.affected.empty();
    case FaultTarget::Kind::NewConnections:
        return spec.oneShot && fault.info.applied > 0 && fault.affected.empty();
    }
    return false;
}

void FaultService::retireFinished()
{
    if (m_applying > 0)
        return;
    for (auto it = m_faults.begin(); it != m_faults.end();) {
        if (isFinished(it->second)) {
            qCDebug(lcBroker) << "fault" << it->first << "is done";
            it = m_faults.erase(it);
            m_changed = true;
        } else {
            ++it;
        }
    }
}

bool FaultService::remove(quint64 id)
{
    const auto it = m_faults.find(id);
    if (it == m_faults.end())
        return false;
    const Fault fault = std::move(it->second);
    m_faults.erase(it);
    m_changed = true;
    for (const quint64 clientId : fault.affected)
        m_broker.liftFault(clientId, id);
    record(QStringLiteral("fault #%1 %2 on %3 removed")
               .arg(id)
               .arg(faultLabel(fault.info.spec), faultTargetText(fault.info.spec.target)));
    scheduleExpiry();
    return true;
}

void FaultService::removeAll()
{
    stopChaos();
    std::vector<quint64> ids;
    for (const auto &[id, fault] : m_faults)
        ids.push_back(id);
    for (const quint64 id : ids)
        remove(id);
}

QList<FaultInfo> FaultService::faults() const
{
    QList<FaultInfo> list;
    for (const auto &[id, fault] : m_faults) {
        FaultInfo info = fault.info;
        info.remainingMs = fault.expiry.isForever() ? -1 : fault.expiry.remainingTime();
        info.affected = QList<quint64>(fault.affected.cbegin(), fault.affected.cend());
        list.append(info);
    }
    return list;
}

FaultService::Admission FaultService::admit(const QString &peer)
{
    Admission admission;
    for (auto &[id, fault] : m_faults) {
        const FaultSpec &spec = fault.info.spec;
        if (!spec.isAdmissionKind() || (spec.oneShot && fault.info.applied > 0))
            continue;
        if (spec.kind == FaultKind::Status && admission.status == 0) {
            admission.status = spec.status;
            admission.retryAfterSeconds = spec.retryAfterSeconds;
            admission.location = spec.location;
            admission.faultId = id;
        } else if (spec.kind == FaultKind::DelayAccept && admission.status == 0) {
            admission.delayMs = std::max<qint64>(admission.delayMs, spec.ms);
            if (!admission.faultId)
                admission.faultId = id;
        } else {
            continue;
        }
        ++fault.info.applied;
        m_changed = true;
        record(QStringLiteral("fault #%1 %2: new connection from %3")
                   .arg(id)
                   .arg(faultLabel(spec), peer));
    }
    if (admission.status != 0)
        admission.delayMs = 0; // answered at once
    retireFinished();
    return admission;
}

void FaultService::streamOpened(quint64 clientId)
{
    if (m_faults.empty())
        return;
    const Subscriber *subscriber = m_registry.find(clientId);
    if (!subscriber)
        return;
    const QStringList channels = subscriber->channels;
    std::vector<quint64> matching;
    for (const auto &[id, fault] : m_faults) {
        const FaultSpec &spec = fault.info.spec;
        if (spec.isAdmissionKind())
            continue;
        const bool newConnection = spec.target.kind == FaultTarget::Kind::NewConnections &&
                                   !(spec.oneShot && fault.info.applied > 0);
        const bool joinsChannel = spec.target.kind == FaultTarget::Kind::Channel && !spec.oneShot &&
                                  channels.contains(spec.target.channel);
        if (newConnection || joinsChannel)
            matching.push_back(id);
    }
    ++m_applying;
    for (const quint64 id : matching) {
        const auto it = m_faults.find(id);
        if (it != m_faults.end() && m_registry.find(clientId))
            applyTo(it->second, clientId);
    }
    --m_applying;
    retireFinished();
}

void FaultService::onFaultDone(quint64 faultId, quint64 clientId)
{
    const auto it = m_faults.find(faultId);
    if (it == m_faults.end())
        return;
    if (it->second.affected.erase(clientId))
        m_changed = true;
    retireFinished();
}

void FaultService::onSubscriberRemoved(quint64 clientId)
{
    if (m_faults.empty())
        return;
    for (auto &[id, fault] : m_faults) {
        if (fault.affected.erase(clientId))
            m_changed = true;
    }
    retireFinished();
}

void FaultService::scheduleExpiry()
{
    QDeadlineTimer next(QDeadlineTimer::Forever);
    for (const auto &[id, fault] : m_faults) {
        if (fault.expiry < next)
            next = fault.expiry;
    }
    if (next.isForever())
        m_expiryTimer.stop();
    else
        m_expiryTimer.start(int(std::max<qint64>(next.remainingTime(), 0)));
}

void FaultService::expire()
{
    std::vector<quint64> expired;
    for (const auto &[id, fault] : m_faults) {
        if (!fault.expiry.isForever() && fault.expiry.hasExpired())
            expired.push_back(id);
    }
    for (const quint64 id : expired)
        remove(id);
    scheduleExpiry();
}

QString FaultService::startChaos(const ChaosOptions &options)
{
    if (QString problem = options.validate(); !problem.isEmpty())
        return problem;
    m_chaos.running = true;
    m_chaos.options = options;
    m_chaos.faultsApplied = 0;
    m_random.seed(options.seed ? options.seed : QRandomGenerator::global()->generate());
    m_chaosTimer.start(60000 / options.faultsPerMinute);
    record(QStringLiteral("chaos started: %1 faults a minute, at most %2")
               .arg(options.faultsPerMinute)
               .arg(options.maxFaults));
    return {};
}

void FaultService::stopChaos()
{
    if (!m_chaos.running)
        return;
    m_chaos.running = false;
    m_chaosTimer.stop();
    record(QStringLiteral("chaos stopped after %1 faults").arg(m_chaos.faultsApplied));
}

void FaultService::chaosTick()
{
    const QList<quint64> clients = m_registry.ids();
    if (clients.isEmpty() || isFull())
        return; // nobody to break this time
    const QList<FaultKind> &kinds = m_chaos.options.kinds;
    FaultSpec spec;
    spec.kind = kinds.at(int(m_random.bounded(quint32(kinds.size()))));
    spec.target.kind = FaultTarget::Kind::Client;
    spec.target.clientId = clients.at(int(m_random.bounded(quint32(clients.size()))));
    spec.oneShot = true;
    // Mild parameters: chaos tests recovery, it should not park a client for minutes.
    spec.stallMs = 1000 + m_random.bounded(4000);
    spec.variant = MalformedVariant(m_random.bounded(5));
    spec.ms = int(1000 + m_random.bounded(4000));
    QString error;
    if (install(spec, QStringLiteral("chaos"), &error))
        ++m_chaos.faultsApplied;
    if (m_chaos.faultsApplied >= m_chaos.options.maxFaults)
        stopChaos();
}

void FaultService::record(const QString &summary)
{
    qCInfo(lcBroker).noquote() << summary;
    if (m_recorder.enabled())
        m_recorder.record(TrafficDirection::System, 0, QStringLiteral("fault"), {}, 0, summary);
}

} // namespace sse
