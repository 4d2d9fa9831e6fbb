// The dashboard window as a whole against a real server on a loopback port: its settings and
// the command line, docks and their saved layout, what is in sight at the usual sizes,
// shortcuts, theme, and applying settings to a running server.
#include "composerwidget.h"
#include "dashboardsettings.h"
#include "mainmenus.h"
#include "mainwindow.h"
#include "models/clientsmodel.h"
#include "models/eventtemplatesmodel.h"
#include "models/historymodel.h"
#include "models/trafficlogmodel.h"
#include "serverbar.h"
#include "servercontroller.h"
#include "sseevent.h"
#include "windowfixture.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QDockWidget>
#include <QHeaderView>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProxyStyle>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QStyle>
#include <QStyleOption>
#include <QTableView>
#include <QTest>

#include <memory>

using namespace sse;
using namespace sse::ui;
using testsupport::Subscriber;

class TestDashboardWindow : public QObject, private testsupport::DashboardWindowTest
{
    Q_OBJECT

private slots:
    void initTestCase() { initSettings(QStringLiteral("tst_ui_mainwindow")); }
    void init() { QSettings().clear(); }
    void cleanup() { closeWindow(); }

    void everyServerOptionCanComeFromTheCommandLine()
    {
        DashboardSettings settings;
        ServerConfig commandLine;
        commandLine.fanoutThreads = 3;
        commandLine.requireTokenOnLoopback = true;
        commandLine.subscriberToken = QStringLiteral("sub");
        settings.applyCommandLine(commandLine,
                                  {QStringLiteral("threads"), QStringLiteral("require-token"),
                                   QStringLiteral("subscriber-token")});
        QCOMPARE(settings.server.fanoutThreads, 3);
        QVERIFY(settings.server.requireTokenOnLoopback);
        QCOMPARE(settings.server.subscriberToken, QStringLiteral("sub"));
        QCOMPARE(settings.serverConfig().fanoutThreads, 3);
    }

    void settingsPersistAndCommandLineWins()
    {
        {
            QSettings settings;
            settings.setValue(QStringLiteral("server/port"), 18123);
            settings.setValue(QStringLiteral("server/heartbeatSeconds"), 33);
            settings.setValue(QStringLiteral("server/token"), QStringLiteral("saved-token"));
        }
        openWindow({QStringLiteral("heartbeat")});
        QVERIFY(waitUntilRunning());
        QCOMPARE(m_window->settings().server.port, quint16(0));     // given: port 0
        QCOMPARE(m_window->settings().server.heartbeatSeconds, 15); // given: the default 15
        QCOMPARE(m_window->settings().server.token, QStringLiteral("saved-token")); // not given
        QCOMPARE(m_controller->token(), QStringLiteral("saved-token"));

        m_window->composer()->templatesModel()->saveTemplate(
            QStringLiteral("kept"),
            SseEvent{QStringLiteral("kept"), {}, QStringLiteral("data"), {}, {}});
        m_window->close();
        cleanup();
        {
            QSettings settings;
            QCOMPARE(settings.value(QStringLiteral("server/port")).toInt(), 0);
            QVERIFY(settings.contains(QStringLiteral("window/geometry")));
            QVERIFY(settings.contains(QStringLiteral("window/state")));
        }
        // Nothing given this time: everything comes from the settings just saved.
        m_controller = std::make_unique<ServerController>();
        m_window = std::make_unique<MainWindow>(m_controller.get(), ServerConfig());
        QCOMPARE(m_window->settings().server.heartbeatSeconds, 15);
        QCOMPARE(m_window->settings().server.port, quint16(0));
        QCOMPARE(m_window->composer()->templatesModel()->rowOfName(QStringLiteral("kept")), 0);
    }

