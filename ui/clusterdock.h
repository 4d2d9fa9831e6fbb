#pragma once

#include "servertypes.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace sse::ui {

class ClusterClientsModel;
class ElidingLabel;
class ClusterInstancesModel;

// The Cluster panel (docs/scaling.md): the instances sharing this one's Redis and every
// instance's clients in one table, where any of them can be disconnected. Alone (no Redis) it
// says how to join a cluster. Requests leave as signals; MainWindow turns them into
// ServerController calls.
class ClusterDock : public QWidget
{
    Q_OBJECT

public:
    explicit ClusterDock(QWidget *parent = nullptr);

    ClusterInstancesModel *instancesModel() const { return m_instances; }
    ClusterClientsModel *clientsModel() const { return m_clients; }

    void applySnapshot(const sse::ServerSnapshot &snapshot);
    // The server stopped or started again: what was listed belongs to the run before.
    void clear();
    // Selects the client in the clients table; false when it is not listed.
    bool selectClient(const QString &instanceId, quint64 clientId);
    // Asks for the selected clients to be disconnected.
    void disconnectSelected();
    void showStatus(const QString &message);
    QString status() const;

signals:
    void disconnectRequested(const QString &instanceId, quint64 clientId);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    // (instance id, client id) of each selected row.
    QList<QPair<QString, quint64>> selectedClients() const;
    void updateAlone();
    void updateButtons();

    ClusterInstancesModel *m_instances;
    ClusterClientsModel *m_clients;
    QSortFilterProxyModel *m_instancesProxy;
    QSortFilterProxyModel *m_clientsProxy;
    QLabel *m_alone;
    QWidget *m_content;
    QTableView *m_instancesTable;
    QTableView *m_clientsTable;
    QPushButton *m_disconnect;
    ElidingLabel *m_status;
};

} // namespace sse::ui
