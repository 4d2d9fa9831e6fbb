#include "serverbar.h"

#include "elidinglabel.h"
#include "models/formatting.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace sse::ui {

ServerBar::ServerBar(QWidget *parent)
    : QWidget(parent)
    , m_startStop(new QPushButton(this))
    , m_bind(new QComboBox(this))
    , m_port(new QSpinBox(this))
    , m_status(new ElidingLabel(this))
    , m_eventLog(new ElidingLabel(this))
    , m_clients(new QLabel(this))
    , m_rate(new QLabel(this))
    , m_tls(new QLabel(this))
    , m_error(new QLabel(this))
    , m_settings(new QPushButton(this))
    , m_listenLabel(new QLabel(this))
    , m_portLabel(new QLabel(this))
{
    m_startStop->setObjectName(QStringLiteral("startStopButton"));
    m_bind->setObjectName(QStringLiteral("bindChoice"));
    m_port->setObjectName(QStringLiteral("portSpinBox"));
    m_status->setObjectName(QStringLiteral("serverStatus"));
    m_eventLog->setObjectName(QStringLiteral("eventLogStatus"));
    m_eventLog->hide();
    m_clients->setObjectName(QStringLiteral("clientCount"));
    m_rate->setObjectName(QStringLiteral("eventRate"));
    m_error->setObjectName(QStringLiteral("serverError"));
    m_tls->setObjectName(QStringLiteral("tlsStatus"));
    m_tls->hide();

    m_port->setRange(0, 65535);
    fillBindChoices();
    m_settings->setObjectName(QStringLiteral("settingsButton"));

    // A failed start must be impossible to miss, not a line on stderr.
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral(
        "QLabel { background: #fdd; color: #800; border: 1px solid #c66; padding: 4px; }"));
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();

    auto *row = new QHBoxLayout;
    row->addWidget(m_startStop);
    row->addWidget(m_listenLabel);
    row->addWidget(m_bind);
    row->addWidget(m_portLabel);
    row->addWidget(m_port);
    row->addWidget(m_settings);
    row->addSpacing(12);
    row->addWidget(m_tls);
    row->addWidget(m_status, 1);
    row->addWidget(m_eventLog, 2); // its text is the longer one
    row->addWidget(m_clients);
    row->addWidget(m_rate);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 0);
    layout->addLayout(row);
    layout->addWidget(m_error);

    connect(m_startStop, &QPushButton::clicked, this, [this] {
        if (m_state == State::Stopped)
            emit startRequested();
        else
            emit stopRequested();
    });
    connect(m_settings, &QPushButton::clicked, this, &ServerBar::settingsRequested);
    setState(State::Stopped);
    retranslateUi();
}

void ServerBar::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
}

void ServerBar::retranslateUi()
{
    m_port->setToolTip(tr("TCP port; 0 picks a free one"));
    m_bind->setToolTip(tr("Which network the server can be reached from"));
    m_settings->setText(tr("Settings…"));
    m_listenLabel->setText(tr("Listen on:"));
    m_portLabel->setText(tr("Port:"));
    const QList<LanAddress> lan = lanAddresses();
    for (int row = 0; row < m_bind->count(); ++row)
        m_bind->setItemText(
            row, bindLabel(BindChoice::fromSetting(m_bind->itemData(row).toString()), lan));
    // The state, the lock and the figures are sentences too: say them again.
    setState(m_state, m_startUrl, m_startUrls);
    if (m_tlsStatus)
        setTls(*m_tlsStatus);
    if (!m_errorMessage.isEmpty())
        m_error->setText(tr("The server could not start: %1").arg(m_errorMessage));
    updateStats(m_stats, m_eventsPerSecond);
}