    void panelsAreDocksWhoseLayoutIsSavedAndReset()
    {
        openWindow();
        QVERIFY(m_window->minimumSize().width() <= 1024);
        QVERIFY(m_window->minimumSize().height() <= 640);
        const QList<QDockWidget *> docks = m_window->docks();
        QCOMPARE(docks.size(), 9);
        for (QDockWidget *dock : docks) {
            QVERIFY(dock->isVisibleTo(m_window.get()) || dock->isHidden() == false);
            // Each can be closed and brought back from the View menu.
            QVERIFY(dock->features().testFlag(QDockWidget::DockWidgetClosable));
            QVERIFY(dock->features().testFlag(QDockWidget::DockWidgetMovable));
        }
        auto *charts = m_window->findChild<QDockWidget *>(QStringLiteral("chartsDock"));
        auto *clients = m_window->findChild<QDockWidget *>(QStringLiteral("clientsDock"));
        clients->toggleViewAction()->trigger();
        QVERIFY(clients->isHidden());
        m_window->addDockWidget(Qt::BottomDockWidgetArea, charts);
        QCOMPARE(m_window->dockWidgetArea(charts), Qt::BottomDockWidgetArea);
        m_window->close();
        cleanup();

        // The next window opens as this one was left.
        openWindow();
        clients = m_window->findChild<QDockWidget *>(QStringLiteral("clientsDock"));
        charts = m_window->findChild<QDockWidget *>(QStringLiteral("chartsDock"));
        QVERIFY(clients->isHidden());
        QCOMPARE(m_window->dockWidgetArea(charts), Qt::BottomDockWidgetArea);

        m_window->menus()->resetLayout->trigger();
        QVERIFY(!clients->isHidden());
        QCOMPARE(m_window->dockWidgetArea(clients), Qt::LeftDockWidgetArea);
        QCOMPARE(m_window->dockWidgetArea(charts), Qt::RightDockWidgetArea);
        const QList<QDockWidget *> besideCharts = m_window->tabifiedDockWidgets(charts);
        QVERIFY(besideCharts.contains(
            m_window->findChild<QDockWidget *>(QStringLiteral("composerDock"))));
        QVERIFY(besideCharts.contains(
            m_window->findChild<QDockWidget *>(QStringLiteral("connectDock"))));
    }

