#include "mainwindow.h"

#include "chartsview.h"
#include "clientsview.h"
#include "composerwidget.h"
#include "models/clientsmodel.h"
#include "models/statshistorymodel.h"
#include "models/trafficlogmodel.h"
#include "serverbar.h"
#include "servercontroller.h"
#include "settingsdialog.h"
#include "sharepanel.h"
#include "trafficlogview.h"

#include <QApplication>
#include <QCloseEvent>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace sse::ui {

namespace {

// How often the server thread hands the window a snapshot: fast enough to feel live, slow
// enough that a flood costs the UI thread only a few batches a second.
constexpr int SnapshotIntervalMs = 100;

} // namespace

MainWindow::MainWindow(ServerController *controller, const ServerConfig &commandLine,
                       const QStringList &explicitOptions, QWidget *parent)
    : QMainWindow(parent)
    , m_controller(controller)
    , m_clientsModel(new ClientsModel(this))
    , m_trafficModel(new TrafficLogModel(this))
    , m_statsModel(new StatsHistoryModel(this))
    , m_clockTimer(new QTimer(this))
{
    setWindowTitle(QStringLiteral("SSE Dashboard"));
    QSettings settings;
    m_settings = DashboardSettings::load(settings);
    m_settings.applyCommandLine(commandLine, explicitOptions);
    m_trafficModel->setMaxRows(m_settings.logMaxRows);
    m_clientsModel->setMaxQueueBytes(m_settings.server.maxQueueBytes);

    buildLayout();
    m_composer->loadSettings(settings);
    m_composer->setHistorySize(m_settings.sendHistorySize);
    restoreLayout();
    connectController();

    // SIGINT/SIGTERM quit the application without closing the window: save then too.
    connect(qApp, &QCoreApplication::aboutToQuit, this, &MainWindow::rememberSettings);
    // "Connected for" and the uptime move with the clock, not with traffic.
    m_clockTimer->start(1000);
    connect(m_clockTimer, &QTimer::timeout, this, [this] { m_clientsModel->refreshDurations(); });
    startServer();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildLayout()
{
    m_serverBar = new ServerBar(this);
    m_serverBar->setBindChoice(m_settings.bind);
    m_serverBar->setPort(m_settings.server.port);
    m_sharePanel = new SharePanel(this);
    m_clientsView = new ClientsView(m_clientsModel, this);
    m_composer = new ComposerWidget(m_controller, this);
    m_trafficView = new TrafficLogView(m_trafficModel, this);
    m_chartsView = new ChartsView(m_statsModel, this);

    m_leftSplitter = new QSplitter(Qt::Vertical, this);
    m_leftSplitter->setObjectName(QStringLiteral("leftSplitter"));
    m_leftSplitter->addWidget(m_clientsView);
    m_leftSplitter->addWidget(m_trafficView);
    m_leftSplitter->setStretchFactor(0, 2);
    m_leftSplitter->setStretchFactor(1, 3);

    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("sideTabs"));
    tabs->addTab(m_chartsView, tr("Charts"));
    tabs->addTab(m_sharePanel, tr("Connect"));
    m_rightSplitter = new QSplitter(Qt::Vertical, this);
    m_rightSplitter->setObjectName(QStringLiteral("rightSplitter"));
    m_rightSplitter->addWidget(m_composer);
    m_rightSplitter->addWidget(tabs);
    m_rightSplitter->setStretchFactor(0, 3);
    m_rightSplitter->setStretchFactor(1, 2);

    m_mainSplitter = new QSplitter(Qt::Horizontal, this);
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_mainSplitter->addWidget(m_leftSplitter);
    m_mainSplitter->addWidget(m_rightSplitter);
    m_mainSplitter->setStretchFactor(0, 3);
    m_mainSplitter->setStretchFactor(1, 2);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_serverBar);
    layout->addWidget(m_mainSplitter, 1);
    setCentralWidget(central);

    connect(m_serverBar, &ServerBar::startRequested, this, &MainWindow::startServer);
    connect(m_serverBar, &ServerBar::stopRequested, m_controller, &ServerController::stop);
    connect(m_serverBar, &ServerBar::settingsRequested, this, &MainWindow::editSettings);
    connect(m_clientsView, &ClientsView::selectionChanged, m_composer,
            &ComposerWidget::setSelectedClients);
    connect(m_clientsView, &ClientsView::disconnectRequested, this,
            [this](const QList<quint64> &clientIds) {
                for (const quint64 id : clientIds)
                    m_controller->disconnectClient(id);
            });
    connect(m_clientsView, &ClientsView::sendToClientsRequested, this,
            [this](const QList<quint64> &clientIds) {
                m_composer->setSelectedClients(clientIds);
                m_composer->setTargetKind(ComposerWidget::TargetKind::SelectedClients);
                m_composer->setFocus();
            });
}

