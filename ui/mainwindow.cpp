#include "mainwindow.h"

#include "appearance.h"
#include "bindchoice.h"
#include "chartsview.h"
#include "clientsview.h"
#include "clusterdock.h"
#include "composerwidget.h"
#include "faultsdock.h"
#include "historydock.h"
#include "mainmenus.h"
#include "models/clientsmodel.h"
#include "models/faultsmodel.h"
#include "models/statshistorymodel.h"
#include "models/trafficlogmodel.h"
#include "scenariodock.h"
#include "scenariotab.h"
#include "serverbar.h"
#include "servercontroller.h"
#include "sharepanel.h"
#include "trafficlogview.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDockWidget>
#include <QLibraryInfo>
#include <QMenu>
#include <QMessageBox>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QUrl>

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
    , m_faultsModel(new FaultsModel(this))
    , m_clockTimer(new QTimer(this))
{
    QIcon icon;
    icon.addFile(QStringLiteral(":/icons/sse-dashboard-64.png"));
    icon.addFile(QStringLiteral(":/icons/sse-dashboard-256.png"));
    setWindowIcon(icon);
    setMinimumSize(MinimumSize);
    setDockNestingEnabled(true);
    QSettings settings;
    m_settings = DashboardSettings::load(settings);
    m_settings.applyCommandLine(commandLine, explicitOptions);
    m_trafficModel->setMaxRows(m_settings.logMaxRows);
    m_clientsModel->setMaxQueueBytes(m_settings.server.maxQueueBytes);

    buildPanels();
    m_menus = new MainMenus(this, docks());
    retranslateUi();
    connectPanels();
    connectMenus();
    m_composer->loadSettings(settings);
    m_composer->setHistorySize(m_settings.sendHistorySize);
    const Theme theme = themeFromSetting(settings.value(QStringLiteral("ui/theme")).toString());
    m_menus->checkTheme(theme);
    if (auto *app = qobject_cast<QApplication *>(QCoreApplication::instance());
        app && theme != Theme::System)
        applyTheme(app, theme);
    m_menus->checkLanguage(languageSetting(settings));
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

QDockWidget *MainWindow::addPanel(QWidget *panel, const QString &objectName, bool scrollable)
{
    auto *dock = new QDockWidget(this); // retranslateUi() gives it its title
    dock->setObjectName(objectName);
    dock->toggleViewAction()->setObjectName(objectName + QStringLiteral("Toggle"));
    if (scrollable) {
        // A form keeps its natural height and scrolls, instead of squeezing its fields into
        // each other when the window is short.
        auto *scroll = new QScrollArea(dock);
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setWidget(panel);
        dock->setWidget(scroll);
    } else {
        dock->setWidget(panel);
    }
    return dock;
}

void MainWindow::buildPanels()
{
    m_serverBar = new ServerBar(this);
    m_serverBar->setBindChoice(m_settings.bind);
    m_serverBar->setPort(m_settings.server.port);
    auto *serverToolBar = new QToolBar(this);
    serverToolBar->setObjectName(QStringLiteral("serverToolBar"));
    serverToolBar->setMovable(false);
    serverToolBar->setFloatable(false);
    serverToolBar->toggleViewAction()->setVisible(false);
    serverToolBar->addWidget(m_serverBar);
    addToolBar(Qt::TopToolBarArea, serverToolBar);

    m_clientsView = new ClientsView(m_clientsModel, this);
    m_composer = new ComposerWidget(m_controller, this);
    m_trafficView = new TrafficLogView(m_trafficModel, this);
    m_chartsView = new ChartsView(m_statsModel, this);
    m_sharePanel = new SharePanel(this);
    m_scenarioDock = new ScenarioDock(m_controller, this);
    m_scenarioDock->setRouteSpecs(m_settings.server.routes);
    m_faultsDock = new FaultsDock(m_faultsModel, this);
    m_historyDock = new HistoryDock(m_controller, m_clientsModel, this);
    m_clusterDock = new ClusterDock(this);

    addPanel(m_clientsView, QStringLiteral("clientsDock"), false);
    addPanel(m_trafficView, QStringLiteral("trafficDock"), false);
    addPanel(m_composer, QStringLiteral("composerDock"), true);
    addPanel(m_chartsView, QStringLiteral("chartsDock"), false);
    addPanel(m_sharePanel, QStringLiteral("connectDock"), true);
    addPanel(m_scenarioDock, QStringLiteral("scenarioDock"), false);
    addPanel(m_faultsDock, QStringLiteral("faultsDock"), false);
    addPanel(m_historyDock, QStringLiteral("historyDock"), false);
    addPanel(m_clusterDock, QStringLiteral("clusterDock"), false);

    // Docks fill the window: the central widget is an empty placeholder kept out of sight.
    auto *placeholder = new QWidget(this);
    placeholder->setObjectName(QStringLiteral("centralPlaceholder"));
    setCentralWidget(placeholder);
    placeholder->hide();
    placeDocksByDefault();
}

QDockWidget *MainWindow::dock(const char *objectName) const
{
    return findChild<QDockWidget *>(QLatin1String(objectName), Qt::FindDirectChildrenOnly);
}

QList<QDockWidget *> MainWindow::docks() const
{
    QList<QDockWidget *> result;
    for (const char *name :
         {"clientsDock", "composerDock", "trafficDock", "chartsDock", "connectDock", "scenarioDock",
          "faultsDock", "historyDock", "clusterDock"}) {
        if (QDockWidget *panel = dock(name))
            result.append(panel);
    }
    return result;
}

void MainWindow::placeDocksByDefault()
{
    // The three main jobs in front, whole, at 1280×720: Clients above the live Traffic log on
    // the left, the Composer the whole height on the right, its Send in sight. The other
    // panels are tabs behind them. This is what View → Reset layout goes back to.
    QDockWidget *clients = dock("clientsDock");
    QDockWidget *traffic = dock("trafficDock");
    QDockWidget *composer = dock("composerDock");
    for (QDockWidget *panel : docks()) {
        panel->setFloating(false);
        panel->show();
    }
    addDockWidget(Qt::LeftDockWidgetArea, clients);
    splitDockWidget(clients, traffic, Qt::Vertical);
    addDockWidget(Qt::RightDockWidgetArea, composer);
    for (const char *behindComposer : {"connectDock", "chartsDock", "scenarioDock", "faultsDock"})
        tabifyDockWidget(composer, dock(behindComposer));
    tabifyDockWidget(traffic, dock("historyDock"));
    tabifyDockWidget(clients, dock("clusterDock"));
    // tabifyDockWidget puts the panel added last in front.
    clients->raise();
    traffic->raise();
    composer->raise();
    if (isVisible())
        applyDefaultDockSizes();
    else
        m_defaultSizesPending = true;
}

void MainWindow::applyDefaultDockSizes()
{
    m_defaultSizesPending = false;
    resizeDocks({dock("clientsDock"), dock("composerDock")}, {width() * 11 / 20, width() * 9 / 20},
                Qt::Horizontal);
    resizeDocks({dock("clientsDock"), dock("trafficDock")}, {height() * 2 / 5, height() * 3 / 5},
                Qt::Vertical);
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (m_defaultSizesPending)
        applyDefaultDockSizes();
}

void MainWindow::resetLayout()
{
    for (QDockWidget *panel : docks())
        removeDockWidget(panel); // undoes tabs and nesting; placeDocksByDefault shows them again
    placeDocksByDefault();
}

void MainWindow::connectPanels()
{
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
    connect(m_clientsView, &ClientsView::disconnectConnectionRequested, this,
            [this](const QList<quint64> &clientIds) {
                for (const quint64 id : clientIds)
                    m_controller->disconnectConnection(id);
            });
    connect(m_clientsView, &ClientsView::sendToClientsRequested, this,
            [this](const QList<quint64> &clientIds) {
                dock("composerDock")->show();
                m_composer->setSelectedClients(clientIds);
                m_composer->setTargetKind(ComposerWidget::TargetKind::SelectedClients);
                m_composer->focusData();
            });
    connect(m_composer, &ComposerWidget::sent, this,
            [this](const QString &confirmation) { statusBar()->showMessage(confirmation, 10000); });
    connect(m_composer, &ComposerWidget::sendFailed, this,
            [this](const QString &reason) { statusBar()->showMessage(reason, 10000); });
    connect(m_trafficView, &TrafficLogView::exported, this, [this](const QString &path) {
        statusBar()->showMessage(tr("Saved the log to %1").arg(path), 10000);
    });
    connect(m_clientsModel, &ClientsModel::browsersAtConnectionLimitChanged, m_sharePanel,
            [this](int browsers) {
                m_sharePanel->setBrowserLimitNotice(ClientsModel::browserLimitNotice(browsers));
            });
    connect(m_sharePanel, &SharePanel::listenOnAllInterfacesRequested, this, [this] {
        listenOnAllInterfaces([this](int clients) {
            return QMessageBox::question(
                       this, tr("Listen on all interfaces?"),
                       tr("The server restarts on the same port to listen on all interfaces, "
                          "which disconnects %n client(s) for a moment. Browsers reconnect on "
                          "their own.",
                          nullptr, clients),
                       QMessageBox::Yes | QMessageBox::Cancel,
                       QMessageBox::Yes) == QMessageBox::Yes;
        });
    });
    connect(m_scenarioDock, &ScenarioDock::routesChanged, this, [this](const QStringList &specs) {
        m_settings.server.routes = specs;
        saveSettings();
    });
    connectFaults();
    connectHistory();
    connectCluster();
}

void MainWindow::connectMenus()
{
    m_trafficView->addExportActions(m_menus->exportLogMenu);
    connect(m_menus->importTemplates, &QAction::triggered, m_composer,
            &ComposerWidget::chooseTemplatesToImport);
    connect(m_menus->exportTemplates, &QAction::triggered, m_composer,
            &ComposerWidget::chooseTemplatesExportFile);
    connect(m_menus->quit, &QAction::triggered, this, &QWidget::close);
    connect(m_menus->startStop, &QAction::triggered, this, [this] {
        if (m_serverBar->state() == ServerBar::State::Stopped)
            startServer();
        else if (m_serverBar->state() == ServerBar::State::Running)
            m_controller->stop();
    });
    connect(m_menus->settings, &QAction::triggered, this, &MainWindow::editSettings);
    const auto showScenarios = [this] {
        dock("scenarioDock")->show();
        dock("scenarioDock")->raise();
    };
    connect(m_menus->newScenario, &QAction::triggered, this, [this, showScenarios] {
        showScenarios();
        m_scenarioDock->newScenario();
    });
    connect(m_menus->openScenario, &QAction::triggered, this, [this, showScenarios] {
        showScenarios();
        m_scenarioDock->chooseFileToOpen();
    });
    connect(m_menus->recordScenario, &QAction::triggered, this, [this, showScenarios] {
        showScenarios();
        m_scenarioDock->recordFromUrl();
    });
    connect(m_menus->playScenario, &QAction::triggered, this, [this] {
        if (ScenarioTab *tab = m_scenarioDock->currentTab())
            tab->play();
    });
    connect(m_menus->stopScenario, &QAction::triggered, this, [this] {
        if (ScenarioTab *tab = m_scenarioDock->currentTab())
            tab->stop();
    });
    connect(m_scenarioDock->templatesMenu(), &QMenu::triggered, this, showScenarios);
    m_menus->scenarioMenu->addMenu(m_scenarioDock->templatesMenu());
    connect(m_menus->findInLog, &QAction::triggered, this, [this] {
        dock("trafficDock")->show();
        m_trafficView->focusSearch();
    });
    connect(m_menus->copy, &QAction::triggered, this, &MainWindow::copyFromFocusedView);
    connect(m_menus, &MainMenus::themeChosen, this, [this](Theme theme) {
        if (auto *app = qobject_cast<QApplication *>(QCoreApplication::instance()))
            applyTheme(app, theme);
        QSettings().setValue(QStringLiteral("ui/theme"), themeSetting(theme));
    });
    connect(m_menus, &MainMenus::languageChosen, this, &MainWindow::chooseLanguage);
    connect(m_menus->clearLog, &QAction::triggered, m_trafficModel, &TrafficLogModel::clear);
    connect(m_menus->resetLayout, &QAction::triggered, this, &MainWindow::resetLayout);
    connect(m_menus->documentation, &QAction::triggered, this, [] {
        QDesktopServices::openUrl(QUrl(QStringLiteral(SSE_DASHBOARD_HOMEPAGE "#readme")));
    });
    connect(m_menus->about, &QAction::triggered, this, &MainWindow::showAbout);
    connect(m_menus->aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::connectController()
{
    connect(m_controller, &ServerController::started, this,
            [this](const QString &url, const QString &token, quint16 port) {
                const QStringList urls = shareUrls(bindAddress(m_settings.bind), port,
                                                   url.startsWith(QLatin1String("https:")));
                m_serverBar->setState(ServerBar::State::Running, url, urls);
                m_serverBar->showRunningPort(port);
                m_sharePanel->setUrls(urls);
                m_sharePanel->setToken(token);
                m_serverBar->setTls(m_controller->tlsStatus());
                m_sharePanel->setTls(m_controller->tlsStatus());
                m_sharePanel->setHttp2Streams(m_settings.server.maxHttp2Streams);
                m_trafficView->setServerUrl(url);
                m_composer->setServerUrl(url);
                m_statsModel->resetBaseline();
                m_composer->setServerRunning(true);
                m_faultsDock->setServerRunning(true);
                m_historyDock->setServerRunning(true);
                m_menus->setServerRunning(true);
                statusBar()->showMessage(tr("Listening on %1").arg(url), 5000);
            });
    connect(m_controller, &ServerController::startFailed, this, [this](const QString &message) {
        m_serverBar->setState(ServerBar::State::Stopped);
        m_serverBar->showError(message);
        m_sharePanel->setUrls({});
        m_composer->setServerRunning(false);
        m_menus->setServerRunning(false);
        statusBar()->showMessage(tr("The server could not start"));
    });
    connect(m_controller, &ServerController::stopped, this, [this] {
        m_serverBar->setState(ServerBar::State::Stopped);
        m_sharePanel->setUrls({});
        m_clientsModel->clear();
        m_connectedClients = 0;
        m_serverBar->updateStats({}, 0);
        m_composer->setServerRunning(false);
        m_faultsDock->setServerRunning(false);
        m_historyDock->setServerRunning(false);
        m_menus->setServerRunning(false);
        m_scenarioDock->serverStopped();
    });
    connect(m_controller, &ServerController::snapshotReady, this, &MainWindow::applySnapshot);
}

void MainWindow::applySnapshot(const ServerSnapshot &snapshot)
{
    // Each model takes the whole batch at once: a handful of model signals per snapshot.
    m_clientsModel->applySnapshot(snapshot);
    m_trafficModel->applySnapshot(snapshot);
    m_scenarioDock->applySnapshot(snapshot);
    m_faultsDock->applySnapshot(snapshot);
    if (snapshot.stats.eventsPublished != m_eventsPublished) {
        m_eventsPublished = snapshot.stats.eventsPublished;
        m_historyDock->historyMayHaveChanged();
    }
    m_statsModel->addStats(QDateTime::currentDateTime(), snapshot.stats);
    m_connectedClients = snapshot.stats.clients;
    if (m_serverBar->state() == ServerBar::State::Running) {
        m_serverBar->updateStats(snapshot.stats, m_statsModel->latestEventsPerSecond());
        m_composer->setNextEventId(snapshot.stats.nextEventId);
    }
}

void MainWindow::startServer()
{
    // A restart keeps the port a running server picked for "any": its clients know that one.
    const quint16 runningPort =
        m_serverBar->state() == ServerBar::State::Running ? m_controller->port() : 0;
    m_settings.bind = m_serverBar->bindChoice();
    m_settings.server.port = m_serverBar->port();
    m_serverBar->setState(ServerBar::State::Starting);
    m_clientsModel->clear();
    m_clientsModel->setMaxQueueBytes(m_settings.server.maxQueueBytes);
    m_composer->setNextEventId({}); // the server says which id comes next once it runs
    ServerConfig config = m_settings.serverConfig();
    if (m_historyInMemory)
        config.historyFile.clear(); // the file was refused and the operator chose memory
    if (config.port == 0)
        config.port = runningPort;
    m_controller->start(config, SnapshotIntervalMs);
}

void MainWindow::listenOnAllInterfaces(const std::function<bool(int)> &confirmRestart)
{
    const bool running = m_serverBar->state() == ServerBar::State::Running;
    if (running && m_connectedClients > 0 && !confirmRestart(m_connectedClients))
        return;
    BindChoice all;
    all.mode = BindChoice::Mode::AllInterfaces;
    m_serverBar->setBindChoice(all);
    startServer();
}

void MainWindow::copyFromFocusedView()
{
    QWidget *focus = QApplication::focusWidget();
    if (focus && m_clientsView->isAncestorOf(focus))
        m_clientsView->copySelectedDetails();
    else
        m_trafficView->copySelectedRows();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About SSE Dashboard"),
                       tr("<h3>SSE Dashboard %1</h3>"
                          "<p>A desktop dashboard with a built-in Server-Sent Events server.</p>"
                          "<p>Built with Qt %2, running on Qt %3.</p>"
                          "<p>Licensed under the GNU General Public License, version 3 or later "
                          "(GPL-3.0-or-later).</p>"
                          "<p><a href=\"%4\">%4</a></p>")
                           .arg(QStringLiteral(SSE_DASHBOARD_VERSION),
                                QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion()),
                                QStringLiteral(SSE_DASHBOARD_HOMEPAGE)));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    rememberSettings();
    event->accept();
}

} // namespace sse::ui
