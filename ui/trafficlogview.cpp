#include "trafficlogview.h"

#include "models/curlcommand.h"
#include "models/logexport.h"
#include "models/trafficfiltermodel.h"
#include "models/trafficlogmodel.h"
#include "retranslate.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIntValidator>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace sse::ui {

namespace {

constexpr int MaxKnownEventTypes = 256;

// Offset, sixteen bytes in hex, and the same bytes as ASCII: the layout of hexdump -C.
QString hexDump(const QByteArray &bytes)
{
    QString out;
    for (qsizetype offset = 0; offset < bytes.size(); offset += 16) {
        const QByteArray line = bytes.mid(offset, 16);
        out += QStringLiteral("%1  ").arg(offset, 8, 16, QLatin1Char('0'));
        for (qsizetype i = 0; i < 16; ++i) {
            out += i < line.size()
                       ? QStringLiteral("%1 ").arg(quint8(line.at(i)), 2, 16, QLatin1Char('0'))
                       : QStringLiteral("   ");
            if (i == 7)
                out += QLatin1Char(' ');
        }
        out += QStringLiteral(" |");
        for (const char c : line)
            out += c >= 0x20 && c < 0x7f ? QLatin1Char(c) : QLatin1Char('.');
        out += QStringLiteral("|\n");
    }
    return out;
}

// The row's bytes as they were on the wire. A request: its line, headers, a blank line, its
// body. A stream's connect: the request that opened it, then the bytes that opened the stream.
QByteArray wireBytes(const TrafficRecord &record)
{
    if (record.method.isEmpty())
        return record.raw;
    QByteArray bytes = record.method.toLatin1() + ' ' + record.path.toUtf8() + " HTTP/1.1\r\n";
    for (const auto &[name, value] : record.requestHeaders)
        bytes += name + ": " + value + "\r\n";
    return bytes + "\r\n" + record.raw;
}

} // namespace

TrafficLogView::TrafficLogView(TrafficLogModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_filter(new TrafficFilterModel(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
    , m_table(new QTableView(m_splitter))
    , m_details(new QPlainTextEdit(m_splitter))
    , m_hex(new QCheckBox(this))
    , m_text(new QLineEdit(this))
    , m_eventType(new QComboBox(this))
    , m_client(new QLineEdit(this))
    , m_direction(new QComboBox(this))
    , m_follow(new QCheckBox(this))
    , m_pause(new QCheckBox(this))
    , m_maxRows(new QSpinBox(this))
    , m_count(new QLabel(this))
    , m_clear(new QPushButton(this))
    , m_export(new QToolButton(this))
{
    m_splitter->setObjectName(QStringLiteral("logSplitter"));
    m_table->setObjectName(QStringLiteral("trafficTable"));
    m_details->setObjectName(QStringLiteral("trafficDetails"));
    m_text->setObjectName(QStringLiteral("logTextFilter"));
    m_eventType->setObjectName(QStringLiteral("logEventTypeFilter"));
    m_client->setObjectName(QStringLiteral("logClientFilter"));
    m_direction->setObjectName(QStringLiteral("logDirectionFilter"));
    m_follow->setObjectName(QStringLiteral("logFollow"));
    m_pause->setObjectName(QStringLiteral("logPause"));
    m_maxRows->setObjectName(QStringLiteral("logMaxRows"));
    m_hex->setObjectName(QStringLiteral("logHexView"));

    setUpTableAndDetails();
    setUpFilters();
    QHBoxLayout *footer = buildFooter();
    // Filters above the rows, what to do with them below: each row fits a narrow dock.
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_text, 3);
    bar->addWidget(m_eventType, 2);
    bar->addWidget(m_client, 1);
    bar->addWidget(m_direction);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_splitter, 1);
    layout->addLayout(footer);
    connectViews();
    retranslateUi();
}

void TrafficLogView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
}

