// EventBroker's entry points for faults (docs/faults.md): they act on one client's stream
// through StreamFaults.
#include "eventbroker.h"

#include "streamhub.h"

#include <QCoreApplication>

namespace sse {

std::optional<StreamFaults::Outcome> EventBroker::applyFault(quint64 clientId, quint64 faultId,
                                                             const FaultSpec &spec)
{
    flush(); // the fault acts on what is published from now on
    Subscriber *subscriber = m_registry.find(clientId);
    if (!subscriber)
        return std::nullopt;
    const StreamFaults::Outcome outcome = m_faults.apply(*subscriber, faultId, spec);
    if (outcome == StreamFaults::Outcome::Close || outcome == StreamFaults::Outcome::Reset) {
        const bool reset = outcome == StreamFaults::Outcome::Reset;
        m_hub.close(subscriber->stream, reset);
        forget(clientId,
               (reset ? QCoreApplication::translate("sse::TrafficLog", "reset by fault #%1")
                      : QCoreApplication::translate("sse::TrafficLog", "closed by fault #%1"))
                   .arg(faultId));
    }
    dropSlowConsumers(); // a retry field is a write like any other
    return outcome;
}

void EventBroker::liftFault(quint64 clientId, quint64 faultId)
{
    if (Subscriber *subscriber = m_registry.find(clientId))
        m_faults.lift(*subscriber, faultId);
}

void EventBroker::subscribeLater(qint64 ms, int stream, const QByteArray &responseHead,
                                 const Subscription &subscription, const QString &remoteAddress,
                                 std::function<void(quint64)> opened)
{
    m_faults.delayAccept(stream, ms, [=, opened = std::move(opened)] {
        const quint64 clientId = subscribe(stream, responseHead, subscription, remoteAddress);
        if (opened)
            opened(clientId);
    });
}

} // namespace sse
