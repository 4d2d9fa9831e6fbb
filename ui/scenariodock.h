#pragma once

#include "scenario.h"
#include "servertypes.h"

#include <QPointer>
#include <QWidget>

#include <functional>

class QLabel;
class QMenu;
class QTabWidget;
class QToolBar;

namespace sse {
class ServerController;
}

namespace sse::ui {

class RecordDialog;
class RoutesPanel;
class ScenarioTab;

// The Scenarios panel: open scenarios in tabs (new, from a file or a traffic-log export,
// from a built-in template, or recorded from a URL), after a Routes tab holding the scenario
// routes the server binds.
class ScenarioDock : public QWidget
{
    Q_OBJECT

public:
    explicit ScenarioDock(ServerController *controller, QWidget *parent = nullptr);

    // The built-in templates: resource path → translated title.
    static QList<QPair<QString, QString>> templates();

    // The Routes tab, then one tab per open scenario.
    QTabWidget *tabs() const { return m_tabs; }
    QList<ScenarioTab *> scenarioTabs() const;
    ScenarioTab *currentTab() const;
    QMenu *templatesMenu() const { return m_templatesMenu; }

    ScenarioTab *newScenario();
    // Opens a scenario file or a traffic log exported as NDJSON; false with the error shown
    // (and no tab opened) when it cannot be read or has a bad line.
    bool openFile(const QString &path);
    ScenarioTab *openScenario(const Scenario &scenario, const QString &filePath = {});
    void chooseFileToOpen();
    bool saveCurrent();
    bool saveCurrentAs();
    // Shows the Record from URL dialog (one at a time); what it records opens as a new tab.
    RecordDialog *recordFromUrl();
    // Closes a tab; asks first when it has unsaved changes (ask is there so tests can answer).
    bool closeTab(int index, const std::function<bool(const QString &title)> &confirmDiscard);
    QString message() const;

    // Routes ("METHOD PATH=FILE"), applied to the running server and saved.
    RoutesPanel *routesPanel() const { return m_routes; }
    QStringList routeSpecs() const;
    void setRouteSpecs(const QStringList &specs);
    void applyRoutes();
    QString routesMessage() const;

    void applySnapshot(const sse::ServerSnapshot &snapshot);
    void serverStopped();

signals:
    // The route list was applied (or saved for the next start).
    void routesChanged(const QStringList &specs);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void updateRoutesTitle();
    void showMessage(const QString &text);

    ServerController *m_controller;
    QTabWidget *m_tabs;
    QMenu *m_templatesMenu;
    QToolBar *m_fileBar = nullptr;
    QLabel *m_message;
    QString m_messageText; // what m_message shows unless it shows the hint for an empty dock
    RoutesPanel *m_routes;
    QPointer<RecordDialog> m_recordDialog;
};

} // namespace sse::ui
