#pragma once

#include "mainwindow.h"
#include "serverbar.h"
#include "servercontroller.h"

#include <QCoreApplication>
#include <QDockWidget>
#include <QSettings>
#include <QStandardPaths>
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

} // namespace testsupport
