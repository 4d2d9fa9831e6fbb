#pragma once

#include "servertypes.h"

#include <QAbstractTableModel>
#include <QDateTime>

namespace sse::ui {

// One sample a second of the server's rates, for the charts: x is the time in ms since the
// epoch (a QDateTimeAxis reads it directly), then events/s, deliveries/s and clients.
class StatsHistoryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        EventsPerSecondColumn,
        DeliveriesPerSecondColumn,
        ClientsColumn,
        ColumnCount
    };

    static constexpr int DefaultMaxSamples = 600; // ten minutes
    static constexpr qint64 SampleIntervalMs = 1000;

    explicit StatsHistoryModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Snapshots come several times a second; a sample is added once a second has passed.
    void addStats(const QDateTime &time, const sse::ServerStats &stats);
    // The server restarted: its counters start from zero again.
    void resetBaseline();
    void clear();

    double latestEventsPerSecond() const { return m_latestEventsPerSecond; }
    double maxValue(int column) const;
    void setMaxSamples(int maxSamples);

private:
    struct Sample
    {
        qint64 timeMs = 0;
        double eventsPerSecond = 0;
        double deliveriesPerSecond = 0;
        int clients = 0;
    };

    QList<Sample> m_samples;
    int m_maxSamples = DefaultMaxSamples;
    bool m_hasBaseline = false;
    qint64 m_baselineTimeMs = 0;
    quint64 m_baselineEvents = 0;
    quint64 m_baselineDeliveries = 0;
    double m_latestEventsPerSecond = 0;
};

} // namespace sse::ui
