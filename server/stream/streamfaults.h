#pragma once

#include "faultspec.h"
#include "pendingevent.h"
#include "streampacer.h"

#include <QObject>

#include <functional>
#include <unordered_map>
#include <vector>

namespace sse {

class StreamHub;
class StreamWriter;
class TrafficSink;
struct Subscriber;

// What faults do to the streams they hit (docs/faults.md). It keeps the faults armed on each
// affected subscriber and delivers events to those subscribers one by one, so a fault can cut,
// drop or mangle one event; everyone else gets the broker's plain fan-out, which asks isEmpty()
// once per run and pays nothing more while no fault is armed. Stalls and drips hold the
// stream in the hub and leave the timing to one StreamPacer.
class StreamFaults : public QObject
{
    Q_OBJECT

public:
    StreamFaults(StreamHub &hub, StreamWriter &writer, TrafficSink &recorder,
                 QObject *parent = nullptr);
    ~StreamFaults() override;

    enum class Outcome {
        Armed, // it acts on the events to come, until done() or lift()
        Done,  // it did its work now (retry)
        Close, // the caller ends the stream with FIN
        Reset, // the caller ends the stream with RST
    };
    Outcome apply(Subscriber &subscriber, quint64 faultId, const FaultSpec &spec);
    void lift(Subscriber &subscriber, quint64 faultId);
    // The subscriber is leaving: its stream is let go and nothing is reported.
    void forget(Subscriber &subscriber);
    QList<quint64> faultIds(quint64 clientId) const;

    bool isEmpty() const { return m_armed.empty(); }
    // Writes the events in [begin, end) to a faulted subscriber, event by event. True when a
    // cut ended the stream: the caller finishes it and forgets the subscriber.
    bool deliver(Subscriber &subscriber, const PendingEvent *begin, const PendingEvent *end);

    // delay-accept: holds a new stream's response head back for ms, then calls accept.
    void delayAccept(int stream, qint64 ms, std::function<void()> accept);
    // A stream that is not a subscriber (yet) is gone.
    void streamGone(int stream) { m_pacer.cancel(stream); }
    void clear(); // the server stops

signals:
    // A fault has finished with a client (a one-shot fired, a stall ended).
    void done(quint64 faultId, quint64 clientId);

private:
    struct ArmedFault
    {
        quint64 faultId = 0;
        FaultSpec spec;
        quint64 eventsSeen = 0; // drop-events
    };
    struct Armed
    {
        Subscriber *subscriber = nullptr; // the registry's; forget() comes before it goes
        std::vector<ArmedFault> faults;
    };

    enum class EventFate { Send, Drop, Cut };

    // What the armed faults do to one event of a run: bytes may come back malformed; one-shot
    // faults that fired are added to finished.
    EventFate applyToEvent(const Subscriber &subscriber, std::vector<ArmedFault> &faults,
                           const PendingEvent &event, QByteArray &bytes,
                           std::vector<quint64> &finished);
    void disarm(quint64 clientId, quint64 faultId, bool reportDone);
    void updatePacing(const Armed &armed);
    void record(quint64 clientId, const QString &summary, const QByteArray &raw = {});

    StreamHub &m_hub;
    StreamWriter &m_writer;
    TrafficSink &m_recorder;
    StreamPacer m_pacer;
    std::unordered_map<quint64, Armed> m_armed; // by client id
};

// The bytes of one encoded event with a framing flaw (docs/faults.md, "malformed").
QByteArray malformEvent(const QByteArray &encoded, MalformedVariant variant);

} // namespace sse
