// The Scenarios panel: its step and route models under QAbstractItemModelTester, opening
// files and templates, a traffic-log export opened as a scenario, editing in the table, a tab
// playing to a real subscriber on a real server, routes, and recording from that server.
#include "mainmenus.h"
#include "mainwindow.h"
#include "models/clientsmodel.h"
#include "models/logexport.h"
#include "models/routesmodel.h"
#include "models/scenariomodel.h"
#include "models/trafficscenario.h"
#include "recorddialog.h"
#include "routespanel.h"
#include "scenariodock.h"
#include "scenariotab.h"
#include "serverbar.h"
#include "servercontroller.h"

#include "../testsupport.h"
#include "windowfixture.h"

#include <QAbstractItemModelTester>
#include <QDockWidget>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

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

    void openWindow() { QVERIFY(testsupport::openRunningWindow(m_controller, m_window)); }

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
        testsupport::useTemporarySettings(m_settingsDir, QStringLiteral("tst_ui_scenarios"));
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

    void openingFilesAndTemplates()
    {
        openWindow();
        ScenarioDock *dock = m_window->scenarioDock();
        QVERIFY(m_window->dock("scenarioDock"));
        const QString bad =
            writeFile(QStringLiteral("bad.jsonl"), "{\"data\": \"ok\"}\n{\"delay\": \"soon\"}\n");
        QVERIFY(!dock->openFile(bad));
        QVERIFY2(dock->message().contains(u"line 2: field 'delay'"), qPrintable(dock->message()));
        QCOMPARE(dock->scenarioTabs().size(), 0);
        QCOMPARE(dock->tabs()->count(), 1); // the routes

        QVERIFY(dock->openFile(QStringLiteral(":/scenarios/progress.jsonl")));
        QCOMPARE(dock->scenarioTabs().size(), 1);
        QCOMPARE(dock->tabs()->tabText(1), QStringLiteral("Progress 0–100 %"));
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
        QCOMPARE(dock->scenarioTabs().size(), 2);
        QCOMPARE(dock->currentTab()->model()->scenario().steps.first().event.data,
                 QStringLiteral("from the log"));

        // An unsaved tab asks before it closes.
        int asked = 0;
        QVERIFY(!dock->closeTab(2, [&](const QString &) {
            ++asked;
            return false;
        }));
        QCOMPARE(asked, 1);
        QVERIFY(dock->closeTab(2, [](const QString &) { return true; }));
        QCOMPARE(dock->scenarioTabs().size(), 1);
        QVERIFY(!dock->closeTab(0, [](const QString &) { return true; })); // the routes stay
        QCOMPARE(dock->tabs()->count(), 2);

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
        m_window->menus()->playScenario->trigger(); // Scenario → Play: the current tab
        QVERIFY(tab->isPlaying());
        QTRY_COMPARE(reader.events().size(), 3);
        QCOMPARE(reader.events().at(0).data, QStringLiteral("one"));
        QCOMPARE(reader.events().at(1).type, QStringLiteral("tick"));
        QCOMPARE(reader.events().at(2).data, QStringLiteral("three"));
        // The snapshot after the end takes the tab back to stopped, the bar full.
        QTRY_VERIFY(!tab->isPlaying());
        QCOMPARE(tab->progressText(), QStringLiteral("step 3/3 · finished"));
        QCOMPARE(tab->model()->playingStep(), -1);
        QVERIFY(tab->findChild<QAction *>(QStringLiteral("scenarioPlay"))->isEnabled());
    }

    void stepActionsAddMoveAndRemove()
    {
        openWindow();
        ScenarioTab *tab = m_window->scenarioDock()->openScenario(threeSteps());
        const auto action = [tab](const char *name) {
            return tab->findChild<QAction *>(QLatin1String(name));
        };
        QVERIFY(!action("removeSteps")->isEnabled()); // nothing chosen yet
        tab->table()->setCurrentIndex(tab->model()->index(0, ScenarioModel::DataColumn));
        QVERIFY(!action("moveStepUp")->isEnabled());
        action("moveStepDown")->trigger();
        QCOMPARE(tab->model()->scenario().steps.at(1).event.data, QStringLiteral("one"));
        QCOMPARE(tab->table()->currentIndex().row(), 1); // the step moved, the cursor with it
        action("addStep")->trigger();                    // after the current one
        QCOMPARE(tab->model()->rowCount(), 4);
        QCOMPARE(tab->table()->currentIndex().row(), 2);
        QVERIFY(tab->isModified());
        // Several rows at once.
        tab->table()->selectionModel()->select(tab->model()->index(0, 0),
                                               QItemSelectionModel::ClearAndSelect |
                                                   QItemSelectionModel::Rows);
        tab->table()->selectionModel()->select(
            tab->model()->index(3, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QVERIFY(action("removeSteps")->isEnabled());
        action("removeSteps")->trigger();
        QCOMPARE(tab->model()->rowCount(), 2);
        QCOMPARE(tab->model()->scenario().steps.at(0).event.data, QStringLiteral("one"));
    }

    void delayIsEditedInTheTable()
    {
        openWindow();
        ScenarioTab *tab = m_window->scenarioDock()->openScenario(threeSteps());
        QVERIFY(!tab->isModified());
        QTableView *table = tab->table();
        m_window->dock("scenarioDock")->raise(); // tabbed behind the composer at first
        QTRY_VERIFY(table->isVisible());
        const QModelIndex delay = tab->model()->index(1, ScenarioModel::DelayColumn);
        table->setCurrentIndex(delay);
        table->edit(delay);
        auto *editor = table->viewport()->findChild<QSpinBox *>();
        QVERIFY(editor);
        editor->selectAll();
        QTest::keyClicks(editor, QStringLiteral("1500"));
        QTest::keyClick(editor, Qt::Key_Return);
        // The delegate commits on its next turn of the event loop.
        QTRY_COMPARE(tab->model()->scenario().steps.at(1).delayMs, 1500);
        QVERIFY(tab->isModified());
        QVERIFY(tab->title().endsWith(u'*'));
        QCOMPARE(m_window->scenarioDock()->tabs()->tabText(1), tab->title());

        // A refused edit keeps the old value and the tab says why.
        QVERIFY(!tab->model()->setData(delay, -1));
        QVERIFY2(tab->message().contains(u"Delay"), qPrintable(tab->message()));
        QCOMPARE(tab->model()->scenario().steps.at(1).delayMs, 1500);
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

        // A server that stops takes its playbacks with it.
        tab->play();
        QTRY_VERIFY(tab->playbackId() != 0);
        QSignalSpy stopped(m_controller.get(), &ServerController::stopped);
        m_controller->stop();
        QVERIFY(stopped.wait());
        QVERIFY(!tab->isPlaying());
        QCOMPARE(tab->progressText(), QStringLiteral("stopped"));
        QCOMPARE(tab->message(), QStringLiteral("Stopped with the server"));
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
        RoutesPanel *routes = dock->routesPanel();
        // What the table can tell is refused before the server is asked.
        QVERIFY(!routes->addRoute(QStringLiteral("GET"), QStringLiteral("/events"),
                                  QStringLiteral(":/scenarios/progress.jsonl")));
        QVERIFY(routes->message().contains(u"/events"));
        // What only the server can tell (the file) comes back from Apply.
        QVERIFY(routes->addRoute(QStringLiteral("GET"), QStringLiteral("/missing"),
                                 m_files.filePath(QStringLiteral("nowhere.jsonl"))));
        QSignalSpy applied(m_controller.get(), &ServerController::routesApplied);
        dock->applyRoutes();
        QVERIFY(applied.wait());
        QVERIFY2(dock->routesMessage().contains(u"nowhere.jsonl"),
                 qPrintable(dock->routesMessage()));
        QVERIFY(m_window->settings().server.routes.isEmpty()); // a refused list is not kept
        // A spec saved by hand that does not even read as a route: the server says so.
        dock->setRouteSpecs({QStringLiteral("GET feed")});
        dock->applyRoutes();
        QVERIFY(applied.wait());
        QVERIFY2(dock->routesMessage().contains(u"METHOD PATH=FILE"),
                 qPrintable(dock->routesMessage()));

        dock->setRouteSpecs({});
        QVERIFY(routes->addRoute(QStringLiteral("GET"), QStringLiteral("/feed"),
                                 QStringLiteral(":/scenarios/progress.jsonl")));
        dock->applyRoutes();
        QVERIFY(applied.wait());
        QVERIFY2(dock->routesMessage().contains(u"1"), qPrintable(dock->routesMessage()));
        // Each route shows the URL to give a client.
        QCOMPARE(routes->model()->url(0), m_controller->url() + QStringLiteral("feed"));
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

        // Removing every route and applying unbinds them.
        RoutesPanel *reopened = m_window->scenarioDock()->routesPanel();
        reopened->table()->selectRow(0);
        reopened->removeSelected();
        QCOMPARE(reopened->model()->rowCount(), 0);
        QSignalSpy appliedAgain(m_controller.get(), &ServerController::routesApplied);
        reopened->apply();
        QVERIFY(appliedAgain.wait());
        QCOMPARE(appliedAgain.first().at(0).toString(), QString());
        QVERIFY(m_window->settings().server.routes.isEmpty());
        QCOMPARE(testsupport::request(m_controller->port(), "GET", "/feed").status, 404);
    }

    void scenarioMenuHasItsOwnShortcuts()
    {
        openWindow();
        MainMenus *menus = m_window->menus();
        QCOMPARE(menus->playScenario->shortcut(), QKeySequence(Qt::Key_F5));
        QCOMPARE(menus->stopScenario->shortcut(), QKeySequence(Qt::SHIFT | Qt::Key_F5));
        // No two actions of the window answer the same keys.
        QHash<QKeySequence, QString> owners;
        for (QAction *action : m_window->findChildren<QAction *>()) {
            for (const QKeySequence &keys : action->shortcuts()) {
                QVERIFY2(!owners.contains(keys),
                         qPrintable(keys.toString() + u' ' + owners.value(keys) + u' ' +
                                    action->text()));
                owners.insert(keys, action->text());
            }
        }
        // The templates are in the menu, and New opens a tab in the panel, shown.
        QMenu *templates = nullptr;
        for (QAction *action : menus->scenarioMenu->actions()) {
            if (action->menu() == m_window->scenarioDock()->templatesMenu())
                templates = action->menu();
        }
        QVERIFY(templates);
        QCOMPARE(templates->actions().size(), 5);
        templates->actions().at(1)->trigger();
        QCOMPARE(m_window->scenarioDock()->currentTab()->title(), QStringLiteral("Stock ticker"));
        menus->newScenario->trigger();
        QCOMPARE(m_window->scenarioDock()->scenarioTabs().size(), 2);
        QVERIFY(!m_window->dock("scenarioDock")->isHidden());
        menus->stopScenario->trigger(); // nothing playing: nothing to do
    }

    void panelFitsTheSmallestWindow()
    {
        openWindow();
        m_window->resize(MainWindow::MinimumSize);
        QDockWidget *panel = m_window->dock("scenarioDock");
        panel->raise();
        ScenarioDock *dock = m_window->scenarioDock();
        QVERIFY(dock->openFile(QStringLiteral(":/scenarios/openai-chat.jsonl")));
        QVERIFY(dock->routesPanel()->addRoute(QStringLiteral("POST"),
                                              QStringLiteral("/v1/chat/completions"),
                                              QStringLiteral(":/scenarios/openai-chat.jsonl")));
        for (const int index : {0, 1}) { // the routes, then a scenario
            dock->tabs()->setCurrentIndex(index);
            QTRY_VERIFY(dock->tabs()->widget(index)->isVisible());
            testsupport::verifyFitsMinimumWindow(*m_window, panel);
            if (QTest::currentTestFailed())
                return;
        }
    }

    void recordsFromTheDashboardsOwnServer()
    {
        openWindow();
        ScenarioDock *dock = m_window->scenarioDock();
        RecordDialog *dialog = dock->recordFromUrl();
        QCOMPARE(dock->recordFromUrl(), dialog); // one at a time
        // It offers the dashboard's own stream.
        QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("recordUrl"))->text(),
                 m_controller->url() + QStringLiteral("events"));

        dialog->setUrl(QStringLiteral("not a url at all"));
        QVERIFY(!dialog->start());
        QVERIFY(dialog->statusText().contains(u"URL"));
        dialog->setUrl(m_controller->url() + QStringLiteral("events?channel=rec"));
        dialog->setHeaders(QStringLiteral("no colon here"));
        QVERIFY(!dialog->start());
        QVERIFY(dialog->statusText().contains(u"Headers"));
        dialog->setHeaders(QStringLiteral("X-Test: yes\n"));
        dialog->setMaxEvents(3);
        QVERIFY(dialog->start());
        QVERIFY(dialog->isRecording());
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);

        ScenarioTab *source = dock->openScenario(threeSteps());
        source->setTarget(ScenarioTab::Target::Channel, QStringLiteral("rec"));
        source->play();
        QTRY_COMPARE(dock->scenarioTabs().size(), 2);
        QVERIFY(!dialog->isRecording());
        QVERIFY2(dialog->statusText().startsWith(u"3 event(s) recorded"),
                 qPrintable(dialog->statusText()));
        ScenarioTab *recorded = dock->currentTab();
        QVERIFY(recorded != source);
        QVERIFY(recorded->isModified()); // nothing is saved until the user says where
        QVERIFY(recorded->filePath().isEmpty());
        const QList<ScenarioStep> steps = recorded->model()->scenario().steps;
        QCOMPARE(steps.size(), 3);
        QCOMPARE(steps.at(0).event.data, QStringLiteral("one"));
        QCOMPARE(steps.at(1).event.event, QStringLiteral("tick"));
        QCOMPARE(steps.at(2).event.data, QStringLiteral("three"));

        // An address that answers without a stream: the dialog says so and opens nothing.
        dialog->setUrl(m_controller->url() + QStringLiteral("nothing-here"));
        QVERIFY(dialog->start());
        QTRY_VERIFY(!dialog->isRecording());
        QVERIFY2(dialog->statusText().contains(u"404"), qPrintable(dialog->statusText()));
        QCOMPARE(dock->scenarioTabs().size(), 2);
    }

    void panelIsTranslated()
    {
        QTranslator chinese;
        QVERIFY(chinese.load(QStringLiteral(":/i18n/sse-dashboard_zh_CN.qm")));
        QCoreApplication::installTranslator(&chinese);
        ServerController controller; // not started: the panel is only looked at
        ScenarioDock dock(&controller);
        QCOMPARE(dock.tabs()->tabText(0), QStringLiteral("路由 (0)"));
        ScenarioTab *tab = dock.newScenario();
        QCOMPARE(tab->progressText(), QStringLiteral("已停止"));
        RecordDialog dialog;
        QCOMPARE(dialog.windowTitle(), QStringLiteral("从 URL 录制"));
        QCOMPARE(QCoreApplication::translate("sse::ui::RecordDialog", "%n event(s) recorded",
                                             nullptr, 12),
                 QStringLiteral("已录制 12 个事件"));
        QCoreApplication::removeTranslator(&chinese);
    }
};

QTEST_MAIN(TestScenariosPanel)
#include "tst_ui_scenarios.moc"
