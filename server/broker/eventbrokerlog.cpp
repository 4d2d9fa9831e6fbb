// What a shared event log (Redis) hands the broker: the events every server delivers, in the
// order the log gives, and the gaps it detects.
#include "eventbroker.h"

#include "serverlogging.h"
#include "streamhub.h"
#include "trafficsink.h"

#include <QCoreApplication>

namespace sse {

void EventBroker::logDelivered(const HistoryEntry &entry, const QString &data)
{
    const Audience audience =
        entry.scope == EventLog::AllChannels
            ? Audience::forPublish({}, PublishTarget{PublishTarget::Kind::All, {}, true})
            : Audience::forPublish(entry.scope, {});
    deliver(entry.encoded, entry.id, audience, entry.type.isEmpty() ? DefaultEventType : entry.type,
            m_recorder.enabled() ? summarize(data) : QString());
}

void EventBroker::logGap(const HistoryGap &gap)
{
    flush(); // the notice follows what was delivered before the gap
    // As for a Last-Event-ID that is no longer held: a comment for every stream, and the
    // control event for the listeners that asked for those.
    const QByteArray comment = gap.comment();
    const QByteArray event = comment + gap.controlEvent();
    int told = 0;
    m_registry.forEach(Audience::allStreams(), [&](Subscriber &subscriber) {
        m_writer.write(subscriber, subscriber.wantsControl ? event : comment);
        ++told;
    });
    qCWarning(lcBroker).noquote() << "history gap" << gap.reason << "after" << gap.lastEventId
                                  << "told to" << told << "streams";
    if (m_recorder.enabled()) {
        m_recorder.record(TrafficDirection::System, 0, {}, {}, comment.size(),
                          QCoreApplication::translate(
                              "sse::TrafficLog", "history gap (%1) after id %2: events the event "
                                                 "log accepted may be lost; told %3 streams")
                              .arg(gap.reason, gap.lastEventId.isEmpty() ? QStringLiteral("none")
                                                                         : gap.lastEventId)
                              .arg(told),
                          comment);
    }
    dropSlowConsumers();
}

} // namespace sse
