// The stream routes of the HTTP table in DESIGN.md: GET /events and /see, their headers and
// bytes, control events, replay from Last-Event-ID and its gaps, channels, heartbeats, the
// subscriber token, a full server and a stream client that sends more.
// ctest runs this file once per event log ($SSE_TEST_EVENT_LOG), over real loopback sockets
// against a real server on its own thread.
#include "serverfixture.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace testsupport;

class TestHttpApiStreams : public QObject, private EventLogServerTest
{
    Q_OBJECT

private slots:
    void init() { restart(testConfig()); }
    void cleanup() { m_server.server.controller.reset(); }

    void seeIsTheSameStreamAsEvents()
    {
        // DESIGN.md: the classic ASP.NET Core example's page opens EventSource("/see").
        SseReader reader(m_port, "/see?channel=news", {"Last-Event-ID: 0"});
        QTRY_VERIFY(reader.isStreaming());
        QCOMPARE(reader.response().headers.value("content-type"), QByteArray("text/event-stream"));
        QCOMPARE(reader.response().headers.value("access-control-allow-origin"), QByteArray("*"));
        QCOMPARE(postJson(m_port, R"({"event": "custom", "data": "hi", "channel": "news"})").status,
                 202);
        QTRY_COMPARE(reader.userEvents().size(), 1);
        QCOMPARE(reader.userEvents().at(0).type, QStringLiteral("custom"));
        QCOMPARE(reader.userEvents().at(0).data, QStringLiteral("hi"));
        QCOMPARE(request(m_port, "POST", "/see").status, 405);
    }

    void streamHeaders()
    {
        SseReader reader(m_port);
        QTRY_VERIFY(reader.headReceived());
        QCOMPARE(reader.response().status, 200);
        QCOMPARE(reader.response().headers.value("content-type"), QByteArray("text/event-stream"));
        QCOMPARE(reader.response().headers.value("cache-control"), QByteArray("no-cache"));
        QCOMPARE(reader.response().headers.value("x-accel-buffering"), QByteArray("no"));
        QCOMPARE(reader.response().headers.value("access-control-allow-origin"), QByteArray("*"));
        QVERIFY(!reader.response().headers.contains("content-encoding"));
        QVERIFY(!reader.response().headers.contains("content-length"));
    }

    void plainStreamCarriesExactlyWhatWasPublished()
    {
        SseReader plain(m_port);
        SseReader control(m_port, "/events?control=1");
        QTRY_VERIFY(plain.isStreaming() && control.clientId() > 0);
        // A new event type, which control listeners are told about first, and a comment.
        QCOMPARE(postJson(m_port, R"({"event": "price", "data": "42"})").status, 202);
        QTRY_COMPARE(plain.userEvents().size(), 1);
        m_server.server.controller->sendComment(QStringLiteral("note"), {});
        const QByteArray expected =
            sse::encodeEvent(sse::SseEvent{
                QStringLiteral("price"), QStringLiteral("1"), QStringLiteral("42"), {}, {}}) +
            sse::encodeComment(QStringLiteral("note"));
        QTRY_COMPARE(plain.rawBody(), expected);
        QVERIFY(plain.retry().isEmpty());

        // ?control=1 asks for the dashboard's own events: the hello with a reconnect delay,
        // and the announcement of the new type before its first event.
        QCOMPARE(control.retry(), QStringLiteral("2000"));
        QCOMPARE(control.controlEvent(QStringLiteral("dashboard.hello"))
                     .value(QStringLiteral("channels"))
                     .toArray(),
                 QJsonArray{QStringLiteral("default")});
        const qsizetype typesAt = control.rawBody().indexOf("event: dashboard.types");
        QVERIFY(typesAt >= 0 && typesAt < control.rawBody().indexOf("event: price"));
        QCOMPARE(control.userEvents().size(), 1);

        QCOMPARE(request(m_port, "GET", "/events?control=yes").status, 400);
    }

    void subscriberToken()
    {
        sse::ServerConfig config = testConfig();
        config.subscriberToken = QStringLiteral("sub");
        restart(config);
        SseReader refused(m_port);
        QTRY_VERIFY(refused.headReceived());
        QCOMPARE(refused.response().status, 401);
        SseReader byQuery(m_port, "/events?token=sub");
        QTRY_VERIFY(byQuery.isStreaming());
        SseReader byHeader(m_port, "/events", {"Authorization: Bearer sub"});
        QTRY_VERIFY(byHeader.isStreaming());
    }

