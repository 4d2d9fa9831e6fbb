// The dashboard window against a real server on a loopback port: what the operator clicks
// reaches real subscribers, and what the server does shows up in the window.
#include "bindchoice.h"
#include "clientsview.h"
#include "composerlibrary.h"
#include "composerwidget.h"
#include "dashboardsettings.h"
#include "mainmenus.h"
#include "mainwindow.h"
#include "models/clientsmodel.h"
#include "models/eventtemplatesmodel.h"
#include "models/historymodel.h"
#include "models/logexport.h"
#include "models/sendhistorymodel.h"
#include "models/trafficfiltermodel.h"
#include "models/trafficlogmodel.h"
#include "qrcodewidget.h"
#include "serverbar.h"
#include "servercontroller.h"
#include "sharepanel.h"
#include "sseevent.h"
#include "trafficlogview.h"
#include "windowfixture.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QProxyStyle>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStringListModel>
#include <QStyle>
#include <QStyleOption>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace sse;
using namespace sse::ui;

namespace {

// A raw GET /events on loopback that keeps everything it receives.
class Subscriber
{
public:
    Subscriber(quint16 port, const QByteArray &query = {})
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket,
                         [this] { m_received += m_socket.readAll(); });
        m_socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
        m_socket.write("GET /events" + query +
                       " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 "
                       "Firefox/120.0\r\n\r\n");
    }
    const QByteArray &received() const { return m_received; }
    QAbstractSocket::SocketState state() const { return m_socket.state(); }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
};

} // namespace

class TestDashboardWindow : public QObject
{
    Q_OBJECT

private:
    // A window on a free loopback port, its server started.
    void openWindow(const QStringList &extraOptions = {}, quint16 port = 0)
    {
        testsupport::keepHistoryInMemory();
        m_controller = std::make_unique<ServerController>();
        ServerConfig commandLine;
        commandLine.port = port;
        commandLine.bindAddress = QHostAddress(QHostAddress::LocalHost);
        m_window = std::make_unique<MainWindow>(
            m_controller.get(), commandLine,
            QStringList{QStringLiteral("port"), QStringLiteral("bind")} + extraOptions);
        m_window->show();
    }
    bool waitUntilRunning()
    {
        return QTest::qWaitFor(
            [this] { return m_window->serverBar()->state() == ServerBar::State::Running; });
    }
    template<typename Widget>
    Widget *child(const char *name) const
    {
        auto *widget = m_window->findChild<Widget *>(QString::fromLatin1(name));
        if (!widget)
            qFatal("no child widget %s", name);
        return widget;
    }
    int rowOfClientOnChannel(const QString &channel) const
    {
        const ClientsModel *model = m_window->clientsModel();
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->client(row).channels.contains(channel))
                return row;
        }
        return -1;
    }
    void compose(const QString &eventType, const QString &data)
    {
        child<QComboBox>("eventType")->setCurrentText(eventType);
        child<QPlainTextEdit>("eventData")->setPlainText(data);
    }

    QTemporaryDir m_settingsDir;
    std::unique_ptr<ServerController> m_controller;
    std::unique_ptr<MainWindow> m_window;