void MainWindow::connectController()
{
    connect(m_controller, &ServerController::started, this,
            [this](const QString &url, const QString &token, quint16 port) {
                m_serverBar->setState(ServerBar::State::Running, url);
                m_sharePanel->setUrls(shareUrls(bindAddress(m_settings.bind), port));
                m_sharePanel->setToken(token);
                m_trafficView->setServerUrl(url);
                m_statsModel->resetBaseline();
                statusBar()->showMessage(tr("Listening on %1").arg(url), 5000);
            });
    connect(m_controller, &ServerController::startFailed, this, [this](const QString &message) {
        m_serverBar->setState(ServerBar::State::Stopped);
        m_serverBar->showError(message);
        m_sharePanel->setUrls({});
        statusBar()->showMessage(tr("The server could not start"));
    });
    connect(m_controller, &ServerController::stopped, this, [this] {
        m_serverBar->setState(ServerBar::State::Stopped);
        m_sharePanel->setUrls({});
        m_clientsModel->clear();
        m_serverBar->updateStats({}, 0);
    });
    connect(m_controller, &ServerController::snapshotReady, this, &MainWindow::applySnapshot);
}

void MainWindow::applySnapshot(const ServerSnapshot &snapshot)
{
    // Each model takes the whole batch at once: a handful of model signals per snapshot.
    m_clientsModel->applySnapshot(snapshot);
    m_trafficModel->applySnapshot(snapshot);
    m_statsModel->addStats(QDateTime::currentDateTime(), snapshot.stats);
    if (m_serverBar->state() == ServerBar::State::Running)
        m_serverBar->updateStats(snapshot.stats, m_statsModel->latestEventsPerSecond());
}

void MainWindow::startServer()
{
    m_settings.bind = m_serverBar->bindChoice();
    m_settings.server.port = m_serverBar->port();
    m_serverBar->setState(ServerBar::State::Starting);
    m_clientsModel->clear();
    m_clientsModel->setMaxQueueBytes(m_settings.server.maxQueueBytes);
    m_controller->start(m_settings.serverConfig(), SnapshotIntervalMs);
}

void MainWindow::editSettings()
{
    SettingsDialog dialog(m_settings, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_settings = dialog.settings();
    m_trafficModel->setMaxRows(m_settings.logMaxRows);
    m_composer->setHistorySize(m_settings.sendHistorySize);
    saveSettings();
    if (m_serverBar->state() == ServerBar::State::Running)
        startServer(); // start() restarts with the new settings
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("window"));
    if (!restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray()))
        resize(1280, 800);
    restoreState(settings.value(QStringLiteral("state")).toByteArray());
    for (QSplitter *splitter :
         {m_mainSplitter, m_leftSplitter, m_rightSplitter, m_trafficView->splitter()}) {
        splitter->restoreState(settings.value(splitter->objectName()).toByteArray());
    }
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
    settings.setValue(QStringLiteral("state"), saveState());
    for (QSplitter *splitter :
         {m_mainSplitter, m_leftSplitter, m_rightSplitter, m_trafficView->splitter()}) {
        settings.setValue(splitter->objectName(), splitter->saveState());
    }
    settings.endGroup();
}

void MainWindow::rememberSettings()
{
    // The bind choice and port as they are in the bar, even if not started with them yet.
    m_settings.bind = m_serverBar->bindChoice();
    m_settings.server.port = m_serverBar->port();
    saveSettings();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    rememberSettings();
    event->accept();
}

} // namespace sse::ui
