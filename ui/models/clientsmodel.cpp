#include "clientsmodel.h"

#include <QEvent>

#include "formatting.h"

#include <QColor>
#include <QSet>

#include <algorithm>

namespace sse::ui {

namespace {

// "HTTP/1.1 · TLSv1.3", or for a stream of an HTTP/2 connection "h2 · TLSv1.3 · connection 3":
// the streams that share one connection show the same number.
QString protocolText(const ClientInfo &info)
{
    if (info.protocol.isEmpty()) // from a server that did not say (an older cluster member)
        return info.tlsVersion.isEmpty() ? QStringLiteral("HTTP/1.1")
                                         : QStringLiteral("HTTP/1.1 · %1").arg(info.tlsVersion);
    if (info.connection == 0)
        return info.protocol;
    return ClientsModel::tr("%1 · connection %2").arg(info.protocol).arg(info.connection);
}

bool isHttp2(const ClientInfo &info)
{
    return info.protocol.startsWith(QLatin1String("h2"));
}

} // namespace

ClientsModel::ClientsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int ClientsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ClientsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool ClientsModel::isNearLimit(const ClientInfo &info) const
{
    return m_maxQueueBytes > 0 &&
           double(info.queuedBytes) >= NearLimitFraction * double(m_maxQueueBytes);
}

QVariant ClientsModel::data(const QModelIndex &index, int role) const
{
    // Views ask about invalid indexes (a combo box with no current item, for one).
    if (!index.isValid() || index.parent().isValid() || index.row() >= rowCount())
        return {};
    const Row &row = m_rows.at(index.row());
    const ClientInfo &info = row.info;
    switch (role) {
    case ClientIdRole:
        return info.id;
    case NearLimitRole:
        return isNearLimit(info);
    case FaultedRole:
        return m_faultLabels.contains(info.id);
    case AtBrowserLimitRole:
        return isAtBrowserLimit(info);
    case Qt::BackgroundRole:
        return backgroundData(info, index.column());
    case Qt::ForegroundRole:
        return foregroundData(info, index.column());
    case Qt::ToolTipRole:
        return toolTipData(info, index.column());
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case IdColumn:
        case EventsColumn:
        case BytesColumn:
        case QueuedColumn:
            return int(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    case SortRole:
        return sortData(row, index.column());
    case Qt::DisplayRole:
        return displayData(row, index.column());
    default:
        return {};
    }
}

qint64 ClientsModel::connectedSeconds(const ClientInfo &info) const
{
    return info.connectedSince.isValid() ? info.connectedSince.secsTo(m_now) : 0;
}

QVariant ClientsModel::backgroundData(const ClientInfo &info, int column) const
{
    if (column == FaultsColumn && m_faultLabels.contains(info.id))
        return QColor(255, 200, 120);
    if (column == BrowserColumn && isAtBrowserLimit(info))
        return QColor(255, 230, 150);
    if (column == QueuedColumn && isNearLimit(info))
        return info.queuedBytes >= m_maxQueueBytes * 8 / 10 ? QColor(255, 160, 160)
                                                            : QColor(255, 230, 150);
    return {};
}

QVariant ClientsModel::foregroundData(const ClientInfo &info, int column) const
{
    // Dark text on the light warning colours, whatever the theme's text colour is.
    if ((column == QueuedColumn && isNearLimit(info)) ||
        (column == FaultsColumn && m_faultLabels.contains(info.id)) ||
        (column == BrowserColumn && isAtBrowserLimit(info)))
        return QColor(Qt::black);
    return {};
}

QVariant ClientsModel::toolTipData(const ClientInfo &info, int column) const
{
    if (column == BrowserColumn && isAtBrowserLimit(info)) {
        return tr("This browser holds %1 streams to this server, the most a browser opens "
                  "over HTTP/1.1 to one address: a further tab waits until one of them "
                  "closes. HTTP/2, which comes with HTTPS, lifts the limit.\n%2")
            .arg(BrowserConnectionLimit)
            .arg(info.userAgent);
    }
    if (column == BrowserColumn || column == OsColumn)
        return info.userAgent;
    if (column == QueuedColumn)
        return tr("%1 of %2 bytes queued before the client is dropped as slow")
            .arg(info.queuedBytes)
            .arg(m_maxQueueBytes);
    return {};
}

QVariant ClientsModel::sortData(const Row &row, int column) const
{
    const ClientInfo &info = row.info;
    switch (column) {
    case IdColumn:
        return info.id;
    case ConnectedForColumn:
        return connectedSeconds(info);
    case EventsColumn:
        return info.eventsSent;
    case BytesColumn:
        return info.bytesSent;
    case QueuedColumn:
        return info.queuedBytes;
    default:
        return displayData(row, column);
    }
}

QVariant ClientsModel::displayData(const Row &row, int column) const
{
    const ClientInfo &info = row.info;
    switch (column) {
    case IdColumn:
        return info.id;
    case AddressColumn:
        return info.remoteAddress;
    case BrowserColumn:
        return row.agent.browser;
    case OsColumn:
        return row.agent.os;
    case ChannelsColumn:
        // A scenario route's stream has no channels: it plays its own scenario.
        return info.route.isEmpty() ? info.channels.join(QStringLiteral(", "))
                                    : tr("route %1").arg(info.route);
    case ConnectedForColumn:
        return formatDuration(connectedSeconds(info));
    case EventsColumn:
        return info.eventsSent;
    case BytesColumn:
        return formatBytes(qint64(info.bytesSent));
    case QueuedColumn:
        return formatBytes(info.queuedBytes);
    case LastEventIdColumn:
        return info.lastEventId;
    case FaultsColumn:
        return m_faultLabels.value(info.id).join(QStringLiteral(", "));
    case ProtocolColumn:
        return protocolText(info);
    }
    return {};
}

QVariant ClientsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn:
        return tr("Id");
    case AddressColumn:
        return tr("Remote address");
    case BrowserColumn:
        return tr("Browser");
    case OsColumn:
        return tr("OS");
    case ChannelsColumn:
        return tr("Channels");
    case ConnectedForColumn:
        return tr("Connected for");
    case EventsColumn:
        return tr("Events");
    case BytesColumn:
        return tr("Bytes sent");
    case QueuedColumn:
        return tr("Queued");
    case LastEventIdColumn:
        return tr("Last event id");
    case FaultsColumn:
        return tr("Faults");
    case ProtocolColumn:
        return tr("Protocol");
    }
    return {};
}

