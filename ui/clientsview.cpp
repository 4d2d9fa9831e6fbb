#include "clientsview.h"

#include "models/clientsmodel.h"

#include <algorithm>

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace sse::ui {

ClientsView::ClientsView(ClientsModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_proxy(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_filter(new QLineEdit(this))
    , m_browserLimit(new QLabel(this))
    , m_disconnect(new QPushButton(this))
    , m_sendTo(new QPushButton(this))
    , m_copy(new QPushButton(this))
    , m_disconnectConnection(new QAction(this))
    , m_breakMenu(new QMenu(this))
{
    m_table->setObjectName(QStringLiteral("clientsTable"));
    m_filter->setObjectName(QStringLiteral("clientsFilter"));
    m_disconnect->setObjectName(QStringLiteral("disconnectButton"));
    m_sendTo->setObjectName(QStringLiteral("sendToClientButton"));
    m_copy->setObjectName(QStringLiteral("copyClientButton"));

    m_proxy->setSourceModel(model);
    m_proxy->setSortRole(ClientsModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ClientsModel::IdColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false); // "Headless Chrome 156" keeps its row one line high
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->verticalHeader()->hide();
    // Fixed row heights and no content-based column sizing: cheap to lay out under load.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->horizontalHeader()->setStretchLastSection(true);
    // Widths that show Id to Events whole in the panel of a 1280-pixel window (the default
    // section size, 100 px each, pushed Events under the scroll bar).
    const std::pair<int, int> widths[] = {
        {ClientsModel::IdColumn, 44},       {ClientsModel::AddressColumn, 110},
        {ClientsModel::BrowserColumn, 120}, {ClientsModel::OsColumn, 76},
        {ClientsModel::ChannelsColumn, 88}, {ClientsModel::ConnectedForColumn, 84},
        {ClientsModel::EventsColumn, 60},   {ClientsModel::BytesColumn, 80},
        {ClientsModel::QueuedColumn, 70},   {ClientsModel::LastEventIdColumn, 90},
        {ClientsModel::FaultsColumn, 80},
    };
    for (const auto &[column, width] : widths)
        m_table->horizontalHeader()->resizeSection(column, width);
    m_filter->setClearButtonEnabled(true);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_disconnect);
    bar->addWidget(m_sendTo);
    bar->addWidget(m_copy);
    m_browserLimit->setObjectName(QStringLiteral("browserLimitNotice"));
    m_browserLimit->setWordWrap(true);
    m_browserLimit->setStyleSheet(
        QStringLiteral("QLabel { background: #ffe696; color: black; padding: 2px 4px; }"));
    m_browserLimit->hide();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_browserLimit);
    layout->addWidget(m_table);
    connect(model, &ClientsModel::browsersAtConnectionLimitChanged, this, [this](int browsers) {
        m_browsersAtLimit = browsers;
        m_browserLimit->setText(ClientsModel::browserLimitNotice(browsers));
        m_browserLimit->setVisible(browsers > 0);
    });

    connect(m_filter, &QLineEdit::textChanged, this, &ClientsView::setFilterText);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateActions();
        emit selectionChanged(selectedClientIds());
    });
    // Rows leaving the model change the selection without a selectionChanged of our own.
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &ClientsView::updateActions);
    connect(m_disconnect, &QPushButton::clicked, this, [this] {
        const QList<quint64> ids = selectedClientIds();
        if (!ids.isEmpty())
            emit disconnectRequested(ids);
    });
    connect(m_sendTo, &QPushButton::clicked, this, [this] {
        const QList<quint64> ids = selectedClientIds();
        if (!ids.isEmpty())
            emit sendToClientsRequested(ids);
    });
    connect(m_copy, &QPushButton::clicked, this, &ClientsView::copySelectedDetails);
    m_disconnectConnection->setObjectName(QStringLiteral("disconnectConnectionAction"));
    connect(m_disconnectConnection, &QAction::triggered, this, [this] {
        const QList<quint64> ids = selectedClientIds();
        if (!ids.isEmpty())
            emit disconnectConnectionRequested(ids);
    });
    connect(m_table, &QTableView::customContextMenuRequested, this, [this](const QPoint &pos) {
        if (selectedClientIds().isEmpty())
            return;
        QMenu menu(this);
        menu.addAction(m_disconnect->text(), m_disconnect, &QPushButton::click);
        if (m_disconnectConnection->isEnabled())
            menu.addAction(m_disconnectConnection);
        menu.addAction(m_sendTo->text(), m_sendTo, &QPushButton::click);
        menu.addAction(m_copy->text(), m_copy, &QPushButton::click);
        menu.addSeparator();
        menu.addMenu(m_breakMenu);
        menu.exec(m_table->viewport()->mapToGlobal(pos));
    });
    buildBreakStreamMenu();
    retranslateUi();
}

void ClientsView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
}

