// Fault injection over real loopback sockets (docs/faults.md): each kind that acts on an open
// stream (close, reset, cut, stall, drip, dropped events, malformed bytes, retry), on a client
// or a channel, and the clients it must leave alone.
#include "faultfixture.h"
#include "rawstream.h"
#include "serverfixture.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace testsupport;

class TestFaultsOnStreams : public QObject, private FaultTest
{
    Q_OBJECT

private slots:
    void init() { startServer(); }
    void cleanup() { m_server.controller.reset(); }

    void closeEndsTheStreamWithFin()
    {
        quint64 a = 0, b = 0;
        auto streamA = open(&a);
        auto streamB = open(&b);
        QVERIFY(!install(jsonText("{'kind':'close','client':") + target(a) + "}").isEmpty());
        QCOMPARE(streamA->readToEnd(), RawStream::End::Fin);
        publish(jsonText("{'data':'after'}"));
        QCOMPARE(streamB->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                 RawStream::End::Open);
        QCOMPARE(clients().size(), 1);
        QVERIFY(faults().isEmpty()); // one-shot: done once it fired
    }

    void resetHitsOneClientWhileAnotherKeepsReceiving()
    {
        quint64 a = 0, b = 0;
        auto streamA = open(&a);
        auto streamB = open(&b);
        const HttpResponse response = postJson(
            m_port, jsonText("{'kind':'reset','client':") + target(a) + "}", "/api/faults");
        QCOMPARE(response.status, 201);
        QCOMPARE(response.json().object().value(QStringLiteral("applied")).toInt(), 1);
        QCOMPARE(response.headers.value("location"),
                 "/api/faults/" +
                     response.json().object().value(QStringLiteral("id")).toString().toLatin1());
        QCOMPARE(streamA->readToEnd(), RawStream::End::Reset);
        publish(jsonText("{'data':'still here'}"));
        QCOMPARE(streamB->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                 RawStream::End::Open);
        QCOMPARE(streamB->events().constFirst().data, QStringLiteral("still here"));
    }

    void cutMidEventDeliversPartOfAnEventThenCloses()
    {
        quint64 a = 0, b = 0;
        auto streamA = open(&a);
        auto streamB = open(&b);
        QVERIFY(
            !install(jsonText("{'kind':'cut-mid-event','client':") + target(a) + "}").isEmpty());
        QCOMPARE(faults().size(), 1); // armed until the next event
        publish(jsonText("{'event':'update','data':'a line long enough to be cut in two'}"));
        QCOMPARE(streamB->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                 RawStream::End::Open);
        QCOMPARE(streamA->readToEnd(), RawStream::End::Fin);
        const QByteArray whole = streamB->body();
        const QByteArray part = streamA->body();
        QVERIFY(!part.isEmpty());
        QVERIFY2(part.size() < whole.size() - 2, part.constData());
        QVERIFY(whole.startsWith(part));
        QVERIFY(streamA->events().isEmpty()); // nothing a client could dispatch
        QTRY_VERIFY(faults().isEmpty());
    }

    void stallQueuesThenResumes()
    {
        quint64 a = 0, b = 0;
        auto streamA = open(&a);
        auto streamB = open(&b);
        // Long enough that the other client has both events well before it ends, even on a
        // loaded machine; the assertions wait on events, never on time.
        QVERIFY(!install(jsonText("{'kind':'stall','client':") + target(a) +
                         jsonText(",'seconds':2.5}"))
                     .isEmpty());
        publish(jsonText("{'data':'one'}"));
        publish(jsonText("{'data':'two'}"));
        QCOMPARE(streamB->readUntil([](const QByteArray &body) { return hasEvents(body, 2); }),
                 RawStream::End::Open);
        streamA->readAvailable();
        QVERIFY(streamA->body().isEmpty()); // stalled while the other has both
        QCOMPARE(clients().size(), 2);      // and still connected
        // Then everything it missed arrives, in order, on the same connection.
        QCOMPARE(streamA->readUntil([](const QByteArray &body) { return hasEvents(body, 2); }),
                 RawStream::End::Open);
        QCOMPARE(ids(streamA->events()), ids(streamB->events()));
        QTRY_VERIFY(faults().isEmpty());
        publish(jsonText("{'data':'three'}"));
        QCOMPARE(streamA->readUntil([](const QByteArray &body) { return hasEvents(body, 3); }),
                 RawStream::End::Open);
    }

