#pragma once

#include "dashboardsettings.h"

#include <QDialog>

class QCheckBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace sse::ui {

class HttpsSettings;

// The settings that rarely change: heartbeat, history, limits, tokens, log and history sizes.
// They apply at the next (re)start of the server.
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    SettingsDialog(const DashboardSettings &settings, QWidget *parent = nullptr);

    DashboardSettings settings() const;
    // Refuses settings the server would refuse to start with, saying why in the dialog.
    void accept() override;
    QString errorText() const;
    HttpsSettings *https() const { return m_https; }

private:
    QHBoxLayout *createHistoryFileRow(const ServerConfig &server);
    void layOutForm(QHBoxLayout *historyFileRow, QHBoxLayout *tokenRow);

    DashboardSettings m_settings;
    QSpinBox *m_heartbeat;
    QSpinBox *m_history;
    QCheckBox *m_historyInFile;
    QLineEdit *m_historyFile;
    QLineEdit *m_redisUrl;
    HttpsSettings *m_https;
    QSpinBox *m_maxQueueKiB;
    QSpinBox *m_maxClients;
    QSpinBox *m_idleTimeout;
    QSpinBox *m_maxBodyKiB;
    QLineEdit *m_token;
    QLineEdit *m_subscriberToken;
    QSpinBox *m_logRows;
    QSpinBox *m_sendHistory;
    QLabel *m_error;
};

} // namespace sse::ui
