#pragma once

#include "history.h"
#include "scenario.h"

#include <QAbstractTableModel>
#include <QList>

namespace sse::ui {

// One page of the server's kept events (EventLog::history), newest first: id, time, channel,
// type, size and a preview of the data. The page comes from the server thread; the model only
// holds it, so the history panel asks for the next page and hands it over (setPage).
class HistoryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        IdColumn,
        TimeColumn,
        ChannelColumn,
        TypeColumn,
        SizeColumn,
        DataColumn,
        ColumnCount
    };
    enum Role {
        EncodedRole = Qt::UserRole + 1, // the event's bytes as they were sent
        SortRole,
    };

    // An event as the stream carried it, read back from its bytes.
    struct Row
    {
        HistoryEntry entry;
        QString type; // "message" for events sent without one
        QString data;
        bool hasData = false;
    };

    static constexpr int MaxPreviewChars = 200;

    explicit HistoryModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void setPage(const HistoryPage &page);
    void clear();
    const Row &row(int row) const { return m_rows.at(row); }
    int offset() const { return m_offset; }
    int matching() const { return m_matching; }

protected:
    // The header titles are tr() when asked for: on a LanguageChange the views ask again.
    bool event(QEvent *event) override;

private:
    QList<Row> m_rows;
    int m_offset = 0;
    int m_matching = 0;
};

// Kept events as a scenario (docs/scenarios.md), oldest first: the delays are the time between
// them, each step's channel is the event's (none for events sent to all channels), ids are
// kept. Events a scenario could not send are left out.
Scenario scenarioFromHistory(QList<HistoryEntry> entries);

// The publish that sends a kept event again, as new: same type, data and channel, a new id.
SseEvent resendEvent(const HistoryModel::Row &row);

} // namespace sse::ui
