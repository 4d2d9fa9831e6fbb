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

Subscriber &SubscriberRegistry::add(std::unique_ptr<Subscriber> subscriber)
{
    Subscriber *raw = subscriber.get();
    for (const QString &channel : std::as_const(raw->channels)) {
        auto &members = m_channels[channel];
        raw->channelSlots.push_back(members.size());
        members.push_back(raw);
    }
    m_byStream.insert(raw->stream, raw);
    ++m_perAddress[raw->remoteAddress];
    m_subscribers.emplace(raw->id, std::move(subscriber));
    return *raw;
}

std::unique_ptr<Subscriber> SubscriberRegistry::remove(quint64 id)
{
    const auto it = m_subscribers.find(id);
    if (it == m_subscribers.end())
        return {};
    std::unique_ptr<Subscriber> subscriber = std::move(it->second);
    m_subscribers.erase(it);
    m_byStream.remove(subscriber->stream);
    if (const auto from = m_perAddress.find(subscriber->remoteAddress);
        from != m_perAddress.end() && --*from <= 0) {
        m_perAddress.erase(from);
    }
    for (qsizetype i = 0; i < subscriber->channels.size(); ++i) {
        const auto channelIt = m_channels.find(subscriber->channels.at(i));
        auto &members = channelIt.value();
        // Swap-remove keeps removal O(1); the moved member learns its new slot.
        const size_t slot = subscriber->channelSlots[size_t(i)];
        Subscriber *moved = members.back();
        members[slot] = moved;
        members.pop_back();
        if (moved != subscriber.get()) {
            const qsizetype movedIndex = moved->channels.indexOf(channelIt.key());
            moved->channelSlots[size_t(movedIndex)] = slot;
        }
        if (members.empty())
            m_channels.erase(channelIt);
    }
    return subscriber;
}

Subscriber *SubscriberRegistry::find(quint64 id) const
{
    const auto it = m_subscribers.find(id);
    return it == m_subscribers.end() ? nullptr : it->second.get();
}

Subscriber *SubscriberRegistry::findByStream(int stream) const
{
    return m_byStream.value(stream);
}

QList<quint64> SubscriberRegistry::ids() const
{
    QList<quint64> ids;
    ids.reserve(qsizetype(m_subscribers.size()));
    for (const auto &[id, subscriber] : m_subscribers)
        ids.append(id);
    return ids;
}

int SubscriberRegistry::count(const Audience &audience) const
{
    int members = 0;
    forEach(audience, [&members](const Subscriber &) { ++members; });
    return members;
}

} // namespace sse
