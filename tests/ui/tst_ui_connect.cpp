// The server bar and the Connect panel in the dashboard window: the URLs and QR code to
// connect with, a port in use, stopping and starting, and listening on the LAN.
#include "bindchoice.h"
#include "dashboardsettings.h"
#include "mainwindow.h"
#include "models/clientsmodel.h"
#include "qrcodewidget.h"
#include "serverbar.h"
#include "servercontroller.h"
#include "sharepanel.h"
#include "windowfixture.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTcpServer>
#include <QTest>

#include <memory>

using namespace sse;
using namespace sse::ui;
using testsupport::Subscriber;

class TestConnectPanel : public QObject, private testsupport::DashboardWindowTest
{
    Q_OBJECT

private slots:
    void initTestCase() { initSettings(QStringLiteral("tst_ui_connect")); }
    void init() { QSettings().clear(); }
    void cleanup() { closeWindow(); }

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

QTEST_MAIN(TestConnectPanel)
#include "tst_ui_connect.moc"