    void aStallPastTheQueueLimitDropsTheSlowConsumer()
    {
        sse::ServerConfig config = testConfig();
        config.maxQueueBytes = 4096;
        startServer(config);
        quint64 a = 0, b = 0;
        auto streamA = open(&a);
        auto streamB = open(&b);
        QVERIFY(
            !install(jsonText("{'kind':'stall','client':") + target(a) + jsonText(",'seconds':60}"))
                 .isEmpty());
        const QByteArray big(3000, 'x');
        publish(jsonText("{'data':'") + big + jsonText("'}"));
        publish(jsonText("{'data':'") + big + jsonText("'}"));
        QCOMPARE(streamA->readToEnd(), RawStream::End::Reset);
        QCOMPARE(streamB->readUntil([](const QByteArray &body) { return hasEvents(body, 2); }),
                 RawStream::End::Open);
        QCOMPARE(request(m_port, "GET", "/api/stats")
                     .json()
                     .object()
                     .value(QStringLiteral("slowClientDrops"))
                     .toInt(),
                 1);
        QTRY_VERIFY(faults().isEmpty()); // the client it stalled is gone
    }

    void dripThrottlesOneStream()
    {
        quint64 a = 0, b = 0;
        auto streamA = open(&a);
        auto streamB = open(&b);
        QVERIFY(!install(jsonText("{'kind':'drip','client':") + target(a) +
                         jsonText(",'bytesPerSecond':1000}"))
                     .isEmpty());
        const QByteArray data(3000, 'd'); // 3 s at this rate: the other client has it long before
        QElapsedTimer clock;
        clock.start();
        publish(jsonText("{'data':'") + data + jsonText("'}"));
        QCOMPARE(streamB->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                 RawStream::End::Open);
        streamA->readAvailable();
        const qsizetype whole = streamB->body().size();
        QVERIFY2(streamA->body().size() < whole, QByteArray::number(streamA->body().size()));
        QCOMPARE(streamA->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                 RawStream::End::Open);
        QCOMPARE(streamA->body(), streamB->body());
        QVERIFY(streamA->reads() > 2); // it came in pieces
        // Information for docs/faults.md, not an assertion: timing belongs to benchmarks.
        qInfo("drip 1000 B/s: %lld bytes in %lld ms over %d reads", qint64(whole),
              qint64(clock.elapsed()), streamA->reads());
        const QJsonObject client = clients().at(0).toObject();
        QCOMPARE(client.value(QStringLiteral("faults")).toArray().size(), 1);
    }

    void dropEventsLeavesIdGaps()
    {
        quint64 a = 0, b = 0;
        auto streamA = open(&a);
        auto streamB = open(&b);
        QVERIFY(!install(jsonText("{'kind':'drop-events','client':") + target(a) +
                         jsonText(",'every':2}"))
                     .isEmpty());
        for (int i = 1; i <= 5; ++i)
            publish(jsonText("{'data':'e") + QByteArray::number(i) + jsonText("'}"));
        QCOMPARE(streamB->readUntil([](const QByteArray &body) { return hasEvents(body, 5); }),
                 RawStream::End::Open);
        QCOMPARE(streamA->readUntil([](const QByteArray &body) { return hasEvents(body, 3); }),
                 RawStream::End::Open);
        QCOMPARE(ids(streamA->events()),
                 QStringList({QStringLiteral("1"), QStringLiteral("3"), QStringLiteral("5")}));
        QCOMPARE(streamB->events().size(), 5);
    }

