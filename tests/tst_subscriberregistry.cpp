// The registry resolves every audience; these are the rules each path relies on.
#include "sseevent.h"
#include "subscriberregistry.h"

#include <QTest>

#include <algorithm>

using sse::Audience;
using sse::Subscriber;
using sse::SubscriberRegistry;

namespace {

Subscriber &addSubscriber(SubscriberRegistry &registry, int stream, const QStringList &channels,
                          bool control = false)
{
    Subscriber subscriber;
    subscriber.id = registry.takeNextId();
    subscriber.stream = stream;
    subscriber.channels = channels;
    subscriber.wantsControl = control;
    return registry.add(std::move(subscriber));
}

QList<quint64> members(const SubscriberRegistry &registry, const Audience &audience)
{
    QList<quint64> ids;
    registry.forEach(audience, [&ids](const Subscriber &subscriber) { ids.append(subscriber.id); });
    std::sort(ids.begin(), ids.end());
    return ids;
}

Audience channel(const QString &name)
{
    return Audience{Audience::Kind::Channel, name, {}};
}

} // namespace

class TestSubscriberRegistry : public QObject
{
    Q_OBJECT

private slots:
    void resolvesEachKindOfAudience()
    {
        SubscriberRegistry registry;
        const quint64 a = addSubscriber(registry, 10, {QStringLiteral("a")}).id;
        const quint64 ab =
            addSubscriber(registry, 11, {QStringLiteral("a"), QStringLiteral("b")}, true).id;
        const quint64 b = addSubscriber(registry, 12, {QStringLiteral("b")}).id;

        QCOMPARE(members(registry, channel(QStringLiteral("a"))), (QList<quint64>{a, ab}));
        QCOMPARE(members(registry, channel(QStringLiteral("b"))), (QList<quint64>{ab, b}));
        QCOMPARE(members(registry, channel(QStringLiteral("none"))), QList<quint64>{});
        QCOMPARE(members(registry, Audience{Audience::Kind::AllSubscribers, {}, {}}),
                 (QList<quint64>{a, ab, b}));
        QCOMPARE(members(registry, Audience{Audience::Kind::Clients, {}, {b, 999}}),
                 QList<quint64>{b});
        QCOMPARE(members(registry, Audience{Audience::Kind::ControlListeners, {}, {}}),
                 QList<quint64>{ab});
        QCOMPARE(registry.count(channel(QStringLiteral("a"))), 2);
        QCOMPARE(registry.findByStream(12)->id, b);
    }

    void removalKeepsTheChannelIndexesRight()
    {
        SubscriberRegistry registry;
        QList<quint64> ids;
        for (int i = 0; i < 6; ++i)
            ids.append(addSubscriber(registry, i, {QStringLiteral("a"), QStringLiteral("b")}).id);
        // Remove from the middle, the end and the start: swap-removal moves others around.
        for (const quint64 id : {ids.at(2), ids.at(5), ids.at(0)}) {
            QVERIFY(registry.remove(id));
            ids.removeOne(id);
            QCOMPARE(members(registry, channel(QStringLiteral("a"))), ids);
            QCOMPARE(members(registry, channel(QStringLiteral("b"))), ids);
        }
        QVERIFY(!registry.remove(ids.isEmpty() ? 0 : 12345));
        QVERIFY(!registry.findByStream(2));
        for (const quint64 id : std::as_const(ids))
            registry.remove(id);
        QVERIFY(registry.isEmpty());
        QCOMPARE(registry.count(channel(QStringLiteral("a"))), 0);
    }

    // Subscribers with the same address, user agent and channels share one copy of each (the
    // registry's own memory, apart from what their connections used), counted per address.
    void subscribersShareTheirTextsAndCountTheirAddress()
    {
        SubscriberRegistry registry;
        const auto subscriber = [&registry](int stream, const QString &agent) {
            Subscriber added;
            added.id = registry.takeNextId();
            added.stream = stream;
            // Built anew for each, as parsing each request does.
            added.remoteAddress = QStringLiteral("192.0.2.") + QString::number(7);
            added.userAgent = agent + QString();
            added.channels = QStringList{QStringLiteral("news"), QStringLiteral("sports")};
            return registry.add(std::move(added)).id;
        };
        const quint64 first = subscriber(10, QStringLiteral("Firefox"));
        const quint64 second = subscriber(11, QStringLiteral("Firefox"));
        const quint64 third = subscriber(12, QStringLiteral("curl"));
        const Subscriber &a = *registry.find(first);
        const Subscriber &b = *registry.find(second);
        QCOMPARE(a.remoteAddress.constData(), b.remoteAddress.constData());
        QCOMPARE(a.userAgent.constData(), b.userAgent.constData());
        QCOMPARE(a.channels.constData(), b.channels.constData());
        QVERIFY(registry.find(third)->userAgent.constData() != a.userAgent.constData());
        QCOMPARE(registry.countFrom(QStringLiteral("192.0.2.7")), 3);

        QCOMPARE(registry.remove(first)->userAgent, QStringLiteral("Firefox"));
        QCOMPARE(registry.find(second)->userAgent, QStringLiteral("Firefox"));
        QCOMPARE(registry.countFrom(QStringLiteral("192.0.2.7")), 2);
        QCOMPARE(members(registry, channel(QStringLiteral("sports"))), (QList<quint64>{2, 3}));
        registry.remove(second);
        registry.remove(third);
        QCOMPARE(registry.countFrom(QStringLiteral("192.0.2.7")), 0);
        QVERIFY(registry.isEmpty());
    }

    void publishTargetsBecomeAudiences()
    {
        sse::PublishTarget all;
        all.kind = sse::PublishTarget::Kind::All;
        QCOMPARE(Audience::forPublish(QStringLiteral("x"), all).kind,
                 Audience::Kind::AllSubscribers);
        const Audience defaulted = Audience::forPublish({}, {});
        QCOMPARE(defaulted.kind, Audience::Kind::Channel);
        QCOMPARE(defaulted.channel, sse::DefaultChannel);
    }
};

QTEST_GUILESS_MAIN(TestSubscriberRegistry)
#include "tst_subscriberregistry.moc"
