#include "scenariotab.h"

#include "elidinglabel.h"
#include "models/scenariomodel.h"
#include "retranslate.h"
#include "scenarioplayer.h"
#include "servercontroller.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QSaveFile>
#include <QSpinBox>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace sse::ui {

namespace {

quint64 nextTag()
{
    static quint64 tag = 0;
    return ++tag;
}

QString seconds(qint64 ms)
{
    return QString::number(double(ms) / 1000.0, 'f', 1);
}

} // namespace

ScenarioTab::ScenarioTab(ServerController *controller, const Scenario &scenario,
                         const QString &filePath, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_model(new ScenarioModel(this))
    , m_filePath(filePath)
    , m_tag(nextTag())
{
    m_model->setScenario(scenario);
    buildLayout();
    connect(m_model, &ScenarioModel::modifiedChanged, this, &ScenarioTab::titleChanged);
    connect(m_controller, &ServerController::scenarioStarted, this,
            [this](quint64 tag, quint64 playbackId) {
                if (tag != m_tag)
                    return;
                m_awaitingStart = false;
                m_playbackId = playbackId;
                updateButtons();
            });
    connect(m_controller, &ServerController::scenarioFailed, this,
            [this](quint64 tag, const QString &error) {
                if (tag != m_tag)
                    return;
                resetPlayback();
                showMessage(error, true);
            });
    retranslateUi();
}

void ScenarioTab::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
}

void ScenarioTab::retranslateUi()
{
    m_add->setText(tr("Add step"));
    m_add->setToolTip(tr("Add a step after the current one"));
    m_remove->setText(tr("Remove"));
    m_remove->setToolTip(tr("Remove the selected steps"));
    m_up->setText(tr("Move up"));
    m_down->setText(tr("Move down"));
    m_play->setText(tr("Play"));
    m_stop->setText(tr("Stop"));
    m_speed->setToolTip(tr("Playback speed: the delays are divided by it"));
    m_loop->setText(tr("Loop"));
    m_client->setPrefix(tr("client "));
    setItemTexts(m_target,
                 {tr("Each step's channel"), tr("Channel"), tr("All subscribers"), tr("Client")});
    m_sendToLabel->setText(tr("Send to"));
    // A playing scenario's progress is said again with the next snapshot.
    if (!isPlaying())
        showStoppedProgress();
    updateButtons(); // Pause or Resume
}

void ScenarioTab::showStoppedProgress()
{
    m_progress->setFormat(
        m_finishedSteps < 0
            ? tr("stopped")
            : tr("step %1/%2 · finished").arg(m_finishedSteps).arg(m_finishedSteps));
}

void ScenarioTab::buildLayout()
{
    buildTable();
    // Tool bars rather than rows of buttons: in a narrow dock what does not fit goes to the
    // bar's » menu instead of widening the window.
    QToolBar *editBar = buildEditBar();
    QToolBar *playBar = buildPlayBar();
    QHBoxLayout *targetRow = buildTargetRow();

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_message = new ElidingLabel(this, true);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(editBar);
    layout->addWidget(m_table, 1);
    auto *playRow = new QHBoxLayout;
    playRow->addWidget(playBar);
    playRow->addWidget(m_progress, 1);
    layout->addLayout(playRow);
    layout->addLayout(targetRow);
    layout->addWidget(m_message);
}

void ScenarioTab::buildTable()
{
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("scenarioSteps"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                             QAbstractItemView::AnyKeyPressed);
    // The vertical header numbers the steps and marks the playing one.
    m_table->verticalHeader()->setDefaultAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false); // one line per step; the tooltip has the whole value
    // Rows one line high, so a short dock still shows several steps.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    // The columns read in the order of a line of the file; the short ones start narrow so
    // that Data, last and stretched, shows in a narrow dock too.
    const QFontMetrics metrics = m_table->fontMetrics();
    const int padding = metrics.averageCharWidth() * 2;
    for (int column = 0; column < ScenarioModel::DataColumn; ++column) {
        const QString header =
            m_model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
        m_table->setColumnWidth(column, std::max(metrics.horizontalAdvance(header) + padding,
                                                 metrics.averageCharWidth() * 5));
    }
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ScenarioTab::updateButtons);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ScenarioTab::updateButtons);
    // Move up and Move down depend on where the current row is among how many.
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &ScenarioTab::updateButtons);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &ScenarioTab::updateButtons);
    connect(m_model, &QAbstractItemModel::rowsMoved, this, &ScenarioTab::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ScenarioTab::updateButtons);
    // A refused edit goes back to what it was; the message line says why.
    connect(m_model, &ScenarioModel::editRefused, this,
            [this](const QString &reason) { showMessage(reason, true); });
}

QToolBar *ScenarioTab::buildEditBar()
{
    auto *editBar = new QToolBar(this);
    editBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    // retranslateUi() names the actions.
    m_add = editBar->addAction(QString(), this, &ScenarioTab::addStep);
    m_remove = editBar->addAction(QString(), this, &ScenarioTab::removeSteps);
    m_up = editBar->addAction(QString(), this, [this] { moveStep(-1); });
    m_down = editBar->addAction(QString(), this, [this] { moveStep(1); });
    m_add->setObjectName(QStringLiteral("addStep"));
    m_remove->setObjectName(QStringLiteral("removeSteps"));
    m_up->setObjectName(QStringLiteral("moveStepUp"));
    m_down->setObjectName(QStringLiteral("moveStepDown"));
    return editBar;
}

