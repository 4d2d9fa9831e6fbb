#pragma once

#include "servertypes.h"

#include <QAbstractTableModel>

namespace sse::ui {

// The live traffic log. Rows arrive in batches (one beginInsertRows per batch) and the oldest
// rows go in one beginRemoveRows when the cap is reached, so a flood costs a few signals per
// snapshot, never one per event.
class TrafficLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        DirectionColumn,
        ClientColumn,
        EventTypeColumn,
        IdColumn,
        SizeColumn,
        StatusColumn, // of a request, or of the request that opened a stream
        SummaryColumn,
        ColumnCount
    };
    enum Role {
        RawRole = Qt::UserRole + 1, // QByteArray: the bytes on the wire
        DirectionRole,              // int(TrafficDirection)
        ClientIdRole,               // quint64, 0 when not about one client
        EventTypeRole,
        SearchTextRole, // every column's text, for the free-text filter
    };

    static constexpr int DefaultMaxRows = 10000;

    explicit TrafficLogModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Appends the snapshot's records, plus a system row when the server had to leave some out.
    void applySnapshot(const sse::ServerSnapshot &snapshot);
    void appendRecords(QList<sse::TrafficRecord> records);
    void clear();

    // While paused the rows stand still for reading; new records wait (capped like the log)
    // and arrive in one batch on resume.
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    qsizetype heldCount() const { return m_held.size(); }

    void setMaxRows(int maxRows);
    int maxRows() const { return m_maxRows; }

    const TrafficRecord &record(int row) const { return m_records.at(row); }
    // The direction as the log shows it, in the window's language (exports keep the English
    // names of directionName()).
    static QString displayedDirection(sse::TrafficDirection direction);
    const QList<TrafficRecord> &records() const { return m_records; }

protected:
    // The header titles are tr() when asked for: on a LanguageChange the views ask again.
    bool event(QEvent *event) override;

private:
    void dropOldest(qsizetype count);

    QList<TrafficRecord> m_records;
    QList<TrafficRecord> m_held;
    bool m_paused = false;
    int m_maxRows = DefaultMaxRows;
};

} // namespace sse::ui
