// HTTPS in the dashboard (docs/tls.md): the setting, the lock and expiry in the server bar,
// the Connect panel's https URLs and the QR code of the local CA's page, and each client's
// protocol, against a real server with the local CA on a loopback port.
#include "../h2client.h"
#include "clientsview.h"
#include "httpssettings.h"
#include "mainwindow.h"
#include "models/clientsmodel.h"
#include "qrcodewidget.h"
#include "serverbar.h"
#include "servercontroller.h"
#include "settingsdialog.h"
#include "sharepanel.h"

#include "windowfixture.h"

#include <QAction>
#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace sse;
using namespace sse::ui;

class TestHttpsInTheDashboard : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir;
    QTemporaryDir m_home; // the local CA lives in the (test mode) data folder under HOME
    std::unique_ptr<ServerController> m_controller;
    std::unique_ptr<MainWindow> m_window;

    void startWithLocalCa()
    {
        testsupport::keepHistoryInMemory();
        m_controller = std::make_unique<ServerController>();
        ServerConfig commandLine;
        commandLine.port = 0;
        commandLine.tlsLocal = true;
        m_window = std::make_unique<MainWindow>(
            m_controller.get(), commandLine,
            QStringList{QStringLiteral("port"), QStringLiteral("tls-local")});
        m_window->show();
        QTRY_COMPARE(m_window->serverBar()->state(), ServerBar::State::Running);
    }

