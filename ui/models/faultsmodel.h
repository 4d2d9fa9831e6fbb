#pragma once

#include "faultspec.h"
#include "servertypes.h"

#include <QAbstractTableModel>
#include <QDateTime>

namespace sse::ui {

// The faults installed on the server, from the snapshots' fault lists. Rows are matched by id,
// so a fault whose counters change keeps its row (and its selection): ids only grow, new
// faults are appended, and removed ones leave in one removal per contiguous run.
class FaultsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        IdColumn,
        FaultColumn,
        TargetColumn,
        LifetimeColumn,
        AppliedColumn,
        ClientsColumn,
        OriginColumn,
        ColumnCount
    };
    enum Role { FaultIdRole = Qt::UserRole + 1 };

    explicit FaultsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Takes the snapshot's fault list when it carries one.
    void applySnapshot(const sse::ServerSnapshot &snapshot);
    void setFaults(const QList<sse::FaultInfo> &faults);
    void clear();
    // The time left of faults with a duration moves with the clock.
    void refreshLifetimes(const QDateTime &now = QDateTime::currentDateTimeUtc());

    const sse::FaultInfo &fault(int row) const { return m_faults.at(row); }

protected:
    // The header titles are tr() when asked for: on a LanguageChange the views ask again.
    bool event(QEvent *event) override;

private:
    QString lifetimeText(const sse::FaultInfo &fault) const;

    QList<sse::FaultInfo> m_faults;
    QDateTime m_now = QDateTime::currentDateTimeUtc();
};

} // namespace sse::ui
