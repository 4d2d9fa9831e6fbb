#include "historydock.h"

#include "models/clientsmodel.h"
#include "models/historymodel.h"
#include "servercontroller.h"

#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace sse::ui {

namespace {

// Filters are applied once typing pauses; new events show within this after they arrive.
constexpr int FilterDelayMs = 300;
constexpr int RefreshDelayMs = 500;

// Their words come from retranslateUi().
QLineEdit *filterEdit(QWidget *parent, const QString &objectName)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(objectName);
    edit->setClearButtonEnabled(true);
    return edit;
}

QPushButton *button(QWidget *parent, const QString &objectName)
{
    auto *result = new QPushButton(parent);
    result->setObjectName(objectName);
    return result;
}

} // namespace

HistoryDock::HistoryDock(ServerController *controller, ClientsModel *clients, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_clients(clients)
    , m_model(new HistoryModel(this))
    , m_table(new QTableView(this))
    , m_channel(filterEdit(this, QStringLiteral("historyChannel")))
    , m_type(filterEdit(this, QStringLiteral("historyType")))
    , m_text(filterEdit(this, QStringLiteral("historyText")))
    , m_newer(button(this, QStringLiteral("historyNewer")))
    , m_older(button(this, QStringLiteral("historyOlder")))
    , m_pageLabel(new QLabel(this))
    , m_resend(button(this, QStringLiteral("historyResend")))
    , m_replayClient(new QComboBox(this))
    , m_replay(button(this, QStringLiteral("historyReplay")))
    , m_export(button(this, QStringLiteral("historyExport")))
    , m_clear(button(this, QStringLiteral("historyClear")))
    , m_status(new QLabel(this))
    , m_refreshTimer(new QTimer(this))
{
    m_confirmClear = [this] {
        return QMessageBox::question(
                   this, tr("Clear the history?"),
                   tr("Every kept event is forgotten, in the history file too. Clients that "
                      "come back with one of their ids hear of a history gap. Ids go on from "
                      "where they were."),
                   QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) == QMessageBox::Yes;
    };
    setUpWidgets();
    layOutWidgets();
    setUpTimers();
    connectButtons();
    connectController();
    updateButtons();
    retranslateUi();
}

void HistoryDock::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
}

void HistoryDock::retranslateUi()
{
    m_channel->setPlaceholderText(tr("channel"));
    m_type->setPlaceholderText(tr("type"));
    m_text->setPlaceholderText(tr("text in the event"));
    const std::tuple<QPushButton *, QString, QString> buttons[] = {
        {m_newer, tr("Newer"), tr("The newer page")},
        {m_older, tr("Older"), tr("The older page")},
        {m_resend, tr("Resend"),
         tr("Publish the selected events again, as new events with new ids")},
        {m_replay, tr("Replay to"),
         tr("Send the chosen client the kept events in its channels from the selected one on, "
            "byte for byte as they were sent")},
        {m_export, tr("Export…"), tr("Save the selected events (or the whole page) as a scenario")},
        {m_clear, tr("Clear…"), tr("Forget every kept event; ids go on from where they were")}};
    for (const auto &[button, text, toolTip] : buttons) {
        button->setText(text);
        button->setToolTip(toolTip);
    }
    m_replayClient->setToolTip(tr("The client a replay goes to"));
    updatePageLabel();
}

void HistoryDock::updatePageLabel()
{
    if (!m_pageShown) {
        m_pageLabel->clear();
        return;
    }
    const QLocale locale;
    const int offset = m_model->offset();
    m_pageLabel->setText(m_model->matching() == 0
                             ? tr("No kept events")
                             : tr("%1–%2 of %3")
                                   .arg(locale.toString(offset + 1),
                                        locale.toString(offset + m_model->rowCount()),
                                        locale.toString(m_model->matching())));
}

