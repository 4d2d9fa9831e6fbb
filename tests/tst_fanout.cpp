// Fan-out over real loopback sockets: many subscribers, nothing lost or reordered, and a
// subscriber that never reads is dropped without stalling the others.
#include "serverfixture.h"
#include "sseserver.h"
#include "testsupport.h"

#include <QJsonObject>
#include <QTest>

#include <memory>
#include <vector>

using namespace testsupport;

class TestFanout : public QObject
{
    Q_OBJECT

private slots:
    void manySubscribersManyEvents_data()
    {
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("Subscribers");
        QTest::addColumn<int>("Events");
        QTest::newRow("one thread, 100 x 100") << 1 << 100 << 100;
        // Enough subscribers for the sends to be split over the fan-out threads.
        QTest::newRow("three threads, 300 x 50") << 3 << 300 << 50;
    }

    void manySubscribersManyEvents()
    {
        QFETCH(int, threads);
        QFETCH(int, Subscribers);
        QFETCH(int, Events);
        sse::ServerController controller;
        sse::ServerConfig config;
        config.fanoutThreads = threads;
        const quint16 port = startServer(controller, config);
        QVERIFY(port);
        std::vector<std::unique_ptr<SseReader>> readers;
        for (int i = 0; i < Subscribers; ++i)
            readers.push_back(std::make_unique<SseReader>(port));
        for (const auto &reader : readers)
            QTRY_VERIFY(reader->isStreaming());

        for (int n = 0; n < Events; ++n) {
            sse::SseEvent event;
            event.event = (n % 2) ? QStringLiteral("odd") : QString();
            event.data = QStringLiteral("event %1\nsecond line").arg(n);
            controller.publish(event);
        }
        for (const auto &reader : readers)
            QTRY_COMPARE(reader->userEvents().size(), Events);
        for (const auto &reader : readers) {
            const QList<ReceivedEvent> events = reader->userEvents();
            for (int n = 0; n < Events; ++n) {
                QCOMPARE(events.at(n).data, QStringLiteral("event %1\nsecond line").arg(n));
                QCOMPARE(events.at(n).lastEventId, QString::number(n + 1));
                QCOMPARE(events.at(n).type,
                         (n % 2) ? QStringLiteral("odd") : QStringLiteral("message"));
            }
        }
        const QJsonObject stats = request(port, "GET", "/api/stats").json().object();
        QCOMPARE(stats.value(QStringLiteral("deliveries")).toInt(), Subscribers * Events);
        QCOMPARE(stats.value(QStringLiteral("slowClientDrops")).toInt(), 0);
    }

    void burstsLeaveInOneWritePerSubscriber()
    {
        // The server lives on this thread here, so a burst of publishes is one event-loop turn.
        sse::ServerConfig config;
        config.port = 0;
        if (overTls())
            useTestCertificate(config);
        sse::SseServer server(config);
        QVERIFY(server.start());
        constexpr int Subscribers = 20;
        constexpr int Events = 50;
        std::vector<std::unique_ptr<SseReader>> readers;
        for (int i = 0; i < Subscribers; ++i)
            readers.push_back(std::make_unique<SseReader>(server.port()));
        SseReader both(server.port(), "/events?channel=a&channel=b");
        for (const auto &reader : readers)
            QTRY_VERIFY(reader->isStreaming());
        QTRY_VERIFY(both.isStreaming());

        const quint64 writesBefore = server.stats().streamWrites;
        for (int n = 0; n < Events; ++n) {
            int delivered = -1;
            server.publish(
                sse::SseEvent{{}, {}, QStringLiteral("burst %1").arg(n), {}, {}}, {},
                [&delivered](const sse::PublishResult &result) { delivered = result.delivered; });
            QCOMPARE(delivered, Subscribers); // the memory log accepts at once
        }
        for (const auto &reader : readers) {
            QTRY_COMPARE(reader->userEvents().size(), Events);
            for (int n = 0; n < Events; ++n)
                QCOMPARE(reader->userEvents().at(n).data, QStringLiteral("burst %1").arg(n));
            QCOMPARE(reader->userEvents().constLast().lastEventId, QString::number(Events));
        }
        QCOMPARE(server.stats().streamWrites - writesBefore, quint64(Subscribers));
        // Ids follow the order the server handled the subscribe requests in, not the order
        // the readers were made, so each client is told apart by its channels.
        int onDefault = 0;
        for (const sse::ClientInfo &client : server.clients()) {
            if (client.channels != QStringList{sse::DefaultChannel}) {
                QCOMPARE(client.eventsSent, quint64(0));
                continue;
            }
            ++onDefault;
            QCOMPARE(client.eventsSent, quint64(Events));
            QCOMPARE(client.lastEventId, QString::number(Events));
        }
        QCOMPARE(onDefault, Subscribers);

        // Interleaved audiences keep their order for a subscriber of both.
        for (int n = 0; n < 6; ++n) {
            server.publish(sse::SseEvent{{},
                                         {},
                                         QString::number(n),
                                         {},
                                         n % 3 == 2 ? QStringLiteral("b") : QStringLiteral("a")});
        }
        QTRY_COMPARE(both.userEvents().size(), 6);
        for (int n = 0; n < 6; ++n)
            QCOMPARE(both.userEvents().at(n).data, QString::number(n));
    }

    void slowConsumerIsDroppedWhileOthersReceive()
    {
        sse::ServerController controller;
        sse::ServerConfig config;
        config.maxQueueBytes = 256 * 1024;
        config.historySize = 10;
        const quint16 port = startServer(controller, config);
        QVERIFY(port);

        SseReader healthy(port);
        // Reads the response head, then stops reading: its kernel buffers fill and the
        // server's queue for it grows until the limit.
        const std::unique_ptr<QTcpSocket> stalledOwned = connectTo(port);
        QTcpSocket &stalled = *stalledOwned;
        stalled.setReadBufferSize(1024);
        QVERIFY(waitForConnected(stalled, 2000));
        stalled.write("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QTRY_VERIFY(healthy.isStreaming());
        QTRY_COMPARE(request(port, "GET", "/api/stats")
                         .json()
                         .object()
                         .value(QStringLiteral("clients"))
                         .toInt(),
                     2);

        const QString payload(64 * 1024, u'p');
        constexpr int MaxEvents = 400; // 25 MiB: far beyond kernel buffers plus the queue limit
        int published = 0;
        while (published < MaxEvents) {
            sse::SseEvent event;
            event.data = payload + QString::number(published);
            controller.publish(event);
            ++published;
            // The healthy reader reads only while this thread waits: a burst must fit in its
            // kernel buffer (StreamHub::SendBufferBytes) plus its queue limit.
            if (published % 4 == 0) {
                QTRY_COMPARE(healthy.userEvents().size(), published); // keeps up throughout
                const QJsonObject stats = request(port, "GET", "/api/stats").json().object();
                if (stats.value(QStringLiteral("slowClientDrops")).toInt() == 1)
                    break;
            }
        }
        QVERIFY2(published < MaxEvents, "the stalled subscriber was never dropped");
        const QJsonObject stats = request(port, "GET", "/api/stats").json().object();
        QCOMPARE(stats.value(QStringLiteral("slowClientDrops")).toInt(), 1);
        QCOMPARE(stats.value(QStringLiteral("clients")).toInt(), 1);
        QTRY_COMPARE(healthy.userEvents().size(), published);
        QCOMPARE(healthy.userEvents().constLast().data, payload + QString::number(published - 1));
        QVERIFY(healthy.isConnected());
    }
};

QTEST_GUILESS_MAIN(TestFanout)
#include "tst_fanout.moc"