    void replayFromLastEventIdHeaderAndQuery()
    {
        for (int i = 1; i <= 5; ++i)
            postJson(m_port, "{\"data\": \"e" + QByteArray::number(i) + "\"}");
        SseReader byHeader(m_port, "/events", {"Last-Event-ID: 3"});
        QTRY_COMPARE(byHeader.userEvents().size(), 2);
        QCOMPARE(byHeader.userEvents().at(0).data, QStringLiteral("e4"));
        QCOMPARE(byHeader.userEvents().at(1).data, QStringLiteral("e5"));
        QCOMPARE(byHeader.userEvents().at(1).lastEventId, QStringLiteral("5"));
        QVERIFY(byHeader.comments().isEmpty()); // no gap for a known id

        SseReader byQuery(m_port, "/events?lastEventId=4");
        QTRY_COMPARE(byQuery.userEvents().size(), 1);
        QCOMPARE(byQuery.userEvents().at(0).data, QStringLiteral("e5"));

        // Live events follow the replay in order.
        postJson(m_port, R"({"data": "e6"})");
        QTRY_COMPARE(byHeader.userEvents().size(), 3);
        QCOMPARE(byHeader.userEvents().at(2).data, QStringLiteral("e6"));
    }

    void replayGapIsReported()
    {
        sse::ServerConfig config = testConfig();
        config.historySize = 2;
        restart(config);
        for (int i = 1; i <= 5; ++i)
            postJson(m_port, "{\"data\": \"e" + QByteArray::number(i) + "\"}");
        // Every stream is told of the gap in a comment; control listeners also get an event.
        SseReader plain(m_port, "/events", {"Last-Event-ID: 1"});
        QTRY_COMPARE(plain.userEvents().size(), 2);
        QCOMPARE(plain.comments(), QList<QString>{QStringLiteral(
                                       "history-gap reason=evicted lastEventId=1 oldestId=4")});
        QVERIFY(plain.events().size() == 2);

        SseReader evicted(m_port, "/events?control=1", {"Last-Event-ID: 1"});
        QTRY_COMPARE(evicted.userEvents().size(), 2);
        const QJsonObject gap = evicted.controlEvent(QStringLiteral("dashboard.history-gap"));
        QCOMPARE(gap.value(QStringLiteral("reason")).toString(), QStringLiteral("evicted"));
        QCOMPARE(gap.value(QStringLiteral("lastEventId")).toString(), QStringLiteral("1"));
        QCOMPARE(gap.value(QStringLiteral("oldestId")).toString(), QStringLiteral("4"));
        // The gap notice carries no id, so the client's last event id comes from real events.
        QCOMPARE(evicted.userEvents().at(0).lastEventId, QStringLiteral("4"));

        SseReader unknown(m_port, "/events?control=1&lastEventId=zzz");
        QTRY_VERIFY(!unknown.controlEvent(QStringLiteral("dashboard.history-gap")).isEmpty());
        QCOMPARE(unknown.controlEvent(QStringLiteral("dashboard.history-gap"))
                     .value(QStringLiteral("reason"))
                     .toString(),
                 QStringLiteral("unknown"));
    }

    void channelsAreIsolated()
    {
        SseReader onA(m_port, "/events?channel=a");
        SseReader onB(m_port, "/events?channel=b");
        SseReader onBoth(m_port, "/events?channel=a&channel=b");
        SseReader onDefault(m_port);
        QTRY_VERIFY(onA.isStreaming() && onB.isStreaming() && onBoth.isStreaming() &&
                    onDefault.isStreaming());
        QCOMPARE(postJson(m_port, R"({"data": "for a", "channel": "a"})")
                     .json()
                     .object()
                     .value(QStringLiteral("delivered"))
                     .toInt(),
                 2);
        postJson(m_port, R"({"data": "for b", "channel": "b"})");
        postJson(m_port, R"({"data": "for default"})");
        QTRY_COMPARE(onBoth.userEvents().size(), 2);
        QTRY_COMPARE(onDefault.userEvents().size(), 1);
        QTRY_COMPARE(onA.userEvents().size(), 1);
        QTRY_COMPARE(onB.userEvents().size(), 1);
        QCOMPARE(onA.userEvents().constFirst().data, QStringLiteral("for a"));
        QCOMPARE(onB.userEvents().constFirst().data, QStringLiteral("for b"));
        QCOMPARE(onDefault.userEvents().constFirst().data, QStringLiteral("for default"));
        // Give the others time to show a leak: one more event everyone sees, then compare.
        postJson(m_port, R"({"data": "last", "channel": "a"})");
        QTRY_COMPARE(onA.userEvents().size(), 2);
        QCOMPARE(onB.userEvents().size(), 1);

        SseReader bad(m_port, "/events?channel=has%20space");
        QTRY_VERIFY(bad.headReceived());
        QCOMPARE(bad.response().status, 400);

        // A subscriber may listen to 32 channels, not to thousands.
        QByteArray many = "/events?";
        for (int i = 0; i < 33; ++i)
            many += "channel=c" + QByteArray::number(i) + '&';
        SseReader tooMany(m_port, many);
        QTRY_VERIFY(tooMany.headReceived());
        QCOMPARE(tooMany.response().status, 400);
        QVERIFY(QJsonDocument::fromJson(tooMany.response().body)
                    .object()
                    .value(QStringLiteral("error"))
                    .toString()
                    .contains(QStringLiteral("32")));
        SseReader enough(m_port, many.left(many.lastIndexOf("channel=c32")));
        QTRY_VERIFY(enough.isStreaming());
    }

