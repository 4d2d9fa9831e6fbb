#include "historymodel.h"

#include <QEvent>

#include "eventstreamparser.h"
#include "formatting.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>

namespace sse::ui {

namespace {

std::optional<EventStreamParser::Event> parseEntry(const HistoryEntry &entry)
{
    EventStreamParser parser;
    parser.feed(entry.encoded);
    const QList<EventStreamParser::Event> events = parser.takeEvents();
    if (events.isEmpty())
        return std::nullopt;
    return events.first();
}

QString preview(const QString &data)
{
    QString line = data.left(HistoryModel::MaxPreviewChars);
    line.replace(u'\n', u' ');
    if (data.size() > HistoryModel::MaxPreviewChars)
        line += QChar(0x2026); // …
    return line;
}

} // namespace

HistoryModel::HistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int HistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const HistoryEntry &entry = row.entry;
    if (role == EncodedRole)
        return entry.encoded;
    if (role == Qt::TextAlignmentRole && index.column() == SizeColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == DataColumn)
        return row.data.left(4096);
    if (role == SortRole) {
        if (index.column() == SizeColumn)
            return entry.encoded.size();
        if (index.column() == TimeColumn)
            return entry.timeMs;
    }
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    switch (index.column()) {
    case IdColumn:
        return entry.id;
    case TimeColumn:
        return entry.timeMs > 0 ? QDateTime::fromMSecsSinceEpoch(entry.timeMs)
                                      .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))
                                : QString();
    case ChannelColumn:
        return entry.scope == AllChannelsScope ? tr("all channels") : entry.scope;
    case TypeColumn:
        return row.type;
    case SizeColumn:
        return formatBytes(entry.encoded.size());
    case DataColumn:
        return preview(row.data);
    }
    return {};
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn:
        return tr("Id");
    case TimeColumn:
        return tr("Time");
    case ChannelColumn:
        return tr("Channel");
    case TypeColumn:
        return tr("Type");
    case SizeColumn:
        return tr("Size");
    case DataColumn:
        return tr("Data");
    }
    return {};
}

void HistoryModel::setPage(const HistoryPage &page)
{
    // A page is a new set of rows: one reset instead of a diff of two unrelated lists.
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(page.entries.size());
    for (const HistoryEntry &entry : page.entries) {
        Row row{entry, entry.type.isEmpty() ? DefaultEventType : entry.type, {}, false};
        if (const auto event = parseEntry(entry)) {
            row.data = event->data;
            row.hasData = true;
        }
        m_rows.append(row);
    }
    m_offset = page.offset;
    m_matching = page.matching;
    endResetModel();
}

void HistoryModel::clear()
{
    setPage({});
}

Scenario scenarioFromHistory(QList<HistoryEntry> entries)
{
    std::sort(entries.begin(), entries.end(),
              [](const HistoryEntry &a, const HistoryEntry &b) { return a.timeMs < b.timeMs; });
    Scenario scenario;
    qint64 previous = -1;
    for (const HistoryEntry &entry : std::as_const(entries)) {
        const auto event = parseEntry(entry);
        std::optional<ScenarioStep> step = event ? scenarioStepFor(*event) : std::nullopt;
        if (!step)
            continue;
        step->delayMs = previous < 0 ? 0 : std::max<qint64>(0, entry.timeMs - previous);
        previous = entry.timeMs;
        step->event.channel = entry.scope == AllChannelsScope ? QString() : entry.scope;
        scenario.steps.append(*step);
    }
    return scenario;
}

SseEvent resendEvent(const HistoryModel::Row &row)
{
    SseEvent event;
    event.event = row.entry.type;
    event.data = row.data;
    event.channel = row.entry.scope == AllChannelsScope ? QString() : row.entry.scope;
    return event;
}

bool HistoryModel::event(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        emit headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
    }
    return QAbstractTableModel::event(event);
}

} // namespace sse::ui
