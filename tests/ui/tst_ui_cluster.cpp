// The Cluster panel (docs/scaling.md): its two models under QAbstractItemModelTester, the
// Redis row of the settings, a Redis that is not there, and the whole panel against a real
// redis-server shared with a headless second instance: both instances listed, the other
// instance's client under its instance id and disconnected from here, the lost Redis in the
// server bar.
#include "clusterdock.h"
#include "mainwindow.h"
#include "models/clustermodels.h"
#include "redisconnection.h"
#include "serverbar.h"
#include "servercontroller.h"
#include "settingsdialog.h"

#include "../redisfixture.h"
#include "../testsupport.h"
#include "windowfixture.h"

#include <QAbstractItemModelTester>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace sse;
using namespace sse::ui;
using testsupport::freeLoopbackPort;
using testsupport::launchHeadless;
using testsupport::RedisServer;

namespace {

const QString DashboardBinary = QStringLiteral(SSE_DASHBOARD_BIN);
const QString RedisServerBinary = QStringLiteral(SSE_REDIS_SERVER);

// The heartbeats of two instances, two seconds apart each, and the snapshot after them.
constexpr int ClusterTimeoutMs = 15000;

ClientInfo client(quint64 id, const QString &address, const QStringList &channels)
{
    ClientInfo info;
    info.id = id;
    info.remoteAddress = address;
    info.channels = channels;
    info.connectedSince = QDateTime::fromSecsSinceEpoch(1700000000);
    info.eventsSent = id * 10;
    return info;
}

ClusterInstance instance(const QString &id, const QString &address, bool self,
                         const QList<ClientInfo> &clients)
{
    ClusterInstance result;
    result.id = id;
    result.address = address;
    result.clients = int(clients.size());
    result.eventsPerSecond = 2.5;
    result.startedAt = QDateTime::fromSecsSinceEpoch(1700000000);
    result.self = self;
    result.clientList = clients;
    return result;
}

} // namespace

class TestClusterPanel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir;
    std::unique_ptr<ServerController> m_controller;
    std::unique_ptr<MainWindow> m_window;
    QProcess m_otherInstance;
    std::unique_ptr<RedisServer> m_redis;

    ClusterDock *dock() const { return m_window->clusterDock(); }

    void startRedis()
    {
        if (RedisServerBinary.isEmpty())
            QSKIP("redis-server was not found when the tests were configured");
        m_redis = std::make_unique<RedisServer>(RedisServer::Persistence::None, RedisServerBinary);
        QVERIFY(m_redis->start());
    }

    // Where the instance test holds its cluster: its row in the instances table.
    QString otherInstanceId() const
    {
        const ClusterInstancesModel *instances = dock()->instancesModel();
        for (int row = 0; row < instances->rowCount(); ++row) {
            if (!instances->row(row).self)
                return instances->row(row).id;
        }
        return {};
    }

