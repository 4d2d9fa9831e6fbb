#include "subscriberregistry.h"

#include "sseevent.h"

namespace sse {

Audience Audience::forPublish(const QString &channel, const PublishTarget &target)
{
    switch (target.kind) {
    case PublishTarget::Kind::All:
        return Audience{Kind::AllSubscribers, {}, {}};
    case PublishTarget::Kind::Clients:
        return Audience{Kind::Clients, {}, target.clientIds};
    case PublishTarget::Kind::Channel:
        break;
    }
    return Audience{Kind::Channel, channel.isEmpty() ? DefaultChannel : channel, {}};
}

bool Audience::operator==(const Audience &other) const
{
    return kind == other.kind && channel == other.channel && clientIds == other.clientIds;
}

namespace {

// The copy of value that every holder shares, counted in table.
template<typename Value>
const Value &share(QHash<Value, int> &table, const Value &value)
{
    auto it = table.find(value);
    if (it == table.end())
        it = table.insert(value, 0);
    ++it.value();
    return it.key();
}

template<typename Value>
void unshare(QHash<Value, int> &table, const Value &value)
{
    if (const auto it = table.find(value); it != table.end() && --it.value() <= 0)
        table.erase(it);
}

} // namespace

SubscriberRegistry::SubscriberRegistry() = default;

SubscriberRegistry::~SubscriberRegistry()
{
    // The pool gives its memory back without running destructors.
    for (Subscriber *subscriber : std::as_const(m_subscribers))
        subscriber->~Subscriber();
}

Subscriber &SubscriberRegistry::add(Subscriber subscriber)
{
    subscriber.remoteAddress = share(m_perAddress, subscriber.remoteAddress);
    subscriber.userAgent = share(m_userAgents, subscriber.userAgent);
    subscriber.channels = share(m_channelLists, subscriber.channels);
    auto *raw = new (m_pool.allocate(sizeof(Subscriber), alignof(Subscriber)))
        Subscriber(std::move(subscriber));
    for (const QString &channel : std::as_const(raw->channels)) {
        auto &members = m_channels[channel];
        raw->channelSlots.push_back(members.size());
        members.push_back(raw);
    }
    m_byStream.insert(raw->stream, raw);
    m_subscribers.insert(raw->id, raw);
    return *raw;
}

std::optional<Subscriber> SubscriberRegistry::remove(quint64 id)
{
    Subscriber *raw = m_subscribers.take(id);
    if (!raw)
        return std::nullopt;
    std::optional<Subscriber> subscriber(std::move(*raw));
    m_byStream.remove(subscriber->stream);
    unshare(m_perAddress, subscriber->remoteAddress);
    unshare(m_userAgents, subscriber->userAgent);
    unshare(m_channelLists, subscriber->channels);
    for (qsizetype i = 0; i < subscriber->channels.size(); ++i) {
        const auto channelIt = m_channels.find(subscriber->channels.at(i));
        auto &members = channelIt.value();
        // Swap-remove keeps removal O(1); the moved member learns its new slot.
        const size_t slot = subscriber->channelSlots[i];
        Subscriber *moved = members.back();
        members[slot] = moved;
        members.pop_back();
        if (moved != raw) {
            const qsizetype movedIndex = moved->channels.indexOf(channelIt.key());
            moved->channelSlots[movedIndex] = slot;
        }
        if (members.empty())
            m_channels.erase(channelIt);
    }
    raw->~Subscriber();
    m_pool.deallocate(raw, sizeof(Subscriber), alignof(Subscriber));
    if (m_subscribers.isEmpty())
        m_pool.release(); // the pool keeps what a peak took until it is released
    return subscriber;
}

Subscriber *SubscriberRegistry::find(quint64 id) const
{
    return m_subscribers.value(id);
}

Subscriber *SubscriberRegistry::findByStream(int stream) const
{
    return m_byStream.value(stream);
}

QList<quint64> SubscriberRegistry::ids() const
{
    QList<quint64> ids;
    ids.reserve(qsizetype(m_subscribers.size()));
    for (auto it = m_subscribers.cbegin(); it != m_subscribers.cend(); ++it)
        ids.append(it.key());
    return ids;
}

int SubscriberRegistry::count(const Audience &audience) const
{
    int members = 0;
    forEach(audience, [&members](const Subscriber &) { ++members; });
    return members;
}

} // namespace sse