void TrafficLogView::retranslateUi()
{
    m_hex->setText(tr("Hex"));
    m_hex->setToolTip(tr("Show the raw bytes as a hex dump"));
    m_details->setPlaceholderText(tr("The raw bytes of the selected row"));
    m_text->setPlaceholderText(tr("Search…"));
    m_eventType->lineEdit()->setPlaceholderText(tr("any type"));
    m_client->setPlaceholderText(tr("any client"));
    m_client->setMinimumWidth(m_client->fontMetrics().horizontalAdvance(tr("any client")) + 16);
    setItemTexts(m_direction, {tr("Any direction"), tr("In"), tr("Out"), tr("System")});
    m_follow->setText(tr("Follow"));
    m_follow->setToolTip(tr("Keep the newest row in view"));
    m_pause->setText(tr("Pause"));
    m_pause->setToolTip(tr("Hold new rows so the log stands still; they arrive on resume"));
    m_maxRows->setPrefix(tr("keep "));
    m_maxRows->setSuffix(tr(" rows"));
    m_clear->setText(tr("Clear"));
    m_export->setText(tr("Export"));
    for (const QPointer<QAction> &action : std::as_const(m_exportActions)) {
        if (action)
            action->setText(exportText(action->data().toInt()));
    }
    updateCount();
}

QString TrafficLogView::exportText(int index)
{
    const QStringList texts{tr("Whole log as NDJSON…"), tr("Filtered rows as NDJSON…"),
                            tr("Whole log as HAR…"), tr("Filtered rows as HAR…")};
    return texts.value(index);
}

void TrafficLogView::setUpTableAndDetails()
{
    m_filter->setSourceModel(m_model);
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    // Under a flood thousands of rows arrive each second: fixed row heights and fixed column
    // widths keep each batch from triggering a relayout of every row.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 4);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    const int digit = m_table->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    // Narrow enough that the summary keeps most of a half-width log.
    m_table->setColumnWidth(TrafficLogModel::TimeColumn, digit * 12);
    m_table->setColumnWidth(TrafficLogModel::DirectionColumn, digit * 9);
    m_table->setColumnWidth(TrafficLogModel::ClientColumn, digit * 6);
    m_table->setColumnWidth(TrafficLogModel::EventTypeColumn, digit * 11);
    m_table->setColumnWidth(TrafficLogModel::IdColumn, digit * 6);
    m_table->setColumnWidth(TrafficLogModel::SizeColumn, digit * 8);
    m_table->setColumnWidth(TrafficLogModel::StatusColumn, digit * 13); // "202 Accepted"
    m_details->setReadOnly(true);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 4);
    m_splitter->setStretchFactor(1, 1);
}

void TrafficLogView::setUpFilters()
{
    m_text->setClearButtonEnabled(true);
    m_eventType->setEditable(true);
    m_eventType->setInsertPolicy(QComboBox::NoInsert);
    m_eventType->addItem(QString());
    m_client->setValidator(new QIntValidator(0, std::numeric_limits<int>::max(), m_client));
    // retranslateUi() names the directions.
    for (const int direction :
         {-1, int(TrafficDirection::In), int(TrafficDirection::Out), int(TrafficDirection::System)})
        m_direction->addItem(QString(), direction);
    m_follow->setChecked(true);
    m_maxRows->setRange(100, 1000000);
    m_maxRows->setSingleStep(1000);
    m_maxRows->setValue(m_model->maxRows());
}

// The row under the table: the count, follow and pause, the row limit, Clear, Export, Hex.
QHBoxLayout *TrafficLogView::buildFooter()
{
    m_clear->setObjectName(QStringLiteral("logClear"));
    connect(m_clear, &QPushButton::clicked, m_model, &TrafficLogModel::clear);
    m_export->setObjectName(QStringLiteral("logExport"));
    m_export->setPopupMode(QToolButton::InstantPopup);
    auto *exportMenu = new QMenu(m_export);
    addExportActions(exportMenu);
    m_export->setMenu(exportMenu);

    auto *footer = new QHBoxLayout;
    footer->addWidget(m_count, 1);
    footer->addWidget(m_follow);
    footer->addWidget(m_pause);
    footer->addWidget(m_maxRows);
    footer->addWidget(m_clear);
    footer->addWidget(m_export);
    footer->addWidget(m_hex);
    return footer;
}