QString ServerBar::bindLabel(const BindChoice &choice, const QList<LanAddress> &lan)
{
    switch (choice.mode) {
    case BindChoice::Mode::LocalOnly:
        return tr("This computer only");
    case BindChoice::Mode::AllInterfaces:
        return tr("All interfaces");
    case BindChoice::Mode::OneInterface:
        for (const LanAddress &address : lan) {
            if (address.interfaceName == choice.interfaceName)
                return tr("%1 (%2)").arg(address.humanName, address.address.toString());
        }
        // An interface that is down now: still offered, as exactly that.
        return tr("%1 (not connected)").arg(choice.interfaceName);
    case BindChoice::Mode::Address:
        break;
    }
    return choice.address.toString();
}

void ServerBar::fillBindChoices()
{
    m_bind->clear();
    const QList<LanAddress> lan = lanAddresses();
    BindChoice all;
    all.mode = BindChoice::Mode::AllInterfaces;
    QList<BindChoice> choices{BindChoice(), all};
    for (const LanAddress &address : lan) {
        BindChoice one;
        one.mode = BindChoice::Mode::OneInterface;
        one.interfaceName = address.interfaceName;
        if (!choices.contains(one))
            choices.append(one);
    }
    for (const BindChoice &choice : std::as_const(choices))
        m_bind->addItem(bindLabel(choice, lan), choice.toSetting());
}

void ServerBar::setBindChoice(const BindChoice &choice)
{
    int row = m_bind->findData(choice.toSetting());
    if (row < 0) {
        // An interface that is down now, or a --bind address: still offer exactly that.
        m_bind->addItem(bindLabel(choice, lanAddresses()), choice.toSetting());
        row = m_bind->count() - 1;
    }
    m_bind->setCurrentIndex(row);
}

BindChoice ServerBar::bindChoice() const
{
    return BindChoice::fromSetting(m_bind->currentData().toString());
}

void ServerBar::setPort(quint16 port)
{
    m_askedPort = port;
    m_port->setValue(port);
}

quint16 ServerBar::port() const
{
    return m_state == State::Running ? m_askedPort : quint16(m_port->value());
}

void ServerBar::showRunningPort(quint16 port)
{
    m_port->setValue(port);
}

void ServerBar::setState(State state, const QString &url, const QStringList &urls)
{
    if (state == State::Running && m_state != State::Running)
        m_askedPort = quint16(m_port->value());
    else if (state != State::Running && m_state == State::Running)
        m_port->setValue(m_askedPort);
    m_state = state;
    m_startUrl = url;
    m_startUrls = urls;
    m_startStop->setText(state == State::Stopped ? tr("Start") : tr("Stop"));
    m_startStop->setEnabled(state != State::Starting);
    m_bind->setEnabled(state == State::Stopped);
    m_port->setEnabled(state == State::Stopped);
    if (state != State::Running) {
        updateEventLog({});
        m_tls->hide();
        m_tlsStatus.reset();
    }
    switch (state) {
    case State::Stopped:
        m_status->setFullText(tr("Stopped"));
        break;
    case State::Starting:
        m_error->hide();
        m_status->setFullText(tr("Starting…"));
        break;
    case State::Running:
        m_error->hide();
        m_url = url;
        // Listening beyond this computer: the address to give others is the useful one
        // (shareUrls lists LAN addresses first).
        if (!urls.isEmpty() && !isLoopbackUrl(urls.constFirst()))
            m_url = urls.constFirst();
        m_status->setFullText(tr("Running at %1").arg(url));
        break;
    }
}

void ServerBar::setTls(const sse::TlsStatus &tls)
{
    m_tls->setVisible(tls.enabled);
    m_tlsStatus = tls;
    if (!tls.enabled)
        return;
    // U+1F512 LOCK: the sign every browser uses for HTTPS.
    const QString until =
        QLocale().toString(tls.notAfter.toLocalTime().date(), QLocale::ShortFormat);
    const QString lock = QStringLiteral("\U0001F512 ");
    m_tls->setText(lock + (tls.warning.isEmpty() ? tr("HTTPS until %1").arg(until)
                                                 : tr("HTTPS: %1").arg(tls.warning)));
    m_tls->setStyleSheet(tls.warning.isEmpty()
                             ? QString()
                             : QStringLiteral("QLabel { background: #fdd; color: #800; }"));
    const QString authority =
        tls.localCaName.isEmpty()
            ? tr("Certificate: %1 (%2)").arg(tls.subjectName, tls.certificateFile)
            : tr("Certificate of the local CA \"%1\", SHA-256 %2. Devices install it from the "
                 "Connect panel.")
                  .arg(tls.localCaName, tls.localCaFingerprint);
    m_tls->setToolTip(tr("Every route and stream is served over TLS 1.2 or 1.3; plain HTTP "
                         "on this port is redirected.") +
                      QLatin1Char('\n') + authority);
}