    void malformedSendsTheNextEventWithAFlaw_data()
    {
        QTest::addColumn<QByteArray>("variant");
        QTest::addColumn<QByteArray>("expected"); // the first event's bytes on the wire
        QTest::addColumn<QString>("dispatched");  // what a WHATWG parser makes of it
        QTest::newRow("cr-line-endings")
            << QByteArray("cr-line-endings") << QByteArray("id: 1\rdata: hello\r\r") << "hello";
        QTest::newRow("bom") << QByteArray("bom")
                             << QByteArray("\xEF\xBB\xBFid: 1\ndata: hello\n\n")
                             << "hello"; // the id line is lost, the data is not
        QTest::newRow("lone-cr") << QByteArray("lone-cr") << QByteArray("id: 1\ndata: he\rllo\n\n")
                                 << "he";
        QTest::newRow("invalid-utf8")
            << QByteArray("invalid-utf8") << QByteArray("id: 1\ndata: he\xFF\xFEllo\n\n")
            << QStringLiteral("he\uFFFD\uFFFDllo");
        QTest::newRow("no-colon") << QByteArray("no-colon")
                                  << QByteArray("data\nid: 1\ndata: hello\n\n") << "\nhello";
    }

    void malformedSendsTheNextEventWithAFlaw()
    {
        QFETCH(QByteArray, variant);
        QFETCH(QByteArray, expected);
        QFETCH(QString, dispatched);
        quint64 a = 0;
        auto stream = open(&a);
        QVERIFY(!install(jsonText("{'kind':'malformed','client':") + target(a) +
                         jsonText(",'variant':'") + variant + jsonText("'}"))
                     .isEmpty());
        publish(jsonText("{'data':'hello'}"));
        publish(jsonText("{'data':'plain again'}"));
        const QByteArray second = "id: 2\ndata: plain again\n\n";
        QCOMPARE(stream->readUntil([&](const QByteArray &body) { return body.endsWith(second); }),
                 RawStream::End::Open);
        QCOMPARE(stream->body(), expected + second); // one-shot: the next event is whole
        const QList<ReceivedEvent> events = stream->events();
        QVERIFY(!events.isEmpty());
        QCOMPARE(events.constFirst().data, dispatched);
    }

    void retryIsSentNow()
    {
        quint64 a = 0;
        auto stream = open(&a);
        QVERIFY(
            !install(jsonText("{'kind':'retry','client':") + target(a) + jsonText(",'ms':1234}"))
                 .isEmpty());
        QCOMPARE(stream->readUntil([](const QByteArray &body) { return body.contains("\n\n"); }),
                 RawStream::End::Open);
        QCOMPARE(stream->body(), QByteArray("retry: 1234\n\n"));
        SseParser parser;
        parser.feed(stream->body());
        QCOMPARE(parser.retry(), QStringLiteral("1234"));
        QVERIFY(parser.events().isEmpty());
    }

    void aChannelFaultHitsItsMembersAndJoiners()
    {
        quint64 a = 0, b = 0, c = 0;
        auto onA = open(&a, "/events?channel=a");
        auto onB = open(&b, "/events?channel=b");
        QVERIFY(
            !install(jsonText("{'kind':'malformed','channel':'a','variant':'bom','oneShot':false}"))
                 .isEmpty());
        auto joiner = open(&c, "/events?channel=a");
        const QJsonArray listed = faults();
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.at(0).toObject().value(QStringLiteral("clients")).toArray().size(), 2);
        publish(jsonText("{'channel':'a','data':'to a'}"));
        publish(jsonText("{'channel':'b','data':'to b'}"));
        for (RawStream *stream : {onA.get(), joiner.get()}) {
            QCOMPARE(stream->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                     RawStream::End::Open);
            QVERIFY(stream->body().startsWith("\xEF\xBB\xBF"));
        }
        QCOMPARE(onB->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                 RawStream::End::Open);
        QVERIFY(onB->body().startsWith("id:"));
    }
};

QTEST_GUILESS_MAIN(TestFaultsOnStreams)
#include "tst_faults_streams.moc"
