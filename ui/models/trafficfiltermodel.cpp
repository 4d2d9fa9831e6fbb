#include "trafficfiltermodel.h"

#include "trafficlogmodel.h"

namespace sse::ui {

TrafficFilterModel::TrafficFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{}

void TrafficFilterModel::setTextFilter(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateRowsFilter();
}

void TrafficFilterModel::setEventTypeFilter(const QString &eventType)
{
    if (eventType == m_eventType)
        return;
    m_eventType = eventType;
    invalidateRowsFilter();
}

void TrafficFilterModel::setClientFilter(quint64 clientId)
{
    if (clientId == m_clientId)
        return;
    m_clientId = clientId;
    invalidateRowsFilter();
}

void TrafficFilterModel::setDirectionFilter(std::optional<TrafficDirection> direction)
{
    if (direction == m_direction)
        return;
    m_direction = direction;
    invalidateRowsFilter();
}

bool TrafficFilterModel::isFiltering() const
{
    return !m_text.isEmpty() || !m_eventType.isEmpty() || m_clientId != 0 || m_direction;
}

bool TrafficFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_direction && index.data(TrafficLogModel::DirectionRole).toInt() != int(*m_direction))
        return false;
    if (m_clientId != 0 && index.data(TrafficLogModel::ClientIdRole).toULongLong() != m_clientId)
        return false;
    if (!m_eventType.isEmpty() &&
        index.data(TrafficLogModel::EventTypeRole).toString() != m_eventType)
        return false;
    if (!m_text.isEmpty() && !index.data(TrafficLogModel::SearchTextRole)
                                  .toString()
                                  .contains(m_text, Qt::CaseInsensitive))
        return false;
    return true;
}

} // namespace sse::ui
