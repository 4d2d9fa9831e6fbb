// The Scenarios panel: its step model under QAbstractItemModelTester, opening files and
// templates, a traffic-log export opened as a scenario, and a tab playing to a real subscriber
// on a real server.
#include "mainwindow.h"
#include "models/logexport.h"
#include "models/scenariomodel.h"
#include "models/trafficscenario.h"
#include "scenariodock.h"
#include "scenariotab.h"
#include "serverbar.h"
#include "servercontroller.h"

#include "../testsupport.h"

#include <QAbstractItemModelTester>
#include <QDockWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace sse;
using namespace sse::ui;

namespace {

Scenario threeSteps()
{
    return std::get<Scenario>(
        parseScenario("{\"data\": \"one\"}\n"
                      "{\"delay\": 10, \"event\": \"tick\", \"data\": \"two\"}\n"
                      "{\"delay\": 10, \"data\": \"three\"}\n"));
}

} // namespace

class TestScenariosPanel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir;
    QTemporaryDir m_files;
    std::unique_ptr<ServerController> m_controller;
    std::unique_ptr<MainWindow> m_window;

    void openWindow()
    {
        m_controller = std::make_unique<ServerController>();
        ServerConfig commandLine;
        commandLine.port = 0;
        m_window = std::make_unique<MainWindow>(m_controller.get(), commandLine,
                                                QStringList{QStringLiteral("port")});
        m_window->show();
        QVERIFY(QTest::qWaitFor(
            [this] { return m_window->serverBar()->state() == ServerBar::State::Running; }));
    }

    QString writeFile(const QString &name, const QByteArray &contents)
    {
        const QString path = m_files.filePath(name);
        QFile file(path);
        file.open(QIODevice::WriteOnly);
        file.write(contents);
        return path;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
        QCoreApplication::setOrganizationName(QStringLiteral("SSE Dashboard Tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_ui_scenarios"));
    }

    void init() { QSettings().clear(); }

    void cleanup()
    {
        m_window.reset();
        m_controller.reset();
    }

    void modelEditsInsertsMovesAndRemoves()
    {
        ScenarioModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setScenario(threeSteps());
        QCOMPARE(model.rowCount(), 3);
        QVERIFY(!model.isModified());
        QCOMPARE(model.data(model.index(1, ScenarioModel::EventColumn)).toString(),
                 QStringLiteral("tick"));

        QVERIFY(model.setData(model.index(0, ScenarioModel::DelayColumn), 250));
        QCOMPARE(model.scenario().steps.at(0).delayMs, 250);
        QVERIFY(model.isModified());
        // What the file format refuses, the table refuses, and says why.
        QVERIFY(!model.setData(model.index(0, ScenarioModel::DelayColumn), -5));
        QVERIFY(model.lastError().contains(u"Delay"));
        QVERIFY(!model.setData(model.index(0, ScenarioModel::EventColumn),
                               QStringLiteral("dashboard.x")));
        QVERIFY(!model.setData(model.index(0, ScenarioModel::RetryColumn), QStringLiteral("soon")));
        QVERIFY(
            !model.setData(model.index(0, ScenarioModel::ChannelColumn), QStringLiteral("a b")));
        QCOMPARE(model.scenario().steps.at(0).event.event, QString());

        ScenarioStep step;
        step.hasData = true;
        step.event.data = QStringLiteral("inserted");
        model.insertStep(1, step);
        QCOMPARE(model.rowCount(), 4);
        model.moveStep(1, 3);
        QCOMPARE(model.scenario().steps.at(3).event.data, QStringLiteral("inserted"));
        model.moveStep(3, 0);
        QCOMPARE(model.scenario().steps.at(0).event.data, QStringLiteral("inserted"));
        model.removeStep(0);
        QCOMPARE(model.rowCount(), 3);
        model.setPlayingStep(2);
        QVERIFY(model.data(model.index(2, 0), Qt::FontRole).value<QFont>().bold());
        model.setPlayingStep(-1);
        // What the table holds saves as a scenario that parses back the same.
        const auto reparsed = parseScenario(scenarioToJsonLines(model.scenario()));
        QCOMPARE(std::get<Scenario>(reparsed).steps, model.scenario().steps);
        model.setScenario({});
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

    void openingFilesAndTemplates()
    {
        openWindow();
        ScenarioDock *dock = m_window->scenarioDock();
        QVERIFY(m_window->dock("scenarioDock"));
        const QString bad =
            writeFile(QStringLiteral("bad.jsonl"), "{\"data\": \"ok\"}\n{\"delay\": \"soon\"}\n");
        QVERIFY(!dock->openFile(bad));
        QVERIFY2(dock->message().contains(u"line 2: field 'delay'"), qPrintable(dock->message()));
        QCOMPARE(dock->tabs()->count(), 0);

        QVERIFY(dock->openFile(QStringLiteral(":/scenarios/progress.jsonl")));
        QCOMPARE(dock->tabs()->count(), 1);
        QVERIFY(dock->currentTab()->filePath().isEmpty()); // a template is saved elsewhere
        QVERIFY(dock->currentTab()->model()->rowCount() >= 11);

        const QString log = writeFile(QStringLiteral("log.ndjson"), [] {
            TrafficRecord out;
            out.time = QDateTime::currentDateTime();
            out.direction = TrafficDirection::Out;
            out.raw = "data: from the log\n\n";
            return exportNdjson({out});
        }());
        QVERIFY(dock->openFile(log));
        QCOMPARE(dock->tabs()->count(), 2);
        QCOMPARE(dock->currentTab()->model()->scenario().steps.first().event.data,
                 QStringLiteral("from the log"));

        // An unsaved tab asks before it closes.
        int asked = 0;
        QVERIFY(!dock->closeTab(1, [&](const QString &) {
            ++asked;
            return false;
        }));
        QCOMPARE(asked, 1);
        QVERIFY(dock->closeTab(1, [](const QString &) { return true; }));
        QCOMPARE(dock->tabs()->count(), 1);

        // Save writes the file; the source is never touched until then.
        const QString saved = m_files.filePath(QStringLiteral("saved.jsonl"));
        QVERIFY(dock->currentTab()->saveTo(saved));
        QFile file(saved);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(std::holds_alternative<Scenario>(parseScenario(file.readAll())));
        QVERIFY(!dock->currentTab()->isModified());
    }

    void tabPlaysToARealSubscriberInOrder()
    {
        openWindow();
        using testsupport::SseReader;
        SseReader reader(m_controller->port(), "/events?channel=ui");
        QTRY_VERIFY(reader.isStreaming());
        ScenarioTab *tab = m_window->scenarioDock()->openScenario(threeSteps());
        tab->setTarget(ScenarioTab::Target::Channel, QStringLiteral("ui"));
        tab->play();
        QVERIFY(tab->isPlaying());
        QTRY_COMPARE(reader.events().size(), 3);
        QCOMPARE(reader.events().at(0).data, QStringLiteral("one"));
        QCOMPARE(reader.events().at(1).type, QStringLiteral("tick"));
        QCOMPARE(reader.events().at(2).data, QStringLiteral("three"));
        // The snapshot after the end takes the tab back to stopped.
        QTRY_VERIFY(!tab->isPlaying());
        QCOMPARE(tab->progressText(), QStringLiteral("stopped"));
    }

    void pauseShowsInTheProgressAndStopEnds()
    {
        openWindow();
        ScenarioTab *tab = m_window->scenarioDock()->openScenario(std::get<Scenario>(
            parseScenario("{\"data\": \"now\"}\n{\"delay\": 60000, \"data\": \"later\"}\n")));
        tab->play();
        QTRY_VERIFY(tab->playbackId() != 0);
        QTRY_VERIFY(tab->progressText().startsWith(u"step 1/2"));
        tab->pauseOrResume();
        QTRY_VERIFY(tab->progressText().endsWith(u"paused"));
        tab->pauseOrResume();
        QTRY_VERIFY(!tab->progressText().endsWith(u"paused"));
        tab->stop();
        QVERIFY(!tab->isPlaying());
        QCOMPARE(tab->progressText(), QStringLiteral("stopped"));
    }

    void playingNeedsARunningServerAndAValidTarget()
    {
        openWindow();
        ScenarioTab *tab = m_window->scenarioDock()->openScenario(threeSteps());
        tab->setTarget(ScenarioTab::Target::Channel, QStringLiteral("not valid"));
        tab->play();
        QTRY_VERIFY(!tab->message().isEmpty());
        QVERIFY(!tab->isPlaying());
        QSignalSpy stopped(m_controller.get(), &ServerController::stopped);
        m_controller->stop();
        QVERIFY(stopped.wait());
        tab->setTarget(ScenarioTab::Target::All);
        tab->play();
        QVERIFY(tab->message().contains(u"Start the server"));
        QVERIFY(!tab->isPlaying());
    }

    void routesApplyAndAreRemembered()
    {
        openWindow();
        ScenarioDock *dock = m_window->scenarioDock();
        dock->setRouteSpecs({QStringLiteral("GET /events=:/scenarios/progress.jsonl")});
        dock->applyRoutes();
        QTRY_VERIFY(dock->routesMessage().contains(u"server's own path"));
        dock->setRouteSpecs({QStringLiteral("GET /feed=:/scenarios/progress.jsonl")});
        dock->applyRoutes();
        QTRY_VERIFY(dock->routesMessage().contains(u"1"));
        using testsupport::SseReader;
        SseReader reader(m_controller->port(), "/feed");
        QTRY_VERIFY(reader.isStreaming());
        QCOMPARE(m_window->settings().server.routes,
                 QStringList{QStringLiteral("GET /feed=:/scenarios/progress.jsonl")});
        // The next window binds them at start.
        cleanup();
        openWindow();
        QCOMPARE(m_window->scenarioDock()->routeSpecs(),
                 QStringList{QStringLiteral("GET /feed=:/scenarios/progress.jsonl")});
        SseReader again(m_controller->port(), "/feed");
        QTRY_VERIFY(again.isStreaming());
    }
};

QTEST_MAIN(TestScenariosPanel)
#include "tst_ui_scenarios.moc"
