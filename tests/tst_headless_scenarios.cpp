// The sse-dashboard binary with scenarios on its command line: --play (and --loop), --route,
// and --record writing a scenario that plays back.
#include "headlessfixture.h"
#include "scenario.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTest>

using namespace testsupport;

class TestHeadlessScenarios : public QObject
{
    Q_OBJECT

private slots:
    void playStartsAScenarioAtLaunch()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write("{\"delay\": 20, \"event\": \"tick\", \"data\": \"a\"}\n"
                   "{\"delay\": 20, \"data\": \"b\"}\n");
        file.close();
        QProcess process;
        // Looping, so a subscriber that connects after the launch still sees every step.
        const quint16 port =
            launch(process, {QStringLiteral("--play"), file.fileName(), QStringLiteral("--loop")});
        QVERIFY(port != 0);
        QByteArray errors;
        QTRY_VERIFY2((errors += process.readAllStandardError()).contains("Playing"),
                     errors.constData());
        SseReader reader(port);
        QTRY_VERIFY(reader.userEvents().size() >= 3);
        const QList<ReceivedEvent> events = reader.userEvents();
        for (qsizetype i = 1; i < events.size(); ++i)
            QVERIFY(events.at(i).data != events.at(i - 1).data); // a, b, a, b...
        const QJsonArray playing = request(port, "GET", "/api/scenarios").json().array();
        QCOMPARE(playing.size(), 1);
        QVERIFY(playing.first().toObject().value(u"loop").toBool());
        process.terminate();
        QVERIFY(process.waitForFinished(5000));
    }

    void playRefusesABadFileNamingTheLine()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write("{\"data\": \"ok\"}\n{\"delay\": 10, \"evnt\": \"x\"}\n");
        file.close();
        QProcess process;
        process.start(Binary, {QStringLiteral("--headless"), QStringLiteral("--port"),
                               QStringLiteral("0"), QStringLiteral("--play"), file.fileName()});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 1);
        const QByteArray error = process.readAllStandardError();
        QVERIFY2(error.contains("line 2: field 'evnt': unknown"), error.constData());
        QVERIFY2(error.contains(file.fileName().toLocal8Bit()), error.constData());
        QVERIFY(process.readAllStandardOutput().isEmpty()); // it never listened

        process.start(Binary, {QStringLiteral("--headless"), QStringLiteral("--loop")});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(process.readAllStandardError().contains("--loop needs --play"));
    }

    void routeServesAStreamPerRequest()
    {
        QProcess process;
        const quint16 port = launch(
            process, {QStringLiteral("--route"),
                      QStringLiteral("POST /v1/chat/completions=:/scenarios/openai-chat.jsonl")});
        QVERIFY(port != 0);
        SseReader reader(port, "/v1/chat/completions", {"Content-Type: application/json"}, "POST",
                         "{\"stream\": true}");
        QTRY_VERIFY(reader.isStreaming());
        QTRY_VERIFY(!reader.isConnected());
        QCOMPARE(reader.events().last().data, QStringLiteral("[DONE]"));
        process.terminate();
        QVERIFY(process.waitForFinished(5000));
    }

    void recordWritesAScenarioThatPlaysBack()
    {
        QProcess server;
        const quint16 port =
            launch(server, {QStringLiteral("--route"),
                            QStringLiteral("GET /llm=:/scenarios/openai-chat.jsonl")});
        QVERIFY(port != 0);
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("recorded.jsonl"));
        QProcess recorder;
        recorder.start(Binary, {QStringLiteral("--record"),
                                QStringLiteral("http://127.0.0.1:%1/llm").arg(port),
                                QStringLiteral("--out"), out, QStringLiteral("--count"),
                                QStringLiteral("5")});
        QVERIFY(recorder.waitForFinished(15000));
        QCOMPARE(recorder.exitCode(), 0);
        QVERIFY(recorder.readAllStandardError().contains("Recorded 5 events"));
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto parsed = sse::parseScenario(file.readAll());
        QVERIFY(std::holds_alternative<sse::Scenario>(parsed));
        const sse::Scenario scenario = std::get<sse::Scenario>(parsed);
        QCOMPARE(scenario.steps.size(), 5);
        QVERIFY(scenario.steps.first().event.data.contains(u"chat.completion.chunk"));
        // The recording plays back at launch.
        QProcess player;
        const quint16 playerPort =
            launch(player, {QStringLiteral("--play"), out, QStringLiteral("--loop")});
        QVERIFY(playerPort != 0);
        SseReader reader(playerPort);
        QTRY_VERIFY(reader.events().size() >= 2);
        QVERIFY(reader.events().first().data.contains(u"chat.completion.chunk"));
        player.terminate();
        QVERIFY(player.waitForFinished(5000));
        server.terminate();
        QVERIFY(server.waitForFinished(5000));
    }

    void recordFailsClearlyAndWritesNothing()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 port = closed.serverPort();
        closed.close();
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("never.jsonl"));
        QProcess recorder;
        recorder.start(Binary, {QStringLiteral("--record"),
                                QStringLiteral("http://127.0.0.1:%1/events").arg(port),
                                QStringLiteral("--out"), out});
        QVERIFY(recorder.waitForFinished(15000));
        QCOMPARE(recorder.exitCode(), 1);
        QVERIFY(recorder.readAllStandardError().contains("cannot reach http://127.0.0.1:"));
        QVERIFY(!QFile::exists(out));
        recorder.start(Binary, {QStringLiteral("--record"), QStringLiteral("http://127.0.0.1:1/")});
        QVERIFY(recorder.waitForFinished(15000));
        QCOMPARE(recorder.exitCode(), 2);
        QVERIFY(recorder.readAllStandardError().contains("--out"));
    }
};

QTEST_GUILESS_MAIN(TestHeadlessScenarios)
#include "tst_headless_scenarios.moc"
