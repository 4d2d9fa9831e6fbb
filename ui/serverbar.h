#pragma once

#include "bindchoice.h"
#include "servertypes.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;

namespace sse::ui {
class ElidingLabel;
}
class QPushButton;
class QSpinBox;

namespace sse::ui {

// The strip at the top: start/stop, where to listen, the port, and how the server is doing.
// It only shows and asks; MainWindow talks to the ServerController.
class ServerBar : public QWidget
{
    Q_OBJECT

public:
    enum class State { Stopped, Starting, Running };

    explicit ServerBar(QWidget *parent = nullptr);

    void setBindChoice(const sse::ui::BindChoice &choice);
    BindChoice bindChoice() const;
    // The port asked for (0: any free one); port() answers it also while the field shows the
    // running port (showRunningPort).
    void setPort(quint16 port);
    quint16 port() const;
    // While running, the field shows the port in use, also when any was asked for; it shows
    // the one asked for again once the server stops.
    void showRunningPort(quint16 port);

    // urls: where others reach the server; the bar shows a LAN one when there is one.
    void setState(State state, const QString &url = {}, const QStringList &urls = {});
    QString statusText() const;
    // HTTPS as served: a lock and the certificate's end, hidden for plain HTTP.
    void setTls(const sse::TlsStatus &tls);
    QString tlsText() const;
    State state() const { return m_state; }
    // A start failure (port in use, address not available): shown until the next start.
    void showError(const QString &message);
    QString errorText() const;
    void updateStats(const sse::ServerStats &stats, double eventsPerSecond);
    // The shared event log's state (Redis); empty for a log of this instance's own.
    QString eventLogText() const;
    QString eventLogDetails() const;
    bool eventLogLost() const { return m_eventLogLost; }

signals:
    void startRequested();
    void stopRequested();
    void settingsRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    static QString bindLabel(const sse::ui::BindChoice &choice, const QList<LanAddress> &lan);
    void fillBindChoices();
    void updateEventLog(const sse::ServerStats &stats);

    State m_state = State::Stopped;
    QString m_url;
    QPushButton *m_startStop;
    QComboBox *m_bind;
    QSpinBox *m_port;
    ElidingLabel *m_status;
    ElidingLabel *m_eventLog;
    bool m_eventLogLost = false;
    QLabel *m_clients;
    quint16 m_askedPort = 0; // while the field shows the running port
    QLabel *m_rate;
    QLabel *m_tls;
    QLabel *m_error;
    QPushButton *m_settings;
    QLabel *m_listenLabel;
    QLabel *m_portLabel;
    // What the texts were made of, to say again in a new language.
    QString m_startUrl;
    QStringList m_startUrls;
    std::optional<sse::TlsStatus> m_tlsStatus;
    QString m_errorMessage;
    sse::ServerStats m_stats;
    double m_eventsPerSecond = 0;
};

} // namespace sse::ui