private slots:
    void initTestCase()
    {
        testsupport::useTemporarySettings(m_settingsDir, QStringLiteral("tst_ui_cluster"));
    }

    void init() { QSettings().clear(); }

    void cleanup()
    {
        m_window.reset();
        m_controller.reset();
        if (m_otherInstance.state() != QProcess::NotRunning) {
            m_otherInstance.terminate();
            if (!m_otherInstance.waitForFinished(5000)) {
                m_otherInstance.kill();
                m_otherInstance.waitForFinished(5000);
            }
        }
        m_redis.reset();
    }

    void instancesModelKeepsRowsInPlace()
    {
        ClusterInstancesModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.columnCount(), int(ClusterInstancesModel::ColumnCount));
        model.setInstances({
            instance(QStringLiteral("aaaa0001"), QStringLiteral("http://127.0.0.1:8080/"), true,
                     {client(1, QStringLiteral("127.0.0.1"), {QStringLiteral("news")})}),
            instance(QStringLiteral("bbbb0002"), QStringLiteral("http://127.0.0.1:8081/"), false,
                     {}),
            instance(QStringLiteral("cccc0003"), QStringLiteral("http://127.0.0.1:8082/"), false,
                     {}),
        });
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, ClusterInstancesModel::IdColumn).data().toString(),
                 QStringLiteral("aaaa0001"));
        QCOMPARE(model.index(0, ClusterInstancesModel::AddressColumn).data().toString(),
                 QStringLiteral("http://127.0.0.1:8080/"));
        QCOMPARE(model.index(0, ClusterInstancesModel::ClientsColumn).data().toInt(), 1);
        QCOMPARE(model.index(0, ClusterInstancesModel::EventsPerSecondColumn).data().toString(),
                 QStringLiteral("2.5"));
        QVERIFY(!model.index(0, ClusterInstancesModel::StartedColumn).data().toString().isEmpty());
        QCOMPARE(model.index(0, ClusterInstancesModel::ThisInstanceColumn).data().toString(),
                 QStringLiteral("this instance"));
        QCOMPARE(model.index(1, ClusterInstancesModel::ThisInstanceColumn).data().toString(),
                 QString());
        QVERIFY(model.index(0, 0).data(Qt::FontRole).value<QFont>().bold());

        // The middle one leaves, a new one comes, the first changes: one remove, one insert,
        // and the rows that stay keep their place.
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setInstances({
            instance(QStringLiteral("aaaa0001"), QStringLiteral("http://127.0.0.1:8080/"), true,
                     {}),
            instance(QStringLiteral("cccc0003"), QStringLiteral("http://127.0.0.1:8082/"), false,
                     {}),
            instance(QStringLiteral("dddd0004"), QStringLiteral("http://127.0.0.1:8083/"), false,
                     {}),
        });
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed.constFirst().at(1).toInt(), 1);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.row(1).id, QStringLiteral("cccc0003"));
        QCOMPARE(model.row(2).id, QStringLiteral("dddd0004"));
        QCOMPARE(model.index(0, ClusterInstancesModel::ClientsColumn).data().toInt(), 0);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void clientsModelListsEveryInstancesClients()
    {
        ClusterClientsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QList<ClusterInstance> cluster{
            instance(QStringLiteral("aaaa0001"), QStringLiteral("http://127.0.0.1:8080/"), true,
                     {client(1, QStringLiteral("127.0.0.1"), {QStringLiteral("news")})}),
            instance(QStringLiteral("bbbb0002"), QStringLiteral("http://127.0.0.1:8081/"), false,
                     {client(1, QStringLiteral("10.0.0.7"),
                             {QStringLiteral("news"), QStringLiteral("prices")}),
                      client(2, QStringLiteral("10.0.0.8"), {})}),
        };
        model.setInstances(cluster);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("Instance"));
        // The same client id on two instances: two clients.
        const int remote = model.rowOfClient(QStringLiteral("bbbb0002"), 1);
        QCOMPARE(remote, 1);
        QCOMPARE(model.rowOfClient(QStringLiteral("aaaa0001"), 1), 0);
        QCOMPARE(model.rowOfClient(QStringLiteral("aaaa0001"), 2), -1);
        const auto cell = [&model, remote](int column, int role = Qt::DisplayRole) {
            return model.index(remote, column).data(role);
        };
        QCOMPARE(cell(ClusterClientsModel::InstanceColumn).toString(), QStringLiteral("bbbb0002"));
        QCOMPARE(cell(ClusterClientsModel::ClientIdColumn).toULongLong(), 1u);
        QCOMPARE(cell(ClusterClientsModel::AddressColumn).toString(), QStringLiteral("10.0.0.7"));
        QCOMPARE(cell(ClusterClientsModel::ChannelsColumn).toString(),
                 QStringLiteral("news, prices"));
        QVERIFY(!cell(ClusterClientsModel::ConnectedSinceColumn).toString().isEmpty());
        QCOMPARE(cell(ClusterClientsModel::EventsColumn).toULongLong(), 10u);
        QCOMPARE(cell(0, ClusterClientsModel::InstanceIdRole).toString(),
                 QStringLiteral("bbbb0002"));
        QCOMPARE(cell(0, ClusterClientsModel::ClientIdRole).toULongLong(), 1u);
        QCOMPARE(cell(0, ClusterClientsModel::ThisInstanceRole).toBool(), false);
        QVERIFY(cell(0, Qt::ToolTipRole).toString().contains(QStringLiteral(":8081")));
        QVERIFY(model.index(0, 0).data(ClusterClientsModel::ThisInstanceRole).toBool());
        // This instance's clients sort first.
        QVERIFY(model.index(0, 0).data(ClusterClientsModel::SortRole).toString() <
                cell(0, ClusterClientsModel::SortRole).toString());

        // Client 2 of the other instance leaves; ours stays where it was.
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QList<ClusterInstance> later = cluster;
        later[1].clientList.removeLast();
        later[1].clientList[0].eventsSent = 99;
        model.setInstances(later);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(1, ClusterClientsModel::EventsColumn).data().toULongLong(), 99u);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void settingsRefuseABadRedisUrl()
    {
        DashboardSettings settings;
        SettingsDialog dialog(settings);
        auto *redis = dialog.findChild<QLineEdit *>(QStringLiteral("redisUrl"));
        QVERIFY(redis);
        QVERIFY(redis->text().isEmpty());
        QVERIFY(redis->placeholderText().startsWith(QStringLiteral("redis://")));
        QVERIFY(redis->toolTip().contains(QStringLiteral("history file")));

        const QString bad = QStringLiteral("redis://127.0.0.1:6379/99");
        redis->setText(bad);
        const auto parsed = RedisEndpoint::parse(bad);
        QVERIFY(std::holds_alternative<QString>(parsed));
        const QString sentence = std::get<QString>(parsed);
        QVERIFY(sentence.contains(QStringLiteral("database")));
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QCOMPARE(dialog.errorText(), sentence);
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("settingsError"))->isVisibleTo(&dialog));

        redis->setText(QStringLiteral("http://127.0.0.1:6379/"));
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY(dialog.errorText().contains(QStringLiteral("not a redis://")));

        redis->setText(QStringLiteral(" redis://127.0.0.1:6390/2?prefix=team "));
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.errorText(), QString());
        QCOMPARE(dialog.settings().server.redisUrl,
                 QStringLiteral("redis://127.0.0.1:6390/2?prefix=team"));
    }

    void aRedisThatIsNotThereIsShown()
    {
        // Nothing listens there: the start fails and the bar says why.
        const QString url = QStringLiteral("redis://127.0.0.1:%1/0").arg(freeLoopbackPort());
        QSettings().setValue(QStringLiteral("server/redisUrl"), url);
        testsupport::keepHistoryInMemory();
        m_controller = std::make_unique<ServerController>();
        ServerConfig commandLine;
        commandLine.port = 0;
        m_window = std::make_unique<MainWindow>(m_controller.get(), commandLine,
                                                QStringList{QStringLiteral("port")});
        m_window->show();
        QTRY_VERIFY(m_window->serverBar()->errorText().contains(
            QStringLiteral("cannot use Redis at %1: ").arg(url)));
        QCOMPARE(m_window->serverBar()->state(), ServerBar::State::Stopped);
        QCOMPARE(m_window->serverBar()->eventLogText(), QString());
        // Not a history file's problem: running in memory is not what is missing.
        QVERIFY(!m_window->findChild<QMessageBox *>(QStringLiteral("historyFallback")));
    }

    void aloneThePanelSaysHowToJoinACluster()
    {
        QVERIFY(testsupport::openRunningWindow(m_controller, m_window));
        QCOMPARE(m_window->docks().size(), 9);
        QDockWidget *panel = m_window->dock("clusterDock");
        QVERIFY(panel);
        QCOMPARE(panel->windowTitle(), QStringLiteral("Cluster"));
        QVERIFY(m_window->tabifiedDockWidgets(panel).contains(m_window->dock("clientsDock")));
        m_window->resize(MainWindow::MinimumSize);
        panel->raise();
        QTRY_VERIFY(dock()->isVisible());
        auto *alone = dock()->findChild<QLabel *>(QStringLiteral("clusterAlone"));
        QVERIFY(alone->isVisible());
        QVERIFY(alone->text().startsWith(QStringLiteral("This instance runs alone.")));
        QVERIFY(alone->text().contains(QStringLiteral("docs/scaling.md")));
        QVERIFY(
            !dock()->findChild<QTableView *>(QStringLiteral("clusterClientsTable"))->isVisible());
        testsupport::verifyFitsMinimumWindow(*m_window, panel);
        // Nothing about the event log for one of this instance's own.
        QCOMPARE(m_window->serverBar()->eventLogText(), QString());

        // Asking anyway is refused with a reason, not ignored.
        QSignalSpy refused(m_controller.get(), &ServerController::clusterDisconnectRefused);
        m_controller->disconnectClusterClient(QStringLiteral("aaaa0001"), 1);
        QVERIFY(refused.wait());
        QVERIFY(refused.constFirst().at(2).toString().contains(QStringLiteral("not in a cluster")));
    }

    void listsAndDisconnectsAnotherInstancesClient()
    {
        startRedis();
        m_otherInstance.setProcessChannelMode(QProcess::SeparateChannels);
        const quint16 otherPort = launchHeadless(DashboardBinary, m_otherInstance,
                                                 {QStringLiteral("--redis"), m_redis->url()});
        QVERIFY2(otherPort != 0, m_otherInstance.readAllStandardError().constData());
        // Alone first; the new setting restarts the server into the cluster, and is kept.
        QVERIFY(testsupport::openRunningWindow(m_controller, m_window));
        QSignalSpy started(m_controller.get(), &ServerController::started);
        DashboardSettings settings = m_window->settings();
        settings.server.redisUrl = m_redis->url();
        m_window->applySettings(settings, [](int) { return true; });
        QVERIFY(started.wait());
        QCOMPARE(QSettings().value(QStringLiteral("server/redisUrl")).toString(), m_redis->url());

        // The other instance's client, with its id there.
        testsupport::SseReader reader(otherPort, "/events?channel=news&control=1");
        QTRY_VERIFY(reader.clientId() != 0);
        const quint64 clientId = reader.clientId();

        QDockWidget *panel = m_window->dock("clusterDock");
        panel->raise();
        QTRY_COMPARE_WITH_TIMEOUT(dock()->instancesModel()->rowCount(), 2, ClusterTimeoutMs);
        const QString otherId = otherInstanceId();
        QVERIFY(!otherId.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(dock()->clientsModel()->rowOfClient(otherId, clientId) >= 0,
                                 ClusterTimeoutMs);
        const ClusterClientsModel *clients = dock()->clientsModel();
        const int row = clients->rowOfClient(otherId, clientId);
        QCOMPARE(clients->index(row, ClusterClientsModel::InstanceColumn).data().toString(),
                 otherId);
        QCOMPARE(clients->index(row, ClusterClientsModel::ChannelsColumn).data().toString(),
                 QStringLiteral("news"));
        QVERIFY(!dock()->findChild<QLabel *>(QStringLiteral("clusterAlone"))->isVisible());

        // The server bar: the shared log, connected, two instances.
        ServerBar *bar = m_window->serverBar();
        QTRY_COMPARE(bar->eventLogText(),
                     QStringLiteral("Redis %1: connected · 2 instance(s)").arg(m_redis->url()));
        QVERIFY(!bar->eventLogLost());
        QVERIFY(bar->eventLogDetails().contains(QStringLiteral("Connections lost and made "
                                                               "again: 0")));

        // The panel fits the smallest window with its tables shown.
        m_window->resize(MainWindow::MinimumSize);
        QTRY_VERIFY(dock()->isVisible());
        testsupport::verifyFitsMinimumWindow(*m_window, panel);

        QVERIFY(dock()->selectClient(otherId, clientId));
        auto *disconnect = dock()->findChild<QPushButton *>(QStringLiteral("clusterDisconnect"));
        QVERIFY(disconnect->isEnabled());
        QSignalSpy refused(m_controller.get(), &ServerController::clusterDisconnectRefused);
        disconnect->click();
        QTRY_VERIFY_WITH_TIMEOUT(!reader.isConnected(), ClusterTimeoutMs);
        QVERIFY(dock()->status().contains(otherId));
        QCOMPARE(refused.size(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(dock()->clientsModel()->rowOfClient(otherId, clientId), -1,
                                  ClusterTimeoutMs);

        // Redis goes away: the bar says so in its warning style.
        m_redis->stop();
        QTRY_VERIFY_WITH_TIMEOUT(bar->eventLogLost(), ClusterTimeoutMs);
        QVERIFY2(bar->eventLogText().startsWith(QStringLiteral("Redis lost: ")),
                 qPrintable(bar->eventLogText()));
        QVERIFY(bar->eventLogText().endsWith(
            QStringLiteral(" — reconnecting; publishing answers 503")));
    }
};

QTEST_MAIN(TestClusterPanel)
#include "tst_ui_cluster.moc"
