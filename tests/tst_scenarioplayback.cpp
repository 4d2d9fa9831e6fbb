// Scenario playback and scenario routes over real loopback sockets: /api/scenarios, the
// player's order, targets, pause and loop, and routes that stream a scenario per request.
#include "serverfixture.h"
#include "sseserver.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryFile>
#include <QTest>

#include <memory>

using namespace testsupport;

class TestScenarioPlayback : public QObject
{
    Q_OBJECT

private:
    // On its own thread: the test's blocking HTTP requests need a server that answers meanwhile.
    TestServer m_server;
    quint16 m_port = 0;

    void startServer(const sse::ServerConfig &config = testConfig())
    {
        QVERIFY(m_server.restart(config));
        m_port = m_server.port;
    }

    void startWithRoutes(const QStringList &routes)
    {
        sse::ServerConfig config = testConfig();
        config.routes = routes;
        startServer(config);
    }

    QJsonObject stats() const { return request(m_port, "GET", "/api/stats").json().object(); }

    HttpResponse postScenario(const QByteArray &body, const QByteArray &query = {},
                              const QByteArray &type = "application/x-ndjson")
    {
        return request(m_port, "POST", "/api/scenarios" + query, body, {"Content-Type: " + type});
    }

    QJsonArray playing() const { return request(m_port, "GET", "/api/scenarios").json().array(); }

    static QStringList datas(const QList<ReceivedEvent> &events)
    {
        QStringList list;
        for (const ReceivedEvent &event : events)
            list.append(event.data);
        return list;
    }

private slots:
    void init() { startServer(); }
    void cleanup() { m_server.controller.reset(); }

    void stepsArriveInOrderWithTheirFields()
    {
        SseReader reader(m_port, "/events?channel=news");
        QTRY_VERIFY(reader.isStreaming());
        const HttpResponse started = postScenario(
            "{\"data\": \"one\", \"channel\": \"news\"}\n"
            "{\"delay\": 20, \"event\": \"tick\", \"id\": \"t-2\", \"data\": {\"n\": 2}, "
            "\"channel\": \"news\"}\n"
            "{\"delay\": 20, \"comment\": \"between\", \"data\": \"three\", \"channel\": "
            "\"news\"}\n"
            "{\"delay\": 20, \"data\": \"elsewhere\", \"channel\": \"other\"}\n"
            "{\"delay\": 20, \"data\": \"four\", \"channel\": \"news\", \"retry\": 1500}\n");
        QCOMPARE(started.status, 201);
        const QString id = started.json().object().value(u"id").toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(started.headers.value("location"), "/api/scenarios/" + id.toLatin1());
        QTRY_COMPARE(reader.events().size(), 4);
        QCOMPARE(datas(reader.events()),
                 QStringList({QStringLiteral("one"), QStringLiteral("{\"n\":2}"),
                              QStringLiteral("three"), QStringLiteral("four")}));
        QCOMPARE(reader.events().at(1).type, QStringLiteral("tick"));
        QCOMPARE(reader.events().at(1).lastEventId, QStringLiteral("t-2"));
        // Steps without an id get the server's next one, as with /publish.
        QVERIFY(reader.events().at(2).lastEventId.toInt() > 0);
        QVERIFY(reader.comments().contains(QStringLiteral("between")));
        QCOMPARE(reader.retry(), QStringLiteral("1500"));
        QTRY_VERIFY(playing().isEmpty()); // a finished playback leaves the list
    }

    void listShowsProgressAndDeleteStops()
    {
        const HttpResponse started = postScenario(
            "{\"data\": \"now\"}\n{\"delay\": 60000, \"data\": \"later\"}\n", "?name=slow&speed=2");
        QCOMPARE(started.status, 201);
        const QString id = started.json().object().value(u"id").toString();
        QJsonObject entry;
        QTRY_VERIFY((entry = playing().first().toObject()).value(u"step").toInt() == 1);
        QCOMPARE(entry.value(u"id").toString(), id);
        QCOMPARE(entry.value(u"name").toString(), QStringLiteral("slow"));
        QCOMPARE(entry.value(u"state").toString(), QStringLiteral("playing"));
        QCOMPARE(entry.value(u"steps").toInt(), 2);
        QCOMPARE(entry.value(u"totalMs").toInt(), 60000);
        QCOMPARE(entry.value(u"speed").toDouble(), 2.0);
        QCOMPARE(request(m_port, "DELETE", "/api/scenarios/" + id.toLatin1()).status, 200);
        QVERIFY(playing().isEmpty());
        QCOMPARE(request(m_port, "DELETE", "/api/scenarios/" + id.toLatin1()).status, 404);
        QCOMPARE(request(m_port, "DELETE", "/api/scenarios/x").status, 400);
    }