void ClientsModel::applySnapshot(const ServerSnapshot &snapshot)
{
    m_now = QDateTime::currentDateTime();
    const QSet<quint64> departed(snapshot.disconnected.cbegin(), snapshot.disconnected.cend());

    // A client that came and went within one batch never shows up.
    QList<Row> arrived;
    for (const ClientInfo &info : snapshot.connected) {
        if (!departed.contains(info.id) && !m_rowById.contains(info.id))
            arrived.append(Row{info, parseUserAgent(info.userAgent)});
    }
    removeClients(snapshot.disconnected);
    if (!arrived.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(arrived.size()) - 1);
        for (Row &row : arrived) {
            m_rowById.insert(row.info.id, int(m_rows.size()));
            m_rows.append(std::move(row));
        }
        endInsertRows();
    }
    if (!arrived.isEmpty() || !snapshot.disconnected.isEmpty())
        updateBrowserLimits();

    int firstChanged = int(m_rows.size());
    int lastChanged = -1;
    for (const ClientCounters &counters : snapshot.counters) {
        const int row = m_rowById.value(counters.id, -1);
        if (row < 0)
            continue;
        ClientInfo &info = m_rows[row].info;
        info.eventsSent = counters.eventsSent;
        info.bytesSent = counters.bytesSent;
        info.queuedBytes = counters.queuedBytes;
        info.lastEventId = counters.lastEventId;
        firstChanged = std::min(firstChanged, row);
        lastChanged = std::max(lastChanged, row);
    }
    if (lastChanged >= 0)
        emit dataChanged(index(firstChanged, EventsColumn), index(lastChanged, LastEventIdColumn));
    if (snapshot.faultsChanged)
        setFaults(snapshot.faults);
}

void ClientsModel::setFaults(const QList<FaultInfo> &faults)
{
    m_faultLabels.clear();
    for (const FaultInfo &fault : faults) {
        const QString label = QStringLiteral("#%1 %2").arg(fault.id).arg(faultLabel(fault.spec));
        for (const quint64 clientId : fault.affected)
            m_faultLabels[clientId].append(label);
    }
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, FaultsColumn), index(int(m_rows.size()) - 1, FaultsColumn));
}

