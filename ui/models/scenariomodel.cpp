#include "scenariomodel.h"

#include <QFont>

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
    const ScenarioStep &step = m_scenario.steps.at(index.row());
    if (role == Qt::FontRole && index.row() == m_playingStep) {
        QFont font;
        font.setBold(true);
        return font;
    }
    if (role == Qt::TextAlignmentRole && index.column() == DelayColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    switch (Column(index.column())) {
    case DelayColumn:
        return role == Qt::EditRole ? QVariant(step.delayMs)
                                    : QVariant(QString::number(step.delayMs));
    case EventColumn:
        return step.event.event;
    case DataColumn:
        return step.hasData ? step.event.data : QString();
    case IdColumn:
        return step.event.id;
    case RetryColumn:
        return step.event.retry;
    case ChannelColumn:
        return step.event.channel;
    case CommentColumn:
        return step.comment;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ScenarioModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section + 1;
    switch (Column(section)) {
    case DelayColumn:
        return tr("Delay (ms)");
    case EventColumn:
        return tr("Event");
    case DataColumn:
        return tr("Data");
    case IdColumn:
        return tr("Id");
    case RetryColumn:
        return tr("Retry");
    case ChannelColumn:
        return tr("Channel");
    case CommentColumn:
        return tr("Comment");
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
    case EventColumn:
        failure = validateEventName(text);
        step.event.event = text;
        break;
    case DataColumn:
        // Text typed in the table is sent as typed; JSON stays JSON when it parses.
        step.event.data = text;
        step.hasData = !text.isEmpty() || step.hasData;
        step.dataIsJson = false;
        return std::nullopt;
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
    case CommentColumn:
        step.comment = text;
        return std::nullopt;
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
    setModified(true);
}

void ScenarioModel::removeStep(int row)
{
    if (row < 0 || row >= rowCount())
        return;
    beginRemoveRows({}, row, row);
    m_scenario.steps.removeAt(row);
    endRemoveRows();
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
        if (changed >= 0 && changed < rowCount())
            emit dataChanged(index(changed, 0), index(changed, ColumnCount - 1), {Qt::FontRole});
    }
}

} // namespace sse::ui