void TrafficLogView::connectViews()
{
    connect(m_text, &QLineEdit::textChanged, this, &TrafficLogView::applyFilters);
    connect(m_eventType, &QComboBox::currentTextChanged, this, &TrafficLogView::applyFilters);
    connect(m_client, &QLineEdit::textChanged, this, &TrafficLogView::applyFilters);
    connect(m_direction, &QComboBox::currentIndexChanged, this, &TrafficLogView::applyFilters);
    connect(m_pause, &QCheckBox::toggled, m_model, &TrafficLogModel::setPaused);
    connect(m_maxRows, &QSpinBox::editingFinished, this,
            [this] { m_model->setMaxRows(m_maxRows->value()); });
    connect(m_model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) {
                learnEventTypes(first, last);
                if (m_follow->isChecked())
                    m_table->scrollToBottom();
            });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &TrafficLogView::showDetails);
    connect(m_hex, &QCheckBox::toggled, this, &TrafficLogView::showDetails);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &position) {
        const QModelIndex index = m_table->indexAt(position);
        if (!index.isValid())
            return;
        QMenu *menu = contextMenuForRow(index.row());
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(m_table->viewport()->mapToGlobal(position));
    });
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &TrafficLogView::updateCount);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &TrafficLogView::updateCount);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &TrafficLogView::updateCount);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &TrafficLogView::updateCount);
}

void TrafficLogView::updateCount()
{
    m_count->setText(tr("%1 of %2 rows shown").arg(m_filter->rowCount()).arg(m_model->rowCount()));
}

void TrafficLogView::applyFilters()
{
    m_filter->setTextFilter(m_text->text());
    m_filter->setEventTypeFilter(m_eventType->currentText().trimmed());
    m_filter->setClientFilter(m_client->text().toULongLong());
    const int direction = m_direction->currentData().toInt();
    m_filter->setDirectionFilter(direction < 0 ? std::nullopt
                                               : std::optional(TrafficDirection(direction)));
}

void TrafficLogView::learnEventTypes(int first, int last)
{
    // New types are rare; checking a batch's rows against a set is cheap.
    for (int row = first; row <= last && m_knownTypes.size() < MaxKnownEventTypes; ++row) {
        const QString type = m_model->record(row).eventType;
        if (!type.isEmpty() && !m_knownTypes.contains(type)) {
            m_knownTypes.insert(type);
            m_eventType->addItem(type);
        }
    }
}

void TrafficLogView::showDetails()
{
    m_details->setPlainText(detailsText());
}

QString TrafficLogView::detailsText() const
{
    const TrafficRecord *current = recordAtRow(m_table->currentIndex().row());
    if (!current)
        return {};
    const TrafficRecord &record = *current;
    QString text = record.time.toString(Qt::ISODateWithMs) + QLatin1Char(' ') +
                   TrafficLogModel::displayedDirection(record.direction) + QStringLiteral(" — ") +
                   record.summary + QStringLiteral("\n") +
                   tr("%1 bytes on the wire").arg(record.size);
    if (record.raw.size() < record.size)
        text += tr(" (first %1 shown)").arg(record.raw.size());
    const QByteArray bytes = wireBytes(record);
    text +=
        QStringLiteral("\n\n") + (m_hex->isChecked() ? hexDump(bytes) : QString::fromUtf8(bytes));
    return text;
}

void TrafficLogView::setHexView(bool hex)
{
    m_hex->setChecked(hex);
}

const TrafficRecord *TrafficLogView::recordAtRow(int row) const
{
    const QModelIndex source = m_filter->mapToSource(m_filter->index(row, 0));
    return source.isValid() ? &m_model->record(source.row()) : nullptr;
}

