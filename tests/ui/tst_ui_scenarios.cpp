// The Scenarios panel in the dashboard window: opening files and templates, a traffic-log
// export opened as a scenario, editing in the table, a tab playing to a real subscriber on a
// real server, routes, and recording from that server. Its models: tst_ui_scenariomodels.
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
#include "scenariofixture.h"
#include "windowfixture.h"

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
using testsupport::threeSteps;

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