QToolBar *ScenarioTab::buildPlayBar()
{
    auto *playBar = new QToolBar(this);
    playBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    // Framed, so Play, Pause and Stop read as buttons, not labels, in every theme.
    playBar->setStyleSheet(QStringLiteral("QToolButton { border: 1px solid palette(mid); "
                                          "border-radius: 3px; padding: 2px 10px; margin: 1px; }"
                                          "QToolButton:disabled { color: palette(mid); }"));
    m_play = playBar->addAction(QString(), this, &ScenarioTab::play);
    m_pause = playBar->addAction(QString(), this, &ScenarioTab::pauseOrResume);
    m_stop = playBar->addAction(QString(), this, &ScenarioTab::stop);
    m_play->setObjectName(QStringLiteral("scenarioPlay"));
    m_pause->setObjectName(QStringLiteral("scenarioPause"));
    m_stop->setObjectName(QStringLiteral("scenarioStop"));
    return playBar;
}

// Where the playback goes, at what speed, and whether it loops.
QHBoxLayout *ScenarioTab::buildTargetRow()
{
    m_speed = new QDoubleSpinBox(this);
    m_speed->setRange(PlaybackOptions::MinSpeed, PlaybackOptions::MaxSpeed);
    m_speed->setSingleStep(0.5);
    m_speed->setValue(1.0);
    m_speed->setSuffix(QStringLiteral("×"));
    connect(m_speed, &QDoubleSpinBox::valueChanged, this, [this](double speed) {
        if (m_playbackId)
            m_controller->setScenarioSpeed(m_playbackId, speed);
    });
    m_loop = new QCheckBox(this);
    m_target = new QComboBox(this);
    for (const Target target : {Target::StepChannels, Target::Channel, Target::All, Target::Client})
        m_target->addItem(QString(), int(target));
    m_channel = new QLineEdit(this);
    m_channel->setPlaceholderText(DefaultChannel);
    m_client = new QSpinBox(this);
    m_client->setRange(1, std::numeric_limits<int>::max());
    connect(m_target, &QComboBox::currentIndexChanged, this, &ScenarioTab::updateButtons);
    auto *targetRow = new QHBoxLayout;
    m_sendToLabel = new QLabel(this);
    targetRow->addWidget(m_sendToLabel);
    targetRow->addWidget(m_target);
    targetRow->addWidget(m_channel, 1);
    targetRow->addWidget(m_client, 1);
    targetRow->addWidget(m_speed);
    targetRow->addWidget(m_loop);
    return targetRow;
}

QString ScenarioTab::title() const
{
    QString name =
        m_filePath.isEmpty() ? m_model->scenario().name : QFileInfo(m_filePath).fileName();
    if (name.isEmpty())
        name = tr("Untitled");
    return isModified() ? name + u'*' : name;
}

bool ScenarioTab::isModified() const
{
    return m_model->isModified();
}

bool ScenarioTab::saveTo(const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(scenarioToJsonLines(m_model->scenario())) < 0 || !file.commit()) {
        showMessage(tr("Cannot save %1: %2").arg(path, file.errorString()), true);
        return false;
    }
    m_filePath = path;
    m_model->setModified(false);
    showMessage(tr("Saved %1").arg(path), false);
    emit titleChanged();
    return true;
}

void ScenarioTab::setTarget(Target target, const QString &channel, quint64 clientId)
{
    m_target->setCurrentIndex(m_target->findData(int(target)));
    m_channel->setText(channel);
    if (clientId)
        m_client->setValue(int(clientId));
}

void ScenarioTab::setSpeed(double speed)
{
    m_speed->setValue(speed);
}

void ScenarioTab::setLoop(bool loop)
{
    m_loop->setChecked(loop);
}

void ScenarioTab::addStep()
{
    ScenarioStep step;
    step.delayMs = 1000;
    step.hasData = true;
    step.event.data = QStringLiteral("{}");
    const int row =
        m_table->currentIndex().isValid() ? m_table->currentIndex().row() + 1 : m_model->rowCount();
    m_model->insertStep(row, step);
    m_table->setCurrentIndex(m_model->index(row, ScenarioModel::DataColumn));
}

void ScenarioTab::removeSteps()
{
    QList<int> rows;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        rows.append(index.row());
    if (rows.isEmpty() && m_table->currentIndex().isValid())
        rows.append(m_table->currentIndex().row());
    m_model->removeSteps(rows);
    updateButtons();
}

void ScenarioTab::moveStep(int by)
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return;
    const int to = current.row() + by;
    if (to < 0 || to >= m_model->rowCount())
        return;
    m_model->moveStep(current.row(), to);
    m_table->setCurrentIndex(m_model->index(to, current.column()));
}