    void heartbeatComments()
    {
        sse::ServerConfig config = testConfig();
        config.heartbeatSeconds = 1;
        restart(config);
        SseReader reader(m_port);
        QTRY_VERIFY_WITH_TIMEOUT(reader.comments().count(QStringLiteral("heartbeat")) >= 3, 6000);
        QVERIFY(reader.userEvents().isEmpty());
    }

    void busyStreamsNeedNoHeartbeat()
    {
        sse::ServerConfig config = testConfig();
        config.heartbeatSeconds = 1;
        restart(config);
        SseReader busy(m_port, "/events?channel=busy");
        SseReader idle(m_port);
        QTRY_VERIFY(busy.isStreaming() && idle.isStreaming());
        // Keep one stream busy through three heartbeat periods; only the idle one gets beats.
        QTRY_VERIFY_WITH_TIMEOUT(
            (postJson(m_port, R"({"data": "tick", "channel": "busy"})").status == 202 &&
             idle.comments().count(QStringLiteral("heartbeat")) >= 3),
            8000);
        QCOMPARE(busy.comments().count(QStringLiteral("heartbeat")), 0);
    }

    void fullServerTellsStreamsToRetry()
    {
        sse::ServerConfig config = testConfig();
        config.maxClients = 2;
        restart(config);
        SseReader one(m_port);
        SseReader two(m_port);
        QTRY_VERIFY(one.isStreaming() && two.isStreaming());
        // Any status but 200 would end an EventSource for good: a full server answers with a
        // stream that only says when to come back, then ends it.
        SseReader three(m_port);
        QTRY_VERIFY(three.headReceived());
        QCOMPARE(three.response().status, 200);
        QTRY_VERIFY(!three.isConnected());
        QCOMPARE(three.response().headers.value("content-type"), QByteArray("text/event-stream"));
        QVERIFY2(three.comments().join(u' ').contains(QStringLiteral("server full")),
                 qPrintable(three.comments().join(u' ')));
        QVERIFY(three.retry().toInt() >= 2000 && three.retry().toInt() < 5000);
        QVERIFY(three.userEvents().isEmpty());
        const QJsonObject stats = request(m_port, "GET", "/api/stats").json().object();
        QCOMPARE(stats.value(QStringLiteral("clients")).toInt(), 2);
        QCOMPARE(stats.value(QStringLiteral("rejectedConnections")).toInt(), 1);
        QCOMPARE(stats.value(QStringLiteral("retryAnswers")).toInt(), 1);
        // A place frees up when a subscriber leaves.
        one.socket().abort();
        QTRY_COMPARE(request(m_port, "GET", "/api/stats")
                         .json()
                         .object()
                         .value(QStringLiteral("clients"))
                         .toInt(),
                     1);
        SseReader four(m_port);
        QTRY_VERIFY(four.isStreaming());
    }

    void streamClientMustNotSendMore()
    {
        SseReader reader(m_port);
        QTRY_VERIFY(reader.isStreaming());
        reader.socket().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_VERIFY(!reader.isConnected());
        QTRY_COMPARE(request(m_port, "GET", "/api/stats")
                         .json()
                         .object()
                         .value(QStringLiteral("clients"))
                         .toInt(),
                     0);
    }
};

QTEST_GUILESS_MAIN(TestHttpApiStreams)
#include "tst_httpapi_streams.moc"