private slots:
    void initTestCase()
    {
        // Never touch the user's real settings.
        QVERIFY(m_settingsDir.isValid());
        testsupport::useTemporarySettings(m_settingsDir, QStringLiteral("tst_ui_mainwindow"));
    }

    void init() { QSettings().clear(); }

    void cleanup()
    {
        m_window.reset(); // before the controller it uses
        m_controller.reset();
    }

    void windowShowsHowToConnect()
    {
        openWindow();
        QCOMPARE(m_window->windowTitle(), QStringLiteral("SSE Dashboard"));
        QVERIFY(waitUntilRunning());
        const QString url = QStringLiteral("http://127.0.0.1:%1/").arg(m_controller->port());
        QCOMPARE(m_window->sharePanel()->urls(), QStringList{url});
        QCOMPARE(m_window->sharePanel()->chosenUrl(), url);
        QVERIFY(!m_window->sharePanel()->qrCode()->image().isNull());
        QVERIFY(m_window->sharePanel()->qrCode()->image().width() >= 21 + 8);
        QCOMPARE(child<QLineEdit>("publishToken")->text(), m_controller->token());
        QVERIFY(!m_controller->token().isEmpty());
    }

    void sendButtonReachesALoopbackSubscriber()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        Subscriber subscriber(m_controller->port());
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        QCOMPARE(m_window->clientsModel()
                     ->data(m_window->clientsModel()->index(0, ClientsModel::BrowserColumn))
                     .toString(),
                 QStringLiteral("Firefox 120"));

        compose(QStringLiteral("greeting"), QStringLiteral("hello\nworld"));
        const QByteArray expected = "event: greeting\ndata: hello\ndata: world\n\n";
        QVERIFY(child<QPlainTextEdit>("wirePreview")
                    ->toPlainText()
                    .contains(QStringLiteral("data: world")));
        QTest::mouseClick(child<QPushButton>("sendButton"), Qt::LeftButton);
        QTRY_VERIFY(subscriber.received().contains(expected));
        QTRY_COMPARE(m_window->composer()->historyModel()->entry(0).delivered, 1);
        // The type is remembered for next time.
        QCOMPARE(m_window->composer()->recentTypesModel()->stringList().constFirst(),
                 QStringLiteral("greeting"));
    }

    void ctrlEnterSends()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        Subscriber subscriber(m_controller->port());
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        compose(QStringLiteral("keyboard"), QStringLiteral("sent with ctrl+enter"));
        auto *data = child<QPlainTextEdit>("eventData");
        data->setFocus();
        QTest::keyClick(data, Qt::Key_Return, Qt::ControlModifier);
        QTRY_VERIFY(
            subscriber.received().contains("event: keyboard\ndata: sent with ctrl+enter\n\n"));
        // The shortcut did not also type a line break into the data.
        QCOMPARE(data->toPlainText(), QStringLiteral("sent with ctrl+enter"));
    }

    void invalidEventNameIsRejectedInline()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        ComposerWidget *composer = m_window->composer();
        auto *send = child<QPushButton>("sendButton");
        auto *type = child<QComboBox>("eventType");
        QCOMPARE(composer->message(), QString());
        QVERIFY(send->isEnabled());

        const QString reserved = QStringLiteral("dashboard.mine");
        compose(reserved, QStringLiteral("x"));
        // Word for word what POST /publish would answer, on the field and under the fields.
        QCOMPARE(composer->message(), validateEventName(reserved)->message());
        QCOMPARE(type->toolTip(), validateEventName(reserved)->message());
        QVERIFY(!send->isEnabled());
        QVERIFY(!composer->send());
        QCOMPARE(composer->historyModel()->rowCount(), 0);

        compose(QStringLiteral("fine"), QStringLiteral("x"));
        child<QLineEdit>("eventRetry")->setText(QStringLiteral("12a"));
        QVERIFY(composer->message().contains(QStringLiteral("retry")));
        child<QLineEdit>("eventRetry")->clear();
        QCOMPARE(composer->message(), QString());
        QVERIFY(send->isEnabled());
    }

    void messageLinesKeepTheirSpace()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        auto *send = child<QPushButton>("sendButton");
        QTRY_VERIFY(send->isVisible());
        QCoreApplication::sendPostedEvents();
        m_window->composer()->layout()->activate(); // the layout settled, as after the error
        const QPoint before = send->mapTo(m_window.get(), QPoint());
        compose(QStringLiteral("dashboard.bad"), QStringLiteral("x"));
        QVERIFY(!m_window->composer()->message().isEmpty());
        QCoreApplication::sendPostedEvents();
        m_window->composer()->layout()->activate();
        // The error takes the line kept for it: the Send button does not move.
        QCOMPARE(send->mapTo(m_window.get(), QPoint()), before);
    }

    void jsonModeValidatesAndFormats()
    {
        openWindow();
        ComposerWidget *composer = m_window->composer();
        composer->setJsonMode(true);
        compose(QStringLiteral("json"), QStringLiteral("{\"a\": [1, 2"));
        QVERIFY(composer->message().contains(QStringLiteral("not valid JSON")));
        QVERIFY(!composer->validationError().isEmpty());
        // Keys out of alphabetical order stay where they were.
        compose(QStringLiteral("json"), QStringLiteral("{\"b\": [1, 2], \"a\": true}"));
        QVERIFY(composer->validationError().isEmpty());
        QTest::mouseClick(child<QPushButton>("prettyJson"), Qt::LeftButton);
        QCOMPARE(
            child<QPlainTextEdit>("eventData")->toPlainText(),
            QStringLiteral("{\n    \"b\": [\n        1,\n        2\n    ],\n    \"a\": true\n}"));
        QTest::mouseClick(child<QPushButton>("compactJson"), Qt::LeftButton);
        QCOMPARE(child<QPlainTextEdit>("eventData")->toPlainText(),
                 QStringLiteral("{\"b\":[1,2],\"a\":true}"));
        QCOMPARE(
            composer->previewBytes(),
            encodeEvent(SseEvent{
                QStringLiteral("json"), {}, QStringLiteral("{\"b\":[1,2],\"a\":true}"), {}, {}}));
    }

    void disconnectClientFromTheTable()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        Subscriber leaving(m_controller->port(), "?channel=leaving");
        Subscriber staying(m_controller->port(), "?channel=staying");
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 2);

        const int row = rowOfClientOnChannel(QStringLiteral("leaving"));
        QVERIFY(row >= 0);
        m_window->clientsView()->selectClient(m_window->clientsModel()->client(row).id);
        auto *disconnect = child<QPushButton>("disconnectButton");
        QVERIFY(disconnect->isEnabled());
        QTest::mouseClick(disconnect, Qt::LeftButton);

        QTRY_COMPARE(leaving.state(), QAbstractSocket::UnconnectedState);
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        QCOMPARE(rowOfClientOnChannel(QStringLiteral("staying")), 0);
        QCOMPARE(staying.state(), QAbstractSocket::ConnectedState);
        QVERIFY(!disconnect->isEnabled());
    }

    void sendToTheSelectedClientOnly()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        Subscriber chosen(m_controller->port(), "?channel=one");
        Subscriber other(m_controller->port(), "?channel=two");
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 2);
        const int row = rowOfClientOnChannel(QStringLiteral("one"));
        m_window->clientsView()->selectClient(m_window->clientsModel()->client(row).id);
        QTest::mouseClick(child<QPushButton>("sendToClientButton"), Qt::LeftButton);
        compose(QStringLiteral("private"), QStringLiteral("only for you"));
        QTest::mouseClick(child<QPushButton>("sendButton"), Qt::LeftButton);
        QTRY_VERIFY(chosen.received().contains("data: only for you\n"));

        // Then one for everybody: the other client gets it, and never got the private one.
        m_window->composer()->setTargetKind(ComposerWidget::TargetKind::All);
        compose(QStringLiteral("public"), QStringLiteral("for all"));
        QTest::mouseClick(child<QPushButton>("sendButton"), Qt::LeftButton);
        QTRY_VERIFY(other.received().contains("data: for all\n"));
        QVERIFY(!other.received().contains("only for you"));
    }

    void commentGoesOutNow()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        Subscriber subscriber(m_controller->port());
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        child<QLineEdit>("commentText")->setText(QStringLiteral("ping from the operator"));
        QTest::mouseClick(child<QPushButton>("sendCommentButton"), Qt::LeftButton);
        QTRY_VERIFY(subscriber.received().contains(": ping from the operator\n\n"));
    }

    void trafficLogFiltersAndExports()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        Subscriber subscriber(m_controller->port());
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        for (const char *type : {"alpha", "beta", "alpha"}) {
            compose(QString::fromLatin1(type), QStringLiteral("payload"));
            QTest::mouseClick(child<QPushButton>("sendButton"), Qt::LeftButton);
        }
        TrafficLogModel *log = m_window->trafficModel();
        const auto countOut = [log](const QString &type) {
            int count = 0;
            for (const TrafficRecord &record : log->records())
                count += record.direction == TrafficDirection::Out && record.eventType == type;
            return count;
        };
        QTRY_COMPARE(countOut(QStringLiteral("alpha")), 2);
        QTRY_COMPARE(countOut(QStringLiteral("beta")), 1);

        TrafficLogView *view = m_window->trafficView();
        child<QComboBox>("logEventTypeFilter")->setCurrentText(QStringLiteral("alpha"));
        QCOMPARE(view->filterModel()->rowCount(), 2);
        child<QComboBox>("logDirectionFilter")->setCurrentIndex(3); // System
        QCOMPARE(view->filterModel()->rowCount(), 0);
        child<QComboBox>("logDirectionFilter")->setCurrentIndex(0);

        // The detail pane shows the raw bytes of the chosen row.
        view->table()->setCurrentIndex(view->filterModel()->index(0, 0));
        QVERIFY(child<QPlainTextEdit>("trafficDetails")
                    ->toPlainText()
                    .contains(QStringLiteral("event: alpha")));

        QTemporaryDir dir;
        const QString ndjsonPath = dir.filePath(QStringLiteral("filtered.ndjson"));
        QCOMPARE(view->exportTo(ndjsonPath, TrafficLogView::ExportFormat::Ndjson,
                                TrafficLogView::ExportScope::Filtered),
                 QString());
        QFile ndjson(ndjsonPath);
        QVERIFY(ndjson.open(QIODevice::ReadOnly));
        const QList<TrafficRecord> filtered = importNdjson(ndjson.readAll());
        QCOMPARE(filtered.size(), 2);
        QCOMPARE(filtered.at(1).eventType, QStringLiteral("alpha"));
        QVERIFY(filtered.at(1).raw.contains("event: alpha\ndata: payload\n\n"));

        const QString harPath = dir.filePath(QStringLiteral("all.har"));
        QCOMPARE(view->exportTo(harPath, TrafficLogView::ExportFormat::Har,
                                TrafficLogView::ExportScope::Everything),
                 QString());
        QFile har(harPath);
        QVERIFY(har.open(QIODevice::ReadOnly));
        QCOMPARE(importHar(har.readAll()).size(),
                 view->records(TrafficLogView::ExportScope::Everything).size());

        QTest::mouseClick(child<QPushButton>("logClear"), Qt::LeftButton);
        QCOMPARE(log->rowCount(), 0);
    }

    void portInUseIsShownInTheWindow()
    {
        QTcpServer blocker;
        QVERIFY(blocker.listen(QHostAddress(QHostAddress::LocalHost)));
        openWindow({}, blocker.serverPort());
        auto *error = child<QLabel>("serverError");
        QTRY_VERIFY(error->isVisibleTo(m_window.get()));
        QVERIFY(error->text().contains(QStringLiteral("could not start")));
        QCOMPARE(m_window->serverBar()->state(), ServerBar::State::Stopped);
        QVERIFY(m_window->sharePanel()->urls().isEmpty());
    }

    void stopAndStartFromTheBar()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        Subscriber subscriber(m_controller->port());
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        auto *startStop = child<QPushButton>("startStopButton");
        QTest::mouseClick(startStop, Qt::LeftButton);
        QTRY_COMPARE(m_window->serverBar()->state(), ServerBar::State::Stopped);
        QCOMPARE(m_window->clientsModel()->rowCount(), 0);
        QTRY_COMPARE(subscriber.state(), QAbstractSocket::UnconnectedState);
        QTest::mouseClick(startStop, Qt::LeftButton);
        QVERIFY(waitUntilRunning());
    }

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

    void stoppedServerSaysWhyNothingIsSent()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        ComposerWidget *composer = m_window->composer();
        auto *repeat = child<QCheckBox>("repeat");
        child<QSpinBox>("repeatInterval")->setValue(3600000); // no tick during the test
        repeat->setChecked(true);
        m_controller->stop();
        QTRY_COMPARE(m_window->serverBar()->state(), ServerBar::State::Stopped);
        // Repeating stops with the server: a restart must not resume sending by surprise.
        QVERIFY(!repeat->isChecked());

        QSignalSpy failed(composer, &ComposerWidget::sendFailed);
        compose(QStringLiteral("late"), QStringLiteral("x"));
        QVERIFY(!composer->send());
        QCOMPARE(failed.size(), 1);
        QVERIFY(composer->message().contains(QStringLiteral("stopped")));
        QVERIFY(m_window->statusBar()->currentMessage().contains(QStringLiteral("stopped")));
        QCOMPARE(composer->historyModel()->rowCount(), 0);

        // Running again, the reason goes away with the next send.
        m_window->startServer();
        QVERIFY(waitUntilRunning());
        QCOMPARE(composer->message(), QString());
        QVERIFY(composer->send());
    }

    void nextIdComesFromTheServerAfterARestart()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        ComposerWidget *composer = m_window->composer();
        compose(QStringLiteral("numbered"), QStringLiteral("x"));
        QVERIFY(composer->send());
        QVERIFY(composer->send());
        QTRY_VERIFY(composer->previewBytes().startsWith("id: 3\n"));
        // The in-memory log starts over with the server: so does the id the window shows.
        m_controller->stop();
        QTRY_COMPARE(m_window->serverBar()->state(), ServerBar::State::Stopped);
        m_window->startServer();
        QVERIFY(waitUntilRunning());
        QTRY_VERIFY(composer->previewBytes().startsWith("id: 1\n"));
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

    void listenOnAllInterfacesAsksFirstAndKeepsThePort()
    {
        openWindow(); // on port 0: any free one
        QVERIFY(waitUntilRunning());
        const quint16 port = m_controller->port();
        // The field shows the port in use, while the setting stays "any".
        QCOMPARE(child<QSpinBox>("portSpinBox")->value(), int(port));
        QCOMPARE(m_window->serverBar()->port(), quint16(0));
        Subscriber subscriber(port);
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);

        int askedAbout = -1;
        m_window->listenOnAllInterfaces([&askedAbout](int clients) {
            askedAbout = clients;
            return false; // Cancel
        });
        QCOMPARE(askedAbout, 1);
        QVERIFY(m_window->serverBar()->bindChoice().mode != BindChoice::Mode::AllInterfaces);
        QCOMPARE(subscriber.state(), QAbstractSocket::ConnectedState);

        m_window->listenOnAllInterfaces([](int) { return true; });
        QTRY_COMPARE(subscriber.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(m_window->serverBar()->bindChoice().mode, BindChoice::Mode::AllInterfaces);
        QVERIFY(waitUntilRunning());
        // The same port: this computer's pages reconnect to the URL they had.
        QCOMPARE(m_controller->port(), port);
        Subscriber back(port);
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        QCOMPARE(m_window->settings().server.port, quint16(0));
        m_controller->stop();
        QTRY_COMPARE(m_window->serverBar()->state(), ServerBar::State::Stopped);
        QCOMPARE(child<QSpinBox>("portSpinBox")->value(), 0); // "any" again
    }

    void composerDefaultsAndDraftAreRemembered()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        ComposerWidget *composer = m_window->composer();
        QCOMPARE(composer->currentTarget().kind, PublishTarget::Kind::All);
        compose(QStringLiteral("draft"), QStringLiteral("half written"));
        child<QLineEdit>("eventChannel")->setText(QStringLiteral("news"));
        composer->setTargetKind(ComposerWidget::TargetKind::Channel);
        const QString curl = composer->curlCommand();
        QVERIFY2(curl.contains(QStringLiteral("/publish'")), qPrintable(curl));
        QVERIFY(curl.contains(QStringLiteral("\"data\":\"half written\"")));
        QVERIFY(curl.contains(QStringLiteral("\"channel\":\"news\"")));
        m_window->close();
        cleanup();

        openWindow();
        composer = m_window->composer();
        QCOMPARE(child<QPlainTextEdit>("eventData")->toPlainText(), QStringLiteral("half written"));
        QCOMPARE(child<QLineEdit>("eventChannel")->text(), QStringLiteral("news"));
        QCOMPARE(composer->currentTarget().kind, PublishTarget::Kind::Channel);
    }

    void channelFieldSaysWhenTheTargetIgnoresItAndTheConfirmationNamesTheAudience()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        ComposerWidget *composer = m_window->composer();
        Subscriber subscriber(m_controller->port()); // on the default channel
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        auto *channel = child<QLineEdit>("eventChannel");
        channel->setText(QStringLiteral("news"));
        // "All subscribers" reaches every channel: the field is not used, and says so.
        composer->setTargetKind(ComposerWidget::TargetKind::All);
        QVERIFY(!channel->isEnabled());
        QVERIFY(channel->toolTip().startsWith(QStringLiteral("Not used")));
        compose(QStringLiteral("message"), QStringLiteral("to all"));
        QVERIFY(composer->send());
        QTRY_COMPARE(m_window->statusBar()->currentMessage(),
                     QStringLiteral("Sent event 1 to all 1 subscriber(s), every channel"));
        composer->setTargetKind(ComposerWidget::TargetKind::Channel);
        QVERIFY(channel->isEnabled());
        QVERIFY(composer->send());
        QTRY_COMPARE(m_window->statusBar()->currentMessage(),
                     QStringLiteral("Sent event 2 to 0 subscriber(s) of news"));
        composer->setTargetKind(ComposerWidget::TargetKind::SelectedClients);
        QVERIFY(!channel->isEnabled());
    }

    void sendToThisClientPutsTheCursorInData()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        Subscriber subscriber(m_controller->port());
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        const quint64 id = m_window->clientsModel()->client(0).id;
        emit m_window->clientsView()->sendToClientsRequested({id});
        QTRY_VERIFY(child<QPlainTextEdit>("eventData")->hasFocus());
        QCOMPARE(m_window->composer()->currentTarget().kind, PublishTarget::Kind::Clients);
        QCOMPARE(m_window->composer()->currentTarget().clientIds, QList<quint64>{id});
    }

    void savingATemplateWithoutANameSaysSo()
    {
        openWindow();
        ComposerLibrary *library = m_window->composer()->library();
        child<QComboBox>("templateName")->setCurrentText(QString());
        QTest::mouseClick(child<QPushButton>("saveTemplate"), Qt::LeftButton);
        QVERIFY(library->templateMessage().contains(QStringLiteral("name")));
        QCOMPARE(library->templates()->rowCount(), 0);
        child<QComboBox>("templateName")->setCurrentText(QStringLiteral("named"));
        QTest::mouseClick(child<QPushButton>("saveTemplate"), Qt::LeftButton);
        QCOMPARE(library->templates()->rowCount(), 1);

        // A templates file out and back in.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("templates.json"));
        QCOMPARE(library->exportTemplates(path), QString());
        library->templates()->removeTemplate(0);
        QCOMPARE(library->importTemplates(path), QString());
        QCOMPARE(library->templates()->rowOfName(QStringLiteral("named")), 0);
        QVERIFY(!library->importTemplates(dir.filePath(QStringLiteral("missing.json"))).isEmpty());
    }

    void requestHeadersAreCapturedAndShownRawOrHex()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        QTcpSocket client;
        client.connectToHost(QHostAddress(QHostAddress::LocalHost), m_controller->port());
        const QByteArray body = "{\"data\":\"with headers\"}";
        client.write("POST /publish?channel=x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Probe: 42\r\n"
                     "Content-Type: application/json\r\nContent-Length: " +
                     QByteArray::number(body.size()) + "\r\n\r\n" + body);
        TrafficLogModel *log = m_window->trafficModel();
        const auto findPublish = [log]() -> int {
            for (int row = 0; row < log->rowCount(); ++row) {
                if (log->record(row).method == QLatin1String("POST"))
                    return row;
            }
            return -1;
        };
        QTRY_VERIFY(findPublish() >= 0);
        const TrafficRecord &record = log->record(findPublish());
        QCOMPARE(record.path, QStringLiteral("/publish?channel=x"));
        QVERIFY(record.requestHeaders.contains(qMakePair(QByteArray("X-Probe"), QByteArray("42"))));

        TrafficLogView *view = m_window->trafficView();
        view->table()->setCurrentIndex(
            view->filterModel()->mapFromSource(log->index(findPublish(), 0)));
        QVERIFY(view->detailsText().contains(QStringLiteral("POST /publish?channel=x HTTP/1.1")));
        QVERIFY(view->detailsText().contains(QStringLiteral("X-Probe: 42")));
        QVERIFY(view->detailsText().contains(QStringLiteral("with headers")));
        view->setHexView(true);
        // "POST" is 50 4f 53 54.
        QVERIFY(view->detailsText().contains(QStringLiteral("00000000  50 4f 53 54")));
        QVERIFY(child<QPlainTextEdit>("trafficDetails")
                    ->toPlainText()
                    .contains(QStringLiteral("|POST /publish")));

        // The row's context menu: copy as curl repeats the request.
        QMenu *menu = view->contextMenuForRow(view->table()->currentIndex().row());
        QAction *curl = nullptr;
        for (QAction *action : menu->actions()) {
            if (action->text() == QLatin1String("Copy as curl"))
                curl = action;
        }
        QVERIFY(curl);
        curl->trigger();
        const QString copied = QGuiApplication::clipboard()->text();
        QVERIFY2(copied.contains(QStringLiteral("-H 'X-Probe: 42'")), qPrintable(copied));
        delete menu;
    }

    void loopbackOnlyOffersToListenOnTheLan()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        SharePanel *share = m_window->sharePanel();
        QVERIFY(share->isLoopbackOnly());
        QVERIFY(!share->qrCode()->isVisibleTo(m_window.get()));
        QVERIFY(child<QLabel>("shareHint")->text().contains(QStringLiteral("this computer only")));
        auto *listenAll = child<QPushButton>("listenAllButton");
        QVERIFY(listenAll->isVisibleTo(m_window.get()));
        QTest::mouseClick(listenAll, Qt::LeftButton);
        QTRY_COMPARE(m_window->serverBar()->bindChoice().mode, BindChoice::Mode::AllInterfaces);
        QVERIFY(waitUntilRunning());
        QTRY_VERIFY(!listenAll->isVisibleTo(m_window.get()));
        QVERIFY(share->qrCode()->isVisibleTo(m_window.get()));
        QVERIFY(share->qrCode()->minimumSizeHint().width() >= 200);
        // The bar shows the address others use when the machine has one.
        const QStringList lan =
            shareUrls(QHostAddress(QHostAddress::AnyIPv4), m_controller->port());
        if (lan.size() > 1)
            QVERIFY(m_window->serverBar()->statusText().contains(lan.at(1)));
    }
};

QTEST_MAIN(TestDashboardWindow)
#include "tst_ui_mainwindow.moc"
