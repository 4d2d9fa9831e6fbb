#include "trafficlogmodel.h"

#include <QEvent>

#include "formatting.h"
#include "httputil.h"

#include <QColor>

#include <utility>

namespace sse::ui {

QString TrafficLogModel::displayedDirection(TrafficDirection direction)
{
    switch (direction) {
    case TrafficDirection::In:
        return tr("in");
    case TrafficDirection::Out:
        return tr("out");
    case TrafficDirection::System:
        return tr("system");
    }
    return {};
}

TrafficLogModel::TrafficLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int TrafficLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

int TrafficLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TrafficLogModel::data(const QModelIndex &index, int role) const
{
    // Views ask about invalid indexes (a combo box with no current item, for one).
    if (!index.isValid() || index.parent().isValid() || index.row() >= rowCount())
        return {};
    const TrafficRecord &record = m_records.at(index.row());
    switch (role) {
    case RawRole:
        return record.raw;
    case DirectionRole:
        return int(record.direction);
    case ClientIdRole:
        return record.clientId;
    case EventTypeRole:
        return record.eventType;
    case SearchTextRole:
        return QString(
            displayedDirection(record.direction) + QLatin1Char(' ') +
            QString::number(record.clientId) + QLatin1Char(' ') + record.eventType +
            QLatin1Char(' ') + record.id + QLatin1Char(' ') +
            (record.status ? QString::number(record.status) + QLatin1Char(' ') : QString()) +
            record.summary);
    case Qt::ForegroundRole:
        // Mid tones that read on the light and the dark theme alike.
        if (record.direction == TrafficDirection::System)
            return QColor(0x88, 0x88, 0x88);
        if (record.direction == TrafficDirection::In)
            return QColor(0x3b, 0x82, 0xf6);
        return {};
    case Qt::ToolTipRole:
        return index.column() == SummaryColumn ? QVariant(record.summary) : QVariant();
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return record.time.toString(QStringLiteral("HH:mm:ss.zzz"));
        case DirectionColumn:
            return displayedDirection(record.direction);
        case ClientColumn:
            return record.clientId == 0 ? QString() : QString::number(record.clientId);
        case EventTypeColumn:
            return record.eventType;
        case IdColumn:
            return record.id;
        case SizeColumn:
            return formatBytes(record.size);
        case StatusColumn:
            return record.status == 0
                       ? QString()
                       : QStringLiteral("%1 %2")
                             .arg(record.status)
                             .arg(QString::fromLatin1(http::reasonPhrase(record.status)));
        case SummaryColumn:
            return record.summary;
        }
        return {};
    default:
        return {};
    }
}

QVariant TrafficLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case DirectionColumn:
        return tr("Direction");
    case ClientColumn:
        return tr("Client");
    case EventTypeColumn:
        return tr("Event type");
    case IdColumn:
        return tr("Id");
    case SizeColumn:
        return tr("Size");
    case StatusColumn:
        return tr("Status");
    case SummaryColumn:
        return tr("Summary");
    }
    return {};
}

void TrafficLogModel::applySnapshot(const ServerSnapshot &snapshot)
{
    QList<TrafficRecord> records = snapshot.traffic;
    if (snapshot.trafficDropped > 0) {
        TrafficRecord notice;
        notice.time = QDateTime::currentDateTime();
        notice.summary = tr("%1 log records left out: the server produced them faster than the "
                            "log shows them")
                             .arg(snapshot.trafficDropped);
        records.append(notice);
    }
    appendRecords(std::move(records));
}

void TrafficLogModel::appendRecords(QList<TrafficRecord> records)
{
    if (records.isEmpty() || m_maxRows <= 0)
        return;
    if (m_paused) {
        m_held.append(std::move(records));
        if (m_held.size() > m_maxRows)
            m_held.remove(0, m_held.size() - m_maxRows);
        return;
    }
    // Only the newest maxRows of an oversized batch could ever be seen.
    if (records.size() > m_maxRows)
        records.remove(0, records.size() - m_maxRows);
    const qsizetype overflow = m_records.size() + records.size() - m_maxRows;
    if (overflow > 0)
        dropOldest(overflow);
    const int first = int(m_records.size());
    beginInsertRows({}, first, first + int(records.size()) - 1);
    m_records.append(std::move(records));
    endInsertRows();
}

void TrafficLogModel::dropOldest(qsizetype count)
{
    count = std::min(count, m_records.size());
    if (count <= 0)
        return;
    beginRemoveRows({}, 0, int(count) - 1);
    m_records.remove(0, count);
    endRemoveRows();
}

void TrafficLogModel::clear()
{
    m_held.clear();
    dropOldest(m_records.size());
}

void TrafficLogModel::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    if (!paused)
        appendRecords(std::exchange(m_held, {}));
}

void TrafficLogModel::setMaxRows(int maxRows)
{
    m_maxRows = std::max(1, maxRows);
    dropOldest(m_records.size() - m_maxRows);
}

bool TrafficLogModel::event(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        emit headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
    }
    return QAbstractTableModel::event(event);
}

} // namespace sse::ui