void ScenarioTab::play()
{
    if (isPlaying())
        return;
    if (m_model->rowCount() == 0) {
        showMessage(tr("The scenario has no steps"), true);
        return;
    }
    if (!m_controller->isRunning()) {
        showMessage(tr("Start the server to play the scenario"), true);
        return;
    }
    PlaybackOptions options;
    options.speed = m_speed->value();
    options.loop = m_loop->isChecked();
    switch (Target(m_target->currentData().toInt())) {
    case Target::StepChannels:
        break;
    case Target::Channel:
        options.channel =
            m_channel->text().trimmed().isEmpty() ? DefaultChannel : m_channel->text().trimmed();
        break;
    case Target::All:
        options.target.kind = PublishTarget::Kind::All;
        break;
    case Target::Client:
        options.target.kind = PublishTarget::Kind::Clients;
        options.target.clientIds = {quint64(m_client->value())};
        break;
    }
    Scenario scenario = m_model->scenario();
    scenario.name = title();
    if (const QString problem = options.validate(scenario); !problem.isEmpty()) {
        showMessage(problem, true);
        return;
    }
    m_awaitingStart = true;
    m_paused = false;
    m_played = scenario;
    showMessage({}, false);
    m_controller->playScenario(m_tag, scenario, options);
    updateButtons();
}

void ScenarioTab::pauseOrResume()
{
    if (!m_playbackId)
        return;
    m_paused = !m_paused;
    if (m_paused)
        m_controller->pauseScenario(m_playbackId);
    else
        m_controller->resumeScenario(m_playbackId);
    updateButtons();
}

void ScenarioTab::stop()
{
    if (m_playbackId)
        m_controller->stopScenario(m_playbackId);
    resetPlayback();
}

void ScenarioTab::resetPlayback()
{
    m_playbackId = 0;
    m_awaitingStart = false;
    m_paused = false;
    m_model->setPlayingStep(-1);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_finishedSteps = -1;
    showStoppedProgress();
    updateButtons();
}

void ScenarioTab::applyPlaybacks(const QList<PlaybackProgress> &playbacks)
{
    m_endedInLastSnapshot = false;
    if (!m_playbackId)
        return;
    const auto it =
        std::find_if(playbacks.cbegin(), playbacks.cend(),
                     [this](const PlaybackProgress &p) { return p.id == m_playbackId; });
    if (it == playbacks.cend()) {
        // Gone from the server's list: it ran to its end (a Stop here resets at once).
        const int steps = int(m_played.steps.size());
        resetPlayback();
        m_endedInLastSnapshot = true;
        m_progress->setRange(0, std::max(1, steps));
        m_progress->setValue(steps);
        m_finishedSteps = steps;
        showStoppedProgress();
        showMessage(tr("Finished"), false);
        return;
    }
    const PlaybackProgress &progress = *it;
    m_progress->setRange(0, std::max(1, progress.steps));
    m_progress->setValue(progress.step);
    QString text = tr("step %1/%2 · %3 s / %4 s")
                       .arg(progress.step)
                       .arg(progress.steps)
                       .arg(seconds(progress.elapsedMs), seconds(progress.totalMs));
    if (progress.loop)
        text += tr(" · pass %1").arg(progress.pass);
    if (progress.state == PlaybackProgress::State::Paused)
        text += tr(" · paused");
    m_progress->setFormat(text);
    m_model->setPlayingStep(progress.step > 0 ? progress.step - 1 : -1);
    if (!progress.lastError.isEmpty())
        showMessage(progress.lastError, true);
}

void ScenarioTab::serverStopped()
{
    // A stopping server sends one last snapshot, without its playbacks, just before it says
    // it stopped: a playback gone from that one was cut short, not finished.
    if (!isPlaying() && !m_endedInLastSnapshot)
        return;
    m_endedInLastSnapshot = false;
    resetPlayback();
    showMessage(tr("Stopped with the server"), false);
}

QString ScenarioTab::progressText() const
{
    return m_progress->format();
}

QString ScenarioTab::message() const
{
    return m_message->fullText();
}

void ScenarioTab::showMessage(const QString &text, bool error)
{
    m_message->setFullText(text);
    // Errors in the composer's red; notices in the normal text colour.
    m_message->setStyleSheet(error ? QStringLiteral("QLabel { color: #d33; }") : QString());
}

void ScenarioTab::updateButtons()
{
    const bool playing = isPlaying();
    const bool hasRow = m_table->currentIndex().isValid();
    m_remove->setEnabled(hasRow || m_table->selectionModel()->hasSelection());
    m_up->setEnabled(hasRow && m_table->currentIndex().row() > 0);
    m_down->setEnabled(hasRow && m_table->currentIndex().row() + 1 < m_model->rowCount());
    m_play->setEnabled(!playing);
    m_pause->setEnabled(m_playbackId != 0);
    m_pause->setText(m_paused ? tr("Resume") : tr("Pause"));
    m_stop->setEnabled(playing);
    const Target target = Target(m_target->currentData().toInt());
    m_channel->setVisible(target == Target::Channel);
    m_client->setVisible(target == Target::Client);
}

} // namespace sse::ui