void HistoryDock::setUpWidgets()
{
    m_table->setObjectName(QStringLiteral("historyTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    // Wide enough for "2026-12-07 14:31:23.515" whole.
    m_table->setColumnWidth(
        HistoryModel::TimeColumn,
        m_table->fontMetrics().horizontalAdvance(QStringLiteral("0000-00-00 00:00:00.000")) +
            2 * m_table->fontMetrics().averageCharWidth());
    m_replayClient->setObjectName(QStringLiteral("historyReplayClient"));
    m_replayClient->setModel(m_clients);
    m_replayClient->setModelColumn(ClientsModel::IdColumn);
    m_replayClient->setMinimumContentsLength(4);
    m_pageLabel->setObjectName(QStringLiteral("historyPageLabel"));
    m_status->setObjectName(QStringLiteral("historyStatus"));
    m_status->setWordWrap(true);
}

void HistoryDock::layOutWidgets()
{
    auto *filters = new QHBoxLayout;
    filters->addWidget(m_channel, 2);
    filters->addWidget(m_type, 2);
    filters->addWidget(m_text, 3);
    auto *paging = new QHBoxLayout;
    paging->addWidget(m_newer);
    paging->addWidget(m_pageLabel, 1, Qt::AlignCenter);
    paging->addWidget(m_older);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_resend);
    actions->addWidget(m_replay);
    actions->addWidget(m_replayClient);
    actions->addStretch(1);
    actions->addWidget(m_export);
    actions->addWidget(m_clear);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);
    layout->addLayout(paging);
    layout->addLayout(actions);
    layout->addWidget(m_status);
}

void HistoryDock::setUpTimers()
{
    auto *filterTimer = new QTimer(this);
    filterTimer->setSingleShot(true);
    filterTimer->setInterval(FilterDelayMs);
    connect(filterTimer, &QTimer::timeout, this, [this] { showPage(0); });
    for (QLineEdit *edit : {m_channel, m_type, m_text})
        connect(edit, &QLineEdit::textChanged, filterTimer, qOverload<>(&QTimer::start));
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(RefreshDelayMs);
    connect(m_refreshTimer, &QTimer::timeout, this, &HistoryDock::refresh);
}

void HistoryDock::connectButtons()
{
    connect(m_newer, &QPushButton::clicked, this,
            [this] { showPage(std::max(0, m_offset - PageSize)); });
    connect(m_older, &QPushButton::clicked, this, [this] { showPage(m_offset + PageSize); });
    connect(m_resend, &QPushButton::clicked, this, [this] { resendRows(selectedRows()); });
    connect(m_replay, &QPushButton::clicked, this, [this] {
        const QList<int> rows = selectedRows();
        const QVariant client = m_replayClient->currentData(ClientsModel::ClientIdRole);
        if (!rows.isEmpty() && client.isValid())
            replayFromRow(rows.last(), client.toULongLong()); // the oldest selected
    });
    connect(m_export, &QPushButton::clicked, this, &HistoryDock::exportSelection);
    connect(m_clear, &QPushButton::clicked, this, &HistoryDock::clearHistory);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &HistoryDock::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &HistoryDock::updateButtons);
    connect(m_clients, &QAbstractItemModel::rowsInserted, this, &HistoryDock::updateButtons);
    connect(m_clients, &QAbstractItemModel::rowsRemoved, this, &HistoryDock::updateButtons);
    connect(m_clients, &QAbstractItemModel::modelReset, this, &HistoryDock::updateButtons);
}

void HistoryDock::connectController()
{
    connect(m_controller, &ServerController::historyPage, this, &HistoryDock::applyPage);
    connect(m_controller, &ServerController::historyCleared, this, [this] {
        showStatus(tr("History cleared"));
        showPage(0);
    });
    connect(m_controller, &ServerController::historyReplayed, this,
            [this](quint64 clientId, int events, const QString &error) {
                showStatus(
                    error.isEmpty()
                        ? tr("Replayed %n event(s) to client %1", nullptr, events).arg(clientId)
                        : tr("Nothing replayed to client %1: %2").arg(clientId).arg(error));
            });
}

HistoryFilter HistoryDock::filter() const
{
    return HistoryFilter{m_channel->text().trimmed(), m_type->text().trimmed(), m_text->text()};
}

void HistoryDock::setServerRunning(bool running)
{
    m_running = running;
    if (running) {
        showPage(0);
    } else {
        m_model->clear();
        m_pageShown = false;
        updatePageLabel();
    }
    updateButtons();
}

void HistoryDock::historyMayHaveChanged()
{
    if (m_running && isVisible() && !m_refreshTimer->isActive())
        m_refreshTimer->start();
}

