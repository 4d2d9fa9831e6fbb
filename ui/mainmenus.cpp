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
    retranslateUi();

    // The shortcuts work wherever focus is in the window, menus open or not.
    for (QAction *action : {quit, startStop, settings, findInLog, copy, clearLog, documentation})
        window->addAction(action);
}

void MainMenus::addFileMenu(QMenuBar *bar)
{
    m_file = bar->addMenu(QString());
    QMenu *file = m_file;
    exportLogMenu = file->addMenu(QString());
    exportLogMenu->setObjectName(QStringLiteral("exportLogMenu"));
    file->addSeparator();
    importTemplates = file->addAction(QString());
    exportTemplates = file->addAction(QString());
    file->addSeparator();
    quit = file->addAction(QString());
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    // QKeySequence::Quit is empty on some desktops; Ctrl+Q is what every Linux user tries.
    if (quit->shortcut().isEmpty())
        quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
}

void MainMenus::addServerMenu(QMenuBar *bar)
{
    m_server = bar->addMenu(QString());
    QMenu *server = m_server;
    startStop = server->addAction(QString());
    startStop->setObjectName(QStringLiteral("startStopAction"));
    startStop->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    settings = server->addAction(QString());
    settings->setObjectName(QStringLiteral("settingsAction"));
    settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    settings->setMenuRole(QAction::PreferencesRole);
}

void MainMenus::addScenarioMenu(QMenuBar *bar)
{
    scenarioMenu = bar->addMenu(QString());
    scenarioMenu->setObjectName(QStringLiteral("scenarioMenu"));
    newScenario = scenarioMenu->addAction(QString());
    newScenario->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    openScenario = scenarioMenu->addAction(QString());
    openScenario->setShortcut(QKeySequence::Open);
    recordScenario = scenarioMenu->addAction(QString());
    scenarioMenu->addSeparator();
    playScenario = scenarioMenu->addAction(QString());
    playScenario->setObjectName(QStringLiteral("playScenarioAction"));
    playScenario->setShortcut(QKeySequence(Qt::Key_F5));
    stopScenario = scenarioMenu->addAction(QString());
    stopScenario->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
    scenarioMenu->addSeparator(); // the window adds the templates below
}

void MainMenus::addEditMenu(QMenuBar *bar)
{
    m_edit = bar->addMenu(QString());
    QMenu *edit = m_edit;
    findInLog = edit->addAction(QString());
    findInLog->setObjectName(QStringLiteral("findInLogAction"));
    findInLog->setShortcut(QKeySequence::Find);
    copy = edit->addAction(QString());
    copy->setObjectName(QStringLiteral("copyAction"));
    // Text fields keep Ctrl+C for their own selection (they claim it first); this one copies
    // the selected rows of the clients table or the traffic log.
    copy->setShortcut(QKeySequence::Copy);
}

void MainMenus::addViewMenu(QMenuBar *bar, const QList<QDockWidget *> &panels)
{
    m_view = bar->addMenu(QString());
    QMenu *view = m_view;
    for (QDockWidget *panel : panels)
        view->addAction(panel->toggleViewAction());
    view->addSeparator();
    addThemeMenu(view);
    addLanguageMenu(view);
    view->addSeparator();
    clearLog = view->addAction(QString());
    clearLog->setObjectName(QStringLiteral("clearLogAction"));
    clearLog->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    resetLayout = view->addAction(QString());
    resetLayout->setObjectName(QStringLiteral("resetLayoutAction"));
}

void MainMenus::addThemeMenu(QMenu *view)
{
    m_theme = view->addMenu(QString());
    themes = new QActionGroup(this);
    for (const Theme theme : {Theme::System, Theme::Light, Theme::Dark}) {
        QAction *action = m_theme->addAction(QString());
        action->setCheckable(true);
        action->setData(themeSetting(theme));
        themes->addAction(action);
        connect(action, &QAction::triggered, this, [this, theme] { emit themeChosen(theme); });
    }
}

void MainMenus::addLanguageMenu(QMenu *view)
{
    m_language = view->addMenu(QString());
    languages = new QActionGroup(this);
    // Language names are written in their own language, as every program lists them.
    const std::pair<QString, QString> languageNames[] = {
        {QString(), QString()}, // retranslateUi() names it
        {QStringLiteral("en"), QStringLiteral("English")},
        {QStringLiteral("zh_CN"), QStringLiteral("简体中文")}};
    for (const auto &[code, name] : languageNames) {
        QAction *action = m_language->addAction(name);
        action->setCheckable(true);
        action->setData(code);
        languages->addAction(action);
        connect(action, &QAction::triggered, this,
                [this, code = code] { emit languageChosen(code); });
    }
}

void MainMenus::addHelpMenu(QMenuBar *bar)
{
    m_help = bar->addMenu(QString());
    QMenu *help = m_help;
    documentation = help->addAction(QString());
    documentation->setShortcut(QKeySequence::HelpContents);
    help->addSeparator();
    about = help->addAction(QString());
    about->setMenuRole(QAction::AboutRole);
    aboutQt = help->addAction(QString());
    aboutQt->setMenuRole(QAction::AboutQtRole);
}

void MainMenus::setServerRunning(bool running)
{
    m_serverRunning = running;
    startStop->setText(running ? tr("&Stop") : tr("&Start"));
}

void MainMenus::retranslateUi()
{
    m_file->setTitle(tr("&File"));
    exportLogMenu->setTitle(tr("&Export log"));
    importTemplates->setText(tr("&Import templates…"));
    exportTemplates->setText(tr("E&xport templates…"));
    quit->setText(tr("&Quit"));
    m_server->setTitle(tr("&Server"));
    setServerRunning(m_serverRunning);
    settings->setText(tr("Se&ttings…"));
    scenarioMenu->setTitle(tr("S&cenario"));
    newScenario->setText(tr("&New scenario"));
    openScenario->setText(tr("&Open scenario…"));
    recordScenario->setText(tr("&Record from URL…"));
    playScenario->setText(tr("&Play"));
    stopScenario->setText(tr("S&top"));
    m_edit->setTitle(tr("&Edit"));
    findInLog->setText(tr("&Find in log"));
    copy->setText(tr("&Copy"));
    m_view->setTitle(tr("&View"));
    m_theme->setTitle(tr("&Theme"));
    const QStringList themeNames{tr("&System"), tr("&Light"), tr("&Dark")};
    for (int index = 0; index < themeNames.size(); ++index)
        themes->actions().at(index)->setText(themeNames.at(index));
    m_language->setTitle(tr("&Language"));
    languages->actions().constFirst()->setText(tr("System language"));
    clearLog->setText(tr("&Clear log"));
    resetLayout->setText(tr("&Reset layout"));
    m_help->setTitle(tr("&Help"));
    documentation->setText(tr("&Documentation"));
    about->setText(tr("&About SSE Dashboard"));
    aboutQt->setText(tr("About &Qt"));
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
