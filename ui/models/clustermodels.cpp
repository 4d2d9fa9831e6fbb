#include "clustermodels.h"

#include <QFont>
#include <QHash>
#include <QSet>

namespace sse::ui {

namespace {

// Today's times without the date, which would only widen the column.
QString formatTime(const QDateTime &time)
{
    if (!time.isValid())
        return {};
    const QDateTime local = time.toLocalTime();
    return local.date() == QDate::currentDate()
               ? local.toString(QStringLiteral("HH:mm:ss"))
               : local.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString formatFullTime(const QDateTime &time)
{
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                          : QString();
}

QVariant rightAligned()
{
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
}

QVariant boldFont()
{
    QFont font;
    font.setBold(true);
    return font;
}

} // namespace

template<typename Row>
void KeyedRowsModel<Row>::replaceRows(const QList<Row> &incoming)
{
    QHash<QString, qsizetype> incomingRow;
    incomingRow.reserve(incoming.size());
    for (qsizetype i = 0; i < incoming.size(); ++i)
        incomingRow.insert(keyOf(incoming.at(i)), i);

    // From the end, so the rows still to look at keep their numbers.
    for (int last = int(m_rows.size()) - 1; last >= 0; --last) {
        if (incomingRow.contains(keyOf(m_rows.at(last))))
            continue;
        int first = last;
        while (first > 0 && !incomingRow.contains(keyOf(m_rows.at(first - 1))))
            --first;
        beginRemoveRows({}, first, last);
        m_rows.remove(first, last - first + 1);
        endRemoveRows();
        last = first;
    }

    QSet<QString> present;
    for (Row &row : m_rows) {
        const QString key = keyOf(row);
        row = incoming.at(incomingRow.value(key));
        present.insert(key);
    }
    if (!m_rows.isEmpty())
        emit this->dataChanged(this->index(0, 0),
                               this->index(int(m_rows.size()) - 1, this->columnCount() - 1));

    QList<Row> added;
    for (const Row &row : incoming) {
        const QString key = keyOf(row);
        if (!present.contains(key)) {
            present.insert(key);
            added.append(row);
        }
    }
    if (added.isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + added.size()) - 1);
    m_rows.append(added);
    endInsertRows();
}

ClusterInstancesModel::ClusterInstancesModel(QObject *parent)
    : KeyedRowsModel(parent)
{}

int ClusterInstancesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ClusterInstancesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ClusterInstance &instance = m_rows.at(index.row());
    switch (role) {
    case InstanceIdRole:
        return instance.id;
    case Qt::FontRole:
        return instance.self ? boldFont() : QVariant();
    case Qt::ToolTipRole:
        return index.column() == StartedColumn ? formatFullTime(instance.startedAt) : QVariant();
    case Qt::TextAlignmentRole:
        if (index.column() == ClientsColumn || index.column() == EventsPerSecondColumn)
            return rightAligned();
        return {};
    case SortRole:
        switch (index.column()) {
        case ClientsColumn:
            return instance.clients;
        case EventsPerSecondColumn:
            return instance.eventsPerSecond;
        case StartedColumn:
            return instance.startedAt;
        case ThisInstanceColumn:
            return instance.self ? 0 : 1; // this instance first
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::DisplayRole:
        switch (index.column()) {
        case IdColumn:
            return instance.id;
        case AddressColumn:
            return instance.address;
        case ClientsColumn:
            return instance.clients;
        case EventsPerSecondColumn:
            return QString::number(instance.eventsPerSecond, 'f', 1);
        case StartedColumn:
            return formatTime(instance.startedAt);
        case ThisInstanceColumn:
            return instance.self ? tr("this instance") : QString();
        }
        return {};
    default:
        return {};
    }
}

QVariant ClusterInstancesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn:
        return tr("Instance");
    case AddressColumn:
        return tr("Address");
    case ClientsColumn:
        return tr("Clients");
    case EventsPerSecondColumn:
        return tr("Events/s");
    case StartedColumn:
        return tr("Started");
    case ThisInstanceColumn:
        return tr("This one");
    }
    return {};
}

void ClusterInstancesModel::setInstances(const QList<ClusterInstance> &instances)
{
    replaceRows(instances);
}

ClusterClientsModel::ClusterClientsModel(QObject *parent)
    : KeyedRowsModel(parent)
{}

QString ClusterClientsModel::keyOf(const ClusterClient &client) const
{
    return client.instanceId + u'/' + QString::number(client.info.id);
}

int ClusterClientsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ClusterClientsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ClusterClient &client = m_rows.at(index.row());
    const ClientInfo &info = client.info;
    switch (role) {
    case InstanceIdRole:
        return client.instanceId;
    case ClientIdRole:
        return info.id;
    case ThisInstanceRole:
        return client.thisInstance;
    case Qt::FontRole:
        return client.thisInstance && index.column() == InstanceColumn ? boldFont() : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == InstanceColumn) {
            return client.thisInstance ? tr("This instance, at %1").arg(client.instanceAddress)
                                       : tr("At %1").arg(client.instanceAddress);
        }
        if (index.column() == ConnectedSinceColumn)
            return formatFullTime(info.connectedSince);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == ClientIdColumn || index.column() == EventsColumn)
            return rightAligned();
        return {};
    case SortRole:
        switch (index.column()) {
        case InstanceColumn:
            // This instance's clients first, then each instance's together, by client id.
            return QString((client.thisInstance ? u'0' : u'1') + client.instanceId + u'/' +
                           QString::number(info.id).rightJustified(20, u'0'));
        case ClientIdColumn:
            return info.id;
        case ConnectedSinceColumn:
            return info.connectedSince;
        case EventsColumn:
            return info.eventsSent;
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::DisplayRole:
        switch (index.column()) {
        case InstanceColumn:
            return client.instanceId;
        case ClientIdColumn:
            return info.id;
        case AddressColumn:
            return info.remoteAddress;
        case ChannelsColumn:
            // A scenario route's stream has no channels: it plays its own scenario.
            return info.route.isEmpty() ? info.channels.join(QStringLiteral(", "))
                                        : tr("route %1").arg(info.route);
        case ConnectedSinceColumn:
            return formatTime(info.connectedSince);
        case EventsColumn:
            return info.eventsSent;
        }
        return {};
    default:
        return {};
    }
}

QVariant ClusterClientsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case InstanceColumn:
        return tr("Instance");
    case ClientIdColumn:
        return tr("Client");
    case AddressColumn:
        return tr("Remote address");
    case ChannelsColumn:
        return tr("Channels");
    case ConnectedSinceColumn:
        return tr("Connected since");
    case EventsColumn:
        return tr("Events sent");
    }
    return {};
}

void ClusterClientsModel::setInstances(const QList<ClusterInstance> &instances)
{
    QList<ClusterClient> clients;
    for (const ClusterInstance &instance : instances) {
        for (const ClientInfo &info : instance.clientList)
            clients.append(ClusterClient{instance.id, instance.address, instance.self, info});
    }
    replaceRows(clients);
}

int ClusterClientsModel::rowOfClient(const QString &instanceId, quint64 clientId) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).instanceId == instanceId && m_rows.at(row).info.id == clientId)
            return row;
    }
    return -1;
}

} // namespace sse::ui
