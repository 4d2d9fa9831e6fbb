#include "statshistorymodel.h"

namespace sse::ui {

StatsHistoryModel::StatsHistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int StatsHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_samples.size());
}

int StatsHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StatsHistoryModel::data(const QModelIndex &index, int role) const
{
    // Views ask about invalid indexes (a combo box with no current item, for one).
    if (!index.isValid() || index.parent().isValid() || index.row() >= rowCount())
        return {};
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    const Sample &sample = m_samples.at(index.row());
    switch (index.column()) {
    case TimeColumn:
        return double(sample.timeMs);
    case EventsPerSecondColumn:
        return sample.eventsPerSecond;
    case DeliveriesPerSecondColumn:
        return sample.deliveriesPerSecond;
    case ClientsColumn:
        return sample.clients;
    }
    return {};
}

QVariant StatsHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case EventsPerSecondColumn:
        return tr("Events/s");
    case DeliveriesPerSecondColumn:
        return tr("Deliveries/s");
    case ClientsColumn:
        return tr("Clients");
    }
    return {};
}

void StatsHistoryModel::addStats(const QDateTime &time, const ServerStats &stats)
{
    const qint64 nowMs = time.toMSecsSinceEpoch();
    // Counters going backwards mean a new server: start measuring again from here.
    if (!m_hasBaseline || stats.eventsPublished < m_baselineEvents ||
        stats.deliveries < m_baselineDeliveries) {
        m_hasBaseline = true;
        m_baselineTimeMs = nowMs;
        m_baselineEvents = stats.eventsPublished;
        m_baselineDeliveries = stats.deliveries;
        return;
    }
    const qint64 elapsedMs = nowMs - m_baselineTimeMs;
    if (elapsedMs < SampleIntervalMs)
        return;
    const double seconds = double(elapsedMs) / 1000.0;
    Sample sample;
    sample.timeMs = nowMs;
    sample.eventsPerSecond = double(stats.eventsPublished - m_baselineEvents) / seconds;
    sample.deliveriesPerSecond = double(stats.deliveries - m_baselineDeliveries) / seconds;
    sample.clients = stats.clients;
    m_latestEventsPerSecond = sample.eventsPerSecond;
    m_baselineTimeMs = nowMs;
    m_baselineEvents = stats.eventsPublished;
    m_baselineDeliveries = stats.deliveries;

    if (m_samples.size() >= m_maxSamples) {
        const int excess = int(m_samples.size()) - m_maxSamples + 1;
        beginRemoveRows({}, 0, excess - 1);
        m_samples.remove(0, excess);
        endRemoveRows();
    }
    const int row = int(m_samples.size());
    beginInsertRows({}, row, row);
    m_samples.append(sample);
    endInsertRows();
}

void StatsHistoryModel::resetBaseline()
{
    m_hasBaseline = false;
    m_latestEventsPerSecond = 0;
}

void StatsHistoryModel::clear()
{
    resetBaseline();
    if (m_samples.isEmpty())
        return;
    beginRemoveRows({}, 0, int(m_samples.size()) - 1);
    m_samples.clear();
    endRemoveRows();
}

double StatsHistoryModel::maxValue(int column) const
{
    double result = 0;
    for (int row = 0; row < m_samples.size(); ++row)
        result = std::max(result, data(index(row, column)).toDouble());
    return result;
}

void StatsHistoryModel::setMaxSamples(int maxSamples)
{
    m_maxSamples = std::max(2, maxSamples);
    if (m_samples.size() > m_maxSamples) {
        const int excess = int(m_samples.size()) - m_maxSamples;
        beginRemoveRows({}, 0, excess - 1);
        m_samples.remove(0, excess);
        endRemoveRows();
    }
}

} // namespace sse::ui