    void theMainJobIsInSightAtTheUsualSizes_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::newRow("1280x720") << QSize(1280, 720);
        QTest::newRow("1024x640") << MainWindow::MinimumSize;
    }

    // What a newcomer sees first: Send, the Clients table and the live Traffic log, whole and
    // in front, with the default layout.
    void theMainJobIsInSightAtTheUsualSizes()
    {
        QFETCH(QSize, size);
        openWindow();
        QVERIFY(waitUntilRunning());
        m_window->resize(size);
        m_window->resetLayout();
        QTRY_COMPARE(m_window->size(), size);
        const auto wholeInSight = [](const QWidget *widget) {
            return widget->isVisible() && widget->visibleRegion().boundingRect() == widget->rect();
        };
        const auto inSight = [](const QWidget *widget, int minimumHeight) {
            return widget->isVisible() &&
                   widget->visibleRegion().boundingRect().height() >= minimumHeight;
        };
        if (size == QSize(1280, 720)) {
            QTRY_VERIFY2(wholeInSight(child<QPushButton>("sendButton")),
                         "Send is out of sight at 1280x720");
        }
        const int rows = 5 * child<QTableView>("clientsTable")->fontMetrics().height();
        QTRY_VERIFY2(inSight(child<QTableView>("clientsTable"), rows), "the Clients table");
        auto *traffic = m_window->findChild<QDockWidget *>(QStringLiteral("trafficDock"));
        QTRY_VERIFY2(inSight(traffic->widget(), rows), "the Traffic log is not in front");
        // No cell cut short: long browser names stay on one line, history times are whole.
        QVERIFY(!child<QTableView>("clientsTable")->wordWrap());
        // At 1280 the Clients columns up to Events show without scrolling sideways.
        if (size == QSize(1280, 720)) {
            auto *clients = child<QTableView>("clientsTable");
            const int eventsEnd =
                clients->horizontalHeader()->sectionViewportPosition(ClientsModel::EventsColumn) +
                clients->columnWidth(ClientsModel::EventsColumn);
            QVERIFY2(eventsEnd <= clients->viewport()->width(),
                     qPrintable(QStringLiteral("Events ends at %1 of %2")
                                    .arg(eventsEnd)
                                    .arg(clients->viewport()->width())));
        }
        auto *history = child<QTableView>("historyTable");
        QVERIFY(
            history->columnWidth(HistoryModel::TimeColumn) >
            history->fontMetrics().horizontalAdvance(QStringLiteral("2026-12-07 14:31:23.515")));
        // Smaller may scroll, never clip: every panel gets at least what it needs.
        if (size == MainWindow::MinimumSize) {
            testsupport::verifyFitsMinimumWindow(
                *m_window, m_window->findChild<QDockWidget *>(QStringLiteral("composerDock")));
        }
    }

    void shortcutsFollowPlatformConventions()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        MainMenus *menus = m_window->menus();
        QCOMPARE(menus->quit->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Q));
        QCOMPARE(menus->settings->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Comma));
        QCOMPARE(menus->findInLog->shortcut(), QKeySequence(QKeySequence::Find));
        QCOMPARE(menus->clearLog->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_L));
        QCOMPARE(menus->documentation->shortcut(), QKeySequence(QKeySequence::HelpContents));

        // Ctrl+F: the log's search field, from anywhere in the window.
        child<QPlainTextEdit>("eventData")->setFocus();
        QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(child<QLineEdit>("logTextFilter")->hasFocus());

        // Ctrl+L: the log is cleared.
        Subscriber subscriber(m_controller->port());
        QTRY_VERIFY(m_window->trafficModel()->rowCount() > 0);
        QTest::keyClick(m_window.get(), Qt::Key_L, Qt::ControlModifier);
        QCOMPARE(m_window->trafficModel()->rowCount(), 0);

        // Ctrl+Q: the window closes, saving its settings.
        QTest::keyClick(m_window.get(), Qt::Key_Q, Qt::ControlModifier);
        QTRY_VERIFY(!m_window->isVisible());
        QVERIFY(QSettings().contains(QStringLiteral("window/state")));
    }

    void themeAndLanguageAreRemembered()
    {
        openWindow();
        MainMenus *menus = m_window->menus();
        QAction *dark = nullptr;
        for (QAction *action : menus->themes->actions()) {
            if (action->data().toString() == QLatin1String("dark"))
                dark = action;
        }
        QVERIFY(dark);
        dark->trigger();
        // Fusion, under a proxy that keeps check boxes and radio buttons visible.
        const auto *proxy = qobject_cast<QProxyStyle *>(QApplication::style());
        QVERIFY(proxy);
        QCOMPARE(proxy->baseStyle()->name().toLower(), QStringLiteral("fusion"));
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 80);
        QCOMPARE(QSettings().value(QStringLiteral("ui/theme")).toString(), QStringLiteral("dark"));
        // An unchecked radio button (the Connect panel's URLs) shows its ring.
        {
            QRadioButton radio(QStringLiteral("http://192.0.2.7:8080/"));
            radio.resize(radio.sizeHint());
            const QImage image = radio.grab().toImage();
            QStyleOptionButton option;
            option.initFrom(&radio);
            const QRect ring =
                radio.style()->subElementRect(QStyle::SE_RadioButtonIndicator, &option, &radio);
            const QColor base = QApplication::palette().color(QPalette::Base);
            int contrast = 0;
            for (int y = ring.top(); y <= ring.bottom(); ++y) {
                for (int x = ring.left(); x <= ring.right(); ++x) {
                    contrast = std::max(
                        contrast, std::abs(image
                                               .pixelColor(x * image.width() / radio.width(),
                                                           y * image.height() / radio.height())
                                               .lightness() -
                                           base.lightness()));
                }
            }
            QVERIFY2(contrast > 60, qPrintable(QString::number(contrast)));
        }
        // The charts follow it: Qt Charts' own default is light whatever the palette.
        const QList<QChartView *> charts = m_window->findChildren<QChartView *>();
        QVERIFY(!charts.isEmpty());
        for (const QChartView *chart : charts)
            QTRY_COMPARE(chart->chart()->theme(), QChart::ChartThemeDark);
        for (QAction *action : menus->themes->actions()) {
            if (action->data().toString() == QLatin1String("system"))
                action->trigger();
        }
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 128);
        for (const QChartView *chart : charts)
            QTRY_COMPARE(chart->chart()->theme(), QChart::ChartThemeLight);
    }

    void settingsAskBeforeDisconnectingClients()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        Subscriber subscriber(m_controller->port());
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        QTRY_COMPARE(m_window->serverBar()->statusText().isEmpty(), false);
        const quint16 port = m_controller->port();

        DashboardSettings changed = m_window->settings();
        changed.server.heartbeatSeconds = 7;
        int askedAbout = -1;
        m_window->applySettings(changed, [&askedAbout](int clients) {
            askedAbout = clients;
            return false; // Cancel
        });
        QCOMPARE(askedAbout, 1);
        QCOMPARE(m_window->settings().server.heartbeatSeconds, 15); // nothing changed
        QCOMPARE(m_window->serverBar()->state(), ServerBar::State::Running);

        // Only what needs no restart: nobody is asked.
        DashboardSettings logOnly = m_window->settings();
        logOnly.logMaxRows = 500;
        askedAbout = -1;
        m_window->applySettings(logOnly, [&askedAbout](int clients) {
            askedAbout = clients;
            return true;
        });
        QCOMPARE(askedAbout, -1);
        QCOMPARE(m_window->trafficModel()->maxRows(), 500);
        QCOMPARE(subscriber.state(), QAbstractSocket::ConnectedState);

        m_window->applySettings(changed, [](int) { return true; });
        QCOMPARE(m_window->settings().server.heartbeatSeconds, 7);
        QTRY_COMPARE(subscriber.state(), QAbstractSocket::UnconnectedState);
        QVERIFY(waitUntilRunning());
        QVERIFY(port != 0);
    }
};

QTEST_MAIN(TestDashboardWindow)
#include "tst_ui_mainwindow.moc"
