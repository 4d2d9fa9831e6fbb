#include "chartsview.h"

#include "models/statshistorymodel.h"

#include <QBoxLayout>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QLineSeries>
#include <QResizeEvent>
#include <QVXYModelMapper>
#include <QValueAxis>

#include <cmath>

namespace sse::ui {

ChartsView::ChartsView(StatsHistoryModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    auto *layout = new QBoxLayout(QBoxLayout::TopToBottom, this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_charts.append(addChart(StatsHistoryModel::EventsPerSecondColumn, QStringLiteral("%.0f")));
    m_charts.append(addChart(StatsHistoryModel::ClientsColumn, QStringLiteral("%d")));
    retranslateUi();
    // Axes move once per sample (once a second), not with every snapshot.
    connect(model, &QAbstractItemModel::rowsInserted, this, &ChartsView::updateAxes);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &ChartsView::updateAxes);
    updateAxes();
}

ChartsView::Chart ChartsView::addChart(int column, const QString &format)
{
    Chart result;
    result.column = column;
    result.chart = new QChart;
    result.chart->legend()->hide();
    result.chart->setMargins(QMargins(2, 2, 2, 2));
    auto *series = new QLineSeries(result.chart);
    result.chart->addSeries(series);
    auto *mapper = new QVXYModelMapper(this);
    mapper->setXColumn(StatsHistoryModel::TimeColumn);
    mapper->setYColumn(column);
    mapper->setModel(m_model);
    mapper->setSeries(series);
    result.timeAxis = new QDateTimeAxis(result.chart);
    result.timeAxis->setFormat(QStringLiteral("HH:mm:ss"));
    result.timeAxis->setTickCount(5);
    result.valueAxis = new QValueAxis(result.chart);
    result.valueAxis->setLabelFormat(format);
    result.valueAxis->setMin(0);
    result.chart->addAxis(result.timeAxis, Qt::AlignBottom);
    result.chart->addAxis(result.valueAxis, Qt::AlignLeft);
    series->attachAxis(result.timeAxis);
    series->attachAxis(result.valueAxis);

    if (palette().color(QPalette::Window).lightness() < 128)
        result.chart->setTheme(QChart::ChartThemeDark);
    auto *view = new QChartView(result.chart, this); // the view owns the chart
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(100);
    layout()->addWidget(view);
    return result;
}

void ChartsView::retranslateUi()
{
    m_charts.at(0).chart->setTitle(tr("Events per second"));
    m_charts.at(1).chart->setTitle(tr("Connected clients"));
}

void ChartsView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    if (event->type() != QEvent::PaletteChange)
        return;
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    for (QChartView *view : findChildren<QChartView *>()) {
        const QChart::ChartTheme theme = dark ? QChart::ChartThemeDark : QChart::ChartThemeLight;
        if (view->chart()->theme() != theme)
            view->chart()->setTheme(theme);
    }
}

void ChartsView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // Side by side in a wide, short panel; stacked in a tall one: each chart keeps room for
    // its labels.
    auto *box = static_cast<QBoxLayout *>(layout());
    const bool sideBySide = width() > 2 * height();
    box->setDirection(sideBySide ? QBoxLayout::LeftToRight : QBoxLayout::TopToBottom);
    // As many time labels as fit whole ("HH:mm:ss" is about 60 px wide).
    const int chartWidth = sideBySide ? width() / int(m_charts.size()) : width();
    const int labelWidth = fontMetrics().horizontalAdvance(QStringLiteral("00:00:00")) * 2;
    for (const Chart &chart : std::as_const(m_charts))
        chart.timeAxis->setTickCount(std::clamp(chartWidth / std::max(labelWidth, 1), 2, 5));
}

void ChartsView::updateAxes()
{
    // From the first sample (at least a minute back) to now, at most VisibleMinutes wide.
    const QDateTime now = QDateTime::currentDateTime();
    QDateTime from = now.addSecs(-60);
    if (m_model->rowCount() > 0) {
        const auto first =
            qint64(m_model->data(m_model->index(0, StatsHistoryModel::TimeColumn)).toDouble());
        from = std::min(from, QDateTime::fromMSecsSinceEpoch(first));
    }
    from = std::max(from, now.addSecs(-60 * VisibleMinutes));
    for (const Chart &chart : std::as_const(m_charts)) {
        chart.timeAxis->setRange(from, now);
        const double top = m_model->maxValue(chart.column);
        // Counts get whole-number ticks: a step of 1, 2, 5, 10, 20, 50... with at most four
        // intervals (labels stay legible in a short chart), and a top that is a multiple of it.
        const double wanted = std::max(5.0, std::ceil(top * 1.15));
        double step = 1;
        for (double magnitude = 1;; magnitude *= 10) {
            const double candidates[] = {magnitude, 2 * magnitude, 5 * magnitude};
            const auto fits = std::find_if(std::begin(candidates), std::end(candidates),
                                           [wanted](double s) { return wanted / s <= 4; });
            if (fits != std::end(candidates)) {
                step = *fits;
                break;
            }
        }
        chart.valueAxis->setTickType(QValueAxis::TicksDynamic);
        chart.valueAxis->setTickAnchor(0);
        chart.valueAxis->setTickInterval(step);
        chart.valueAxis->setMax(std::ceil(wanted / step) * step);
    }
}

} // namespace sse::ui
