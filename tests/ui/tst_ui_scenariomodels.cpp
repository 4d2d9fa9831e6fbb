// The Scenarios panel's models: steps and routes under QAbstractItemModelTester, and a
// traffic-log export read back as a scenario.
#include "models/logexport.h"
#include "models/routesmodel.h"
#include "models/scenariomodel.h"
#include "models/trafficscenario.h"

#include "scenariofixture.h"
#include "windowfixture.h"

#include <QAbstractItemModelTester>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace sse;
using namespace sse::ui;
using testsupport::threeSteps;

class TestScenarioModels : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir;

private slots:
    void initTestCase()
    {
        testsupport::useTemporarySettings(m_settingsDir, QStringLiteral("tst_ui_scenariomodels"));
    }

    void init() { QSettings().clear(); }

    void modelEditsInsertsMovesAndRemoves()
    {
        ScenarioModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy modified(&model, &ScenarioModel::modifiedChanged);
        QSignalSpy refused(&model, &ScenarioModel::editRefused);
        model.setScenario(threeSteps());
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(ScenarioModel::ColumnCount));
        QVERIFY(!model.isModified());
        QCOMPARE(model.headerData(1, Qt::Vertical, Qt::DisplayRole).toString(),
                 QStringLiteral("2"));
        QCOMPARE(model.data(model.index(1, ScenarioModel::EventColumn)).toString(),
                 QStringLiteral("tick"));
        QVERIFY(
            model.flags(model.index(0, ScenarioModel::DataColumn)).testFlag(Qt::ItemIsEditable));

        QVERIFY(model.setData(model.index(0, ScenarioModel::DelayColumn), 250));
        QCOMPARE(model.scenario().steps.at(0).delayMs, 250);
        QVERIFY(model.isModified());
        QCOMPARE(modified.size(), 1);
        // What the file format refuses, the table refuses, and says why.
        QVERIFY(!model.setData(model.index(0, ScenarioModel::DelayColumn), -5));
        QVERIFY(model.lastError().contains(u"Delay"));
        QVERIFY(!model.setData(model.index(0, ScenarioModel::DelayColumn), MaxStepDelayMs + 1));
        QVERIFY(!model.setData(model.index(0, ScenarioModel::DelayColumn), QStringLiteral("1s")));
        QVERIFY(!model.setData(model.index(0, ScenarioModel::EventColumn),
                               QStringLiteral("dashboard.x")));
        QVERIFY(!model.setData(model.index(0, ScenarioModel::EventColumn),
                               QStringLiteral("two\nlines")));
        QVERIFY(!model.setData(model.index(0, ScenarioModel::IdColumn), QStringLiteral("a\nb")));
        QVERIFY(!model.setData(model.index(0, ScenarioModel::RetryColumn), QStringLiteral("soon")));
        QVERIFY(
            !model.setData(model.index(0, ScenarioModel::ChannelColumn), QStringLiteral("a b")));
        QCOMPARE(refused.size(), 8);
        QVERIFY(refused.last().at(0).toString().startsWith(u"Step 1:"));
        QCOMPARE(model.scenario().steps.at(0).event.event, QString());
        QCOMPARE(model.scenario().steps.at(0).delayMs, 250);
        QVERIFY(model.setData(model.index(0, ScenarioModel::RetryColumn), QStringLiteral("3000")));
        QVERIFY(model.setData(model.index(0, ScenarioModel::CommentColumn), QStringLiteral("hi")));

        ScenarioStep step;
        step.hasData = true;
        step.event.data = QStringLiteral("inserted");
        model.insertStep(1, step);
        QCOMPARE(model.rowCount(), 4);
        model.moveStep(1, 3);
        QCOMPARE(model.scenario().steps.at(3).event.data, QStringLiteral("inserted"));
        model.moveStep(3, 0);
        QCOMPARE(model.scenario().steps.at(0).event.data, QStringLiteral("inserted"));
        model.moveStep(0, 0); // nothing to do
        model.moveStep(0, 9); // out of range: refused
        QCOMPARE(model.scenario().steps.at(0).event.data, QStringLiteral("inserted"));
        model.insertStep(99, step); // past the end: appended
        QCOMPARE(model.rowCount(), 5);
        // Several rows at once, in any order, duplicates and strays ignored.
        model.removeSteps({4, 0, 0, 17, -1});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.scenario().steps.at(0).event.data, QStringLiteral("one"));
        model.insertStep(0, step);
        model.insertStep(0, step);
        model.removeSteps({0, 1, 3});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.scenario().steps.at(0).event.data, QStringLiteral("one"));
        QCOMPARE(model.scenario().steps.at(1).event.data, QStringLiteral("three"));

        // The playing step is bold and marked.
        model.setPlayingStep(1);
        QVERIFY(model.data(model.index(1, ScenarioModel::DataColumn), Qt::FontRole)
                    .value<QFont>()
                    .bold());
        QVERIFY(!model.data(model.index(0, ScenarioModel::DataColumn), Qt::FontRole).isValid());
        QVERIFY(model.headerData(1, Qt::Vertical, Qt::DisplayRole).toString().startsWith(u"▶"));
        QVERIFY(model.headerData(1, Qt::Vertical, Qt::FontRole).value<QFont>().bold());
        model.setPlayingStep(-1);
        QCOMPARE(model.headerData(1, Qt::Vertical, Qt::DisplayRole).toString(),
                 QStringLiteral("2"));

        // What the table holds saves as a scenario that parses back the same.
        const auto reparsed = parseScenario(scenarioToJsonLines(model.scenario()));
        QCOMPARE(std::get<Scenario>(reparsed).steps, model.scenario().steps);
        model.setModified(false);
        model.setScenario({});
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.isModified());
        model.removeSteps({0}); // nothing there
        QVERIFY(!model.isModified());
    }

    void modelKeepsJsonDataJson()
    {
        ScenarioModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setScenario(
            std::get<Scenario>(parseScenario("{\"data\": {\"b\": 1, \"a\": [true, null]}}\n"
                                             "{\"comment\": \"only a comment\"}\n"
                                             "{\"data\": \"{}\"}\n")));
        const QModelIndex json = model.index(0, ScenarioModel::DataColumn);
        // Shown compactly, on one line.
        QCOMPARE(model.data(json).toString(), QStringLiteral("{\"a\":[true,null],\"b\":1}"));
        QVERIFY(model.setData(json, QStringLiteral("{ \"price\": 42 }")));
        QVERIFY(model.scenario().steps.at(0).dataIsJson);
        QCOMPARE(model.data(json).toString(), QStringLiteral("{\"price\":42}"));
        // Text that is not JSON any more is sent, and saved, as text.
        QVERIFY(model.setData(json, QStringLiteral("plain words")));
        QVERIFY(!model.scenario().steps.at(0).dataIsJson);
        // A string that looks like JSON stays a string.
        QVERIFY(model.setData(model.index(2, ScenarioModel::DataColumn), QStringLiteral("[1]")));
        QVERIFY(!model.scenario().steps.at(2).dataIsJson);

        // A comment-only step sends an event once it has data, not before.
        const QModelIndex commentData = model.index(1, ScenarioModel::DataColumn);
        QVERIFY(model.setData(commentData, QString()));
        QVERIFY(!model.scenario().steps.at(1).hasData);
        QVERIFY(model.setData(commentData, QStringLiteral("now an event")));
        QVERIFY(model.scenario().steps.at(1).hasData);
        // An event name needs data in the format: the step gets empty data.
        model.insertStep(3, ScenarioStep());
        QVERIFY(model.setData(model.index(3, ScenarioModel::EventColumn), QStringLiteral("ping")));
        QVERIFY(model.scenario().steps.at(3).hasData);
        QVERIFY(
            std::holds_alternative<Scenario>(parseScenario(scenarioToJsonLines(model.scenario()))));
    }

    void routesModelChecksWhatItCan()
    {
        RoutesModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSpecs({QStringLiteral("POST /v1/chat/completions=:/scenarios/openai-chat.jsonl"),
                        QStringLiteral("  "), QStringLiteral("nonsense")});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(0, RoutesModel::MethodColumn)).toString(),
                 QStringLiteral("POST"));
        QCOMPARE(model.data(model.index(0, RoutesModel::FileColumn)).toString(),
                 QStringLiteral(":/scenarios/openai-chat.jsonl"));
        // What it cannot read goes back unchanged, for the server to name.
        QCOMPARE(
            model.specs(),
            (QStringList{QStringLiteral("POST /v1/chat/completions=:/scenarios/openai-chat.jsonl"),
                         QStringLiteral("nonsense")}));
        QVERIFY(model.url(0).isEmpty());
        model.setServerUrl(QStringLiteral("http://127.0.0.1:8080/"));
        QCOMPARE(model.data(model.index(0, RoutesModel::UrlColumn)).toString(),
                 QStringLiteral("http://127.0.0.1:8080/v1/chat/completions"));
        QVERIFY(model.url(1).isEmpty());

        QVERIFY(model.addRoute({QStringLiteral("HEAD"), QStringLiteral("/x"), QStringLiteral("f")})
                    .contains(u"Method"));
        QVERIFY(model.addRoute({QStringLiteral("GET"), QStringLiteral("x"), QStringLiteral("f")})
                    .contains(u"Path"));
        QVERIFY(model.addRoute({QStringLiteral("GET"), QStringLiteral("/a b"), QStringLiteral("f")})
                    .contains(u"Path"));
        QVERIFY(
            model.addRoute({QStringLiteral("GET"), QStringLiteral("/events"), QStringLiteral("f")})
                .contains(u"/events"));
        QVERIFY(model.addRoute({QStringLiteral("GET"), QStringLiteral("/feed"), QString()})
                    .contains(u"File"));
        QVERIFY(model
                    .addRoute({QStringLiteral("POST"), QStringLiteral("/v1/chat/completions"),
                               QStringLiteral("f")})
                    .contains(u"already"));
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(model
                    .addRoute({QStringLiteral("GET"), QStringLiteral("/feed"),
                               QStringLiteral(" :/scenarios/progress.jsonl ")})
                    .isEmpty());
        QCOMPARE(model.specs().last(), QStringLiteral("GET /feed=:/scenarios/progress.jsonl"));
        QCOMPARE(model.url(2), QStringLiteral("http://127.0.0.1:8080/feed"));
        model.removeRoutes({1, 0, 7});
        QCOMPARE(model.specs(),
                 QStringList{QStringLiteral("GET /feed=:/scenarios/progress.jsonl")});
        model.setServerUrl({});
        QVERIFY(model.url(0).isEmpty());
        model.setSpecs({});
        QCOMPARE(model.rowCount(), 0);
    }

    void trafficLogExportOpensAsAScenario()
    {
        const QDateTime start = QDateTime::currentDateTime();
        QList<TrafficRecord> records;
        TrafficRecord request;
        request.time = start;
        request.direction = TrafficDirection::In;
        request.summary = QStringLiteral("POST /publish");
        records.append(request);
        TrafficRecord first;
        first.time = start.addMSecs(100);
        first.direction = TrafficDirection::Out;
        first.eventType = QStringLiteral("price");
        first.scope = QStringLiteral("prices");
        first.raw = "id: 1\nevent: price\ndata: 42\n\n";
        records.append(first);
        TrafficRecord comment = first;
        comment.eventType = QStringLiteral("comment");
        comment.raw = ": hi\n\n";
        records.append(comment);
        TrafficRecord second;
        second.time = start.addMSecs(350);
        second.direction = TrafficDirection::Out;
        second.scope = TrafficRecord::AllScope;
        second.raw = "id: 2\ndata: a\ndata: b\n\n";
        records.append(second);

        const QByteArray exported = exportNdjson(records);
        QVERIFY(looksLikeTrafficLog(exported));
        QVERIFY(!looksLikeTrafficLog("{\"data\": \"x\"}\n"));
        const Scenario scenario = scenarioFromTrafficLog(importNdjson(exported));
        QCOMPARE(scenario.steps.size(), 2);
        QCOMPARE(scenario.steps.at(0).event.event, QStringLiteral("price"));
        QCOMPARE(scenario.steps.at(0).event.id, QStringLiteral("1"));
        QCOMPARE(scenario.steps.at(0).event.channel, QStringLiteral("prices"));
        QCOMPARE(scenario.steps.at(1).delayMs, 250);
        QCOMPARE(scenario.steps.at(1).event.data, QStringLiteral("a\nb"));
        QVERIFY(scenario.steps.at(1).event.channel.isEmpty());
    }
};

QTEST_MAIN(TestScenarioModels)
#include "tst_ui_scenariomodels.moc"
