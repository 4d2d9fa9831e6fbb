#include "faultsmodel.h"

#include <QEvent>

#include <algorithm>

namespace sse::ui {

FaultsModel::FaultsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int FaultsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_faults.size());
}

int FaultsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString FaultsModel::lifetimeText(const FaultInfo &fault) const
{
    if (fault.spec.oneShot)
        return tr("one-shot");
    if (!fault.expiresAt.isValid())
        return tr("until removed");
    const qint64 seconds = std::max<qint64>(0, m_now.secsTo(fault.expiresAt));
    return tr("%1 s left").arg(seconds);
}

QVariant FaultsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const FaultInfo &fault = m_faults.at(index.row());
    switch (role) {
    case FaultIdRole:
        return fault.id;
    case Qt::TextAlignmentRole:
        if (index.column() == IdColumn || index.column() == AppliedColumn ||
            index.column() == ClientsColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == ClientsColumn && !fault.affected.isEmpty()) {
            QStringList ids;
            for (const quint64 clientId : fault.affected)
                ids.append(QString::number(clientId));
            return tr("Acting on clients %1").arg(ids.join(QStringLiteral(", ")));
        }
        return {};
    case Qt::DisplayRole:
        switch (index.column()) {
        case IdColumn:
            return fault.id;
        case FaultColumn:
            return faultLabel(fault.spec);
        case TargetColumn:
            switch (fault.spec.target.kind) {
            case FaultTarget::Kind::Client:
                return tr("client %1").arg(fault.spec.target.clientId);
            case FaultTarget::Kind::Channel:
                return tr("channel %1").arg(fault.spec.target.channel);
            case FaultTarget::Kind::NewConnections:
                return tr("new connections");
            }
            return {};
        case LifetimeColumn:
            return lifetimeText(fault);
        case AppliedColumn:
            return fault.applied;
        case ClientsColumn:
            return int(fault.affected.size());
        case OriginColumn:
            return fault.origin;
        }
        return {};
    }
    return {};
}

QVariant FaultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn:
        return tr("#");
    case FaultColumn:
        return tr("Fault");
    case TargetColumn:
        return tr("Target");
    case LifetimeColumn:
        return tr("Lifetime");
    case AppliedColumn:
        return tr("Hits");
    case ClientsColumn:
        return tr("Acting on");
    case OriginColumn:
        return tr("From");
    }
    return {};
}

void FaultsModel::applySnapshot(const ServerSnapshot &snapshot)
{
    if (snapshot.faultsChanged)
        setFaults(snapshot.faults);
}

void FaultsModel::setFaults(const QList<FaultInfo> &faults)
{
    m_now = QDateTime::currentDateTimeUtc();
    // Removed faults leave from the back, one removal per contiguous run.
    QSet<quint64> present;
    for (const FaultInfo &fault : faults)
        present.insert(fault.id);
    for (int row = int(m_faults.size()) - 1; row >= 0;) {
        if (present.contains(m_faults.at(row).id)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !present.contains(m_faults.at(first - 1).id))
            --first;
        beginRemoveRows({}, first, row);
        m_faults.remove(first, row - first + 1);
        endRemoveRows();
        row = first - 1;
    }
    // What is left is in id order, like the list: update those, append the new ones.
    int row = 0;
    QList<FaultInfo> arrived;
    for (const FaultInfo &fault : faults) {
        if (row < m_faults.size() && m_faults.at(row).id == fault.id)
            m_faults[row++] = fault;
        else
            arrived.append(fault);
    }
    if (!m_faults.isEmpty())
        emit dataChanged(index(0, 0), index(int(m_faults.size()) - 1, ColumnCount - 1));
    if (!arrived.isEmpty()) {
        const int first = int(m_faults.size());
        beginInsertRows({}, first, first + int(arrived.size()) - 1);
        m_faults.append(arrived);
        endInsertRows();
    }
}

void FaultsModel::clear()
{
    if (m_faults.isEmpty())
        return;
    beginResetModel();
    m_faults.clear();
    endResetModel();
}

void FaultsModel::refreshLifetimes(const QDateTime &now)
{
    m_now = now;
    if (!m_faults.isEmpty())
        emit dataChanged(index(0, LifetimeColumn), index(int(m_faults.size()) - 1, LifetimeColumn));
}

bool FaultsModel::event(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        emit headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
    }
    return QAbstractTableModel::event(event);
}

} // namespace sse::ui
