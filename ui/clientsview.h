#pragma once

#include "faultspec.h"

#include <QList>
#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QMenu;
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
    // Whether a selected client is a stream of an HTTP/2 connection (others may share it).
    bool selectionSharesAConnection() const;
    void selectClient(quint64 clientId);
    QTableView *table() const { return m_table; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    void setFilterText(const QString &text);
    void copySelectedDetails();
    // "Break this stream": the one-shot faults, in the context menu and for tests.
    QMenu *breakStreamMenu() const { return m_breakMenu; }

signals:
    void disconnectRequested(const QList<quint64> &clientIds);
    // Their whole connections: every stream of each one's HTTP/2 connection.
    void disconnectConnectionRequested(const QList<quint64> &clientIds);
    void sendToClientsRequested(const QList<quint64> &clientIds);
    void selectionChanged(const QList<quint64> &clientIds);
    // spec's target is the caller's to fill in, once per client.
    void breakStreamRequested(const QList<quint64> &clientIds, const sse::FaultSpec &spec);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void updateActions();
    void buildBreakStreamMenu();

    ClientsModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QLineEdit *m_filter;
    QLabel *m_browserLimit; // ClientsModel::browserLimitNotice(), while there is one
    QPushButton *m_disconnect;
    QPushButton *m_sendTo;
    QPushButton *m_copy;
    QAction *m_disconnectConnection; // in the context menu, for streams of an HTTP/2 connection
    QMenu *m_breakMenu;
    QMenu *m_malformMenu = nullptr;
    int m_browsersAtLimit = 0;
};

} // namespace sse::ui
