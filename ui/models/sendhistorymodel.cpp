#include "sendhistorymodel.h"

namespace sse::ui {

SendHistoryModel::SendHistoryModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int SendHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant SendHistoryModel::data(const QModelIndex &index, int role) const
{
    // Views ask about invalid indexes (a combo box with no current item, for one).
    if (!index.isValid() || index.parent().isValid() || index.row() >= rowCount())
        return {};
    const Entry &entry = m_entries.at(index.row());
    if (role == Qt::ToolTipRole)
        return entry.error.isEmpty() ? entry.event.data : entry.error;
    if (role != Qt::DisplayRole)
        return {};
    const QString type = entry.event.event.isEmpty() ? DefaultEventType : entry.event.event;
    QString outcome;
    if (!entry.error.isEmpty())
        outcome = tr("failed");
    else if (entry.delivered >= 0)
        outcome = tr("#%1 → %2").arg(entry.assignedId).arg(entry.delivered);
    else
        outcome = tr("sending…");
    QString data = entry.event.data.simplified();
    if (data.size() > 60)
        data = data.left(59) + QChar(0x2026);
    return QString(entry.time.toString(QStringLiteral("HH:mm:ss")) + QLatin1Char(' ') + type +
                   QLatin1Char(' ') + outcome + QStringLiteral(": ") + data);
}

void SendHistoryModel::addSend(const QDateTime &time, const SseEvent &event,
                               const PublishTarget &target)
{
    beginInsertRows({}, 0, 0);
    m_entries.prepend(Entry{time, event, target, {}, -1, {}});
    endInsertRows();
    if (m_entries.size() > m_maxEntries) {
        beginRemoveRows({}, m_maxEntries, int(m_entries.size()) - 1);
        m_entries.resize(m_maxEntries);
        endRemoveRows();
    }
}

void SendHistoryModel::applyResult(const PublishResult &result)
{
    for (int row = int(m_entries.size()) - 1; row >= 0; --row) {
        Entry &entry = m_entries[row];
        if (entry.delivered >= 0 || !entry.error.isEmpty())
            continue;
        entry.assignedId = result.id;
        entry.error = result.error;
        entry.delivered = result.error.isEmpty() ? result.delivered : -1;
        emit dataChanged(index(row), index(row));
        return;
    }
}

void SendHistoryModel::setMaxEntries(int maxEntries)
{
    m_maxEntries = std::max(1, maxEntries);
    if (m_entries.size() > m_maxEntries) {
        beginRemoveRows({}, m_maxEntries, int(m_entries.size()) - 1);
        m_entries.resize(m_maxEntries);
        endRemoveRows();
    }
}

} // namespace sse::ui
