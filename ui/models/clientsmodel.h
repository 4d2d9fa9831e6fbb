#pragma once

#include "servertypes.h"
#include "useragent.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QSet>

namespace sse::ui {

// The connected subscribers. Applies a whole ServerSnapshot at once: one insert for all new
// clients, one remove per contiguous run of departed ones, one dataChanged for the counters.
class ClientsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        IdColumn,
        AddressColumn,
        BrowserColumn,
        OsColumn,
        ChannelsColumn,
        ConnectedForColumn,
        EventsColumn,
        BytesColumn,
        QueuedColumn,
        LastEventIdColumn,
        FaultsColumn,
        ProtocolColumn, // "HTTP/1.1", "HTTP/1.1 · TLSv1.3"
        ColumnCount
    };
    enum Role {
        ClientIdRole = Qt::UserRole + 1,
        SortRole,      // numbers as numbers, so sorting by bytes or duration is right
        NearLimitRole, // true when the queued bytes approach the slow-consumer limit
        FaultedRole,   // true while a fault acts on the client's stream
        // true when the client's browser holds BrowserConnectionLimit streams to this server
        AtBrowserLimitRole,
    };
    // Browsers open at most this many HTTP/1.1 connections to one origin: a further tab's
    // stream waits, silently, until one closes. HTTP/2 lifts it (it comes with HTTPS).
    static constexpr int BrowserConnectionLimit = 6;

    // From this fraction of the limit on, the queued bytes are highlighted.
    static constexpr double NearLimitFraction = 0.5;

    explicit ClientsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void applySnapshot(const sse::ServerSnapshot &snapshot);
    // Marks the clients the faults act on (FaultsColumn, FaultedRole).
    void setFaults(const QList<sse::FaultInfo> &faults);
    // Every client left (the server stopped).
    void clear();
    // The "connected for" column moves with the clock; one dataChanged for the whole column.
    void refreshDurations(const QDateTime &now = QDateTime::currentDateTime());
    void setMaxQueueBytes(qint64 bytes);
    qint64 maxQueueBytes() const { return m_maxQueueBytes; }

    ClientInfo client(int row) const { return m_rows.at(row).info; }
    int rowOfClient(quint64 clientId) const { return m_rowById.value(clientId, -1); }
    // The multi-line text "Copy details" puts on the clipboard.
    QString details(int row) const;
    // Browsers (one address and user agent) holding BrowserConnectionLimit streams.
    int browsersAtConnectionLimit() const { return int(m_browsersAtLimit.size()); }
    // What the Clients and Connect panels say while browsers are at the limit; empty for 0.
    static QString browserLimitNotice(int browsers);

signals:
    void browsersAtConnectionLimitChanged(int browsers);

protected:
    // The header titles are tr() when asked for: on a LanguageChange the views ask again.
    bool event(QEvent *event) override;

private:
    struct Row
    {
        ClientInfo info;
        UserAgentInfo agent;
    };

    bool isNearLimit(const ClientInfo &info) const;
    qint64 connectedSeconds(const ClientInfo &info) const;
    // data() by role, for a cell of the client's row.
    QVariant backgroundData(const ClientInfo &info, int column) const;
    QVariant foregroundData(const ClientInfo &info, int column) const;
    QVariant toolTipData(const ClientInfo &info, int column) const;
    QVariant sortData(const Row &row, int column) const;
    QVariant displayData(const Row &row, int column) const;
    void removeClients(const QList<quint64> &clientIds);
    // Counts the streams of each browser again after clients came or went.
    void updateBrowserLimits();
    bool isAtBrowserLimit(const ClientInfo &info) const;
    void rebuildIndex();

    QList<Row> m_rows;
    QHash<quint64, int> m_rowById;
    QHash<quint64, QStringList> m_faultLabels; // "#3 drip 100 B/s" by client, from the snapshots
    QSet<QString> m_browsersAtLimit;           // "address user agent" keys
    qint64 m_maxQueueBytes = 4 * 1024 * 1024;
    QDateTime m_now = QDateTime::currentDateTime();
};

} // namespace sse::ui
