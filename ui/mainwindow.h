#pragma once

#include "dashboardsettings.h"
#include "serverconfig.h"
#include "servertypes.h"

#include <QMainWindow>
#include <QStringList>

class QSplitter;
class QTimer;

namespace sse {
class ServerController;
}

namespace sse::ui {

class ChartsView;
class ClientsModel;
class ClientsView;
class ComposerWidget;
class ServerBar;
class SharePanel;
class StatsHistoryModel;
class TrafficLogModel;
class TrafficLogView;

// The dashboard's main window. It drives the server only through the controller and feeds
// the item models from the controller's batched snapshots.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
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
    const DashboardSettings &settings() const { return m_settings; }

    void startServer();
    void saveSettings() const;
    // Takes the bind choice and port from the bar, then saves everything.
    void rememberSettings();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildLayout();
    void connectController();
    void restoreLayout();
    void applySnapshot(const sse::ServerSnapshot &snapshot);
    void editSettings();

    ServerController *m_controller;
    DashboardSettings m_settings;
    ClientsModel *m_clientsModel;
    TrafficLogModel *m_trafficModel;
    StatsHistoryModel *m_statsModel;
    ServerBar *m_serverBar;
    SharePanel *m_sharePanel;
    ClientsView *m_clientsView;
    ComposerWidget *m_composer;
    TrafficLogView *m_trafficView;
    ChartsView *m_chartsView;
    QSplitter *m_mainSplitter;
    QSplitter *m_leftSplitter;
    QSplitter *m_rightSplitter;
    QTimer *m_clockTimer;
};

} // namespace sse::ui
