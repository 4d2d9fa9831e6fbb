#include "scenariodock.h"

#include "models/logexport.h"
#include "models/scenariomodel.h"
#include "models/trafficscenario.h"
#include "scenariotab.h"
#include "servercontroller.h"
#include "streamrecorder.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace sse::ui {

namespace {

const QString FileFilter = QStringLiteral("Scenarios (*.jsonl *.ndjson);;All files (*)");

} // namespace

ScenarioDock::ScenarioDock(ServerController *controller, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_tabs(new QTabWidget(this))
    , m_templatesMenu(new QMenu(tr("From template"), this))
    , m_message(new QLabel(this))
{
    for (const auto &[resource, title] : templates()) {
        m_templatesMenu->addAction(title, this,
                                   [this, resource = resource] { openFile(resource); });
    }
    auto *newButton = new QPushButton(tr("New"), this);
    auto *openButton = new QPushButton(tr("Open…"), this);
    auto *templateButton = new QToolButton(this);
    templateButton->setText(tr("Templates"));
    templateButton->setMenu(m_templatesMenu);
    templateButton->setPopupMode(QToolButton::InstantPopup);
    auto *saveButton = new QPushButton(tr("Save"), this);
    auto *saveAsButton = new QPushButton(tr("Save as…"), this);
    auto *recordButton = new QPushButton(tr("Record…"), this);
    connect(newButton, &QPushButton::clicked, this, &ScenarioDock::newScenario);
    connect(openButton, &QPushButton::clicked, this, &ScenarioDock::chooseFileToOpen);
    connect(saveButton, &QPushButton::clicked, this, &ScenarioDock::saveCurrent);
    connect(saveAsButton, &QPushButton::clicked, this, &ScenarioDock::saveCurrentAs);
    connect(recordButton, &QPushButton::clicked, this, &ScenarioDock::recordFromUrl);
    auto *fileRow = new QHBoxLayout;
    for (QWidget *widget : std::initializer_list<QWidget *>{newButton, openButton, templateButton,
                                                            saveButton, saveAsButton, recordButton})
        fileRow->addWidget(widget);
    fileRow->addStretch();

    m_tabs->setTabsClosable(true);
    m_tabs->setDocumentMode(true);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) {
        closeTab(index, [this](const QString &title) {
            return QMessageBox::question(
                       this, tr("Close scenario"),
                       tr("%1 has unsaved changes. Close it anyway?").arg(title)) ==
                   QMessageBox::Yes;
        });
    });
    m_message->setWordWrap(true);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(fileRow);
    layout->addWidget(m_message);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(buildRoutesBox());
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

QWidget *ScenarioDock::buildRoutesBox()
{
    auto *box = new QGroupBox(tr("Routes"), this);
    m_routes = new QPlainTextEdit(box);
    m_routes->setPlaceholderText(
        QStringLiteral("POST /v1/chat/completions=:/scenarios/openai-chat.jsonl"));
    m_routes->setToolTip(tr("One route per line: METHOD PATH=FILE. Each request to the path gets "
                            "its own stream playing the file."));
    m_routes->setMaximumHeight(m_routes->fontMetrics().lineSpacing() * 4 + 12);
    auto *apply = new QPushButton(tr("Apply routes"), box);
    m_routesMessage = new QLabel(box);
    m_routesMessage->setWordWrap(true);
    connect(apply, &QPushButton::clicked, this, &ScenarioDock::applyRoutes);
    connect(m_controller, &ServerController::routesApplied, this, [this](const QString &error) {
        if (error.isEmpty()) {
            emit routesChanged(routeSpecs());
            m_routesMessage->setText(tr("%n route(s) bound", nullptr, int(routeSpecs().size())));
        } else {
            m_routesMessage->setText(error);
        }
    });
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(m_routes);
    auto *row = new QHBoxLayout;
    row->addWidget(m_routesMessage, 1);
    row->addWidget(apply);
    layout->addLayout(row);
    return box;
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
        QFileDialog::getOpenFileName(this, tr("Open scenario"), QString(), FileFilter);
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
        FileFilter);
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
    return true;
}

