#pragma once

#include "history.h"

#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace sse {
class ServerController;
}

namespace sse::ui {

class ClientsModel;
class HistoryModel;

// The History panel (docs/history.md): the server's kept events a page at a time, newest
// first, filtered by channel, type and text. Selected events can be sent again (through the
// broker, as new events), replayed byte for byte to one client from a chosen id, exported as a
// scenario; the whole history can be cleared. Pages are asked of the server thread and arrive
// as signals; nothing here blocks on the server.
class HistoryDock : public QWidget
{
    Q_OBJECT

public:
    static constexpr int PageSize = 200;

    HistoryDock(ServerController *controller, ClientsModel *clients, QWidget *parent = nullptr);

    HistoryModel *model() const { return m_model; }
    sse::HistoryFilter filter() const;
    void setServerRunning(bool running);
    // Something was published: the page is asked for again shortly, if the panel is shown.
    void historyMayHaveChanged();
    // Asks for the page at offset (0 is the newest) with the current filter.
    void showPage(int offset);
    void refresh() { showPage(m_offset); }

    // The actions, callable without their dialogs. Rows are the table's.
    void resendRows(const QList<int> &rows);
    void replayFromRow(int row, quint64 clientId);
    QString exportRows(const QList<int> &rows, const QString &path) const;
    // Asks before clearing; tests answer for the user.
    void setConfirmClear(std::function<bool()> confirm) { m_confirmClear = std::move(confirm); }
    void clearHistory();
    QList<int> selectedRows() const;
    QString status() const;

signals:
    void statusMessage(const QString &message);

protected:
    void showEvent(QShowEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    // "1–200 of 512" for the page shown; empty while there is none.
    void updatePageLabel();
    // The constructor's parts, in the order it runs them.
    void setUpWidgets();
    void layOutWidgets();
    void setUpTimers();
    void connectButtons();
    void connectController();

    void applyPage(quint64 tag, const sse::HistoryPage &page);
    void exportSelection();
    void updateButtons();
    void showStatus(const QString &message);

    ServerController *m_controller;
    ClientsModel *m_clients;
    HistoryModel *m_model;
    QTableView *m_table;
    QLineEdit *m_channel;
    QLineEdit *m_type;
    QLineEdit *m_text;
    QPushButton *m_newer;
    QPushButton *m_older;
    QLabel *m_pageLabel;
    QPushButton *m_resend;
    QComboBox *m_replayClient;
    QPushButton *m_replay;
    QPushButton *m_export;
    QPushButton *m_clear;
    QLabel *m_status;
    QTimer *m_refreshTimer;
    std::function<bool()> m_confirmClear;
    quint64 m_lastTag = 0;
    int m_offset = 0;
    bool m_pageShown = false;
    bool m_running = false;
};

} // namespace sse::ui
