// The scenario file format (docs/scenarios.md): what parses, what is refused with which line
// and field, and that writing a parsed scenario back reads the same.
#include "scenario.h"
#include "scenarioplayer.h"
#include "scenarioservice.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryFile>
#include <QTest>

class TestScenario : public QObject
{
    Q_OBJECT

private:
    static sse::Scenario parsed(const QByteArray &text)
    {
        auto result = sse::parseScenario(text);
        if (const auto *failure = std::get_if<sse::ScenarioError>(&result))
            qWarning("unexpected refusal: %s", qPrintable(failure->text()));
        return std::get<sse::Scenario>(result);
    }

private slots:
    void parsesEveryField()
    {
        const sse::Scenario scenario = parsed(
            "{\"delay\": 250, \"event\": \"tick\", \"id\": \"a-1\", \"retry\": 3000, \"channel\": "
            "\"prices\", \"comment\": \"first\", \"data\": {\"price\": 1.5, \"up\": true}}\n"
            "{\"data\": \"plain text\", \"id\": 7, \"retry\": \"100\"}\n"
            "{\"data\": 0.1}\n"
            "{\"data\": null}\n"
            "{\"delay\": 1000}\n"
            "{\"comment\": \"only a comment\"}\n"
            "{\"retry\": 5000}\n");
        QCOMPARE(scenario.steps.size(), 7);
        const sse::ScenarioStep &first = scenario.steps.at(0);
        QCOMPARE(first.delayMs, 250);
        QCOMPARE(first.event.event, QStringLiteral("tick"));
        QCOMPARE(first.event.id, QStringLiteral("a-1"));
        QCOMPARE(first.event.retry, QStringLiteral("3000"));
        QCOMPARE(first.event.channel, QStringLiteral("prices"));
        QCOMPARE(first.comment, QStringLiteral("first"));
        // Compact JSON, as /publish sends a JSON value.
        QCOMPARE(first.event.data, QStringLiteral("{\"price\":1.5,\"up\":true}"));
        QVERIFY(first.hasData && first.dataIsJson);
        QCOMPARE(scenario.steps.at(1).event.data, QStringLiteral("plain text"));
        QVERIFY(!scenario.steps.at(1).dataIsJson);
        QCOMPARE(scenario.steps.at(1).event.id, QStringLiteral("7"));
        QCOMPARE(scenario.steps.at(2).event.data, QStringLiteral("0.1"));
        QCOMPARE(scenario.steps.at(3).event.data, QStringLiteral("null"));
        QVERIFY(scenario.steps.at(4).isPause());
        QVERIFY(!scenario.steps.at(5).sendsEvent());
        QVERIFY(scenario.steps.at(6).sendsEvent()); // a retry alone is sent
        QCOMPARE(scenario.durationMs(), 1250);
        QCOMPARE(scenario.eventCount(), 5);
    }

    void blankLinesCrlfAndBomAreAccepted()
    {
        const sse::Scenario scenario =
            parsed("\xEF\xBB\xBF{\"data\": \"a\"}\r\n\r\n   \n{\"delay\": 5, \"data\": \"b\"}");
        QCOMPARE(scenario.steps.size(), 2);
        QCOMPARE(scenario.steps.at(1).event.data, QStringLiteral("b"));
    }

