#include "scenariomodel.h"

#include <QEvent>

#include "requestparsers.h"

#include <QFont>

#include <algorithm>

namespace sse::ui {

ScenarioModel::ScenarioModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int ScenarioModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_scenario.steps.size());
}

int ScenarioModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ScenarioModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !checkIndex(index))
        return {};
    if (role == Qt::FontRole && index.row() == m_playingStep) {
        QFont font;
        font.setBold(true);
        return font;
    }
    if (role == Qt::TextAlignmentRole && index.column() == DelayColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    return displayValue(m_scenario.steps.at(index.row()), index.column(), role);
}

QVariant ScenarioModel::displayValue(const ScenarioStep &step, int column, int role) const
{
    switch (Column(column)) {
    case DelayColumn:
        // An int, so the view edits it with a spin box (the largest delay fits).
        return role == Qt::EditRole ? QVariant(int(step.delayMs))
                                    : QVariant(QString::number(step.delayMs));
    case CommentColumn:
        return step.comment;
    case EventColumn:
        return step.event.event;
    case IdColumn:
        return step.event.id;
    case RetryColumn:
        return step.event.retry;
    case ChannelColumn:
        return step.event.channel;
    case DataColumn:
        // JSON data is held as compact JSON text already (jsonDataText), one line per step.
        return step.hasData ? step.event.data : QString();
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ScenarioModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical) {
        const bool playing = section == m_playingStep;
        if (role == Qt::DisplayRole) {
            // The arrow finds the playing step at a glance, even in a long table.
            return playing ? QStringLiteral("▶ %1").arg(section + 1) : QString::number(section + 1);
        }
        if (role == Qt::ToolTipRole && playing)
            return tr("Step %1, playing").arg(section + 1);
        if (role == Qt::FontRole && playing) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case DelayColumn:
        return tr("Delay (ms)");
    case CommentColumn:
        return tr("Comment");
    case EventColumn:
        return tr("Event");
    case IdColumn:
        return tr("Id");
    case RetryColumn:
        return tr("Retry");
    case ChannelColumn:
        return tr("Channel");
    case DataColumn:
        return tr("Data");
    case ColumnCount:
        break;
    }
    return {};
}

Qt::ItemFlags ScenarioModel::flags(const QModelIndex &index) const
{
    if (!index.isValid() || !checkIndex(index))
        return Qt::NoItemFlags;
    return QAbstractTableModel::flags(index) | Qt::ItemIsEditable;
}

std::optional<QString> ScenarioModel::applyEdit(ScenarioStep &step, int column,
                                                const QString &text) const
{
    std::optional<ValidationError> failure;
    switch (Column(column)) {
    case DelayColumn: {
        bool ok = false;
        const qint64 delay = text.trimmed().toLongLong(&ok);
        if (!ok || delay < 0 || delay > MaxStepDelayMs)
            return tr("Delay: a whole number of milliseconds from 0 to %1").arg(MaxStepDelayMs);
        step.delayMs = delay;
        return std::nullopt;
    }
    case CommentColumn:
        step.comment = text;
        return std::nullopt;
    case EventColumn:
        failure = validateEventName(text);
        step.event.event = text;
        break;
    case IdColumn:
        failure = validateId(text);
        step.event.id = text;
        break;
    case RetryColumn:
        failure = validateRetry(text);
        step.event.retry = text;
        break;
    case ChannelColumn:
        failure = validateChannel(text);
        step.event.channel = text;
        break;
    case DataColumn: {
        // Text typed in the table is sent as typed. Data that was JSON (an object, a number…)
        // stays JSON while the new text parses as such, compacted as a loaded file would be,
        // so saving writes the value back rather than a string holding it.
        ScenarioStep typed;
        typed.event.data = text;
        const QJsonValue asJson = stepDataJson(typed);
        step.dataIsJson = step.dataIsJson && !asJson.isString();
        step.event.data = step.dataIsJson ? jsonDataText(asJson) : text;
        // Typing into an empty cell of a comment-only step makes it send an event; leaving
        // the cell empty keeps the step as it was.
        step.hasData = step.hasData || !text.isEmpty();
        return std::nullopt;
    }
    case ColumnCount:
        break;
    }
    if (failure)
        return failure->message();
    return std::nullopt;
}