void ClientsView::retranslateUi()
{
    m_filter->setPlaceholderText(tr("Filter by address, browser, OS, channel…"));
    m_disconnect->setText(tr("Disconnect"));
    m_disconnectConnection->setText(tr("Disconnect the whole connection"));
    m_copy->setText(tr("Copy details"));
    m_breakMenu->setTitle(tr("Break this stream"));
    // In the order buildBreakStreamMenu() adds them.
    const QStringList breakTexts{tr("Close (FIN)"), tr("Reset (RST)"),
                                 tr("Cut the next event in half"), tr("Stall for 5 s"),
                                 tr("Send retry: 10000")};
    const QList<QAction *> actions = m_breakMenu->actions();
    for (int index = 0; index < breakTexts.size(); ++index)
        actions.at(index)->setText(breakTexts.at(index));
    m_malformMenu->setTitle(tr("Malform the next event"));
    const QStringList malformTexts{tr("CR-only line endings"), tr("A byte-order mark before it"),
                                   tr("A lone CR inside the data"), tr("Invalid UTF-8"),
                                   tr("A field with no colon")};
    const QList<QAction *> malformed = m_malformMenu->actions();
    for (int index = 0; index < malformTexts.size(); ++index)
        malformed.at(index)->setText(malformTexts.at(index));
    if (m_browsersAtLimit > 0)
        m_browserLimit->setText(ClientsModel::browserLimitNotice(m_browsersAtLimit));
    updateActions(); // "Send to this client…" or "these clients"
}

void ClientsView::buildBreakStreamMenu()
{
    m_breakMenu->setObjectName(QStringLiteral("breakStreamMenu"));
    // retranslateUi() names the actions.
    auto add = [this](QMenu *menu, const char *name, FaultSpec spec) {
        QAction *action = menu->addAction(QString());
        action->setObjectName(QLatin1String(name));
        spec.oneShot = true;
        connect(action, &QAction::triggered, this, [this, spec] {
            const QList<quint64> ids = selectedClientIds();
            if (!ids.isEmpty())
                emit breakStreamRequested(ids, spec);
        });
    };
    FaultSpec spec;
    spec.kind = FaultKind::Close;
    add(m_breakMenu, "breakClose", spec);
    spec.kind = FaultKind::Reset;
    add(m_breakMenu, "breakReset", spec);
    spec.kind = FaultKind::CutMidEvent;
    add(m_breakMenu, "breakCut", spec);
    spec.kind = FaultKind::Stall;
    spec.stallMs = 5000;
    add(m_breakMenu, "breakStall", spec);
    spec.kind = FaultKind::Retry;
    spec.ms = 10000;
    add(m_breakMenu, "breakRetry", spec);
    m_malformMenu = m_breakMenu->addMenu(QString());
    spec.kind = FaultKind::Malformed;
    for (const MalformedVariant variant :
         {MalformedVariant::CrLineEndings, MalformedVariant::Bom, MalformedVariant::LoneCr,
          MalformedVariant::InvalidUtf8, MalformedVariant::NoColon}) {
        spec.variant = variant;
        add(m_malformMenu, "breakMalformed", spec);
    }
}

QList<quint64> ClientsView::selectedClientIds() const
{
    QList<quint64> ids;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    for (const QModelIndex &index : rows)
        ids.append(index.data(ClientsModel::ClientIdRole).toULongLong());
    std::sort(ids.begin(), ids.end());
    return ids;
}

bool ClientsView::selectionSharesAConnection() const
{
    const QList<quint64> ids = selectedClientIds();
    return std::any_of(ids.cbegin(), ids.cend(), [this](quint64 id) {
        const int row = m_model->rowOfClient(id);
        return row >= 0 && m_model->client(row).connection != 0;
    });
}

void ClientsView::selectClient(quint64 clientId)
{
    const int sourceRow = m_model->rowOfClient(clientId);
    if (sourceRow < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(sourceRow, 0));
    m_table->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect |
                                                 QItemSelectionModel::Rows);
    m_table->setCurrentIndex(index);
}

void ClientsView::setFilterText(const QString &text)
{
    if (m_filter->text() != text)
        m_filter->setText(text);
    m_proxy->setFilterFixedString(text);
}

void ClientsView::copySelectedDetails()
{
    QStringList blocks;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    for (const QModelIndex &index : rows)
        blocks.append(m_model->details(m_proxy->mapToSource(index).row()));
    if (!blocks.isEmpty())
        QApplication::clipboard()->setText(blocks.join(QStringLiteral("\n\n")));
}

void ClientsView::updateActions()
{
    const int selected = int(m_table->selectionModel()->selectedRows().size());
    m_disconnect->setEnabled(selected > 0);
    m_sendTo->setEnabled(selected > 0);
    m_copy->setEnabled(selected > 0);
    m_breakMenu->setEnabled(selected > 0);
    m_disconnectConnection->setEnabled(selectionSharesAConnection());
    m_sendTo->setText(selected > 1 ? tr("Send to these clients…") : tr("Send to this client…"));
}

} // namespace sse::ui
