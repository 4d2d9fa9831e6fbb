#include "streamfaults.h"

#include "serverlogging.h"
#include "streamhub.h"
#include "streamwriter.h"
#include "subscriberregistry.h"
#include "trafficsink.h"

#include <algorithm>

namespace sse {

namespace {

// Where the value of the event's first data line starts and ends (before its LF).
std::pair<qsizetype, qsizetype> firstDataValue(const QByteArray &encoded)
{
    qsizetype line = encoded.startsWith("data:") ? 0 : encoded.indexOf("\ndata:");
    if (line < 0)
        return {-1, -1};
    if (line > 0)
        ++line; // past the LF
    qsizetype value = line + 5;
    if (value < encoded.size() && encoded[value] == ' ')
        ++value;
    const qsizetype lineEnd = encoded.indexOf('\n', value);
    return {value, lineEnd < 0 ? encoded.size() : lineEnd};
}

QByteArray retryField(int ms)
{
    // The blank line ends the block: with no data it dispatches nothing, and the next event's
    // fields start afresh.
    return "retry: " + QByteArray::number(ms) + "\n\n";
}

} // namespace

QByteArray malformEvent(const QByteArray &encoded, MalformedVariant variant)
{
    QByteArray bytes = encoded;
    const auto [valueStart, valueEnd] = firstDataValue(bytes);
    const qsizetype middle = valueStart < 0 ? -1 : valueStart + (valueEnd - valueStart) / 2;
    switch (variant) {
    case MalformedVariant::CrLineEndings:
        bytes.replace('\n', '\r');
        break;
    case MalformedVariant::Bom:
        bytes.prepend("\xEF\xBB\xBF");
        break;
    case MalformedVariant::LoneCr:
        if (middle >= 0)
            bytes.insert(middle, '\r');
        break;
    case MalformedVariant::InvalidUtf8:
        if (middle >= 0)
            bytes.insert(middle, "\xFF\xFE");
        break;
    case MalformedVariant::NoColon:
        bytes.prepend("data\n");
        break;
    }
    return bytes;
}

StreamFaults::StreamFaults(StreamHub &hub, StreamWriter &writer, TrafficSink &recorder,
                           QObject *parent)
    : QObject(parent)
    , m_hub(hub)
    , m_writer(writer)
    , m_recorder(recorder)
    , m_pacer(hub)
{}

StreamFaults::~StreamFaults() = default;

StreamFaults::Outcome StreamFaults::apply(Subscriber &subscriber, quint64 faultId,
                                          const FaultSpec &spec)
{
    const QString label = faultLabel(spec);
    const QString prefix =
        QStringLiteral("fault #%1 %2: client %3").arg(faultId).arg(label).arg(subscriber.id);
    switch (spec.kind) {
    case FaultKind::Close:
        record(subscriber.id, prefix + QStringLiteral(" closed (FIN)"));
        return Outcome::Close;
    case FaultKind::Reset:
        record(subscriber.id, prefix + QStringLiteral(" reset (RST)"));
        return Outcome::Reset;
    case FaultKind::Retry: {
        const QByteArray bytes = retryField(spec.ms);
        m_writer.write(subscriber, bytes);
        record(subscriber.id, prefix + QStringLiteral(" sent retry: %1").arg(spec.ms), bytes);
        return Outcome::Done;
    }
    case FaultKind::Status:
    case FaultKind::DelayAccept:
        return Outcome::Done; // new connections only; FaultService never gets here
    case FaultKind::Stall:
    case FaultKind::Drip:
    case FaultKind::DropEvents:
    case FaultKind::CutMidEvent:
    case FaultKind::Malformed:
        break;
    }
    Armed &armed = m_armed[subscriber.id];
    armed.subscriber = &subscriber;
    // The same fault again (a lasting one meeting a client twice) is not stacked.
    const bool present = std::any_of(armed.faults.cbegin(), armed.faults.cend(),
                                     [&](const ArmedFault &f) { return f.faultId == faultId; });
    if (!present)
        armed.faults.push_back(ArmedFault{faultId, spec, 0});
    subscriber.faulted = true;
    if (spec.kind == FaultKind::Stall) {
        m_pacer.holdFor(subscriber.stream, spec.stallMs, [this, clientId = subscriber.id, faultId] {
            record(clientId, QStringLiteral("fault #%1: client %2 resumes after "
                                            "its stall")
                                 .arg(faultId)
                                 .arg(clientId));
            disarm(clientId, faultId, true);
        });
        record(subscriber.id, prefix + QStringLiteral(" stalled"));
    } else if (spec.kind == FaultKind::Drip) {
        m_pacer.throttle(subscriber.stream, spec.bytesPerSecond);
        record(subscriber.id, prefix + QStringLiteral(" throttled"));
    } else {
        record(subscriber.id, prefix + QStringLiteral(" armed"));
    }
    return Outcome::Armed;
}

void StreamFaults::lift(Subscriber &subscriber, quint64 faultId)
{
    if (m_armed.count(subscriber.id) == 0)
        return;
    disarm(subscriber.id, faultId, false);
}

void StreamFaults::disarm(quint64 clientId, quint64 faultId, bool reportDone)
{
    const auto it = m_armed.find(clientId);
    if (it == m_armed.end())
        return;
    Armed &armed = it->second;
    const auto fault = std::find_if(armed.faults.begin(), armed.faults.end(),
                                    [&](const ArmedFault &f) { return f.faultId == faultId; });
    if (fault == armed.faults.end())
        return;
    const FaultKind kind = fault->spec.kind;
    armed.faults.erase(fault);
    const int stream = armed.subscriber->stream;
    const auto hasKind = [&](FaultKind wanted) {
        return std::any_of(armed.faults.cbegin(), armed.faults.cend(),
                           [&](const ArmedFault &f) { return f.spec.kind == wanted; });
    };
    if (kind == FaultKind::Stall && !hasKind(FaultKind::Stall)) {
        m_pacer.endHold(stream);
    } else if (kind == FaultKind::Drip) {
        // Another drip on the same stream takes over with its own rate.
        qint64 rate = 0;
        for (const ArmedFault &other : armed.faults) {
            if (other.spec.kind == FaultKind::Drip)
                rate = rate ? std::min(rate, other.spec.bytesPerSecond) : other.spec.bytesPerSecond;
        }
        m_pacer.throttle(stream, rate);
    }
    if (armed.faults.empty()) {
        armed.subscriber->faulted = false;
        m_armed.erase(it);
    }
    if (reportDone)
        emit done(faultId, clientId);
}

void StreamFaults::forget(Subscriber &subscriber)
{
    if (m_armed.erase(subscriber.id) == 0)
        return;
    subscriber.faulted = false;
    m_pacer.cancel(subscriber.stream);
}

QList<quint64> StreamFaults::faultIds(quint64 clientId) const
{
    QList<quint64> ids;
    if (const auto it = m_armed.find(clientId); it != m_armed.end()) {
        for (const ArmedFault &fault : it->second.faults)
            ids.append(fault.faultId);
    }
    return ids;
}

StreamFaults::EventFate StreamFaults::applyToEvent(const Subscriber &subscriber,
                                                   std::vector<ArmedFault> &faults,
                                                   const PendingEvent &event, QByteArray &bytes,
                                                   std::vector<quint64> &finished)
{
    EventFate fate = EventFate::Send;
    for (ArmedFault &fault : faults) {
        if (std::find(finished.cbegin(), finished.cend(), fault.faultId) != finished.cend())
            continue;
        switch (fault.spec.kind) {
        case FaultKind::DropEvents:
            if (++fault.eventsSeen % quint64(fault.spec.every) == 0 && fate == EventFate::Send) {
                fate = EventFate::Drop;
                record(subscriber.id, QStringLiteral("fault #%1 %2: event %3 not sent to client %4")
                                          .arg(fault.faultId)
                                          .arg(faultLabel(fault.spec), event.lastEventId)
                                          .arg(subscriber.id));
            }
            break;
        case FaultKind::Malformed:
            if (fate != EventFate::Send)
                break;
            bytes = malformEvent(bytes, fault.spec.variant);
            record(subscriber.id,
                   QStringLiteral("fault #%1 %2: event %3 sent to client %4 malformed")
                       .arg(fault.faultId)
                       .arg(faultLabel(fault.spec), event.lastEventId)
                       .arg(subscriber.id),
                   bytes);
            if (fault.spec.oneShot)
                finished.push_back(fault.faultId);
            break;
        case FaultKind::CutMidEvent:
            if (fate != EventFate::Send)
                break;
            fate = EventFate::Cut;
            finished.push_back(fault.faultId);
            break;
        default:
            break;
        }
    }
    return fate;
}

bool StreamFaults::deliver(Subscriber &subscriber, const PendingEvent *begin,
                           const PendingEvent *end)
{
    const auto it = m_armed.find(subscriber.id);
    if (it == m_armed.end())
        return false;
    QByteArray out;
    QString lastEventId;
    int delivered = 0;
    std::vector<quint64> finished; // one-shot faults that fired in this run
    bool cut = false;
    for (const PendingEvent *event = begin; event != end && !cut; ++event) {
        if (event->eventCount == 0) {
            out += event->encoded; // control events are the dashboard's, not the fault's
            continue;
        }
        QByteArray bytes = event->encoded;
        const EventFate fate = applyToEvent(subscriber, it->second.faults, *event, bytes, finished);
        if (fate == EventFate::Drop)
            continue;
        if (fate == EventFate::Cut) {
            cut = true;
            // At least one byte and never the blank line that would dispatch it.
            const qsizetype part = std::max<qsizetype>(1, (bytes.size() - 2) / 2);
            out += bytes.left(part);
            record(subscriber.id,
                   QStringLiteral("fault #%1 cut-mid-event: client %2 got %3 of %4 bytes of "
                                  "event %5, then the stream was closed")
                       .arg(finished.back())
                       .arg(subscriber.id)
                       .arg(part)
                       .arg(bytes.size())
                       .arg(event->lastEventId),
                   bytes.left(part));
            break;
        }
        out += bytes;
        lastEventId = event->lastEventId;
        ++delivered;
    }
    if (!out.isEmpty())
        m_writer.write(subscriber, out);
    if (delivered > 0) {
        subscriber.eventsSent += quint64(delivered);
        subscriber.lastEventId = lastEventId;
    }
    for (const quint64 faultId : finished) {
        if (cut)
            emit done(faultId, subscriber.id);
        else
            disarm(subscriber.id, faultId, true);
    }
    return cut;
}

void StreamFaults::delayAccept(int stream, qint64 ms, std::function<void()> accept)
{
    m_pacer.holdFor(stream, ms, std::move(accept));
}

void StreamFaults::clear()
{
    for (auto &[clientId, armed] : m_armed)
        armed.subscriber->faulted = false;
    m_armed.clear();
    m_pacer.clear();
}

void StreamFaults::record(quint64 clientId, const QString &summary, const QByteArray &raw)
{
    qCInfo(lcBroker).noquote() << summary;
    if (m_recorder.enabled())
        m_recorder.record(TrafficDirection::System, clientId, QStringLiteral("fault"), {},
                          raw.size(), summary, raw.left(TrafficRecord::MaxRawBytes));
}

} // namespace sse