QMenu *TrafficLogView::contextMenuForRow(int row)
{
    auto *menu = new QMenu(this);
    const TrafficRecord *record = recordAtRow(row);
    if (!record)
        return menu;
    const TrafficRecord copy = *record; // the model may drop the row while the menu is open
    menu->addAction(tr("Copy row"), this, [this, row] {
        m_table->selectRow(row);
        copySelectedRows();
    });
    menu->addAction(tr("Copy raw bytes"), this, [copy] {
        QApplication::clipboard()->setText(QString::fromUtf8(wireBytes(copy)));
    });
    if (!copy.method.isEmpty()) {
        menu->addAction(tr("Copy as curl"), this, [this, copy] {
            QApplication::clipboard()->setText(curlForRequest(copy, m_serverUrl));
        });
    }
    menu->addSeparator();
    if (copy.clientId != 0) {
        menu->addAction(tr("Show only client %1").arg(copy.clientId), this,
                        [this, copy] { filterByClient(copy.clientId); });
    }
    if (!copy.eventType.isEmpty()) {
        menu->addAction(tr("Show only type \"%1\"").arg(copy.eventType), this,
                        [this, copy] { filterByEventType(copy.eventType); });
    }
    return menu;
}

void TrafficLogView::filterByClient(quint64 clientId)
{
    m_client->setText(QString::number(clientId));
}

void TrafficLogView::filterByEventType(const QString &eventType)
{
    m_eventType->setCurrentText(eventType);
}

void TrafficLogView::focusSearch()
{
    m_text->setFocus(Qt::ShortcutFocusReason);
    m_text->selectAll();
}

void TrafficLogView::copySelectedRows()
{
    QList<int> rows;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        rows.append(index.row());
    if (rows.isEmpty() && m_table->currentIndex().isValid())
        rows.append(m_table->currentIndex().row());
    std::sort(rows.begin(), rows.end());
    QStringList lines;
    for (const int row : std::as_const(rows)) {
        QStringList cells;
        for (int column = 0; column < m_filter->columnCount(); ++column)
            cells.append(m_filter->index(row, column).data().toString());
        lines.append(cells.join(QLatin1Char('\t')));
    }
    if (!lines.isEmpty())
        QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
}

void TrafficLogView::addExportActions(QMenu *menu)
{
    // Each action's data is its place in exportText()'s list, for retranslateUi().
    const std::pair<ExportFormat, ExportScope> choices[] = {
        {ExportFormat::Ndjson, ExportScope::Everything},
        {ExportFormat::Ndjson, ExportScope::Filtered},
        {ExportFormat::Har, ExportScope::Everything},
        {ExportFormat::Har, ExportScope::Filtered}};
    for (int index = 0; index < int(std::size(choices)); ++index) {
        const ExportFormat format = choices[index].first;
        const ExportScope scope = choices[index].second;
        QAction *action = menu->addAction(
            exportText(index), this, [this, format, scope] { chooseExportFile(format, scope); });
        action->setData(index);
        m_exportActions.append(action);
    }
}

QList<TrafficRecord> TrafficLogView::records(ExportScope scope) const
{
    if (scope == ExportScope::Everything)
        return m_model->records();
    QList<TrafficRecord> result;
    result.reserve(m_filter->rowCount());
    for (int row = 0; row < m_filter->rowCount(); ++row)
        result.append(m_model->record(m_filter->mapToSource(m_filter->index(row, 0)).row()));
    return result;
}

QString TrafficLogView::exportTo(const QString &path, ExportFormat format, ExportScope scope) const
{
    const QList<TrafficRecord> selected = records(scope);
    const QByteArray bytes =
        format == ExportFormat::Ndjson ? exportNdjson(selected) : exportHar(selected, m_serverUrl);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return tr("Could not write %1: %2").arg(path, file.errorString());
    return {};
}

void TrafficLogView::chooseExportFile(ExportFormat format, ExportScope scope)
{
    const bool ndjson = format == ExportFormat::Ndjson;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export the traffic log"),
        QDir::home().filePath(ndjson ? QStringLiteral("traffic.ndjson")
                                     : QStringLiteral("traffic.har")),
        ndjson ? tr("NDJSON (*.ndjson *.jsonl)") : tr("HTTP Archive (*.har)"));
    if (path.isEmpty())
        return;
    const QString error = exportTo(path, format, scope);
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Export failed"), error);
    else
        emit exported(path);
}

} // namespace sse::ui