    void badLinesAreRefusedWithLineAndField_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("expected");
        const QByteArray good = "{\"data\": \"ok\"}\n\n";
        QTest::newRow("not JSON") << good + "{\"data\": }" << 3 << "invalid JSON at column";
        QTest::newRow("not an object") << good + "[1, 2]" << 3 << "must be a JSON object";
        QTest::newRow("unknown field")
            << good + "{\"dleay\": 5, \"data\": \"x\"}" << 3 << "field 'dleay': unknown";
        QTest::newRow("negative delay") << QByteArray("{\"delay\": -1}") << 1 << "field 'delay'";
        QTest::newRow("fractional delay")
            << QByteArray("{\"delay\": 1.5, \"data\": \"x\"}") << 1 << "whole number";
        QTest::newRow("delay as text")
            << QByteArray("{\"delay\": \"5\", \"data\": \"x\"}") << 1 << "field 'delay'";
        QTest::newRow("delay too long")
            << QByteArray("{\"delay\": 86400001, \"data\": \"x\"}") << 1 << "86400000";
        QTest::newRow("reserved event name")
            << QByteArray("{\"event\": \"dashboard.x\", \"data\": \"x\"}") << 1 << "reserved";
        QTest::newRow("id with a line break")
            << QByteArray("{\"id\": \"a\\nb\", \"data\": \"x\"}") << 1 << "field 'id'";
        QTest::newRow("retry not digits")
            << QByteArray("{\"retry\": \"soon\", \"data\": \"x\"}") << 1 << "field 'retry'";
        QTest::newRow("bad channel")
            << QByteArray("{\"channel\": \"a b\", \"data\": \"x\"}") << 1 << "field 'channel'";
        QTest::newRow("comment not text")
            << QByteArray("{\"comment\": 5}") << 1 << "field 'comment': must be a string";
        QTest::newRow("event without data")
            << QByteArray("{\"event\": \"tick\"}") << 1 << "field 'data': missing";
        QTest::newRow("empty event name")
            << QByteArray("{\"event\": \"\", \"data\": \"x\"}") << 1 << "field 'event'";
        QTest::newRow("no steps") << QByteArray("\n  \n") << 0 << "no steps";
    }

    void badLinesAreRefusedWithLineAndField()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, line);
        QFETCH(QString, expected);
        const auto result = sse::parseScenario(text);
        QVERIFY(std::holds_alternative<sse::ScenarioError>(result));
        const sse::ScenarioError &failure = std::get<sse::ScenarioError>(result);
        QCOMPARE(failure.line, line);
        QVERIFY2(failure.message.contains(expected), qPrintable(failure.text()));
        if (line > 0)
            QVERIFY(failure.text().startsWith(QStringLiteral("line %1: ").arg(line)));
    }

    void writtenScenarioReadsTheSame()
    {
        const QByteArray text =
            "{\"delay\":250,\"comment\":\"c\",\"event\":\"tick\",\"id\":\"a-1\",\"retry\":3000,"
            "\"channel\":\"prices\",\"data\":{\"n\":[1,2]}}\n"
            "{\"data\":\"line one\\nline two\"}\n"
            "{\"delay\":1000}\n"
            "{\"data\":42}\n";
        const sse::Scenario scenario = parsed(text);
        const QByteArray written = sse::scenarioToJsonLines(scenario);
        QCOMPARE(written, text); // the documented field order, delay first
        QCOMPARE(parsed(written).steps, scenario.steps);
    }

    void builtInTemplatesParse_data()
    {
        QTest::addColumn<QString>("name");
        for (const char *name :
             {"openai-chat", "stock-ticker", "progress", "chat-messages", "notifications"})
            QTest::newRow(name) << QString::fromLatin1(name);
    }

    void builtInTemplatesParse()
    {
        QFETCH(QString, name);
        QFile file(QStringLiteral(":/scenarios/%1.jsonl").arg(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto result = sse::parseScenario(file.readAll());
        QVERIFY(std::holds_alternative<sse::Scenario>(result));
        QVERIFY(std::get<sse::Scenario>(result).eventCount() >= 5);
    }

    void progressTemplateGoesFromZeroToOneHundred()
    {
        QFile file(QStringLiteral(":/scenarios/progress.jsonl"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const sse::Scenario scenario = parsed(file.readAll());
        QList<int> percents;
        for (const sse::ScenarioStep &step : scenario.steps) {
            if (step.event.event == QLatin1String("progress"))
                percents.append(sse::stepDataJson(step).toObject().value(u"percent").toInt());
        }
        QCOMPARE(percents.first(), 0);
        QCOMPARE(percents.last(), 100);
    }

    void chatCompletionAssembledFromChunks()
    {
        QFile file(QStringLiteral(":/scenarios/openai-chat.jsonl"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject answer = sse::assembledAnswer(parsed(file.readAll())).object();
        QCOMPARE(answer.value(u"object").toString(), QStringLiteral("chat.completion"));
        const QJsonObject choice = answer.value(u"choices").toArray().first().toObject();
        QCOMPARE(choice.value(u"finish_reason").toString(), QStringLiteral("stop"));
        const QJsonObject message = choice.value(u"message").toObject();
        QCOMPARE(message.value(u"role").toString(), QStringLiteral("assistant"));
        QVERIFY(message.value(u"content").toString().startsWith(u"Server-sent events let"));
        QVERIFY(!answer.contains(u"usage"));
    }

    void otherScenariosAssembleToTheirDataValues()
    {
        const sse::Scenario scenario =
            parsed("{\"data\": {\"a\": 1}}\n{\"data\": \"text\"}\n{\"comment\": \"x\"}\n"
                   "{\"data\": \"[DONE]\"}\n");
        const QJsonArray values = sse::assembledAnswer(scenario).array();
        QCOMPARE(values.size(), 2);
        QCOMPARE(values.at(0).toObject().value(u"a").toInt(), 1);
        QCOMPARE(values.at(1).toString(), QStringLiteral("text"));
    }

    void noStreamIsAskedOnlyByJsonFalse()
    {
        QVERIFY(sse::asksForNoStream("application/json", "{\"stream\": false}"));
        QVERIFY(sse::asksForNoStream("application/json; charset=utf-8", "{\"stream\":false}"));
        QVERIFY(!sse::asksForNoStream("application/json", "{\"stream\": true}"));
        QVERIFY(!sse::asksForNoStream("application/json", "{}"));
        QVERIFY(!sse::asksForNoStream("application/json", "{\"stream\": 0}"));
        QVERIFY(!sse::asksForNoStream("text/plain", "{\"stream\": false}"));
    }

    void anEmptyScenarioDoesNotPlay()
    {
        QVERIFY(sse::PlaybackOptions().validate(sse::Scenario()).contains(u"no steps"));
    }

    void routeSpecs_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("expected"); // empty: accepted
        QTest::newRow("template") << "POST /v1/chat/completions=:/scenarios/openai-chat.jsonl"
                                  << QString();
        QTest::newRow("no method") << "/x=:/scenarios/progress.jsonl"
                                   << "METHOD PATH=FILE";
        QTest::newRow("unknown method") << "FETCH /x=:/scenarios/progress.jsonl"
                                        << "METHOD";
        QTest::newRow("server path") << "GET /events=:/scenarios/progress.jsonl"
                                     << "the server's own path";
        QTest::newRow("api path") << "GET /api/x=:/scenarios/progress.jsonl"
                                  << "the server's own path";
        QTest::newRow("missing file") << "GET /x=/nonexistent/file.jsonl"
                                      << "cannot read";
    }

    void routeSpecs()
    {
        QFETCH(QString, spec);
        QFETCH(QString, expected);
        const auto result = sse::loadScenarioRoute(spec);
        if (expected.isEmpty()) {
            QVERIFY(std::holds_alternative<sse::ScenarioRoute>(result));
            const sse::ScenarioRoute &route = std::get<sse::ScenarioRoute>(result);
            QCOMPARE(route.method, QByteArray("POST"));
            QCOMPARE(route.path, QStringLiteral("/v1/chat/completions"));
            return;
        }
        QVERIFY(std::holds_alternative<QString>(result));
        QVERIFY2(std::get<QString>(result).contains(expected),
                 qPrintable(std::get<QString>(result)));
    }

    void routeFileWithABadLineNamesIt()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write("{\"data\": \"ok\"}\n{\"delay\": \"soon\"}\n");
        file.close();
        const auto result = sse::loadScenarioRoute(QStringLiteral("GET /x=") + file.fileName());
        QVERIFY(std::holds_alternative<QString>(result));
        const QString message = std::get<QString>(result);
        QVERIFY2(message.contains(file.fileName()) && message.contains(u"line 2: field 'delay'"),
                 qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestScenario)
#include "tst_scenario.moc"
