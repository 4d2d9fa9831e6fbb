#pragma once

#include "mainwindow.h"
#include "models/clientsmodel.h"
#include "serverbar.h"
#include "servercontroller.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDockWidget>
#include <QHostAddress>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace testsupport {

// Settings go to dir, never to the user's own; applicationName keeps each test's apart.
inline void useTemporarySettings(const QTemporaryDir &dir, const QString &applicationName)
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.path());
    QCoreApplication::setOrganizationName(QStringLiteral("SSE Dashboard Tests"));
    QCoreApplication::setApplicationName(applicationName);
}

// The dashboard's history stays in memory unless the test chose a file (server/historyFile):
// every test starts from id 1 and leaves no file behind.
inline void keepHistoryInMemory()
{
    QSettings settings;
    if (!settings.contains(QStringLiteral("server/historyFile")))
        settings.setValue(QStringLiteral("server/historyFile"), QString());
}

// Opens the dashboard with its server on a free loopback port; true once the server runs.
inline bool openRunningWindow(std::unique_ptr<sse::ServerController> &controller,
                              std::unique_ptr<sse::ui::MainWindow> &window)
{
    keepHistoryInMemory();
    controller = std::make_unique<sse::ServerController>();
    sse::ServerConfig commandLine;
    commandLine.port = 0;
    window = std::make_unique<sse::ui::MainWindow>(controller.get(), commandLine,
                                                   QStringList{QStringLiteral("port")});
    window->show();
    return QTest::qWaitFor(
        [&window] { return window->serverBar()->state() == sse::ui::ServerBar::State::Running; });
}

// The window at its minimum size fits everything, panel included, and nothing in the panel is
// squeezed below its own minimum. Call with the panel raised and visible.
inline void verifyFitsMinimumWindow(const sse::ui::MainWindow &window, const QDockWidget *panel)
{
    using sse::ui::MainWindow;
    const QSize needed = window.minimumSizeHint();
    QVERIFY2(needed.width() <= MainWindow::MinimumSize.width() &&
                 needed.height() <= MainWindow::MinimumSize.height(),
             qPrintable(QStringLiteral("%1×%2").arg(needed.width()).arg(needed.height())));
    QCOMPARE(window.size(), MainWindow::MinimumSize);
    const QSize panelNeeds = panel->widget()->minimumSizeHint();
    QVERIFY(panelNeeds.width() <= panel->widget()->width());
    QVERIFY(panelNeeds.height() <= panel->widget()->height());
}

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

// For a test class of the dashboard window and its panels against a real server on loopback:
// derive from it after QObject; initTestCase() calls initSettings(), init() clears the settings
// and cleanup() calls closeWindow().
class DashboardWindowTest
{
protected:
    // Never touch the user's real settings.
    void initSettings(const QString &applicationName)
    {
        QVERIFY(m_settingsDir.isValid());
        useTemporarySettings(m_settingsDir, applicationName);
    }

    void closeWindow()
    {
        m_window.reset(); // before the controller it uses
        m_controller.reset();
    }

    // A window on a free loopback port, its server started.
    void openWindow(const QStringList &extraOptions = {}, quint16 port = 0)
    {
        keepHistoryInMemory();
        m_controller = std::make_unique<sse::ServerController>();
        sse::ServerConfig commandLine;
        commandLine.port = port;
        commandLine.bindAddress = QHostAddress(QHostAddress::LocalHost);
        m_window = std::make_unique<sse::ui::MainWindow>(
            m_controller.get(), commandLine,
            QStringList{QStringLiteral("port"), QStringLiteral("bind")} + extraOptions);
        m_window->show();
    }
    bool waitUntilRunning()
    {
        return QTest::qWaitFor([this] {
            return m_window->serverBar()->state() == sse::ui::ServerBar::State::Running;
        });
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
        const sse::ui::ClientsModel *model = m_window->clientsModel();
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
    std::unique_ptr<sse::ServerController> m_controller;
    std::unique_ptr<sse::ui::MainWindow> m_window;
};

} // namespace testsupport
