#include "mainmenus.h"

#include <QAction>
#include <QActionGroup>
#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>

namespace sse::ui {

MainMenus::MainMenus(QMainWindow *window, const QList<QDockWidget *> &panels)
    : QObject(window)
{
    QMenuBar *bar = window->menuBar();
    addFileMenu(bar);
    addServerMenu(bar);
    addScenarioMenu(bar);
    addEditMenu(bar);
    addViewMenu(bar, panels);
    addHelpMenu(bar);

    // The shortcuts work wherever focus is in the window, menus open or not.
    for (QAction *action : {quit, startStop, settings, findInLog, copy, clearLog, documentation})
        window->addAction(action);
}

void MainMenus::addFileMenu(QMenuBar *bar)
{
    QMenu *file = bar->addMenu(tr("&File"));
    exportLogMenu = file->addMenu(tr("&Export log"));
    exportLogMenu->setObjectName(QStringLiteral("exportLogMenu"));
    file->addSeparator();
    importTemplates = file->addAction(tr("&Import templates…"));
    exportTemplates = file->addAction(tr("E&xport templates…"));
    file->addSeparator();
    quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    // QKeySequence::Quit is empty on some desktops; Ctrl+Q is what every Linux user tries.
    if (quit->shortcut().isEmpty())
        quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
}

void MainMenus::addServerMenu(QMenuBar *bar)
{
    QMenu *server = bar->addMenu(tr("&Server"));
    startStop = server->addAction(tr("&Start"));
    startStop->setObjectName(QStringLiteral("startStopAction"));
    startStop->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    settings = server->addAction(tr("Se&ttings…"));
    settings->setObjectName(QStringLiteral("settingsAction"));
    settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    settings->setMenuRole(QAction::PreferencesRole);
}

void MainMenus::addScenarioMenu(QMenuBar *bar)
{
    scenarioMenu = bar->addMenu(tr("S&cenario"));
    scenarioMenu->setObjectName(QStringLiteral("scenarioMenu"));
    newScenario = scenarioMenu->addAction(tr("&New scenario"));
    newScenario->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    openScenario = scenarioMenu->addAction(tr("&Open scenario…"));
    openScenario->setShortcut(QKeySequence::Open);
    recordScenario = scenarioMenu->addAction(tr("&Record from URL…"));
    scenarioMenu->addSeparator();
    playScenario = scenarioMenu->addAction(tr("&Play"));
    playScenario->setObjectName(QStringLiteral("playScenarioAction"));
    playScenario->setShortcut(QKeySequence(Qt::Key_F5));
    stopScenario = scenarioMenu->addAction(tr("S&top"));
    stopScenario->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
    scenarioMenu->addSeparator(); // the window adds the templates below
}

void MainMenus::addEditMenu(QMenuBar *bar)
{
    QMenu *edit = bar->addMenu(tr("&Edit"));
    findInLog = edit->addAction(tr("&Find in log"));
    findInLog->setObjectName(QStringLiteral("findInLogAction"));
    findInLog->setShortcut(QKeySequence::Find);
    copy = edit->addAction(tr("&Copy"));
    copy->setObjectName(QStringLiteral("copyAction"));
    // Text fields keep Ctrl+C for their own selection (they claim it first); this one copies
    // the selected rows of the clients table or the traffic log.
    copy->setShortcut(QKeySequence::Copy);
}

void MainMenus::addViewMenu(QMenuBar *bar, const QList<QDockWidget *> &panels)
{
    QMenu *view = bar->addMenu(tr("&View"));
    for (QDockWidget *panel : panels)
        view->addAction(panel->toggleViewAction());
    view->addSeparator();
    addThemeMenu(view);
    addLanguageMenu(view);
    view->addSeparator();
    clearLog = view->addAction(tr("&Clear log"));
    clearLog->setObjectName(QStringLiteral("clearLogAction"));
    clearLog->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    resetLayout = view->addAction(tr("&Reset layout"));
    resetLayout->setObjectName(QStringLiteral("resetLayoutAction"));
}

void MainMenus::addThemeMenu(QMenu *view)
{
    QMenu *themeMenu = view->addMenu(tr("&Theme"));
    themes = new QActionGroup(this);
    const std::pair<Theme, QString> themeNames[] = {
        {Theme::System, tr("&System")}, {Theme::Light, tr("&Light")}, {Theme::Dark, tr("&Dark")}};
    for (const auto &[theme, name] : themeNames) {
        QAction *action = themeMenu->addAction(name);
        action->setCheckable(true);
        action->setData(themeSetting(theme));
        themes->addAction(action);
        connect(action, &QAction::triggered, this,
                [this, theme = theme] { emit themeChosen(theme); });
    }
}

void MainMenus::addLanguageMenu(QMenu *view)
{
    QMenu *languageMenu = view->addMenu(tr("&Language"));
    languages = new QActionGroup(this);
    // Language names are written in their own language, as every program lists them.
    const std::pair<QString, QString> languageNames[] = {
        {QString(), tr("System language")},
        {QStringLiteral("en"), QStringLiteral("English")},
        {QStringLiteral("zh_CN"), QStringLiteral("简体中文")}};
    for (const auto &[code, name] : languageNames) {
        QAction *action = languageMenu->addAction(name);
        action->setCheckable(true);
        action->setData(code);
        languages->addAction(action);
        connect(action, &QAction::triggered, this,
                [this, code = code] { emit languageChosen(code); });
    }
}

void MainMenus::addHelpMenu(QMenuBar *bar)
{
    QMenu *help = bar->addMenu(tr("&Help"));
    documentation = help->addAction(tr("&Documentation"));
    documentation->setShortcut(QKeySequence::HelpContents);
    help->addSeparator();
    about = help->addAction(tr("&About SSE Dashboard"));
    about->setMenuRole(QAction::AboutRole);
    aboutQt = help->addAction(tr("About &Qt"));
    aboutQt->setMenuRole(QAction::AboutQtRole);
}

void MainMenus::setServerRunning(bool running)
{
    startStop->setText(running ? tr("&Stop") : tr("&Start"));
}

void MainMenus::checkTheme(Theme theme)
{
    for (QAction *action : themes->actions())
        action->setChecked(action->data().toString() == themeSetting(theme));
}

void MainMenus::checkLanguage(const QString &language)
{
    for (QAction *action : languages->actions())
        action->setChecked(action->data().toString() == language);
}

} // namespace sse::ui