QString ServerBar::tlsText() const
{
    return m_tls->isHidden() ? QString() : m_tls->text();
}

void ServerBar::showError(const QString &message)
{
    m_errorMessage = message;
    m_error->setText(tr("The server could not start: %1").arg(message));
    m_error->show();
}

QString ServerBar::statusText() const
{
    return m_status->fullText();
}

QString ServerBar::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void ServerBar::updateStats(const ServerStats &stats, double eventsPerSecond)
{
    m_stats = stats;
    m_eventsPerSecond = eventsPerSecond;
    if (m_state == State::Running) {
        m_status->setFullText(
            tr("Running at %1 — up %2").arg(m_url, formatDuration(stats.uptimeSeconds)));
    }
    // Queues, replays and refusals appear once there are any: they are what a storm or a slow
    // reader looks like from here.
    QStringList clients{tr("%n client(s)", nullptr, stats.clients)};
    if (stats.replays > 0)
        clients << tr("%n replaying", nullptr, stats.replays);
    if (stats.queuedBytes > 0) {
        clients << tr("%1 queued of %2")
                       .arg(locale().formattedDataSize(stats.queuedBytes),
                            locale().formattedDataSize(stats.queuedBytesLimit));
    }
    if (stats.slowClientDrops > 0)
        clients << tr("%n dropped as slow", nullptr, int(stats.slowClientDrops));
    if (stats.retryAnswers > 0)
        clients << tr("%n told to retry", nullptr, int(stats.retryAnswers));
    m_clients->setText(clients.join(QStringLiteral(" · ")));
    m_rate->setText(tr("%1 events/s").arg(eventsPerSecond, 0, 'f', 1));
    updateEventLog(stats);
}

void ServerBar::updateEventLog(const ServerStats &stats)
{
    // A log of this instance's own (memory, SQLite) has nothing to add to "Running"; a shared
    // one can be lost while the server runs on, and then publishing fails.
    const bool shared = m_state == State::Running && stats.logBackend == QLatin1String("redis");
    m_eventLog->setVisible(shared);
    const bool lost = shared && !stats.logAvailable;
    if (lost != m_eventLogLost) {
        m_eventLogLost = lost;
        m_eventLog->setStyleSheet(
            lost ? QStringLiteral("QLabel { background: #fdd; color: #800; padding: 0 4px; }")
                 : QString());
    }
    if (!shared) {
        m_eventLog->setFullText({});
        m_eventLog->setDetails({});
        return;
    }
    m_eventLog->setFullText(
        lost ? tr("Redis lost: %1 — reconnecting; publishing answers 503").arg(stats.logError)
             : tr("Redis %1: connected · %n instance(s)", nullptr, stats.clusterInstances)
                   .arg(stats.logLocation));
    m_eventLog->setDetails(tr("The event log is shared through Redis at %1.\nConnections lost "
                              "and made again: %2\nHistory gaps signalled to clients: %3")
                               .arg(stats.logLocation)
                               .arg(stats.logReconnects)
                               .arg(stats.logGaps));
}

QString ServerBar::eventLogText() const
{
    return m_eventLog->isHidden() ? QString() : m_eventLog->fullText();
}

QString ServerBar::eventLogDetails() const
{
    return m_eventLog->isHidden() ? QString() : m_eventLog->toolTip();
}

} // namespace sse::ui
