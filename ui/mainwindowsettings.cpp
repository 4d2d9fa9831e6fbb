// MainWindow's settings: applying and editing them, saving them with the window layout, and
// the language, which changes while the window is open.
#include "appearance.h"
#include "composerwidget.h"
#include "mainmenus.h"
#include "mainwindow.h"
#include "models/trafficlogmodel.h"
#include "serverbar.h"
#include "serveroptions.h"
#include "settingsdialog.h"
#include "trafficlogview.h"

#include <QApplication>
#include <QDockWidget>
#include <QEvent>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QToolBar>

namespace sse::ui {

namespace {

// Bumped when the docks change, so an old saved layout is not restored onto new panels.
// 7: the composer the whole height on the right, the traffic log in front of History.
constexpr int LayoutVersion = 7;

bool restartNeeded(const ServerConfig &before, const ServerConfig &after)
{
    for (const ConfigOption &option : configOptions()) {
        if (option.get(before) != option.get(after))
            return true;
    }
    return before.bindAddress != after.bindAddress;
}

} // namespace

void MainWindow::applySettings(const DashboardSettings &settings,
                               const std::function<bool(int)> &confirmRestart)
{
    const bool running = m_serverBar->state() == ServerBar::State::Running;
    const bool restart =
        running && restartNeeded(m_settings.serverConfig(), settings.serverConfig());
    if (restart && m_connectedClients > 0 && !confirmRestart(m_connectedClients))
        return;
    if (settings.server.historyFile != m_settings.server.historyFile)
        m_historyInMemory = false; // a new file gets its chance
    m_settings = settings;
    m_trafficModel->setMaxRows(m_settings.logMaxRows);
    m_composer->setHistorySize(m_settings.sendHistorySize);
    saveSettings();
    if (restart)
        startServer(); // start() restarts with the new settings
}

void MainWindow::editSettings()
{
    SettingsDialog dialog(m_settings, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    applySettings(dialog.settings(), [this](int clients) {
        const auto answer = QMessageBox::question(
            this, tr("Restart the server?"),
            tr("The new settings take effect after a restart, which disconnects %n client(s). "
               "Browsers reconnect on their own.",
               nullptr, clients),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes);
        return answer == QMessageBox::Yes;
    });
}

void MainWindow::chooseLanguage(const QString &language)
{
    QSettings settings;
    setLanguageSetting(settings, language);
    m_menus->checkLanguage(language);
    // At once, without a restart: the new translators send every widget a LanguageChange and
    // each sets its texts again. The server and its clients are left alone.
    if (auto *app = qobject_cast<QApplication *>(QCoreApplication::instance()))
        installTranslations(app, language);
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
}

void MainWindow::retranslateUi()
{
    setWindowTitle(tr("SSE Dashboard"));
    if (auto *serverToolBar = findChild<QToolBar *>(QStringLiteral("serverToolBar")))
        serverToolBar->setWindowTitle(tr("Server"));
    // The View menu's toggles take the docks' titles.
    const std::pair<const char *, QString> titles[] = {
        {"clientsDock", tr("Clients")},   {"trafficDock", tr("Traffic log")},
        {"composerDock", tr("Composer")}, {"chartsDock", tr("Charts")},
        {"connectDock", tr("Connect")},   {"scenarioDock", tr("Scenarios")},
        {"faultsDock", tr("Faults")},     {"historyDock", tr("History")},
        {"clusterDock", tr("Cluster")}};
    for (const auto &[name, title] : titles)
        dock(name)->setWindowTitle(title);
    m_menus->retranslateUi();
}

QSize MainWindow::defaultSize() const
{
    const QScreen *screen = this->screen();
    const QSize available = screen ? screen->availableGeometry().size() : QSize(1280, 720);
    return available.boundedTo(QSize(1920, 1200)).expandedTo(MinimumSize);
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("window"));
    if (!restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray()))
        resize(defaultSize());
    // A layout saved by this version replaces the default one, proportions included.
    if (restoreState(settings.value(QStringLiteral("state")).toByteArray(), LayoutVersion))
        m_defaultSizesPending = false;
    m_trafficView->splitter()->restoreState(
        settings.value(m_trafficView->splitter()->objectName()).toByteArray());
    settings.endGroup();
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    m_settings.save(settings);
    settings.setValue(QStringLiteral("log/maxRows"), m_trafficModel->maxRows());
    m_composer->saveSettings(settings);
    settings.beginGroup(QStringLiteral("window"));
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("state"), saveState(LayoutVersion));
    settings.setValue(m_trafficView->splitter()->objectName(),
                      m_trafficView->splitter()->saveState());
    settings.endGroup();
}

void MainWindow::rememberSettings()
{
    // The bind choice and port as they are in the bar, even if not started with them yet.
    m_settings.bind = m_serverBar->bindChoice();
    m_settings.server.port = m_serverBar->port();
    saveSettings();
}

} // namespace sse::ui
