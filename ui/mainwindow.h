#pragma once

#include "dashboardsettings.h"
#include "serverconfig.h"
#include "servertypes.h"

#include <QMainWindow>
#include <QStringList>

#include <functional>

class QDockWidget;
class QTimer;

namespace sse {
class ServerController;
}

namespace sse::ui {

class ChartsView;
class ClusterDock;
class ClientsModel;
class ClientsView;
class ComposerWidget;
class FaultsDock;
class FaultsModel;
class HistoryDock;
class MainMenus;
class ScenarioDock;
class ServerBar;
class SharePanel;
class StatsHistoryModel;
class TrafficLogModel;
class TrafficLogView;

// The dashboard's main window: a server bar on top and one dock per panel, a menu bar and a
// status bar. It drives the server only through the controller and feeds the item models
// from the controller's batched snapshots.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    // The smallest window every panel stays usable in (a 1280×720 laptop has room to spare).
    static constexpr QSize MinimumSize{1024, 640};
    // Without a saved geometry: the screen's available area, up to 1920×1200, at least the
    // minimum.
    QSize defaultSize() const;

    // Saved settings (QSettings) are the base; the options named in explicitOptions (as
    // QCommandLineParser::optionNames() reports them) are taken from commandLine instead.
    MainWindow(ServerController *controller, const ServerConfig &commandLine,
               const QStringList &explicitOptions = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    ClientsModel *clientsModel() const { return m_clientsModel; }
    TrafficLogModel *trafficModel() const { return m_trafficModel; }
    StatsHistoryModel *statsModel() const { return m_statsModel; }
    ServerBar *serverBar() const { return m_serverBar; }
    SharePanel *sharePanel() const { return m_sharePanel; }
    ClientsView *clientsView() const { return m_clientsView; }
    ComposerWidget *composer() const { return m_composer; }
    TrafficLogView *trafficView() const { return m_trafficView; }
    ScenarioDock *scenarioDock() const { return m_scenarioDock; }
    FaultsDock *faultsDock() const { return m_faultsDock; }
    HistoryDock *historyDock() const { return m_historyDock; }
    ClusterDock *clusterDock() const { return m_clusterDock; }
    MainMenus *menus() const { return m_menus; }
    const DashboardSettings &settings() const { return m_settings; }
    QList<QDockWidget *> docks() const;
    QDockWidget *dock(const char *objectName) const;

    void startServer();
    void saveSettings() const;
    // Takes the bind choice and port from the bar, then saves everything.
    void rememberSettings();
    // The panels where they first were, all shown.
    void resetLayout();
    // Applies new settings; a running server restarts with them, after asking when clients
    // would be disconnected (ask is there so tests can answer).
    void applySettings(const DashboardSettings &settings,
                       const std::function<bool(int clients)> &confirmRestart);
    // Listens on all interfaces on the port the server has now (one --port 0 picked too), so
    // this computer's pages reconnect to the same URL; asks first when clients would be
    // disconnected.
    void listenOnAllInterfaces(const std::function<bool(int clients)> &confirmRestart);

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;
    // A new language (View → Language) arrives as a LanguageChange: see retranslateUi().
    void changeEvent(QEvent *event) override;

private:
    void buildPanels();
    QDockWidget *addPanel(QWidget *panel, const QString &objectName, bool scrollable);
    // The window's own texts and the menus'; each panel retranslates itself.
    void retranslateUi();
    void placeDocksByDefault();
    void applyDefaultDockSizes();
    void connectPanels();
    // The fault, history and cluster panels' wiring (mainwindowpanels.cpp).
    void connectFaults();
    void connectHistory();
    void connectCluster();
    void offerMemoryHistory(const QString &message);
    void connectMenus();
    void connectController();
    void restoreLayout();
    void applySnapshot(const sse::ServerSnapshot &snapshot);
    void editSettings();
    void showAbout();
    void chooseLanguage(const QString &language);
    void copyFromFocusedView();

    ServerController *m_controller;
    DashboardSettings m_settings;
    ClientsModel *m_clientsModel;
    TrafficLogModel *m_trafficModel;
    StatsHistoryModel *m_statsModel;
    ServerBar *m_serverBar = nullptr;
    SharePanel *m_sharePanel = nullptr;
    ClientsView *m_clientsView = nullptr;
    ComposerWidget *m_composer = nullptr;
    TrafficLogView *m_trafficView = nullptr;
    ChartsView *m_chartsView = nullptr;
    ScenarioDock *m_scenarioDock = nullptr;
    FaultsModel *m_faultsModel;
    FaultsDock *m_faultsDock = nullptr;
    HistoryDock *m_historyDock = nullptr;
    ClusterDock *m_clusterDock = nullptr;
    MainMenus *m_menus = nullptr;
    QTimer *m_clockTimer;
    int m_connectedClients = 0;
    bool m_historyInMemory = false;     // this run only: the history file was refused
    quint64 m_eventsPublished = 0;      // the history panel looks again when this moves
    bool m_defaultSizesPending = false; // dock proportions apply once the window has a size
};

} // namespace sse::ui