private slots:
    void initTestCase()
    {
        qputenv("HOME", m_home.path().toLocal8Bit());
        testsupport::useTemporarySettings(m_settingsDir, QStringLiteral("tst_ui_https"));
    }
    void cleanup()
    {
        m_window.reset();
        m_controller.reset();
    }

    void settingsChooseTheMode()
    {
        DashboardSettings settings;
        SettingsDialog dialog(settings);
        HttpsSettings *https = dialog.https();
        auto *mode = https->findChild<QComboBox *>(QStringLiteral("httpsMode"));
        QCOMPARE(https->mode(), HttpsSettings::Mode::Off);
        QVERIFY(!https->certificateFile()->isEnabled());
        QVERIFY(!dialog.settings().server.tlsEnabled());

        mode->setCurrentIndex(mode->findData(int(HttpsSettings::Mode::LocalCa)));
        QVERIFY(dialog.settings().server.tlsLocal);
        QVERIFY(dialog.settings().server.tlsCertFile.isEmpty());

        // Files: both are needed, and the dialog says so in the server's own words.
        mode->setCurrentIndex(mode->findData(int(HttpsSettings::Mode::Files)));
        QVERIFY(https->certificateFile()->isEnabled());
        https->certificateFile()->setText(QStringLiteral("/etc/ssl/demo.pem"));
        dialog.accept();
        QVERIFY(dialog.errorText().contains(QStringLiteral("--tls-key is missing")));
        https->keyFile()->setText(QStringLiteral("/etc/ssl/demo-key.pem"));
        const ServerConfig chosen = dialog.settings().server;
        QCOMPARE(chosen.tlsCertFile, QStringLiteral("/etc/ssl/demo.pem"));
        QCOMPARE(chosen.tlsKeyFile, QStringLiteral("/etc/ssl/demo-key.pem"));
        QVERIFY(!chosen.tlsLocal);

        // A saved choice comes back.
        DashboardSettings saved;
        saved.server.tlsLocal = true;
        SettingsDialog again(saved);
        QCOMPARE(again.https()->mode(), HttpsSettings::Mode::LocalCa);
    }

    void http2StreamsShowTheirConnectionWhichEndsWhole()
    {
        startWithLocalCa();
        if (QTest::currentTestFailed())
            return;
        testsupport::trustedRoots() =
            QSslCertificate::fromPath(m_controller->tlsStatus().localCaFile);
        testsupport::H2Client browser(m_controller->port(), true);
        QVERIFY(browser.waitForConnected());
        QCOMPARE(browser.alpn(), QByteArray("h2"));
        const int32_t first = browser.get("/events");
        const int32_t second = browser.get("/events");
        ClientsModel *clients = m_window->clientsModel();
        QTRY_COMPARE(clients->rowCount(), 2);
        const QString protocol =
            clients->data(clients->index(0, ClientsModel::ProtocolColumn)).toString();
        QVERIFY2(protocol.startsWith(QStringLiteral("h2 · TLSv1.3 · connection ")),
                 qPrintable(protocol));
        QCOMPARE(clients->data(clients->index(1, ClientsModel::ProtocolColumn)).toString(),
                 protocol); // the same connection
        // Connect says what a browser may open over HTTPS.
        QVERIFY(m_window->sharePanel()
                    ->findChild<QLabel *>(QStringLiteral("streamsNote"))
                    ->text()
                    .contains(QStringLiteral("HTTP/2")));

        // One stream's row: the action ends its whole connection, both streams.
        ClientsView *view = m_window->clientsView();
        auto *wholeConnection =
            view->findChild<QAction *>(QStringLiteral("disconnectConnectionAction"));
        QVERIFY(!wholeConnection->isEnabled());
        view->table()->selectRow(0);
        QVERIFY(wholeConnection->isEnabled());
        wholeConnection->trigger();
        QTRY_VERIFY(browser.response(first).closed && browser.response(second).closed);
        QTRY_VERIFY(browser.goAwayReceived());
        QTRY_COMPARE(clients->rowCount(), 0);
    }

    void theWindowShowsHttps()
    {
        startWithLocalCa();
        if (QTest::currentTestFailed())
            return;
        // The bar: a lock and the certificate's end.
        QVERIFY2(m_window->serverBar()->tlsText().contains(QStringLiteral("HTTPS until")),
                 qPrintable(m_window->serverBar()->tlsText()));
        const TlsStatus tls = m_controller->tlsStatus();
        QVERIFY(m_window->serverBar()->tlsText().contains(
            QLocale().toString(tls.notAfter.toLocalTime().date(), QLocale::ShortFormat)));

        // Connect: https URLs, the steps to trust the CA, and the code of its page over http.
        SharePanel *share = m_window->sharePanel();
        QVERIFY(!share->urls().isEmpty());
        for (const QString &url : share->urls())
            QVERIFY2(url.startsWith(QLatin1String("https://")), qPrintable(url));
        QVERIFY(share->trustBox()->isVisibleTo(m_window.get()));
        const QString steps = share->findChild<QLabel *>(QStringLiteral("trustSteps"))->text();
        QVERIFY(steps.contains(tls.localCaFingerprint));
        QVERIFY(steps.contains(QStringLiteral("Certificate Trust Settings")));
        const QString chosen = share->chosenUrl();
        QCOMPARE(share->qrCode()->text(), chosen);
        share->caCodeButton()->click();
        QVERIFY(share->isShowingCaCode());
        QCOMPARE(share->qrCode()->text(), SharePanel::caPageUrl(chosen));
        QVERIFY(share->qrCode()->text().startsWith(QLatin1String("http://")));
        QVERIFY(share->qrCode()->text().endsWith(QLatin1String("/ca")));
        QCOMPARE(share->chosenUrl(), chosen); // "Open in browser" still opens the page
        share->caCodeButton()->click();
        QCOMPARE(share->qrCode()->text(), chosen);

        // Clients: a client over TLS shows its version.
        QSslSocket client;
        QSslConfiguration configuration = client.sslConfiguration();
        configuration.setCaCertificates(QSslCertificate::fromPath(tls.localCaFile));
        client.setSslConfiguration(configuration);
        client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_controller->port());
        client.write("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        ClientsModel *clients = m_window->clientsModel();
        QTRY_COMPARE(clients->data(clients->index(0, ClientsModel::ProtocolColumn)).toString(),
                     QStringLiteral("HTTP/1.1 · TLSv1.3"));

        // Stopped: the lock goes.
        m_controller->stop();
        QTRY_COMPARE(m_window->serverBar()->state(), ServerBar::State::Stopped);
        QVERIFY(m_window->serverBar()->tlsText().isEmpty());
    }
};

QTEST_MAIN(TestHttpsInTheDashboard)
#include "tst_ui_https.moc"