void ScenarioDock::recordFromUrl()
{
    auto *dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Record from URL"));
    auto *url = new QLineEdit(dialog);
    url->setPlaceholderText(QStringLiteral("http://127.0.0.1:8080/events"));
    auto *headers = new QPlainTextEdit(dialog);
    headers->setPlaceholderText(QStringLiteral("Authorization: Bearer …"));
    headers->setMaximumHeight(headers->fontMetrics().lineSpacing() * 3 + 12);
    auto *count = new QSpinBox(dialog);
    count->setRange(0, 1000000);
    count->setSpecialValueText(tr("no limit"));
    auto *duration = new QSpinBox(dialog);
    duration->setRange(0, 86400);
    duration->setSuffix(tr(" s"));
    duration->setSpecialValueText(tr("no limit"));
    auto *status = new QLabel(tr("Not recording"), dialog);
    status->setObjectName(QStringLiteral("recordStatus"));
    status->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    auto *start = buttons->addButton(tr("Start"), QDialogButtonBox::ActionRole);
    auto *stop = buttons->addButton(tr("Stop"), QDialogButtonBox::ActionRole);
    stop->setEnabled(false);
    auto *form = new QFormLayout(dialog);
    form->addRow(tr("URL"), url);
    form->addRow(tr("Headers"), headers);
    form->addRow(tr("Stop after"), count);
    form->addRow(tr("Or after"), duration);
    form->addRow(status);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);

    auto *recorder = new StreamRecorder(dialog);
    connect(recorder, &StreamRecorder::eventRecorded, status, [status](int recorded) {
        status->setText(tr("%n event(s) recorded", nullptr, recorded));
    });
    const auto done = [start, stop] {
        start->setEnabled(true);
        stop->setEnabled(false);
    };
    connect(recorder, &StreamRecorder::failed, status, [status, done](const QString &message) {
        status->setText(message);
        done();
    });
    connect(
        recorder, &StreamRecorder::finished, this,
        [this, status, done](const Scenario &scenario, const QString &reason) {
            done();
            status->setText(
                tr("%n event(s) recorded: %1", nullptr, int(scenario.steps.size())).arg(reason));
            if (!scenario.steps.isEmpty())
                openScenario(scenario)->model()->setModified(true);
        });
    connect(stop, &QPushButton::clicked, recorder, &StreamRecorder::stop);
    connect(start, &QPushButton::clicked, dialog, [=] {
        StreamRecorder::Options options;
        options.url = QUrl(url->text().trimmed());
        if (!options.url.isValid() || !options.url.scheme().startsWith(u"http")) {
            status->setText(tr("URL: enter an http:// or https:// address"));
            return;
        }
        for (const QString &line : headers->toPlainText().split(u'\n', Qt::SkipEmptyParts)) {
            const auto header = StreamRecorder::parseHeader(line);
            if (header.first.isEmpty()) {
                status->setText(tr("Headers: '%1' is not \"Name: value\"").arg(line));
                return;
            }
            options.headers.append(header);
        }
        options.maxEvents = count->value();
        options.maxDurationSeconds = duration->value();
        status->setText(tr("Recording…"));
        start->setEnabled(false);
        stop->setEnabled(true);
        recorder->start(options);
    });
    dialog->show();
}

QString ScenarioDock::message() const
{
    return m_message->text();
}

void ScenarioDock::showMessage(const QString &text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

QStringList ScenarioDock::routeSpecs() const
{
    QStringList specs;
    for (const QString &line : m_routes->toPlainText().split(u'\n', Qt::SkipEmptyParts)) {
        if (!line.trimmed().isEmpty())
            specs.append(line.trimmed());
    }
    return specs;
}

void ScenarioDock::setRouteSpecs(const QStringList &specs)
{
    m_routes->setPlainText(specs.join(u'\n'));
}

void ScenarioDock::applyRoutes()
{
    if (!m_controller->isRunning()) {
        // Kept for the next start, which loads and checks the files.
        emit routesChanged(routeSpecs());
        m_routesMessage->setText(tr("Saved; the routes are bound when the server starts"));
        return;
    }
    m_controller->setRoutes(routeSpecs());
}

QString ScenarioDock::routesMessage() const
{
    return m_routesMessage->text();
}

void ScenarioDock::applySnapshot(const ServerSnapshot &snapshot)
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (auto *tab = qobject_cast<ScenarioTab *>(m_tabs->widget(i)))
            tab->applyPlaybacks(snapshot.playbacks);
    }
}

void ScenarioDock::serverStopped()
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (auto *tab = qobject_cast<ScenarioTab *>(m_tabs->widget(i)))
            tab->serverStopped();
    }
}

} // namespace sse::ui
