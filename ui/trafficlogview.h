#pragma once

#include "servertypes.h"

#include <QSet>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QSplitter;
class QTableView;

namespace sse::ui {

class TrafficFilterModel;
class TrafficLogModel;

// The live traffic log: filters, follow/pause, clear, a pane with the raw bytes of the current
// row, and export of the whole or the filtered log.
class TrafficLogView : public QWidget
{
    Q_OBJECT

public:
    enum class ExportFormat { Ndjson, Har };
    enum class ExportScope { Everything, Filtered };

    explicit TrafficLogView(TrafficLogModel *model, QWidget *parent = nullptr);

    TrafficFilterModel *filterModel() const { return m_filter; }
    QTableView *table() const { return m_table; }
    QSplitter *splitter() const { return m_splitter; }
    void setServerUrl(const QString &url) { m_serverUrl = url; }

    // Writes the log; returns an empty string or a sentence saying why it failed.
    QString exportTo(const QString &path, ExportFormat format, ExportScope scope) const;
    QList<sse::TrafficRecord> records(ExportScope scope) const;

private:
    void applyFilters();
    void learnEventTypes(int first, int last);
    void showDetails();
    void chooseExportFile(ExportFormat format, ExportScope scope);

    TrafficLogModel *m_model;
    TrafficFilterModel *m_filter;
    QSplitter *m_splitter;
    QTableView *m_table;
    QPlainTextEdit *m_details;
    QLineEdit *m_text;
    QComboBox *m_eventType;
    QLineEdit *m_client;
    QComboBox *m_direction;
    QCheckBox *m_follow;
    QCheckBox *m_pause;
    QSpinBox *m_maxRows;
    QLabel *m_count;
    QSet<QString> m_knownTypes;
    QString m_serverUrl;
};

} // namespace sse::ui
