#pragma once

#include "appearance.h"

#include <QObject>

class QAction;
class QActionGroup;
class QDockWidget;
class QMainWindow;
class QMenu;
class QMenuBar;

namespace sse::ui {

// The menu bar and its actions, with the platform's shortcuts. It only creates and lays out
// the actions; MainWindow connects them to what they do.
class MainMenus : public QObject
{
    Q_OBJECT

public:
    MainMenus(QMainWindow *window, const QList<QDockWidget *> &panels);

    // File
    QMenu *exportLogMenu = nullptr;
    QAction *importTemplates = nullptr;
    QAction *exportTemplates = nullptr;
    QAction *quit = nullptr;
    // Server
    QAction *startStop = nullptr;
    QAction *settings = nullptr;
    // Scenario
    QMenu *scenarioMenu = nullptr;
    QAction *newScenario = nullptr;
    QAction *openScenario = nullptr;
    QAction *recordScenario = nullptr;
    QAction *playScenario = nullptr;
    QAction *stopScenario = nullptr;
    // Edit
    QAction *findInLog = nullptr;
    QAction *copy = nullptr;
    // View
    QActionGroup *themes = nullptr;
    QActionGroup *languages = nullptr;
    QAction *clearLog = nullptr;
    QAction *resetLayout = nullptr;
    // Help
    QAction *documentation = nullptr;
    QAction *about = nullptr;
    QAction *aboutQt = nullptr;

    void setServerRunning(bool running);
    // Every menu's and action's text in the current language; the window calls it on a
    // LanguageChange.
    void retranslateUi();
    void checkTheme(sse::ui::Theme theme);
    void checkLanguage(const QString &language);

signals:
    void themeChosen(sse::ui::Theme theme);
    void languageChosen(const QString &language);

private:
    // The menus, left to right.
    void addFileMenu(QMenuBar *bar);
    void addServerMenu(QMenuBar *bar);
    void addScenarioMenu(QMenuBar *bar);
    void addEditMenu(QMenuBar *bar);
    void addViewMenu(QMenuBar *bar, const QList<QDockWidget *> &panels);
    void addThemeMenu(QMenu *view);
    void addLanguageMenu(QMenu *view);
    void addHelpMenu(QMenuBar *bar);

    QMenu *m_file = nullptr;
    QMenu *m_server = nullptr;
    QMenu *m_edit = nullptr;
    QMenu *m_view = nullptr;
    QMenu *m_theme = nullptr;
    QMenu *m_language = nullptr;
    QMenu *m_help = nullptr;
    bool m_serverRunning = false;
};

} // namespace sse::ui
