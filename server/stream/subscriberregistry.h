#pragma once

#include "servertypes.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <QVarLengthArray>

#include <memory_resource>
#include <optional>
#include <vector>

namespace sse {

// Who an event, a comment, a control event or a kick is for. Every path that reaches
// subscribers names its audience with this and lets SubscriberRegistry::forEach resolve it.
struct Audience
{
    enum class Kind {
        Channel,          // subscribers of one channel
        AllSubscribers,   // every subscriber of every channel; route streams play on their own
        AllStreams,       // every stream, route streams too: heartbeats, listings
        Clients,          // the listed subscribers
        ControlListeners, // subscribers that asked for dashboard.* events (?control=1)
    };
    Kind kind = Kind::Channel;
    QString channel;          // for Channel
    QList<quint64> clientIds; // for Clients

    static Audience forPublish(const QString &channel, const PublishTarget &target);
    static Audience allStreams() { return Audience{Kind::AllStreams, {}, {}}; }
    static Audience controlListeners() { return Audience{Kind::ControlListeners, {}, {}}; }
    bool operator==(const Audience &other) const;
};

struct Subscriber
{
    quint64 id = 0;
    int stream = -1; // handle in the StreamHub
    QString remoteAddress;
    QString userAgent;
    QStringList channels; // empty for a route stream
    QString route;        // "METHOD PATH" of a scenario route; such a stream gets only its own
    QVarLengthArray<size_t, 1> channelSlots; // position in each channel's member list
    QDateTime connectedSince;
    bool wantsControl = false; // gets the dashboard.* control events
    quint64 eventsSent = 0;
    quint64 bytesSent = 0;
    QString lastEventId;
    bool countersChanged = false;
    bool faulted = false; // a fault acts on this stream: events reach it through StreamFaults
    quint64 lastWriteBeat = ~quint64(0); // heartbeat period of the last write
};

// The subscribers, looked up by id, by stream and by channel. It owns them; nothing else
// keeps a Subscriber past the call that was handed one.
//
// A subscriber's state lives apart from the short-lived objects of its connection's first
// moments (socket, parser, buffers): in a pool of its own, with one shared copy of each
// address, user agent and channel list. Interleaved, each stream's few small blocks would keep
// the pages of a whole burst of handshakes from going back to the system (malloc_trim).
class SubscriberRegistry
{
public:
    SubscriberRegistry();
    ~SubscriberRegistry();
    SubscriberRegistry(const SubscriberRegistry &) = delete;
    SubscriberRegistry &operator=(const SubscriberRegistry &) = delete;

    quint64 takeNextId() { return m_nextId++; }

    Subscriber &add(Subscriber subscriber);
    // Removes the subscriber from every index and hands it back (its stream is the caller's).
    std::optional<Subscriber> remove(quint64 id);

    Subscriber *find(quint64 id) const;
    Subscriber *findByStream(int stream) const;
    int size() const { return int(m_subscribers.size()); }
    // Subscribers connected from the address (Subscriber::remoteAddress).
    int countFrom(const QString &address) const { return m_perAddress.value(address); }
    bool isEmpty() const { return m_subscribers.empty(); }
    QList<quint64> ids() const;

    // Calls visit(Subscriber &) for each member of the audience. This is the only place an
    // audience is resolved: counting, delivery, comments, control events and kicks all use it.
    // The visitor must not add or remove subscribers.
    template<typename Visit>
    void forEach(const Audience &audience, Visit &&visit) const;
    int count(const Audience &audience) const;

private:
    quint64 m_nextId = 1;
    std::pmr::unsynchronized_pool_resource m_pool; // where the subscribers live
    QHash<quint64, Subscriber *> m_subscribers;    // every subscriber, in m_pool
    QHash<int, Subscriber *> m_byStream;
    QHash<QString, std::vector<Subscriber *>> m_channels;
    // How many subscribers have each value; the key is the copy they share.
    QHash<QString, int> m_perAddress;
    QHash<QString, int> m_userAgents;
    QHash<QStringList, int> m_channelLists;
};

template<typename Visit>
void SubscriberRegistry::forEach(const Audience &audience, Visit &&visit) const
{
    switch (audience.kind) {
    case Audience::Kind::Channel:
        if (const auto it = m_channels.constFind(audience.channel); it != m_channels.cend()) {
            for (Subscriber *subscriber : it.value())
                visit(*subscriber);
        }
        return;
    case Audience::Kind::AllSubscribers:
        for (Subscriber *subscriber : m_subscribers) {
            if (subscriber->route.isEmpty())
                visit(*subscriber);
        }
        return;
    case Audience::Kind::AllStreams:
        for (Subscriber *subscriber : m_subscribers)
            visit(*subscriber);
        return;
    case Audience::Kind::Clients:
        for (const quint64 clientId : audience.clientIds) {
            if (Subscriber *subscriber = find(clientId))
                visit(*subscriber);
        }
        return;
    case Audience::Kind::ControlListeners:
        for (Subscriber *subscriber : m_subscribers) {
            if (subscriber->wantsControl)
                visit(*subscriber);
        }
        return;
    }
}

} // namespace sse
