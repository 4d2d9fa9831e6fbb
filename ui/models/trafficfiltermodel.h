#pragma once

#include "servertypes.h"

#include <QSortFilterProxyModel>

#include <optional>

namespace sse::ui {

// Filters a TrafficLogModel by free text, event type, client and direction; empty filters let
// everything through.
class TrafficFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit TrafficFilterModel(QObject *parent = nullptr);

    void setTextFilter(const QString &text);
    void setEventTypeFilter(const QString &eventType);
    void setClientFilter(quint64 clientId); // 0: any client
    void setDirectionFilter(std::optional<sse::TrafficDirection> direction);

    QString textFilter() const { return m_text; }
    bool isFiltering() const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_text;
    QString m_eventType;
    quint64 m_clientId = 0;
    std::optional<TrafficDirection> m_direction;
};

} // namespace sse::ui
