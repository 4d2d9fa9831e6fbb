// The dashboard window against a real server on a loopback port: what the operator clicks
// reaches real subscribers, and what the server does shows up in the window.
#include "clientsview.h"
#include "composerwidget.h"
#include "dashboardsettings.h"
#include "mainwindow.h"
#include "models/clientsmodel.h"
#include "models/eventtemplatesmodel.h"
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

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStringListModel>
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
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_settingsDir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
        QCoreApplication::setOrganizationName(QStringLiteral("SSE Dashboard Tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_ui_mainwindow"));
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
        auto *error = child<QLabel>("eventTypeError");
        auto *send = child<QPushButton>("sendButton");
        QVERIFY(!error->isVisibleTo(m_window.get()));
        QVERIFY(send->isEnabled());

        const QString reserved = QStringLiteral("dashboard.mine");
        compose(reserved, QStringLiteral("x"));
        QVERIFY(error->isVisibleTo(m_window.get()));
        // Word for word what POST /publish would answer.
        QCOMPARE(error->text(), validateEventName(reserved)->message());
        QVERIFY(!send->isEnabled());
        QVERIFY(!m_window->composer()->send());
        QCOMPARE(m_window->composer()->historyModel()->rowCount(), 0);

        child<QLineEdit>("eventRetry")->setText(QStringLiteral("12a"));
        QVERIFY(child<QLabel>("retryError")->isVisibleTo(m_window.get()));
        child<QLineEdit>("eventRetry")->clear();
        compose(QStringLiteral("fine"), QStringLiteral("x"));
        QVERIFY(!error->isVisibleTo(m_window.get()));
        QVERIFY(send->isEnabled());
    }

    void jsonModeValidatesAndFormats()
    {
        openWindow();
        ComposerWidget *composer = m_window->composer();
        composer->setJsonMode(true);
        compose(QStringLiteral("json"), QStringLiteral("{\"a\": [1, 2"));
        QVERIFY(child<QLabel>("dataError")->isVisibleTo(m_window.get()));
        QVERIFY(!composer->validationError().isEmpty());
        compose(QStringLiteral("json"), QStringLiteral("{\"a\": [1, 2]}"));
        QVERIFY(composer->validationError().isEmpty());
        QTest::mouseClick(child<QPushButton>("prettyJson"), Qt::LeftButton);
        QVERIFY(child<QPlainTextEdit>("eventData")->toPlainText().contains(QLatin1Char('\n')));
        QTest::mouseClick(child<QPushButton>("compactJson"), Qt::LeftButton);
        QCOMPARE(child<QPlainTextEdit>("eventData")->toPlainText(),
                 QStringLiteral("{\"a\":[1,2]}"));
        QCOMPARE(composer->previewBytes(),
                 encodeEvent(SseEvent{
                     QStringLiteral("json"), {}, QStringLiteral("{\"a\":[1,2]}"), {}, {}}));
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
            QVERIFY(settings.contains(QStringLiteral("window/mainSplitter")));
        }
        // Nothing given this time: everything comes from the settings just saved.
        m_controller = std::make_unique<ServerController>();
        m_window = std::make_unique<MainWindow>(m_controller.get(), ServerConfig());
        QCOMPARE(m_window->settings().server.heartbeatSeconds, 15);
        QCOMPARE(m_window->settings().server.port, quint16(0));
        QCOMPARE(m_window->composer()->templatesModel()->rowOfName(QStringLiteral("kept")), 0);
    }
};

QTEST_MAIN(TestDashboardWindow)
#include "tst_ui_mainwindow.moc"
