#include "scenariodock.h"

#include "models/logexport.h"
#include "models/routesmodel.h"
#include "models/scenariomodel.h"
#include "models/trafficscenario.h"
#include "recorddialog.h"
#include "routespanel.h"
#include "scenariotab.h"
#include "servercontroller.h"

#include <QAction>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QTabBar>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace sse::ui {

namespace {

// The filter of the open and save dialogs, translated (its context is ScenarioDock's).
QString fileFilter()
{
    return ScenarioDock::tr("Scenarios (*.jsonl *.ndjson);;All files (*)");
}

} // namespace

ScenarioDock::ScenarioDock(ServerController *controller, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_tabs(new QTabWidget(this))
    , m_templatesMenu(new QMenu(this))
    , m_message(new QLabel(this))
    , m_routes(new RoutesPanel(controller, this))
{
    for (const auto &[resource, title] : templates()) {
        m_templatesMenu->addAction(title, this,
                                   [this, resource = resource] { openFile(resource); });
    }
    // A tool bar: in a narrow dock what does not fit goes to its » menu. retranslateUi()
    // names the actions.
    m_fileBar = new QToolBar(this);
    m_fileBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_fileBar->addAction(QString(), this, &ScenarioDock::newScenario);
    m_fileBar->addAction(QString(), this, &ScenarioDock::chooseFileToOpen);
    QAction *templatesAction = m_fileBar->addAction(QString());
    templatesAction->setMenu(m_templatesMenu);
    if (auto *button = qobject_cast<QToolButton *>(m_fileBar->widgetForAction(templatesAction)))
        button->setPopupMode(QToolButton::InstantPopup);
    m_fileBar->addAction(QString(), this, &ScenarioDock::saveCurrent);
    m_fileBar->addAction(QString(), this, &ScenarioDock::saveCurrentAs);
    m_fileBar->addAction(QString(), this, &ScenarioDock::recordFromUrl);

    m_tabs->setTabsClosable(true);
    m_tabs->setDocumentMode(true);
    m_tabs->setUsesScrollButtons(true);
    m_tabs->setElideMode(Qt::ElideRight);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) {
        closeTab(index, [this](const QString &title) {
            return QMessageBox::question(
                       this, tr("Close scenario"),
                       tr("%1 has unsaved changes. Close it anyway?").arg(title)) ==
                   QMessageBox::Yes;
        });
    });
    // The routes are a tab of their own, first and never closed: the dock has no height to
    // spare for them beside a scenario's steps, and scenario tabs come and go after them.
    m_tabs->addTab(m_routes, QString());
    for (const QTabBar::ButtonPosition side : {QTabBar::LeftSide, QTabBar::RightSide}) {
        if (QWidget *closeButton = m_tabs->tabBar()->tabButton(0, side)) {
            m_tabs->tabBar()->setTabButton(0, side, nullptr);
            closeButton->deleteLater();
        }
    }
    connect(m_routes->model(), &QAbstractItemModel::rowsInserted, this,
            &ScenarioDock::updateRoutesTitle);
    connect(m_routes->model(), &QAbstractItemModel::rowsRemoved, this,
            &ScenarioDock::updateRoutesTitle);
    connect(m_routes->model(), &QAbstractItemModel::modelReset, this,
            &ScenarioDock::updateRoutesTitle);
    connect(m_routes, &RoutesPanel::routesChanged, this, &ScenarioDock::routesChanged);
    m_message->setWordWrap(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_fileBar);
    layout->addWidget(m_message);
    layout->addWidget(m_tabs, 1);
    retranslateUi();
}

void ScenarioDock::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
}

void ScenarioDock::retranslateUi()
{
    m_templatesMenu->setTitle(tr("From te&mplate"));
    const QList<QPair<QString, QString>> titles = templates();
    const QList<QAction *> templateActions = m_templatesMenu->actions();
    for (int index = 0; index < titles.size(); ++index)
        templateActions.at(index)->setText(titles.at(index).second);
    const QStringList fileTexts{tr("New"),  tr("Open…"),    tr("Templates"),
                                tr("Save"), tr("Save as…"), tr("Record…")};
    const QList<QAction *> fileActions = m_fileBar->actions();
    for (int index = 0; index < fileTexts.size(); ++index)
        fileActions.at(index)->setText(fileTexts.at(index));
    m_tabs->setTabToolTip(m_tabs->indexOf(m_routes),
                          tr("Scenario routes: each request to a route's path gets its own "
                             "stream playing the route's scenario"));
    updateRoutesTitle();
    showMessage(m_messageText); // the hint for an empty dock
}

QList<QPair<QString, QString>> ScenarioDock::templates()
{
    return {
        {QStringLiteral(":/scenarios/openai-chat.jsonl"), tr("LLM token stream (OpenAI-style)")},
        {QStringLiteral(":/scenarios/stock-ticker.jsonl"), tr("Stock ticker")},
        {QStringLiteral(":/scenarios/progress.jsonl"), tr("Progress 0–100 %")},
        {QStringLiteral(":/scenarios/chat-messages.jsonl"), tr("Chat messages")},
        {QStringLiteral(":/scenarios/notifications.jsonl"), tr("Notifications")},
    };
}

void ScenarioDock::updateRoutesTitle()
{
    m_tabs->setTabText(m_tabs->indexOf(m_routes),
                       tr("Routes (%1)").arg(m_routes->model()->rowCount()));
}

QList<ScenarioTab *> ScenarioDock::scenarioTabs() const
{
    QList<ScenarioTab *> result;
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (auto *tab = qobject_cast<ScenarioTab *>(m_tabs->widget(i)))
            result.append(tab);
    }
    return result;
}

ScenarioTab *ScenarioDock::currentTab() const
{
    return qobject_cast<ScenarioTab *>(m_tabs->currentWidget());
}

