// The Faults panel: its model under QAbstractItemModelTester, the clients table marking faulted
// clients, the form's checks, and the panel and "Break this stream" against a real server.
#include "clientsview.h"
#include "faultsdock.h"
#include "mainwindow.h"
#include "models/clientsmodel.h"
#include "models/faultsmodel.h"
#include "models/trafficlogmodel.h"
#include "serverbar.h"
#include "servercontroller.h"

#include "../testsupport.h"
#include "windowfixture.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDockWidget>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace sse;
using namespace sse::ui;

namespace {

FaultInfo fault(quint64 id, FaultKind kind, QList<quint64> affected = {})
{
    FaultInfo info;
    info.id = id;
    info.spec.kind = kind;
    info.spec.target.kind = FaultTarget::Kind::Channel;
    info.spec.target.channel = QStringLiteral("news");
    info.spec.bytesPerSecond = 100;
    info.spec.oneShot = isOneShotByDefault(kind);
    info.origin = QStringLiteral("api");
    info.affected = std::move(affected);
    return info;
}

} // namespace

class TestFaultsPanel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir;
    std::unique_ptr<ServerController> m_controller;
    std::unique_ptr<MainWindow> m_window;

    void openWindow() { QVERIFY(testsupport::openRunningWindow(m_controller, m_window)); }

    FaultsModel *faultsModel() const
    {
        return qobject_cast<FaultsModel *>(
            m_window->faultsDock()
                ->findChild<QTableView *>(QStringLiteral("faultsTable"))
                ->model());
    }