void ClientsModel::removeClients(const QList<quint64> &clientIds)
{
    QList<int> rows;
    for (const quint64 id : clientIds) {
        const int row = m_rowById.value(id, -1);
        if (row >= 0)
            rows.append(row);
    }
    if (rows.isEmpty())
        return;
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    // From the back, one removal per contiguous run, so earlier rows keep their numbers.
    qsizetype end = rows.size();
    while (end > 0) {
        qsizetype start = end - 1;
        while (start > 0 && rows.at(start - 1) == rows.at(start) - 1)
            --start;
        const int firstRow = rows.at(start);
        const int lastRow = rows.at(end - 1);
        beginRemoveRows({}, firstRow, lastRow);
        m_rows.remove(firstRow, lastRow - firstRow + 1);
        endRemoveRows();
        end = start;
    }
    rebuildIndex();
}

void ClientsModel::rebuildIndex()
{
    m_rowById.clear();
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowById.insert(m_rows.at(row).info.id, row);
}

void ClientsModel::clear()
{
    m_faultLabels.clear();
    if (m_rows.isEmpty())
        return;
    beginRemoveRows({}, 0, int(m_rows.size()) - 1);
    m_rows.clear();
    m_rowById.clear();
    endRemoveRows();
    updateBrowserLimits();
}

namespace {

QString browserKey(const ClientInfo &info)
{
    return info.remoteAddress + QLatin1Char(' ') + info.userAgent;
}

} // namespace

QString ClientsModel::browserLimitNotice(int browsers)
{
    if (browsers <= 0)
        return {};
    return tr("%n browser(s) hold %1 streams to this server, the most a browser opens over "
              "HTTP/1.1 to one address: another tab there waits, silently, until one of them "
              "closes. HTTP/2, which comes with HTTPS, lifts the limit.",
              nullptr, browsers)
        .arg(BrowserConnectionLimit);
}

bool ClientsModel::isAtBrowserLimit(const ClientInfo &info) const
{
    return !m_browsersAtLimit.isEmpty() && m_browsersAtLimit.contains(browserKey(info));
}

void ClientsModel::updateBrowserLimits()
{
    // Only browsers have the limit, and only over HTTP/1.1; tools such as curl open as many
    // connections as asked.
    QHash<QString, int> streams;
    for (const Row &row : std::as_const(m_rows)) {
        if (row.info.userAgent.startsWith(QLatin1String("Mozilla/")) && !isHttp2(row.info))
            ++streams[browserKey(row.info)];
    }
    QSet<QString> atLimit;
    for (auto it = streams.cbegin(); it != streams.cend(); ++it) {
        if (it.value() >= BrowserConnectionLimit)
            atLimit.insert(it.key());
    }
    if (atLimit == m_browsersAtLimit)
        return;
    m_browsersAtLimit = atLimit;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, BrowserColumn), index(int(m_rows.size()) - 1, BrowserColumn));
    emit browsersAtConnectionLimitChanged(int(m_browsersAtLimit.size()));
}

void ClientsModel::refreshDurations(const QDateTime &now)
{
    m_now = now;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, ConnectedForColumn),
                         index(int(m_rows.size()) - 1, ConnectedForColumn));
}

void ClientsModel::setMaxQueueBytes(qint64 bytes)
{
    m_maxQueueBytes = bytes;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, QueuedColumn), index(int(m_rows.size()) - 1, QueuedColumn));
}

QString ClientsModel::details(int row) const
{
    const ClientInfo &info = m_rows.at(row).info;
    const UserAgentInfo &agent = m_rows.at(row).agent;
    QStringList lines;
    lines << tr("Client %1").arg(info.id) << tr("Remote address: %1").arg(info.remoteAddress)
          << tr("User agent: %1").arg(info.userAgent)
          << tr("Browser: %1, OS: %2")
                 .arg(agent.browser, agent.os.isEmpty() ? tr("unknown") : agent.os)
          << (info.route.isEmpty()
                  ? tr("Channels: %1").arg(info.channels.join(QStringLiteral(", ")))
                  : tr("Scenario route: %1").arg(info.route))
          << tr("Connected since: %1").arg(info.connectedSince.toUTC().toString(Qt::ISODate))
          << tr("Events sent: %1, bytes sent: %2, queued bytes: %3")
                 .arg(info.eventsSent)
                 .arg(info.bytesSent)
                 .arg(info.queuedBytes)
          << tr("Last event id: %1").arg(info.lastEventId);
    return lines.join(QLatin1Char('\n'));
}

bool ClientsModel::event(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        emit headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
    }
    return QAbstractTableModel::event(event);
}

} // namespace sse::ui
