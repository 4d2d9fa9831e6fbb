#include "settingsdialog.h"

#include "httpssettings.h"
#include "serveroptions.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

#include <algorithm>
#include <limits>

namespace sse::ui {

namespace {

QSpinBox *spinBox(QWidget *parent, int minimum, int maximum, int value, const QString &suffix)
{
    auto *box = new QSpinBox(parent);
    box->setRange(minimum, maximum);
    box->setValue(value);
    box->setSuffix(suffix);
    return box;
}

// A spin box with the range of a server option, counted in units of `scale` (1024 for KiB).
QSpinBox *optionSpinBox(QWidget *parent, const QString &optionName, qint64 value,
                        const QString &suffix, qint64 scale = 1)
{
    const ConfigOption *option = findConfigOption(optionName);
    Q_ASSERT(option);
    const auto scaled = [scale](qint64 bytes) {
        return int(std::clamp<qint64>(bytes / scale, 0, std::numeric_limits<int>::max()));
    };
    return spinBox(parent, scaled(option->minimum), scaled(option->maximum), scaled(value), suffix);
}

} // namespace

SettingsDialog::SettingsDialog(const DashboardSettings &settings, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
{
    setWindowTitle(tr("Server settings"));
    const ServerConfig &server = settings.server;
    // Ranges come from the server's option table, the same the command line checks.
    m_heartbeat =
        optionSpinBox(this, QStringLiteral("heartbeat"), server.heartbeatSeconds, tr(" s"));
    m_history = optionSpinBox(this, QStringLiteral("history"), server.historySize, tr(" events"));
    QHBoxLayout *historyFileRow = createHistoryFileRow(server);
    m_redisUrl = new QLineEdit(server.redisUrl, this);
    m_redisUrl->setObjectName(QStringLiteral("redisUrl"));
    m_redisUrl->setPlaceholderText(tr("redis://127.0.0.1:6379/0 — empty: this instance alone"));
    m_redisUrl->setToolTip(
        tr("Share channels, event ids and history with other instances through Redis: "
           "redis://HOST:PORT[/DB][?prefix=P] (docs/scaling.md). While it is set, the history "
           "is kept in Redis and the history file is not used."));
    m_redisUrl->setClearButtonEnabled(true);
    m_https = new HttpsSettings(server, this);
    m_maxQueueKiB =
        optionSpinBox(this, QStringLiteral("max-queue"), server.maxQueueBytes, tr(" KiB"), 1024);
    m_maxClients = optionSpinBox(this, QStringLiteral("max-clients"), server.maxClients, {});
    m_idleTimeout =
        optionSpinBox(this, QStringLiteral("idle-timeout"), server.idleTimeoutSeconds, tr(" s"));
    m_maxBodyKiB =
        optionSpinBox(this, QStringLiteral("max-body"), server.maxBodyBytes, tr(" KiB"), 1024);
    m_token = new QLineEdit(server.token, this);
    m_subscriberToken = new QLineEdit(server.subscriberToken, this);
    m_subscriberToken->setPlaceholderText(tr("none: anyone may subscribe"));
    m_logRows = spinBox(this, 100, 1000000, settings.logMaxRows, tr(" rows"));
    m_sendHistory = spinBox(this, 1, 1000, settings.sendHistorySize, tr(" sends"));
    auto *newToken = new QPushButton(tr("New"), this);
    connect(newToken, &QPushButton::clicked, this, [this] { m_token->setText(generateToken()); });
    auto *tokenRow = new QHBoxLayout;
    tokenRow->addWidget(m_token, 1);
    tokenRow->addWidget(newToken);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("settingsError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #b00; }"));
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();
    layOutForm(historyFileRow, tokenRow);
}

QHBoxLayout *SettingsDialog::createHistoryFileRow(const ServerConfig &server)
{
    m_historyInFile = new QCheckBox(tr("Keep it in a file"), this);
    m_historyInFile->setObjectName(QStringLiteral("historyInFile"));
    m_historyInFile->setToolTip(tr("The history survives restarts and crashes, and ids go on "
                                   "from where they were. Off: it is kept in memory."));
    m_historyInFile->setChecked(!server.historyFile.isEmpty());
    m_historyFile = new QLineEdit(
        server.historyFile.isEmpty() ? DashboardSettings::defaultHistoryFile() : server.historyFile,
        this);
    m_historyFile->setObjectName(QStringLiteral("historyFile"));
    m_historyFile->setEnabled(m_historyInFile->isChecked());
    auto *browseHistory = new QPushButton(tr("Browse…"), this);
    browseHistory->setEnabled(m_historyInFile->isChecked());
    connect(m_historyInFile, &QCheckBox::toggled, m_historyFile, &QWidget::setEnabled);
    connect(m_historyInFile, &QCheckBox::toggled, browseHistory, &QWidget::setEnabled);
    connect(browseHistory, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("History file"), m_historyFile->text(),
            tr("SQLite files (*.sqlite *.db);;All files (*)"), nullptr,
            QFileDialog::DontConfirmOverwrite); // an existing history is opened, not replaced
        if (!path.isEmpty())
            m_historyFile->setText(path);
    });
    auto *historyFileRow = new QHBoxLayout;
    historyFileRow->addWidget(m_historyInFile);
    historyFileRow->addWidget(m_historyFile, 1);
    historyFileRow->addWidget(browseHistory);
    return historyFileRow;
}