private slots:
    void initTestCase()
    {
        testsupport::useTemporarySettings(m_settingsDir, QStringLiteral("tst_ui_faults"));
    }

    void init() { QSettings().clear(); }
    void cleanup() { m_window.reset(); }

    void panelFitsTheSmallestWindow()
    {
        openWindow();
        m_window->resize(MainWindow::MinimumSize);
        QDockWidget *panel = m_window->dock("faultsDock");
        panel->raise();
        QTRY_VERIFY(m_window->faultsDock()->isVisible());
        testsupport::verifyFitsMinimumWindow(*m_window, panel);
    }

    void modelKeepsRowsByFaultId()
    {
        FaultsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setFaults({fault(1, FaultKind::Drip), fault(2, FaultKind::Stall, {5}),
                         fault(3, FaultKind::Reset)});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, FaultsModel::FaultColumn).data().toString(),
                 QStringLiteral("drip 100 B/s"));
        QCOMPARE(model.index(0, FaultsModel::TargetColumn).data().toString(),
                 QStringLiteral("channel news"));
        QCOMPARE(model.index(0, FaultsModel::LifetimeColumn).data().toString(),
                 QStringLiteral("until removed"));
        QCOMPARE(model.index(1, FaultsModel::ClientsColumn).data().toInt(), 1);

        // The middle one leaves, the first changes, a new one arrives.
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        FaultInfo changed = fault(1, FaultKind::Drip, {7, 8});
        changed.applied = 2;
        FaultInfo timed = fault(4, FaultKind::DropEvents);
        timed.spec.every = 3;
        timed.expiresAt = QDateTime::currentDateTimeUtc().addSecs(30);
        model.setFaults({changed, fault(3, FaultKind::Reset), timed});
        QCOMPARE(removed.size(), 1);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, FaultsModel::AppliedColumn).data().toULongLong(), 2u);
        QCOMPARE(model.index(2, FaultsModel::IdColumn).data().toULongLong(), 4u);
        QVERIFY(model.index(2, FaultsModel::LifetimeColumn).data().toString().endsWith(u"s left"));
        model.refreshLifetimes(QDateTime::currentDateTimeUtc().addSecs(40));
        QCOMPARE(model.index(2, FaultsModel::LifetimeColumn).data().toString(),
                 QStringLiteral("0 s left"));
        model.setFaults({});
        QCOMPARE(model.rowCount(), 0);
    }

    void clientsModelMarksFaultedClients()
    {
        ClientsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ServerSnapshot snapshot;
        for (const quint64 id : {1u, 2u}) {
            ClientInfo info;
            info.id = id;
            info.channels = {QStringLiteral("news")};
            snapshot.connected.append(info);
        }
        snapshot.faultsChanged = true;
        snapshot.faults = {fault(9, FaultKind::Drip, {2})};
        model.applySnapshot(snapshot);
        QCOMPARE(model.index(0, ClientsModel::FaultsColumn).data().toString(), QString());
        QCOMPARE(model.index(1, ClientsModel::FaultsColumn).data().toString(),
                 QStringLiteral("#9 drip 100 B/s"));
        QVERIFY(model.index(1, 0).data(ClientsModel::FaultedRole).toBool());
        QVERIFY(!model.index(0, 0).data(ClientsModel::FaultedRole).toBool());

        ServerSnapshot lifted;
        lifted.faultsChanged = true;
        model.applySnapshot(lifted);
        QVERIFY(!model.index(1, 0).data(ClientsModel::FaultedRole).toBool());
    }

    void theFormRefusesWhatTheApiRefuses()
    {
        FaultsModel model;
        FaultsDock dock(&model);
        auto *kind = dock.findChild<QComboBox *>(QStringLiteral("faultKind"));
        auto *target = dock.findChild<QComboBox *>(QStringLiteral("faultTarget"));
        kind->setCurrentIndex(kind->findData(int(FaultKind::Status)));
        QVERIFY(!target->isEnabled()); // status answers new connections only
        auto spec = dock.formSpec();
        QVERIFY(std::holds_alternative<FaultSpec>(spec));
        QCOMPARE(std::get<FaultSpec>(spec).status, 503);
        QCOMPARE(std::get<FaultSpec>(spec).target.kind, FaultTarget::Kind::NewConnections);
        QVERIFY(!std::get<FaultSpec>(spec).oneShot);

        kind->setCurrentIndex(kind->findData(int(FaultKind::Reset)));
        QVERIFY(target->isEnabled());
        target->setCurrentIndex(1);
        dock.findChild<QLineEdit *>(QStringLiteral("faultChannel"))->setText(QStringLiteral("a b"));
        spec = dock.formSpec();
        QVERIFY(std::holds_alternative<QString>(spec));
        QVERIFY(std::get<QString>(spec).startsWith(u"channel:"));

        dock.setServerRunning(true);
        QSignalSpy requested(&dock, &FaultsDock::installRequested);
        dock.findChild<QPushButton *>(QStringLiteral("addFaultButton"))->click();
        QCOMPARE(requested.size(), 0);
        QVERIFY(
            dock.findChild<QLabel *>(QStringLiteral("faultError"))->text().startsWith(u"channel:"));
        dock.findChild<QLineEdit *>(QStringLiteral("faultChannel"))
            ->setText(QStringLiteral("news"));
        dock.findChild<QPushButton *>(QStringLiteral("addFaultButton"))->click();
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.at(0).at(0).value<FaultSpec>().target.channel, QStringLiteral("news"));
        QVERIFY(requested.at(0).at(0).value<FaultSpec>().oneShot);
    }

    void aFaultFromThePanelReachesTheServer()
    {
        openWindow();
        FaultsDock *dock = m_window->faultsDock();
        auto *kind = dock->findChild<QComboBox *>(QStringLiteral("faultKind"));
        kind->setCurrentIndex(kind->findData(int(FaultKind::Status)));
        dock->findChild<QPushButton *>(QStringLiteral("addFaultButton"))->click();
        QTRY_COMPARE(faultsModel()->rowCount(), 1);
        const quint16 port = m_controller->port();
        QCOMPARE(testsupport::request(port, "GET", "/events").status, 503);

        auto *table = dock->findChild<QTableView *>(QStringLiteral("faultsTable"));
        table->selectRow(0);
        dock->findChild<QPushButton *>(QStringLiteral("removeFaultButton"))->click();
        QTRY_COMPARE(faultsModel()->rowCount(), 0);
        testsupport::SseReader reader(port);
        QTRY_VERIFY(reader.isStreaming());
    }

    void breakThisStreamResetsTheSelectedClient()
    {
        openWindow();
        testsupport::SseReader victim(m_controller->port());
        QTRY_VERIFY(victim.isStreaming());
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        ClientsView *view = m_window->clientsView();
        view->table()->selectRow(0);
        QMenu *menu = view->breakStreamMenu();
        QVERIFY(menu->isEnabled());
        menu->findChild<QAction *>(QStringLiteral("breakReset"))->trigger();
        QTRY_VERIFY(!victim.isConnected());
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 0);
        // The traffic log tells what happened.
        TrafficLogModel *log = m_window->trafficModel();
        QTRY_VERIFY([&] {
            for (int row = 0; row < log->rowCount(); ++row) {
                if (log->record(row).summary.contains(u"reset (RST)"))
                    return true;
            }
            return false;
        }());
    }

    void aStalledClientIsMarkedInTheClientsTable()
    {
        openWindow();
        testsupport::SseReader client(m_controller->port());
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        m_window->clientsView()->table()->selectRow(0);
        m_window->clientsView()
            ->breakStreamMenu()
            ->findChild<QAction *>(QStringLiteral("breakStall"))
            ->trigger();
        const QModelIndex faults = m_window->clientsModel()->index(0, ClientsModel::FaultsColumn);
        QTRY_VERIFY(faults.data().toString().contains(u"stall 5 s"));
        QTRY_COMPARE(faultsModel()->rowCount(), 1);
    }

    void chaosStartsAndStopsWithTheServer()
    {
        openWindow();
        FaultsDock *dock = m_window->faultsDock();
        auto *button = dock->findChild<QPushButton *>(QStringLiteral("chaosButton"));
        button->click();
        QTRY_COMPARE(button->text(), QStringLiteral("Stop chaos"));
        m_controller->stop();
        QTRY_COMPARE(button->text(), QStringLiteral("Start chaos"));
        QVERIFY(!button->isEnabled());
    }
};

QTEST_MAIN(TestFaultsPanel)
#include "tst_ui_faults.moc"
