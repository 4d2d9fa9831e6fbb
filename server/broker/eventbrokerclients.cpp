// The subscribers' side of the broker: a stream's start (head, hello, history gap, replay), a
// replay to one client on request, and what the dashboard and the API list of them.
#include "eventbroker.h"

#include "replayfeed.h"
#include "serverlogging.h"
#include "streamhub.h"
#include "trafficsink.h"

#include <QJsonArray>
#include <QJsonObject>

#include <QCoreApplication>

namespace sse {

namespace {

// The reconnect delay control listeners (the demo page) are told; plain streams get no retry.
constexpr int ReconnectDelayMs = 2000;

QString gapReason(EventLog::Gap gap)
{
    return gap == EventLog::Gap::Evicted ? QStringLiteral("evicted") : QStringLiteral("unknown");
}

} // namespace

quint64 EventBroker::subscribe(int stream, const QByteArray &responseHead,
                               const Subscription &subscription, const QString &remoteAddress)
{
    // Events published before this subscriber arrived reach it only through replay.
    flush();

    Subscriber subscriber;
    subscriber.id = m_registry.takeNextId();
    subscriber.stream = stream;
    subscriber.remoteAddress = remoteAddress;
    subscriber.userAgent = subscription.userAgent;
    subscriber.channels = subscription.channels;
    subscriber.connectedSince = QDateTime::currentDateTimeUtc();
    subscriber.wantsControl = subscription.control;
    subscriber.lastEventId = subscription.lastEventId;
    subscriber.route = subscription.route;

    EventLog::ReplayStart replay; // nothing to replay and no gap
    if (!subscription.lastEventId.isEmpty())
        replay = m_log.replayStart(subscription.lastEventId);
    const bool gap = replay.gap != EventLog::Gap::None;

    QByteArray opening = responseHead;
    if (subscription.control)
        opening += helloEvent(subscriber, gap);
    if (gap) {
        // Every client learns of the gap; control listeners also get it as an event.
        const HistoryGap notice{gapReason(replay.gap), subscription.lastEventId, replay.oldestId};
        opening += notice.comment();
        if (subscription.control)
            opening += notice.controlEvent();
    }
    if (m_hub.write(stream, opening) != StreamHub::WriteResult::Written) {
        m_hub.close(stream, true);
        return 0;
    }
    subscriber.bytesSent = quint64(opening.size());
    subscriber.lastWriteBeat = m_writer.currentBeat();

    Subscriber &added = m_registry.add(std::move(subscriber));
    recordConnected(added, opening);
    qCDebug(lcBroker) << "client" << added.id << "subscribed to" << added.channels << added.route;
    if (!replay.cursor.done())
        replayFrom(added, replay.cursor, subscription.lastEventId);
    return added.id;
}

void EventBroker::replayFrom(const Subscriber &subscriber, const EventLog::ReplayCursor &cursor,
                             const QString &lastEventId)
{
    // Read page by page as the stream drains; what is published meanwhile queues behind it.
    const quint64 clientId = subscriber.id;
    // Live events queued behind the replay count when they are queued: a later page must not
    // move the subscriber's last event id back to an older one.
    auto lastSetByReplay = std::make_shared<QString>(subscriber.lastEventId);
    auto progress = [this, clientId, lastSetByReplay](qint64 bytes, int events,
                                                      const QString &lastId) {
        Subscriber *fed = m_registry.find(clientId);
        if (!fed)
            return;
        const bool liveCameMeanwhile = fed->lastEventId != *lastSetByReplay;
        m_writer.countFed(*fed, bytes, events, liveCameMeanwhile ? fed->lastEventId : lastId);
        *lastSetByReplay = fed->lastEventId;
    };
    m_hub.feed(subscriber.stream,
               std::make_unique<ReplayFeed>(m_log, cursor, subscriber.channels, lastEventId,
                                            subscriber.wantsControl, std::move(progress)));
}

void EventBroker::recordConnected(const Subscriber &added, const QByteArray &opening)
{
    if (!m_recorder.enabled())
        return;
    TrafficRecord connected;
    connected.direction = TrafficDirection::System;
    connected.clientId = added.id;
    connected.size = opening.size();
    connected.summary =
        QCoreApplication::translate("sse::TrafficLog", "client %1 connected from %2 to %3%4")
            .arg(added.id)
            .arg(added.remoteAddress,
                 added.route.isEmpty()
                     ? added.channels.join(QStringLiteral(", "))
                     : QCoreApplication::translate("sse::TrafficLog", "route %1").arg(added.route),
                 added.lastEventId.isEmpty()
                     ? QString()
                     : QCoreApplication::translate("sse::TrafficLog", " (Last-Event-ID %1)")
                           .arg(added.lastEventId));
    connected.raw = opening.left(TrafficRecord::MaxRawBytes);
    connected.channels = added.channels;
    m_recorder.append(std::move(connected));
    m_recorder.clientConnected(clientInfo(added));
}

QByteArray EventBroker::helloEvent(const Subscriber &subscriber, bool historyGap) const
{
    const QJsonObject hello{
        {QStringLiteral("clientId"), qint64(subscriber.id)},
        {QStringLiteral("channels"), QJsonArray::fromStringList(subscriber.channels)},
        {QStringLiteral("eventTypes"), QJsonArray::fromStringList(m_eventTypes)},
        {QStringLiteral("historyGap"), historyGap},
    };
    return encodeControlEvent(QStringLiteral("dashboard.hello"), hello,
                              QString::number(ReconnectDelayMs));
}

int EventBroker::replayTo(quint64 clientId, const QString &fromId, QString *error)
{
    flush(); // the replay follows what was published before it
    const Subscriber *subscriber = m_registry.find(clientId);
    if (!subscriber) {
        *error = QStringLiteral("client %1 is not connected").arg(clientId);
        return -1;
    }
    const EventLog::ReplayStart start = m_log.replayStart(fromId, true);
    if (start.gap != EventLog::Gap::None) {
        *error = QStringLiteral("event %1 is no longer in the history").arg(fromId);
        return -1;
    }
    if (m_hub.isFeeding(subscriber->stream)) {
        *error = QStringLiteral("a replay to client %1 is still being sent").arg(clientId);
        return -1;
    }
    const int count = m_log.replayCount(start.cursor, subscriber->channels);
    if (count == 0)
        return 0;
    // Streamed like a Last-Event-ID replay: a resend of any size reaches a client that reads.
    replayFrom(*subscriber, start.cursor, subscriber->lastEventId);
    if (m_recorder.enabled()) {
        m_recorder.record(
            TrafficDirection::Out, clientId, {}, {}, 0,
            QCoreApplication::translate("sse::TrafficLog",
                                        "replay of %1 kept event(s) from id %2 → client %3")
                .arg(count)
                .arg(fromId)
                .arg(clientId),
            {});
    }
    return count;
}

QList<ClientInfo> EventBroker::clients(int limit) const
{
    // Pointers are ordered, not copies: a heartbeat that lists 500 of 19,000 clients builds 500.
    std::vector<const Subscriber *> subscribers;
    subscribers.reserve(size_t(m_registry.size()));
    m_registry.forEach(Audience::allStreams(),
                       [&](const Subscriber &subscriber) { subscribers.push_back(&subscriber); });
    const auto end = limit >= 0 && size_t(limit) < subscribers.size() ? subscribers.begin() + limit
                                                                      : subscribers.end();
    std::partial_sort(subscribers.begin(), end, subscribers.end(),
                      [](const Subscriber *a, const Subscriber *b) { return a->id < b->id; });
    QList<ClientInfo> list;
    list.reserve(end - subscribers.begin());
    for (auto it = subscribers.begin(); it != end; ++it)
        list.append(clientInfo(**it));
    return list;
}

ClientInfo EventBroker::clientInfo(const Subscriber &subscriber) const
{
    return ClientInfo{subscriber.id,
                      subscriber.remoteAddress,
                      subscriber.userAgent,
                      subscriber.channels,
                      subscriber.connectedSince,
                      subscriber.eventsSent,
                      subscriber.bytesSent,
                      m_hub.queuedBytes(subscriber.stream),
                      subscriber.lastEventId,
                      subscriber.route,
                      m_hub.tlsVersion(subscriber.stream),
                      m_hub.protocol(subscriber.stream),
                      m_hub.connectionOf(subscriber.stream),
                      subscriber.faulted ? m_faults.faultIds(subscriber.id) : QList<quint64>()};
}

QList<ClientCounters> EventBroker::takeChangedCounters()
{
    QList<ClientCounters> counters;
    m_registry.forEach(Audience::allStreams(), [&](Subscriber &subscriber) {
        const qint64 queued = m_hub.queuedBytes(subscriber.stream);
        if (!subscriber.countersChanged && queued == 0)
            return;
        subscriber.countersChanged = false;
        counters.append(ClientCounters{subscriber.id, subscriber.eventsSent, subscriber.bytesSent,
                                       queued, subscriber.lastEventId});
    });
    return counters;
}

ServerStats EventBroker::stats() const
{
    ServerStats stats = m_stats;
    stats.clients = m_registry.size();
    stats.bytesSent = m_writer.bytesSent();
    stats.streamWrites = m_writer.streamWrites();
    stats.queuedBytes = m_hub.queuedTotal();
    stats.queuedBytesLimit = m_config.maxQueuedTotal;
    stats.replays = m_hub.feedCount();
    stats.historySize = m_log.size();
    stats.nextEventId = m_log.nextId();
    const EventLog::Status log = m_log.status();
    stats.logBackend = log.backend;
    stats.logLocation = log.location;
    stats.logAvailable = log.available;
    stats.logError = log.error;
    stats.logReconnects = log.reconnects;
    stats.logGaps = log.gaps;
    stats.uptimeSeconds = m_uptime.isValid() ? m_uptime.elapsed() / 1000 : 0;
    stats.io = ioBackendName(m_hub.io());
    stats.uringRefusal = m_hub.uringRefusal();
    stats.fanoutThreads = m_config.fanoutThreads;
    return stats;
}

} // namespace sse