ScenarioTab *ScenarioDock::newScenario()
{
    Scenario scenario;
    scenario.name = tr("Untitled");
    ScenarioStep step;
    step.hasData = true;
    step.event.data = QStringLiteral("hello");
    scenario.steps.append(step);
    return openScenario(scenario);
}

ScenarioTab *ScenarioDock::openScenario(const Scenario &scenario, const QString &filePath)
{
    auto *tab = new ScenarioTab(m_controller, scenario, filePath, m_tabs);
    const int index = m_tabs->addTab(tab, tab->title());
    connect(tab, &ScenarioTab::titleChanged, this,
            [this, tab] { m_tabs->setTabText(m_tabs->indexOf(tab), tab->title()); });
    m_tabs->setCurrentIndex(index);
    showMessage(m_messageText); // no hint once a scenario is open
    return tab;
}

bool ScenarioDock::openFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        showMessage(tr("Cannot open %1: %2").arg(path, file.errorString()));
        return false;
    }
    const QByteArray contents = file.readAll();
    // Templates open as new, unsaved scenarios: saving must not aim at a resource.
    const bool builtIn = path.startsWith(u':');
    if (looksLikeTrafficLog(contents)) {
        QString error;
        const QList<TrafficRecord> records = importNdjson(contents, &error);
        Scenario scenario = scenarioFromTrafficLog(records);
        if (!error.isEmpty() || scenario.steps.isEmpty()) {
            showMessage(error.isEmpty() ? tr("%1 holds no events to play").arg(path)
                                        : tr("%1: %2").arg(path, error));
            return false;
        }
        scenario.name = QFileInfo(path).completeBaseName();
        openScenario(scenario)->model()->setModified(true);
        showMessage(
            tr("Opened the %n event(s) of the traffic log %1", nullptr, int(scenario.steps.size()))
                .arg(path));
        return true;
    }
    auto parsed = parseScenario(contents);
    if (const auto *failure = std::get_if<ScenarioError>(&parsed)) {
        showMessage(tr("%1: %2").arg(path, failure->text()));
        return false;
    }
    Scenario scenario = std::get<Scenario>(std::move(parsed));
    scenario.name = QFileInfo(path).completeBaseName();
    if (builtIn) {
        for (const auto &[resource, title] : templates()) {
            if (resource == path)
                scenario.name = title;
        }
    }
    openScenario(scenario, builtIn ? QString() : path);
    showMessage({});
    return true;
}

void ScenarioDock::chooseFileToOpen()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open scenario"), QString(), fileFilter());
    if (!path.isEmpty())
        openFile(path);
}

bool ScenarioDock::saveCurrent()
{
    ScenarioTab *tab = currentTab();
    if (!tab)
        return false;
    return tab->filePath().isEmpty() ? saveCurrentAs() : tab->saveTo(tab->filePath());
}

bool ScenarioDock::saveCurrentAs()
{
    ScenarioTab *tab = currentTab();
    if (!tab)
        return false;
    QString path = QFileDialog::getSaveFileName(
        this, tr("Save scenario"), tab->title().remove(u'*') + QStringLiteral(".jsonl"),
        fileFilter());
    return !path.isEmpty() && tab->saveTo(path);
}

bool ScenarioDock::closeTab(int index, const std::function<bool(const QString &)> &confirmDiscard)
{
    auto *tab = qobject_cast<ScenarioTab *>(m_tabs->widget(index));
    if (!tab)
        return false;
    if (tab->isModified() && !confirmDiscard(tab->title()))
        return false;
    tab->stop();
    m_tabs->removeTab(index);
    tab->deleteLater();
    showMessage(m_messageText);
    return true;
}

RecordDialog *ScenarioDock::recordFromUrl()
{
    if (!m_recordDialog) {
        m_recordDialog = new RecordDialog(this);
        m_recordDialog->setAttribute(Qt::WA_DeleteOnClose);
        // The dashboard's own stream is the URL at hand for a first try.
        if (m_controller->isRunning())
            m_recordDialog->setUrl(m_controller->url() + QStringLiteral("events"));
        connect(m_recordDialog, &RecordDialog::recorded, this,
                [this](const Scenario &scenario, const QString &reason) {
                    openScenario(scenario)->model()->setModified(true);
                    showMessage(
                        tr("Recorded %n event(s): %1", nullptr, scenario.eventCount()).arg(reason));
                });
    }
    m_recordDialog->show();
    m_recordDialog->raise();
    m_recordDialog->activateWindow();
    return m_recordDialog;
}

QString ScenarioDock::message() const
{
    return m_messageText;
}

void ScenarioDock::showMessage(const QString &text)
{
    m_messageText = text;
    // With no scenario open, the line says how to get one.
    const QString shown = text.isEmpty() && scenarioTabs().isEmpty()
                              ? tr("Start a new scenario, open a file or choose a template.")
                              : text;
    m_message->setText(shown);
    m_message->setVisible(!shown.isEmpty());
}

QStringList ScenarioDock::routeSpecs() const
{
    return m_routes->routeSpecs();
}

void ScenarioDock::setRouteSpecs(const QStringList &specs)
{
    m_routes->setRouteSpecs(specs);
}

void ScenarioDock::applyRoutes()
{
    m_routes->apply();
}

QString ScenarioDock::routesMessage() const
{
    return m_routes->message();
}

void ScenarioDock::applySnapshot(const ServerSnapshot &snapshot)
{
    for (ScenarioTab *tab : scenarioTabs())
        tab->applyPlaybacks(snapshot.playbacks);
}

void ScenarioDock::serverStopped()
{
    for (ScenarioTab *tab : scenarioTabs())
        tab->serverStopped();
}

} // namespace sse::ui