bool ScenarioModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !index.isValid() || !checkIndex(index))
        return false;
    ScenarioStep step = m_scenario.steps.at(index.row());
    if (const std::optional<QString> problem = applyEdit(step, index.column(), value.toString())) {
        m_lastError = tr("Step %1: %2").arg(index.row() + 1).arg(*problem);
        emit editRefused(m_lastError);
        return false;
    }
    if (!step.hasData && (!step.event.event.isEmpty() || !step.event.id.isEmpty())) {
        // The file format refuses an event name or id without data: give it empty data.
        step.hasData = true;
    }
    m_lastError.clear();
    if (step == m_scenario.steps.at(index.row()))
        return true;
    m_scenario.steps[index.row()] = step;
    emit dataChanged(index.siblingAtColumn(0), index.siblingAtColumn(ColumnCount - 1));
    setModified(true);
    return true;
}

void ScenarioModel::setScenario(const Scenario &scenario)
{
    beginResetModel();
    m_scenario = scenario;
    m_playingStep = -1;
    endResetModel();
    setModified(false);
}

void ScenarioModel::insertStep(int row, const ScenarioStep &step)
{
    row = std::clamp(row, 0, rowCount());
    beginInsertRows({}, row, row);
    m_scenario.steps.insert(row, step);
    endInsertRows();
    if (m_playingStep >= row)
        ++m_playingStep;
    setModified(true);
}

void ScenarioModel::removeSteps(const QList<int> &rows)
{
    QList<int> sorted;
    for (const int row : rows) {
        if (row >= 0 && row < rowCount())
            sorted.append(row);
    }
    std::sort(sorted.begin(), sorted.end(), std::greater<int>());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    if (sorted.isEmpty())
        return;
    // From the bottom up, one signal per run of adjacent rows: the rows above a run keep
    // their numbers while it goes.
    qsizetype runStart = 0;
    while (runStart < sorted.size()) {
        qsizetype runEnd = runStart;
        while (runEnd + 1 < sorted.size() && sorted.at(runEnd + 1) == sorted.at(runEnd) - 1)
            ++runEnd;
        const int first = sorted.at(runEnd);
        const int last = sorted.at(runStart);
        beginRemoveRows({}, first, last);
        m_scenario.steps.remove(first, last - first + 1);
        endRemoveRows();
        if (m_playingStep > last)
            m_playingStep -= last - first + 1;
        else if (m_playingStep >= first)
            m_playingStep = -1;
        runStart = runEnd + 1;
    }
    setModified(true);
}

void ScenarioModel::moveStep(int from, int to)
{
    if (from == to || from < 0 || to < 0 || from >= rowCount() || to >= rowCount())
        return;
    // beginMoveRows names the row the moved one goes before, in the rows before the move.
    if (!beginMoveRows({}, from, from, {}, to > from ? to + 1 : to))
        return;
    m_scenario.steps.move(from, to);
    endMoveRows();
    setModified(true);
}

void ScenarioModel::setModified(bool modified)
{
    if (m_modified == modified)
        return;
    m_modified = modified;
    emit modifiedChanged(modified);
}

void ScenarioModel::setPlayingStep(int row)
{
    if (row == m_playingStep)
        return;
    const int previous = m_playingStep;
    m_playingStep = row;
    for (const int changed : {previous, row}) {
        if (changed >= 0 && changed < rowCount()) {
            emit dataChanged(index(changed, 0), index(changed, ColumnCount - 1), {Qt::FontRole});
            emit headerDataChanged(Qt::Vertical, changed, changed);
        }
    }
}

bool ScenarioModel::event(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        emit headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
        if (rowCount() > 0)
            emit headerDataChanged(Qt::Vertical, 0, rowCount() - 1);
    }
    return QAbstractTableModel::event(event);
}

} // namespace sse::ui
