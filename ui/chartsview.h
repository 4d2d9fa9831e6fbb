#pragma once

#include <QWidget>

class QChart;
class QDateTimeAxis;
class QValueAxis;

namespace sse::ui {

class StatsHistoryModel;

// Events per second and connected clients over the last minutes, drawn from a
// StatsHistoryModel through Qt Charts model mappers.
class ChartsView : public QWidget
{
    Q_OBJECT

public:
    explicit ChartsView(StatsHistoryModel *model, QWidget *parent = nullptr);

    static constexpr int VisibleMinutes = 5;

protected:
    void resizeEvent(QResizeEvent *event) override;
    // The charts follow the window's theme (their own default is always light) and language.
    void changeEvent(QEvent *event) override;

private:
    struct Chart
    {
        QChart *chart = nullptr;
        QDateTimeAxis *timeAxis = nullptr;
        QValueAxis *valueAxis = nullptr;
        int column = 0;
    };

    Chart addChart(int column, const QString &format);
    void retranslateUi();
    void updateAxes();

    StatsHistoryModel *m_model;
    QList<Chart> m_charts;
};

} // namespace sse::ui
