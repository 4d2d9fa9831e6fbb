#include "clusterdock.h"

#include "elidinglabel.h"
#include "models/clustermodels.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace sse::ui {

namespace {

QTableView *table(QWidget *parent, const QString &objectName, QSortFilterProxyModel *proxy,
                  int sortColumn)
{
    auto *view = new QTableView(parent);
    view->setObjectName(objectName);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->sortByColumn(sortColumn, Qt::AscendingOrder);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    // Fixed row heights and no content-based column sizing: cheap to lay out under load.
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->horizontalHeader()->setStretchLastSection(true);
    return view;
}

QSortFilterProxyModel *sortingProxy(QAbstractItemModel *source, int sortRole, QObject *parent)
{
    auto *proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(source);
    proxy->setSortRole(sortRole);
    return proxy;
}

} // namespace

ClusterDock::ClusterDock(QWidget *parent)
    : QWidget(parent)
    , m_instances(new ClusterInstancesModel(this))
    , m_clients(new ClusterClientsModel(this))
    , m_instancesProxy(sortingProxy(m_instances, ClusterInstancesModel::SortRole, this))
    , m_clientsProxy(sortingProxy(m_clients, ClusterClientsModel::SortRole, this))
    , m_alone(new QLabel(this))
    , m_content(new QWidget(this))
    , m_instancesTable(table(m_content, QStringLiteral("clusterInstancesTable"), m_instancesProxy,
                             ClusterInstancesModel::ThisInstanceColumn))
    , m_clientsTable(table(m_content, QStringLiteral("clusterClientsTable"), m_clientsProxy,
                           ClusterClientsModel::InstanceColumn))
    , m_disconnect(new QPushButton(m_content))
    , m_status(new ElidingLabel(m_content))
{
    m_alone->setObjectName(QStringLiteral("clusterAlone"));
    m_alone->setWordWrap(true);
    m_alone->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_instancesTable->setSelectionMode(QAbstractItemView::SingleSelection);
    // A handful of instances: their columns can afford to fit their contents. The clients
    // table can hold thousands of rows and keeps fixed widths.
    m_instancesTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_instancesTable->horizontalHeader()->setStretchLastSection(true);
    // Wide enough for what the column usually holds, in this font.
    const QList<QPair<int, QString>> clientColumnSamples{
        {ClusterClientsModel::InstanceColumn, QStringLiteral("Instance 00000000")},
        {ClusterClientsModel::ClientIdColumn, QStringLiteral("Client 00")},
        {ClusterClientsModel::AddressColumn, QStringLiteral("255.255.255.255")},
        {ClusterClientsModel::ChannelsColumn, QStringLiteral("news, prices")},
        {ClusterClientsModel::ConnectedSinceColumn, QStringLiteral("Connected since")},
    };
    for (const auto &[column, sample] : clientColumnSamples) {
        m_clientsTable->horizontalHeader()->resizeSection(
            column, m_clientsTable->fontMetrics().horizontalAdvance(sample) + 16);
    }
    m_clientsTable->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_clientsTable->setContextMenuPolicy(Qt::CustomContextMenu);
    m_disconnect->setObjectName(QStringLiteral("clusterDisconnect"));
    m_status->setObjectName(QStringLiteral("clusterStatus"));

    auto *splitter = new QSplitter(Qt::Vertical, m_content);
    splitter->setObjectName(QStringLiteral("clusterSplitter"));
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_instancesTable);
    splitter->addWidget(m_clientsTable);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_disconnect);
    bar->addWidget(m_status, 1);
    auto *contentLayout = new QVBoxLayout(m_content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addWidget(splitter, 1);
    contentLayout->addLayout(bar);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_alone);
    layout->addWidget(m_content, 1);

    connect(m_disconnect, &QPushButton::clicked, this, &ClusterDock::disconnectSelected);
    connect(m_clientsTable, &QTableView::customContextMenuRequested, this,
            [this](const QPoint &pos) {
                if (selectedClients().isEmpty())
                    return;
                QMenu menu(this);
                menu.addAction(m_disconnect->text(), this, &ClusterDock::disconnectSelected);
                menu.exec(m_clientsTable->viewport()->mapToGlobal(pos));
            });
    connect(m_clientsTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ClusterDock::updateButtons);
    // Departing clients change the selection without a selectionChanged of their own.
    connect(m_clientsProxy, &QAbstractItemModel::rowsRemoved, this, &ClusterDock::updateButtons);
    connect(m_instances, &QAbstractItemModel::rowsInserted, this, &ClusterDock::updateAlone);
    connect(m_instances, &QAbstractItemModel::rowsRemoved, this, &ClusterDock::updateAlone);
    updateAlone();
    updateButtons();
    retranslateUi();
}

void ClusterDock::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
}

void ClusterDock::retranslateUi()
{
    m_alone->setText(tr("This instance runs alone. Set a Redis URL in Settings to share "
                        "channels with other instances (docs/scaling.md)."));
    m_disconnect->setText(tr("Disconnect"));
    m_disconnect->setToolTip(tr("Disconnect the selected clients, whichever instance they are "
                                "connected to"));
}

void ClusterDock::applySnapshot(const ServerSnapshot &snapshot)
{
    if (!snapshot.clusterChanged)
        return;
    m_instances->setInstances(snapshot.cluster);
    m_clients->setInstances(snapshot.cluster);
}

void ClusterDock::clear()
{
    m_instances->clear();
    m_clients->clear();
    m_status->setFullText({});
}

bool ClusterDock::selectClient(const QString &instanceId, quint64 clientId)
{
    const int row = m_clients->rowOfClient(instanceId, clientId);
    if (row < 0)
        return false;
    const QModelIndex index = m_clientsProxy->mapFromSource(m_clients->index(row, 0));
    m_clientsTable->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect |
                                                        QItemSelectionModel::Rows);
    return true;
}

QList<QPair<QString, quint64>> ClusterDock::selectedClients() const
{
    QList<QPair<QString, quint64>> result;
    const QModelIndexList rows = m_clientsTable->selectionModel()->selectedRows();
    for (const QModelIndex &index : rows) {
        result.append({index.data(ClusterClientsModel::InstanceIdRole).toString(),
                       index.data(ClusterClientsModel::ClientIdRole).toULongLong()});
    }
    return result;
}

void ClusterDock::disconnectSelected()
{
    const QList<QPair<QString, quint64>> clients = selectedClients();
    for (const auto &[instanceId, clientId] : clients)
        emit disconnectRequested(instanceId, clientId);
    if (clients.size() == 1) {
        showStatus(tr("Asked instance %1 to disconnect client %2")
                       .arg(clients.constFirst().first)
                       .arg(clients.constFirst().second));
    } else if (!clients.isEmpty()) {
        showStatus(tr("Asked for %n client(s) to be disconnected", nullptr, int(clients.size())));
    }
}

void ClusterDock::showStatus(const QString &message)
{
    m_status->setFullText(message);
}

QString ClusterDock::status() const
{
    return m_status->fullText();
}

void ClusterDock::updateAlone()
{
    // Running in a cluster, the list holds this instance at least.
    const bool alone = m_instances->rowCount() == 0;
    m_alone->setVisible(alone);
    m_content->setVisible(!alone);
}

void ClusterDock::updateButtons()
{
    m_disconnect->setEnabled(m_clientsTable->selectionModel()->hasSelection());
}

} // namespace sse::ui
