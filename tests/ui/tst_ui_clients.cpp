// The Clients panel in the dashboard window against a real server on a loopback port:
// disconnecting a client, and sending to the selected clients only.
#include "clientsview.h"
#include "composerwidget.h"
#include "mainwindow.h"
#include "models/clientsmodel.h"
#include "servercontroller.h"
#include "windowfixture.h"

#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QTest>

#include <memory>

using namespace sse;
using namespace sse::ui;
using testsupport::Subscriber;

class TestClientsPanel : public QObject, private testsupport::DashboardWindowTest
{
    Q_OBJECT

private slots:
    void initTestCase() { initSettings(QStringLiteral("tst_ui_clients")); }
    void init() { QSettings().clear(); }
    void cleanup() { closeWindow(); }

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
};

QTEST_MAIN(TestClientsPanel)
#include "tst_ui_clients.moc"
