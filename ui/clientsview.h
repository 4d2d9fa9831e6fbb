#pragma once

#include <QList>
#include <QWidget>

class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace sse::ui {

class ClientsModel;

// The connected clients table with sorting, a filter and per-client actions. Actions are
// signals: MainWindow turns them into ServerController calls.
class ClientsView : public QWidget
{
    Q_OBJECT

public:
    explicit ClientsView(ClientsModel *model, QWidget *parent = nullptr);

    QList<quint64> selectedClientIds() const;
    void selectClient(quint64 clientId);
    QTableView *table() const { return m_table; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    void setFilterText(const QString &text);
    void copySelectedDetails();

signals:
    void disconnectRequested(const QList<quint64> &clientIds);
    void sendToClientsRequested(const QList<quint64> &clientIds);
    void selectionChanged(const QList<quint64> &clientIds);

private:
    void updateActions();

    ClientsModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QLineEdit *m_filter;
    QPushButton *m_disconnect;
    QPushButton *m_sendTo;
    QPushButton *m_copy;
};

} // namespace sse::ui
