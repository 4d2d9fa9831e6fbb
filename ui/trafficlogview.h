#pragma once

#include "servertypes.h"

#include <QPointer>
#include <QSet>
#include <QWidget>

class QAction;
class QCheckBox;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QMenu;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QSplitter;
class QTableView;
class QToolButton;

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
    // The four export choices (whole or filtered, NDJSON or HAR), for a menu of the window's.
    void addExportActions(QMenu *menu);

    void focusSearch();
    // The selected rows as tab-separated text, as in the table, on the clipboard.
    void copySelectedRows();
    // The raw pane shows the bytes as text or as a hex dump.
    void setHexView(bool hex);
    QString detailsText() const;
    // What the row context menu offers for a row of the filtered view.
    QMenu *contextMenuForRow(int row);
    void filterByClient(quint64 clientId);
    void filterByEventType(const QString &eventType);

signals:
    void exported(const QString &path);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void updateCount();
    static QString exportText(int index);
    // The constructor's parts.
    void setUpTableAndDetails();
    void setUpFilters();
    QHBoxLayout *buildFooter();
    void connectViews();

    void applyFilters();
    void learnEventTypes(int first, int last);
    void showDetails();
    void chooseExportFile(ExportFormat format, ExportScope scope);
    const sse::TrafficRecord *recordAtRow(int row) const;

    TrafficLogModel *m_model;
    TrafficFilterModel *m_filter;
    QSplitter *m_splitter;
    QTableView *m_table;
    QPlainTextEdit *m_details;
    QCheckBox *m_hex;
    QLineEdit *m_text;
    QComboBox *m_eventType;
    QLineEdit *m_client;
    QComboBox *m_direction;
    QCheckBox *m_follow;
    QCheckBox *m_pause;
    QSpinBox *m_maxRows;
    QLabel *m_count;
    QPushButton *m_clear;
    QToolButton *m_export;
    QList<QPointer<QAction>> m_exportActions; // in this view's menu and the window's
    QSet<QString> m_knownTypes;
    QString m_serverUrl;
};

} // namespace sse::ui
