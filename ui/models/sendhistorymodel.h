#pragma once

#include "servertypes.h"
#include "sseevent.h"

#include <QAbstractListModel>
#include <QDateTime>

namespace sse::ui {

// The composer's recent sends, newest first and capped, so any of them can be sent again.
class SendHistoryModel : public QAbstractListModel
{
    Q_OBJECT

public:
    struct Entry
    {
        QDateTime time;
        SseEvent event;
        PublishTarget target;
        QString assignedId; // the id the server used; empty until it answers
        int delivered = -1; // -1 until the server answers
        QString error;
    };

    static constexpr int DefaultMaxEntries = 50;

    explicit SendHistoryModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    void addSend(const QDateTime &time, const sse::SseEvent &event,
                 const sse::PublishTarget &target);
    // Results come back in the order of the sends; each completes the oldest unanswered entry.
    void applyResult(const sse::PublishResult &result);
    const Entry &entry(int row) const { return m_entries.at(row); }

    void setMaxEntries(int maxEntries);
    int maxEntries() const { return m_maxEntries; }

private:
    QList<Entry> m_entries; // newest first
    int m_maxEntries = DefaultMaxEntries;
};

} // namespace sse::ui