void SettingsDialog::layOutForm(QHBoxLayout *historyFileRow, QHBoxLayout *tokenRow)
{
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *form = new QFormLayout(this);
    form->addRow(tr("Heartbeat every:"), m_heartbeat);
    form->addRow(tr("History for replay:"), m_history);
    form->addRow(tr("History file:"), historyFileRow);
    form->addRow(tr("Redis:"), m_redisUrl);
    form->addRow(tr("HTTPS:"), m_https);
    form->addRow(tr("Slow-consumer limit:"), m_maxQueueKiB);
    form->addRow(tr("Most clients:"), m_maxClients);
    form->addRow(tr("Request timeout:"), m_idleTimeout);
    form->addRow(tr("Largest publish body:"), m_maxBodyKiB);
    form->addRow(tr("Publish token:"), tokenRow);
    form->addRow(tr("Subscriber token:"), m_subscriberToken);
    form->addRow(tr("Traffic log keeps:"), m_logRows);
    form->addRow(tr("Recent sends kept:"), m_sendHistory);
    form->addRow(m_error);
    form->addRow(buttons);
}

void SettingsDialog::accept()
{
    // The server's own check, so the dialog refuses what --redis and friends refuse, with
    // the same sentence.
    const QString problem = settings().serverConfig().validate();
    if (!problem.isEmpty()) {
        m_error->setText(problem);
        m_error->show();
        return;
    }
    m_error->hide();
    QDialog::accept();
}

QString SettingsDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

DashboardSettings SettingsDialog::settings() const
{
    DashboardSettings result = m_settings;
    ServerConfig &server = result.server;
    server.heartbeatSeconds = m_heartbeat->value();
    server.historySize = m_history->value();
    const QString historyFile = m_historyFile->text().trimmed();
    server.historyFile = !m_historyInFile->isChecked() ? QString()
                         : historyFile.isEmpty()       ? DashboardSettings::defaultHistoryFile()
                                                       : historyFile;
    server.maxQueueBytes = qint64(m_maxQueueKiB->value()) * 1024;
    server.maxClients = m_maxClients->value();
    server.idleTimeoutSeconds = m_idleTimeout->value();
    server.maxBodyBytes = qint64(m_maxBodyKiB->value()) * 1024;
    server.token = m_token->text().trimmed();
    if (server.token.isEmpty())
        server.token = generateToken();
    server.subscriberToken = m_subscriberToken->text().trimmed();
    server.redisUrl = m_redisUrl->text().trimmed();
    m_https->apply(server);
    result.logMaxRows = m_logRows->value();
    result.sendHistorySize = m_sendHistory->value();
    return result;
}

} // namespace sse::ui