    void badRequestsChangeNothing_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("expected");
        const QByteArray good = "{\"delay\": 10, \"data\": \"x\"}\n";
        QTest::newRow("wrong type")
            << good << QByteArray() << QByteArray("application/json") << 415 << "Content-Type";
        QTest::newRow("bad line") << good + "{\"dat\": 1}\n"
                                  << QByteArray() << QByteArray("application/jsonl") << 400
                                  << "scenario: line 2: field 'dat': unknown";
        QTest::newRow("speed") << good << QByteArray("?speed=20")
                               << QByteArray("application/x-ndjson") << 400 << "speed";
        QTest::newRow("loop") << good << QByteArray("?loop=yes")
                              << QByteArray("application/x-ndjson") << 400 << "loop";
        QTest::newRow("loop without delay")
            << QByteArray("{\"data\": \"x\"}") << QByteArray("?loop=1")
            << QByteArray("application/x-ndjson") << 400 << "add up to 0 ms";
        QTest::newRow("channel") << good << QByteArray("?channel=a%20b")
                                 << QByteArray("application/x-ndjson") << 400 << "channel";
        QTest::newRow("client") << good << QByteArray("?client=abc")
                                << QByteArray("application/x-ndjson") << 400 << "client";
    }

    void badRequestsChangeNothing()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, query);
        QFETCH(QByteArray, type);
        QFETCH(int, status);
        QFETCH(QString, expected);
        const HttpResponse response = postScenario(body, query, type);
        QCOMPARE(response.status, status);
        QVERIFY2(response.error().contains(expected), qPrintable(response.error()));
        QVERIFY(playing().isEmpty());
        QCOMPARE(stats().value(u"eventsPublished").toInt(), 0);
    }

    void publishingRulesApply()
    {
        sse::ServerConfig config = testConfig();
        config.requireTokenOnLoopback = true; // stands in for a caller on another computer
        startServer(config);
        const QByteArray body = "{\"data\": \"x\"}\n";
        QCOMPARE(postScenario(body).status, 401);
        QCOMPARE(request(m_port, "POST", "/api/scenarios", body,
                         {"Content-Type: application/x-ndjson", "Authorization: Bearer nope"})
                     .status,
                 401);
        QCOMPARE(
            request(m_port, "POST", "/api/scenarios", body,
                    {"Content-Type: application/x-ndjson", "Authorization: Bearer secret-token"})
                .status,
            201);
        QCOMPARE(request(m_port, "DELETE", "/api/scenarios/1").status, 401);
        QCOMPARE(request(m_port, "GET", "/api/scenarios").status, 200); // reading stays open
    }

    void channelOverrideAndClientTarget()
    {
        SseReader news(m_port, "/events?channel=news&control=1");
        SseReader sports(m_port, "/events?channel=sports&control=1");
        QTRY_VERIFY(news.clientId() > 0 && sports.clientId() > 0);
        QCOMPARE(postScenario("{\"data\": \"to news\", \"channel\": \"sports\"}\n", "?channel=news")
                     .status,
                 201);
        QTRY_COMPARE(news.userEvents().size(), 1);
        QCOMPARE(postScenario("{\"data\": \"to sports only\"}\n",
                              "?client=" + QByteArray::number(sports.clientId()))
                     .status,
                 201);
        QTRY_COMPARE(sports.userEvents().size(), 1);
        QCOMPARE(sports.userEvents().first().data, QStringLiteral("to sports only"));
        QCOMPARE(datas(news.userEvents()), QStringList{QStringLiteral("to news")});
    }

    void loopStartsOverUntilStopped()
    {
        SseReader reader(m_port);
        QTRY_VERIFY(reader.isStreaming());
        const HttpResponse started =
            postScenario("{\"delay\": 5, \"data\": \"a\"}\n{\"delay\": 5, \"data\": \"b\"}\n",
                         "?loop=1&speed=10");
        QCOMPARE(started.status, 201);
        QTRY_VERIFY(reader.events().size() >= 6);
        QCOMPARE(datas(reader.events().mid(0, 6)),
                 QString(QStringLiteral("a,b,a,b,a,b")).split(u','));
        QVERIFY(playing().first().toObject().value(u"pass").toInt() >= 3);
        const QByteArray id = started.json().object().value(u"id").toString().toLatin1();
        QCOMPARE(request(m_port, "DELETE", "/api/scenarios/" + id).status, 200);
    }

    void pauseHoldsTheNextStepAndResumeGoesOn()
    {
        SseReader reader(m_port);
        QTRY_VERIFY(reader.isStreaming());
        const HttpResponse started =
            postScenario("{\"data\": \"1\"}\n{\"delay\": 50, \"data\": \"2\"}\n");
        QCOMPARE(started.status, 201);
        const quint64 id = started.json().object().value(u"id").toString().toULongLong();
        QTRY_COMPARE(reader.events().size(), 1);
        sse::ServerController &controller = *m_server.controller;
        controller.pauseScenario(id);
        QJsonObject entry;
        QTRY_COMPARE((entry = playing().first().toObject()).value(u"state").toString(),
                     QStringLiteral("paused"));
        // While paused the scenario's clock stands still.
        QCOMPARE(playing().first().toObject().value(u"elapsedMs"), entry.value(u"elapsedMs"));
        QCOMPARE(reader.events().size(), 1);
        controller.resumeScenario(id);
        QTRY_COMPARE(reader.events().size(), 2);
        QTRY_VERIFY(playing().isEmpty());
    }

    void stoppingTheServerEndsPlayback()
    {
        SseReader reader(m_port);
        QTRY_VERIFY(reader.isStreaming());
        QCOMPARE(postScenario("{\"delay\": 5, \"data\": \"x\"}\n", "?loop=1").status, 201);
        QTRY_VERIFY(reader.events().size() >= 2);
        QCOMPARE(playing().size(), 1);
        QSignalSpy stopped(m_server.controller.get(), &sse::ServerController::stopped);
        m_server.controller->stop();
        QVERIFY(stopped.wait());
        QTRY_VERIFY(!reader.isConnected());
        // The same controller starts a fresh server: nothing is left playing.
        m_port = testsupport::startServer(*m_server.controller, testConfig());
        QVERIFY(m_port);
        QVERIFY(playing().isEmpty());
    }

    // --- routes ---

    void postRouteStreamsTheScenarioAndEnds()
    {
        startWithRoutes(
            {QStringLiteral("POST /v1/chat/completions=:/scenarios/openai-chat.jsonl")});
        SseReader reader(m_port, "/v1/chat/completions",
                         {"Content-Type: application/json", "Authorization: Bearer sk-anything"},
                         "POST", "{\"model\": \"gpt\", \"stream\": true, \"messages\": []}");
        QTRY_VERIFY(reader.isStreaming());
        QCOMPARE(reader.response().headers.value("content-type"), "text/event-stream");
        QTRY_VERIFY(!reader.isConnected()); // the stream ends with the scenario
        const QList<ReceivedEvent> events = reader.events();
        QCOMPARE(events.last().data, QStringLiteral("[DONE]"));
        QString content;
        for (const ReceivedEvent &event : events.mid(0, events.size() - 1)) {
            const QJsonObject chunk = QJsonDocument::fromJson(event.data.toUtf8()).object();
            QCOMPARE(chunk.value(u"object").toString(), QStringLiteral("chat.completion.chunk"));
            content += chunk.value(u"choices")
                           .toArray()
                           .first()
                           .toObject()
                           .value(u"delta")
                           .toObject()
                           .value(u"content")
                           .toString();
            QVERIFY(event.lastEventId.isEmpty()); // the template has no ids, none are added
        }
        QVERIFY(content.startsWith(u"Server-sent events let a server push"));
        QVERIFY(!reader.rawBody().contains("id:"));
        QTRY_VERIFY(request(m_port, "GET", "/api/clients").json().array().isEmpty());
        QTRY_VERIFY(playing().isEmpty());
    }

    void eachRequestGetsItsOwnStreamAndPublishesDoNotReachIt()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write("{\"data\": \"first\"}\n{\"delay\": 60000, \"data\": \"never\"}\n");
        file.close();
        startWithRoutes({QStringLiteral("GET /feed=") + file.fileName()});
        SseReader one(m_port, "/feed");
        SseReader two(m_port, "/feed");
        QTRY_COMPARE(one.events().size(), 1);
        QTRY_COMPARE(two.events().size(), 1);
        const QJsonArray clients = request(m_port, "GET", "/api/clients").json().array();
        QCOMPARE(clients.size(), 2);
        QCOMPARE(clients.first().toObject().value(u"route").toString(),
                 QStringLiteral("GET /feed"));
        QCOMPARE(playing().size(), 2);
        // A publish to every channel is not for a route's stream.
        SseReader plain(m_port);
        QTRY_VERIFY(plain.isStreaming());
        sse::PublishTarget all;
        all.kind = sse::PublishTarget::Kind::All;
        m_server.controller->publish(sse::SseEvent{{}, {}, QStringLiteral("to all"), {}, {}}, all);
        QTRY_COMPARE(plain.events().size(), 1);
        QCOMPARE(one.events().size(), 1);
        // The client hanging up stops its playback.
        one.socket().abort();
        QTRY_COMPARE(playing().size(), 1);
        // Stopping the playback ends the stream.
        const QByteArray id = playing().first().toObject().value(u"id").toString().toLatin1();
        QCOMPARE(request(m_port, "DELETE", "/api/scenarios/" + id).status, 200);
        QTRY_VERIFY(!two.isConnected());
    }

    void streamFalseGetsOneJsonAnswer()
    {
        startWithRoutes(
            {QStringLiteral("POST /v1/chat/completions=:/scenarios/openai-chat.jsonl")});
        const HttpResponse answer =
            postJson(m_port, "{\"model\": \"m\", \"stream\": false}", "/v1/chat/completions");
        QCOMPARE(answer.status, 200);
        const QJsonObject completion = answer.json().object();
        QCOMPARE(completion.value(u"object").toString(), QStringLiteral("chat.completion"));
        QVERIFY(completion.value(u"choices")
                    .toArray()
                    .first()
                    .toObject()
                    .value(u"message")
                    .toObject()
                    .value(u"content")
                    .toString()
                    .endsWith(u"token by token."));
    }

    void routeMethodsPathsAndTokens()
    {
        startWithRoutes({QStringLiteral("POST /chat=:/scenarios/chat-messages.jsonl")});
        const HttpResponse wrongMethod = request(m_port, "GET", "/chat");
        QCOMPARE(wrongMethod.status, 405);
        QCOMPARE(wrongMethod.headers.value("allow"), "POST,OPTIONS");
        QCOMPARE(request(m_port, "GET", "/not-bound").status, 404);
        // Routes change while the server runs; a bad spec leaves them as they were.
        sse::ServerController &controller = *m_server.controller;
        QSignalSpy applied(&controller, &sse::ServerController::routesApplied);
        controller.setRoutes({QStringLiteral("POST /events=:/scenarios/progress.jsonl")});
        QVERIFY(applied.wait());
        QVERIFY(applied.takeFirst().at(0).toString().contains(u"server's own path"));
        controller.setRoutes({QStringLiteral("POST /a=:/scenarios/progress.jsonl"),
                              QStringLiteral("POST /a=:/scenarios/progress.jsonl")});
        QVERIFY(applied.wait());
        QVERIFY(applied.takeFirst().at(0).toString().contains(u"bound twice"));
        QCOMPARE(request(m_port, "GET", "/chat").status, 405);
        controller.setRoutes({QStringLiteral("GET /chat=:/scenarios/chat-messages.jsonl")});
        QVERIFY(applied.wait());
        QCOMPARE(applied.takeFirst().at(0).toString(), QString());
        SseReader rebound(m_port, "/chat");
        QTRY_VERIFY(rebound.isStreaming());

        sse::ServerConfig config = testConfig();
        config.subscriberToken = QStringLiteral("sub");
        config.routes = QStringList{QStringLiteral("POST /chat=:/scenarios/chat-messages.jsonl")};
        startServer(config);
        SseReader refused(m_port, "/chat", {"Authorization: Bearer sk-openai-key"}, "POST");
        QTRY_VERIFY(refused.headReceived());
        QCOMPARE(refused.response().status, 401);
        SseReader allowed(m_port, "/chat", {"Authorization: Bearer sub"}, "POST");
        QTRY_VERIFY(allowed.isStreaming());
    }

    void badRouteFileStopsTheStart()
    {
        sse::ServerConfig config = testConfig();
        config.port = 0;
        config.routes = QStringList{QStringLiteral("GET /x=/nonexistent.jsonl")};
        sse::SseServer server(config);
        QString error;
        QVERIFY(!server.start(&error));
        QVERIFY2(error.contains(u"/nonexistent.jsonl"), qPrintable(error));
        QVERIFY(!server.isListening());
    }
};

QTEST_GUILESS_MAIN(TestScenarioPlayback)
#include "tst_scenarioplayback.moc"