void HistoryDock::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_running)
        refresh();
}

void HistoryDock::showPage(int offset)
{
    m_offset = std::max(0, offset);
    m_controller->queryHistory(++m_lastTag, filter(), m_offset, PageSize);
}

void HistoryDock::applyPage(quint64 tag, const HistoryPage &page)
{
    if (tag != m_lastTag)
        return; // an answer to a question asked before the last one
    // Past the end (events were trimmed or cleared meanwhile): the last page that has rows.
    if (page.entries.isEmpty() && page.offset > 0 && page.matching > 0) {
        showPage((page.matching - 1) / PageSize * PageSize);
        return;
    }
    // The selection is kept by id, so a refresh under new events does not move it.
    QStringList selectedIds;
    for (const int row : selectedRows())
        selectedIds.append(m_model->row(row).entry.id);
    m_model->setPage(page);
    m_pageShown = true;
    updatePageLabel();
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (selectedIds.contains(m_model->row(row).entry.id)) {
            m_table->selectionModel()->select(
                m_model->index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        }
    }
    updateButtons();
}

QList<int> HistoryDock::selectedRows() const
{
    QList<int> rows;
    const QModelIndexList selected = m_table->selectionModel()->selectedRows();
    for (const QModelIndex &index : selected)
        rows.append(index.row());
    std::sort(rows.begin(), rows.end());
    return rows;
}

void HistoryDock::resendRows(const QList<int> &rows)
{
    // Oldest first, as they were sent the first time; rows are newest first.
    int sent = 0;
    for (auto it = rows.crbegin(); it != rows.crend(); ++it) {
        const HistoryModel::Row &row = m_model->row(*it);
        if (!row.hasData)
            continue;
        PublishTarget target;
        if (row.entry.scope == AllChannelsScope)
            target.kind = PublishTarget::Kind::All;
        m_controller->publish(resendEvent(row), target);
        ++sent;
    }
    showStatus(tr("Resent %n event(s)", nullptr, sent));
}

void HistoryDock::replayFromRow(int row, quint64 clientId)
{
    m_controller->replayHistory(clientId, m_model->row(row).entry.id);
}

QString HistoryDock::exportRows(const QList<int> &rows, const QString &path) const
{
    QList<HistoryEntry> entries;
    for (const int row : rows)
        entries.append(m_model->row(row).entry);
    const Scenario scenario = scenarioFromHistory(entries);
    if (scenario.steps.isEmpty())
        return tr("None of these events can be sent by a scenario");
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(scenarioToJsonLines(scenario)) < 0 ||
        !file.commit()) {
        return tr("Cannot write %1: %2").arg(path, file.errorString());
    }
    return {};
}

void HistoryDock::exportSelection()
{
    QList<int> rows = selectedRows();
    if (rows.isEmpty()) {
        for (int row = 0; row < m_model->rowCount(); ++row)
            rows.append(row);
    }
    if (rows.isEmpty())
        return;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export as a scenario"), QStringLiteral("history.jsonl"),
        tr("Scenarios (*.jsonl *.ndjson);;All files (*)"));
    if (path.isEmpty())
        return;
    const QString error = exportRows(rows, path);
    showStatus(
        error.isEmpty()
            ? tr("Saved %n event(s) as a scenario in %1", nullptr, int(rows.size())).arg(path)
            : error);
}

void HistoryDock::clearHistory()
{
    if (!m_running || !m_confirmClear())
        return;
    m_controller->clearHistory();
}

void HistoryDock::updateButtons()
{
    const bool selected = m_table->selectionModel()->hasSelection();
    const bool clients = m_clients->rowCount() > 0;
    m_resend->setEnabled(m_running && selected);
    m_replay->setEnabled(m_running && selected && clients);
    m_replayClient->setEnabled(clients);
    m_export->setEnabled(m_model->rowCount() > 0);
    m_clear->setEnabled(m_running);
    m_newer->setEnabled(m_offset > 0);
    m_older->setEnabled(m_model->offset() + m_model->rowCount() < m_model->matching());
}

void HistoryDock::showStatus(const QString &message)
{
    m_status->setText(message);
    emit statusMessage(message);
}

QString HistoryDock::status() const
{
    return m_status->text();
}

} // namespace sse::ui
