#include "eventbroker.h"

#include "eventlog.h"
#include "serverlogging.h"
#include "streamhub.h"
#include "trafficsink.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

#include <QCoreApplication>

namespace sse {

namespace {

constexpr int MaxEventTypes = 256;
QString audienceName(const Audience &audience)
{
    switch (audience.kind) {
    case Audience::Kind::Channel:
        return QCoreApplication::translate("sse::TrafficLog", "channel %1").arg(audience.channel);
    case Audience::Kind::AllSubscribers:
        return QCoreApplication::translate("sse::TrafficLog", "all channels");
    case Audience::Kind::AllStreams:
        return QCoreApplication::translate("sse::TrafficLog", "every stream");
    case Audience::Kind::Clients:
        return QCoreApplication::translate("sse::TrafficLog", "selected clients");
    case Audience::Kind::ControlListeners:
        return QCoreApplication::translate("sse::TrafficLog", "control listeners");
    }
    return {};
}

} // namespace

EventBroker::EventBroker(const ServerConfig &config, EventLog &log, SubscriberRegistry &registry,
                         StreamHub &hub, TrafficSink &recorder, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_log(log)
    , m_registry(registry)
    , m_hub(hub)
    , m_recorder(recorder)
    , m_writer(hub, config.fanoutThreads)
    , m_faults(hub, m_writer, recorder)
{
    m_eventTypes.append(DefaultEventType);
    m_heartbeatTimer.setInterval(m_config.heartbeatSeconds * 1000);
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &EventBroker::sendHeartbeat);
    connect(&m_hub, &StreamHub::streamClosed, this, &EventBroker::onStreamClosed);
    connect(&m_faults, &StreamFaults::done, this, &EventBroker::faultDone);
    m_log.setListener(this);
}

EventBroker::~EventBroker() = default;

void EventBroker::start()
{
    m_uptime.start();
    m_heartbeatTimer.start();
}

void EventBroker::stop()
{
    m_heartbeatTimer.stop();
    flush();
    m_faults.clear(); // held streams are let go: they end like every other
    // Every stream ends with FIN after what the kernel holds: clients see a clean end.
    m_hub.closeAll();
    for (const quint64 clientId : m_registry.ids())
        forget(clientId, QCoreApplication::translate("sse::TrafficLog", "server stopped"));
}

void EventBroker::publish(SseEvent event, const PublishTarget &target, PublishDone done)
{
    if (!done)
        done = [](const PublishResult &) {
        };
    if (auto failure = validateEvent(event)) {
        done(PublishResult{{}, 0, failure->message()});
        return;
    }
    if (event.channel.isEmpty())
        event.channel = DefaultChannel;
    const Audience audience = Audience::forPublish(event.channel, target);
    const QString scope =
        audience.kind == Audience::Kind::AllSubscribers ? EventLog::AllChannels : event.channel;
    // Events for chosen clients are not replayed to anyone else.
    const bool keep = audience.kind != Audience::Kind::Clients;
    const QString eventType = event.event.isEmpty() ? DefaultEventType : event.event;
    const QString summary = m_recorder.enabled() ? summarize(event.data) : QString();
    if (!target.numbered) {
        // A route's own stream: not history, so the log neither numbers nor keeps it.
        accepted(EventLog::Appended{event.id, encodeEvent(event), {}}, audience, eventType, summary,
                 done);
        return;
    }
    scheduleFlush(); // the log's answer is collected there at the latest
    m_log.append(std::move(event), scope, keep,
                 [this, audience, eventType, summary,
                  done = std::move(done)](const EventLog::Appended &appended) {
                     accepted(appended, audience, eventType, summary, done);
                 });
}

void EventBroker::accepted(const EventLog::Appended &appended, const Audience &audience,
                           const QString &eventType, const QString &summary,
                           const PublishDone &done)
{
    if (!appended.error.isEmpty()) {
        qCWarning(lcLog) << "the event log refused an event:" << appended.error;
        done(PublishResult{{}, 0, appended.error, appended.unavailable});
        return;
    }
    // A shared log sends the event to this server's streams when it reads it back.
    const int delivered = appended.deliveredByLog ? m_registry.count(audience)
                                                  : deliver(appended.encoded, appended.id, audience,
                                                            eventType, summary);
    done(PublishResult{appended.id, delivered, {}});
}

int EventBroker::deliver(const QByteArray &encoded, const QString &id, const Audience &audience,
                         const QString &eventType, const QString &summary)
{
    // Pages learn of a new type before its first event arrives, so they can listen for it.
    announceEventType(eventType);
    const int delivered = m_registry.count(audience);
    enqueue(PendingEvent{encoded, id, audience, 1});
    ++m_stats.eventsPublished;
    m_stats.deliveries += quint64(delivered);
    if (m_recorder.enabled()) {
        TrafficRecord out;
        out.direction = TrafficDirection::Out;
        out.clientId = audience.clientIds.size() == 1 ? audience.clientIds.first() : 0;
        out.eventType = eventType;
        out.id = id;
        out.size = encoded.size();
        out.summary = QCoreApplication::translate("sse::TrafficLog", "→ %1 (%2): %3")
                          .arg(delivered)
                          .arg(audienceName(audience), summary);
        out.raw = encoded.left(TrafficRecord::MaxRawBytes);
        out.scope = audience.kind == Audience::Kind::Channel          ? audience.channel
                    : audience.kind == Audience::Kind::AllSubscribers ? TrafficRecord::AllScope
                                                                      : QString();
        m_recorder.append(std::move(out));
    }
    return delivered;
}

void EventBroker::enqueue(PendingEvent event)
{
    // Sent when control returns to the event loop: events published in the same turn (a
    // burst, many publishers) leave in one send() per subscriber instead of one per event.
    m_pending.push_back(std::move(event));
    scheduleFlush();
}

void EventBroker::scheduleFlush()
{
    if (!m_flushScheduled) {
        m_flushScheduled = true;
        QMetaObject::invokeMethod(this, &EventBroker::flush, Qt::QueuedConnection);
    }
}

void EventBroker::flush()
{
    // Nothing here waits for the event log: one that answers later (the SQLite file's
    // transaction, Redis) hands its events to enqueue() when it answers, and that schedules
    // the flush that sends them.
    m_flushScheduled = false;
    m_sending.swap(m_pending);
    // Consecutive events for the same audience go out as one run; order is kept because the
    // runs are sent one after another.
    for (size_t first = 0; first < m_sending.size();) {
        size_t end = first + 1;
        while (end < m_sending.size() && m_sending[end].audience == m_sending[first].audience)
            ++end;
        sendRun(m_sending.data() + first, m_sending.data() + end);
        first = end;
    }
    m_sending.clear();
    dropSlowConsumers();
}

void EventBroker::sendRun(const PendingEvent *begin, const PendingEvent *end)
{
    QByteArray bytes = begin->encoded;
    int eventCount = begin->eventCount;
    for (const PendingEvent *event = begin + 1; event != end; ++event) {
        bytes += event->encoded;
        eventCount += event->eventCount;
    }
    m_members.clear();
    if (m_faults.isEmpty()) {
        m_registry.forEach(begin->audience,
                           [this](Subscriber &subscriber) { m_members.push_back(&subscriber); });
    } else {
        // Faulted streams take the events one by one, so a fault can cut, drop or mangle one.
        m_faulted.clear();
        m_registry.forEach(begin->audience, [this](Subscriber &subscriber) {
            (subscriber.faulted ? m_faulted : m_members).push_back(&subscriber);
        });
        for (Subscriber *subscriber : m_faulted) {
            if (m_faults.deliver(*subscriber, begin, end)) {
                // Cut mid-event: the part leaves, then FIN. Nothing else of this run is sent
                // to it, and forgetting it changes no member list being walked.
                m_hub.finish(subscriber->stream);
                forget(subscriber->id,
                       QCoreApplication::translate("sse::TrafficLog", "cut mid-event by a fault"));
            }
        }
    }
    // A run is all control events (no id) or all published events: one audience each.
    m_writer.fanOut(m_members, bytes, (end - 1)->lastEventId, eventCount);
}

int EventBroker::sendComment(const QString &text, const QString &channel,
                             const PublishTarget &target)
{
    flush(); // the comment follows the events published before it
    const QByteArray encoded = encodeComment(text);
    int delivered = 0;
    m_registry.forEach(Audience::forPublish(channel, target), [&](Subscriber &subscriber) {
        m_writer.write(subscriber, encoded);
        ++delivered;
    });
    if (m_recorder.enabled()) {
        m_recorder.record(TrafficDirection::Out, 0, QStringLiteral("comment"), {}, encoded.size(),
                          QCoreApplication::translate("sse::TrafficLog", "comment → %1: %2")
                              .arg(delivered)
                              .arg(summarize(text)),
                          encoded);
    }
    dropSlowConsumers();
    return delivered;
}

void EventBroker::dropSlowConsumers()
{
    for (const quint64 clientId : m_writer.takeSlowConsumers()) {
        if (const Subscriber *subscriber = m_registry.find(clientId)) {
            dropSlowConsumer(clientId, QStringLiteral("%1 bytes queued (limit %2)")
                                           .arg(m_hub.queuedBytes(subscriber->stream))
                                           .arg(m_config.maxQueueBytes));
        }
    }
    if (m_hub.queuedTotal() <= m_config.maxQueuedTotal)
        return;
    const qint64 total = m_hub.queuedTotal();
    for (const int stream : m_hub.largestQueuesOver(m_config.maxQueuedTotal)) {
        const Subscriber *subscriber = m_registry.findByStream(stream);
        if (!subscriber) {
            m_hub.close(stream, true); // an ended route stream still sending its last bytes
            continue;
        }
        dropSlowConsumer(subscriber->id,
                         QStringLiteral("%1 bytes queued, among the largest while all queues "
                                        "held %2 bytes (total limit %3)")
                             .arg(m_hub.queuedBytes(stream))
                             .arg(total)
                             .arg(m_config.maxQueuedTotal));
    }
}

void EventBroker::dropSlowConsumer(quint64 clientId, const QString &why)
{
    const Subscriber *subscriber = m_registry.find(clientId);
    if (!subscriber)
        return;
    ++m_stats.slowClientDrops;
    m_hub.close(subscriber->stream, true);
    const QString reason =
        QCoreApplication::translate("sse::TrafficLog", "dropped as a slow consumer: %1").arg(why);
    qCInfo(lcBroker).noquote() << "client" << clientId << reason;
    forget(clientId, reason);
}

void EventBroker::dropStalledReplays()
{
    for (const int stream : m_hub.takeStalledFeeds()) {
        const Subscriber *subscriber = m_registry.findByStream(stream);
        if (!subscriber) {
            m_hub.close(stream, true); // an ended stream still sending its replay
            continue;
        }
        dropSlowConsumer(subscriber->id,
                         QStringLiteral("took nothing of its replay for at least %1 s")
                             .arg(m_config.heartbeatSeconds));
    }
}

void EventBroker::announceEventType(const QString &eventType)
{
    if (m_eventTypes.contains(eventType) || m_eventTypes.size() >= MaxEventTypes)
        return;
    m_eventTypes.append(eventType);
    const QJsonObject types{
        {QStringLiteral("eventTypes"), QJsonArray::fromStringList(m_eventTypes)}};
    enqueue(PendingEvent{encodeControlEvent(QStringLiteral("dashboard.types"), types),
                         {},
                         Audience::controlListeners(),
                         0});
}

void EventBroker::sendHeartbeat()
{
    static const QByteArray heartbeat = encodeComment(QStringLiteral("heartbeat"));
    // Only streams that carried nothing since the last beat need one: under traffic the
    // beat costs no sends at all.
    const quint64 endingBeat = m_writer.currentBeat();
    m_registry.forEach(Audience::allStreams(), [&](Subscriber &subscriber) {
        if (subscriber.lastWriteBeat != endingBeat)
            m_writer.write(subscriber, heartbeat);
    });
    m_writer.advanceBeat();
    dropSlowConsumers();
    dropStalledReplays();
}

bool EventBroker::disconnectClient(quint64 clientId)
{
    flush(); // what was published before the disconnect still goes out
    const Subscriber *subscriber = m_registry.find(clientId);
    if (!subscriber)
        return false;
    m_hub.close(subscriber->stream);
    forget(clientId,
           QCoreApplication::translate("sse::TrafficLog", "disconnected by the operator"));
    return true;
}

QList<quint64> EventBroker::disconnectConnection(quint64 clientId)
{
    flush(); // what was published before the disconnect still goes out
    const Subscriber *subscriber = m_registry.find(clientId);
    if (!subscriber)
        return {};
    const quint64 connection = m_hub.connectionOf(subscriber->stream);
    if (connection == 0)
        return disconnectClient(clientId) ? QList<quint64>{clientId} : QList<quint64>{};
    QList<quint64> sharing;
    m_registry.forEach(Audience::allStreams(), [&](const Subscriber &member) {
        if (m_hub.connectionOf(member.stream) == connection)
            sharing.append(member.id);
    });
    std::sort(sharing.begin(), sharing.end());
    m_hub.closeConnectionOf(subscriber->stream); // GOAWAY first: no new stream on it
    for (const quint64 id : std::as_const(sharing)) {
        if (const Subscriber *member = m_registry.find(id)) {
            m_hub.close(member->stream);
            forget(id, QCoreApplication::translate(
                           "sse::TrafficLog", "disconnected with its connection by the operator"));
        }
    }
    return sharing;
}

bool EventBroker::finishStream(quint64 clientId)
{
    flush(); // the scenario's last events go out before the end
    const Subscriber *subscriber = m_registry.find(clientId);
    if (!subscriber)
        return false;
    m_hub.finish(subscriber->stream);
    forget(clientId,
           QCoreApplication::translate("sse::TrafficLog", "reached the end of its scenario"));
    return true;
}

void EventBroker::onStreamClosed(int stream)
{
    if (const Subscriber *subscriber = m_registry.findByStream(stream))
        forget(subscriber->id, QCoreApplication::translate("sse::TrafficLog", "disconnected"));
    else
        m_faults.streamGone(stream); // a response head held back by delay-accept
}

void EventBroker::forget(quint64 clientId, const QString &reason)
{
    // The faults let go of the subscriber while the registry still holds it.
    if (Subscriber *faulted = m_registry.find(clientId); faulted && faulted->faulted)
        m_faults.forget(*faulted);
    const std::optional<Subscriber> subscriber = m_registry.remove(clientId);
    if (!subscriber)
        return;
    emit subscriberRemoved(clientId);
    if (!m_recorder.enabled())
        return;
    m_recorder.record(
        TrafficDirection::System, clientId, {}, {}, 0,
        QCoreApplication::translate("sse::TrafficLog", "client %1 %2 (%3 events, %4 bytes sent)")
            .arg(clientId)
            .arg(reason)
            .arg(subscriber->eventsSent)
            .arg(subscriber->bytesSent));
    m_recorder.clientDisconnected(clientId);
}

} // namespace sse
