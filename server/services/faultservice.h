#pragma once

#include "faultspec.h"

#include <QDeadlineTimer>
#include <QObject>
#include <QRandomGenerator>
#include <QTimer>

#include <map>
#include <set>

namespace sse {

class EventBroker;
class SubscriberRegistry;
class TrafficSink;

// The faults installed on the server (docs/faults.md): which streams each one hits, for how
// long, and the chaos preset that installs them at random. Installing a fault resolves its
// targets through the registry and hands each stream to the broker, which applies it; new
// connections ask admit() before they get a stream and streamOpened() once they have one. It
// lives on the server thread.
class FaultService : public QObject
{
    Q_OBJECT

public:
    static constexpr int MaxFaults = 256;

    FaultService(EventBroker &broker, SubscriberRegistry &registry, TrafficSink &recorder,
                 QObject *parent = nullptr);
    ~FaultService() override;

    bool isFull() const { return int(m_faults.size()) >= MaxFaults; }
    // Installs spec and applies it to its targets now. Returns its id, or 0 and a sentence
    // naming the field. applied (if given) gets the number of streams it hit at once.
    quint64 install(const FaultSpec &spec, const QString &origin, QString *error,
                    int *applied = nullptr);
    bool remove(quint64 id);
    void removeAll(); // and stops the chaos preset: the server stops
    QList<FaultInfo> faults() const;
    // True once after any change to the list (for the dashboard's snapshots).
    bool takeChanged() { return std::exchange(m_changed, false); }

    // How a new stream is to be answered, decided before it opens.
    struct Admission
    {
        int status = 0; // 0: open the stream
        int retryAfterSeconds = -1;
        QString location;
        qint64 delayMs = 0; // hold the response head back this long
        quint64 faultId = 0;
    };
    Admission admit(const QString &peer);
    // A stream opened: lasting faults on its channels and faults on new connections hit it.
    void streamOpened(quint64 clientId);

    QString startChaos(const ChaosOptions &options);
    void stopChaos();
    ChaosState chaos() const { return m_chaos; }

private:
    struct Fault
    {
        FaultInfo info;
        QDeadlineTimer expiry{QDeadlineTimer::Forever};
        std::set<quint64> affected; // clients it is acting on now
    };

    void applyTo(Fault &fault, quint64 clientId);
    bool isFinished(const Fault &fault) const;
    void retireFinished();
    void onFaultDone(quint64 faultId, quint64 clientId);
    void onSubscriberRemoved(quint64 clientId);
    void scheduleExpiry();
    void expire();
    void chaosTick();
    void record(const QString &summary);

    EventBroker &m_broker;
    SubscriberRegistry &m_registry;
    TrafficSink &m_recorder;
    std::map<quint64, Fault> m_faults; // ordered by id for listings
    quint64 m_nextId = 1;
    bool m_changed = false;
    int m_applying = 0; // inside install() or streamOpened(): retire afterwards, not now
    QTimer m_expiryTimer;
    QTimer m_chaosTimer;
    ChaosState m_chaos;
    QRandomGenerator m_random;
};

} // namespace sse
