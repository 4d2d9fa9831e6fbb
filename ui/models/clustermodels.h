#pragma once

#include "servertypes.h"

#include <QAbstractTableModel>
#include <QEvent>
#include <QList>

namespace sse::ui {

// The rows of a cluster model, brought up to date from each new list at once: rows whose key
// left go in one remove per contiguous run, the rows that stay keep their place (and so their
// selection) and change in one dataChanged, newcomers arrive in one insert at the end. Views
// sort through a proxy.
template<typename Row>
class KeyedRowsModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : int(m_rows.size());
    }
    const Row &row(int row) const { return m_rows.at(row); }

protected:
    // The header titles are tr() when asked for: on a LanguageChange the views ask again.
    bool event(QEvent *event) override
    {
        if (event->type() == QEvent::LanguageChange)
            emit this->headerDataChanged(Qt::Horizontal, 0, this->columnCount() - 1);
        return QAbstractTableModel::event(event);
    }
    void replaceRows(const QList<Row> &incoming);
    virtual QString keyOf(const Row &row) const = 0;

    QList<Row> m_rows;
};

// The instances sharing this one's Redis (ServerSnapshot::cluster), this one marked.
class ClusterInstancesModel : public KeyedRowsModel<ClusterInstance>
{
    Q_OBJECT

public:
    enum Column {
        IdColumn,
        AddressColumn,
        ClientsColumn,
        EventsPerSecondColumn,
        StartedColumn,
        ThisInstanceColumn,
        ColumnCount
    };
    enum Role {
        InstanceIdRole = Qt::UserRole + 1,
        SortRole, // numbers and times as themselves
    };

    explicit ClusterInstancesModel(QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void setInstances(const QList<sse::ClusterInstance> &instances);
    void clear() { setInstances({}); }

protected:
    QString keyOf(const ClusterInstance &instance) const override { return instance.id; }
};

// One client of an instance of the cluster.
struct ClusterClient
{
    QString instanceId;
    QString instanceAddress;
    bool thisInstance = false;
    ClientInfo info;
};

// Every instance's clients in one table, each under its instance: the instances' client lists
// (ClusterInstance::clientList, the first ClusterService::MaxClientsListed of each) flattened.
class ClusterClientsModel : public KeyedRowsModel<ClusterClient>
{
    Q_OBJECT

public:
    enum Column {
        InstanceColumn,
        ClientIdColumn,
        AddressColumn,
        ChannelsColumn,
        ConnectedSinceColumn,
        EventsColumn,
        ColumnCount
    };
    enum Role {
        InstanceIdRole = Qt::UserRole + 1,
        ClientIdRole,
        ThisInstanceRole, // true for this instance's own clients
        SortRole,
    };

    explicit ClusterClientsModel(QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void setInstances(const QList<sse::ClusterInstance> &instances);
    void clear() { setInstances({}); }
    int rowOfClient(const QString &instanceId, quint64 clientId) const;

protected:
    QString keyOf(const ClusterClient &client) const override;
};

} // namespace sse::ui
