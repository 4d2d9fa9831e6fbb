#include "sharepanel.h"

#include "bindchoice.h"
#include "qrcodewidget.h"

#include <QApplication>
#include <QButtonGroup>
#include <QClipboard>
#include <QDesktopServices>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

namespace sse::ui {

namespace {} // namespace

SharePanel::SharePanel(QWidget *parent)
    : QWidget(parent)
    , m_urlRows(new QVBoxLayout)
    , m_urlChoice(new QButtonGroup(this))
    , m_hint(new QLabel(this))
    , m_streamsNote(new QLabel(this))
    , m_browserLimit(new QLabel(this))
    , m_qrCode(new QrCodeWidget(this))
    , m_token(new QLineEdit(this))
    , m_listenAll(new QPushButton(this))
    , m_openInBrowser(new QPushButton(this))
    , m_urlsBox(new QGroupBox(this))
    , m_tokenBox(new QGroupBox(this))
    , m_copyToken(new QToolButton(m_tokenBox))
    , m_trustBox(new QGroupBox(this))
    , m_trustSteps(new QLabel(m_trustBox))
    , m_showCa(new QPushButton(m_trustBox))
{
    m_qrCode->setObjectName(QStringLiteral("qrCode"));
    m_qrCode->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    m_hint->setObjectName(QStringLiteral("shareHint"));
    m_listenAll->setObjectName(QStringLiteral("listenAllButton"));
    m_openInBrowser->setObjectName(QStringLiteral("openInBrowserButton"));
    m_token->setObjectName(QStringLiteral("publishToken"));
    m_token->setReadOnly(true);
    m_hint->setWordWrap(true);
    m_streamsNote->setObjectName(QStringLiteral("streamsNote"));
    m_streamsNote->setWordWrap(true);

    auto *urlsLayout = new QVBoxLayout(m_urlsBox);
    urlsLayout->addLayout(m_urlRows);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_openInBrowser);
    buttons->addWidget(m_listenAll);
    buttons->addStretch(1);
    urlsLayout->addLayout(buttons);
    urlsLayout->addWidget(m_hint);
    urlsLayout->addWidget(m_streamsNote);
    m_browserLimit->setObjectName(QStringLiteral("shareBrowserLimit"));
    m_browserLimit->setWordWrap(true);
    m_browserLimit->setStyleSheet(
        QStringLiteral("QLabel { background: #ffe696; color: black; padding: 2px 4px; }"));
    m_browserLimit->hide();
    urlsLayout->addWidget(m_browserLimit);
    urlsLayout->addWidget(m_qrCode, 1);

    auto *tokenLayout = new QHBoxLayout(m_tokenBox);
    tokenLayout->addWidget(m_token, 1);
    m_copyToken->setObjectName(QStringLiteral("copyToken"));
    tokenLayout->addWidget(m_copyToken);

    m_trustBox->setObjectName(QStringLiteral("trustBox"));
    m_trustSteps->setObjectName(QStringLiteral("trustSteps"));
    m_trustSteps->setWordWrap(true);
    m_trustSteps->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_showCa->setObjectName(QStringLiteral("showCaCode"));
    m_showCa->setCheckable(true);
    auto *trustLayout = new QVBoxLayout(m_trustBox);
    trustLayout->addWidget(m_trustSteps);
    trustLayout->addWidget(m_showCa, 0, Qt::AlignLeft);
    m_trustBox->hide();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_urlsBox, 1);
    layout->addWidget(m_trustBox);
    layout->addWidget(m_tokenBox);

    connect(m_copyToken, &QToolButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_token->text()); });
    connect(m_urlChoice, &QButtonGroup::idClicked, this, &SharePanel::chooseUrl);
    connect(m_showCa, &QPushButton::toggled, this, &SharePanel::updateCode);
    connect(m_listenAll, &QPushButton::clicked, this, &SharePanel::listenOnAllInterfacesRequested);
    connect(m_openInBrowser, &QPushButton::clicked, this, [this] {
        if (const QString url = chosenUrl(); !url.isEmpty())
            QDesktopServices::openUrl(QUrl(url));
    });
    setUrls({});
    retranslateUi();
}

void SharePanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
}

void SharePanel::retranslateUi()
{
    m_listenAll->setText(tr("Listen on all interfaces"));
    m_listenAll->setToolTip(tr("Restart the server so phones and other computers on the LAN "
                               "can connect"));
    m_openInBrowser->setText(tr("Open in browser"));
    m_urlsBox->setTitle(tr("Open in a browser"));
    m_tokenBox->setTitle(tr("Publish token"));
    m_tokenBox->setToolTip(
        tr("Publishing from another computer needs 'Authorization: Bearer TOKEN'"));
    m_copyToken->setText(tr("Copy"));
    m_copyToken->setToolTip(tr("Copy the publish token"));
    m_trustBox->setTitle(tr("Trust this computer's certificate"));
    m_showCa->setText(tr("QR code of the certificate"));
    m_showCa->setToolTip(tr("Show the code of the page that installs the certificate; scan it "
                            "before the page's own code"));
    retranslateUrlRows();
    if (m_tls)
        setTls(*m_tls);
}

void SharePanel::retranslateUrlRows()
{
    const QList<QAbstractButton *> choices = m_urlChoice->buttons();
    for (QAbstractButton *choice : choices) {
        choice->setToolTip(tr("Show this URL as a QR code"));
        if (auto *copy =
                choice->parentWidget()->findChild<QToolButton *>(QStringLiteral("copyUrl"))) {
            copy->setText(tr("Copy"));
            copy->setToolTip(tr("Copy %1").arg(choice->text()));
        }
    }
    if (m_urls.isEmpty()) {
        m_hint->setText(tr("The server is not running."));
    } else if (isLoopbackOnly()) {
        m_hint->setText(tr("The server listens on this computer only: phones and other "
                           "computers can't reach it, so there is no QR code to scan."));
    } else {
        m_hint->setText(tr("Scan the code with a phone on the same network."));
    }
    if (m_tls && m_tls->enabled) {
        m_streamsNote->setText(tr("Over HTTPS browsers speak HTTP/2: one browser may keep up to "
                                  "%1 streams open to this server on one connection.")
                                   .arg(m_http2Streams));
    } else {
        m_streamsNote->setText(tr("Over plain HTTP a browser opens at most 6 streams to this "
                                  "server; a seventh tab waits. Browsers speak HTTP/2, which "
                                  "lifts the limit to %1, only over HTTPS (Settings).")
                                   .arg(m_http2Streams));
    }
}

void SharePanel::setBrowserLimitNotice(const QString &text)
{
    m_browserLimit->setText(text);
    m_browserLimit->setVisible(!text.isEmpty());
}

void SharePanel::setUrls(const QStringList &urls)
{
    if (urls == m_urls && m_urlRows->count() > 0)
        return;
    m_urls = urls;
    while (QLayoutItem *item = m_urlRows->takeAt(0)) {
        delete item->layout(); // the row's widgets are the panel's children, deleted next
        delete item;
    }
    const auto oldButtons = m_urlChoice->buttons();
    for (QAbstractButton *button : oldButtons)
        m_urlChoice->removeButton(button);
    qDeleteAll(findChildren<QWidget *>(QStringLiteral("urlRow")));

    for (int index = 0; index < urls.size(); ++index) {
        auto *row = new QWidget(this);
        row->setObjectName(QStringLiteral("urlRow"));
        auto *rowLayout = new QHBoxLayout(row);
        rowLayout->setContentsMargins(0, 0, 0, 0);
        auto *choice = new QRadioButton(urls.at(index), row);
        auto *copy = new QToolButton(row); // retranslateUrlRows() gives it its words
        copy->setObjectName(QStringLiteral("copyUrl"));
        rowLayout->addWidget(choice, 1);
        rowLayout->addWidget(copy);
        m_urlChoice->addButton(choice, index);
        m_urlRows->addWidget(row);
        const QString url = urls.at(index);
        connect(copy, &QToolButton::clicked, this,
                [url] { QApplication::clipboard()->setText(url); });
    }
    retranslateUrlRows();
    const bool loopbackOnly = isLoopbackOnly();
    m_listenAll->setVisible(loopbackOnly);
    m_openInBrowser->setEnabled(!urls.isEmpty());
    m_qrCode->setVisible(!urls.isEmpty() && !loopbackOnly);
    chooseUrl(0);
}

bool SharePanel::isLoopbackOnly() const
{
    return !m_urls.isEmpty() && std::all_of(m_urls.cbegin(), m_urls.cend(), isLoopbackUrl);
}

void SharePanel::chooseUrl(int index)
{
    m_chosen = index >= 0 && index < m_urls.size() ? index : -1;
    if (QAbstractButton *button = m_urlChoice->button(index))
        button->setChecked(true);
    updateCode();
}

void SharePanel::updateCode()
{
    const QString url = chosenUrl();
    m_qrCode->setText(url.isEmpty() || !isShowingCaCode() ? url : caPageUrl(url));
}

QString SharePanel::chosenUrl() const
{
    return m_urls.value(m_chosen);
}

QString SharePanel::caPageUrl(const QString &url)
{
    QUrl page(url);
    page.setScheme(QStringLiteral("http"));
    page.setPath(QStringLiteral("/ca"));
    return page.toString();
}

void SharePanel::setHttp2Streams(int streams)
{
    m_http2Streams = streams;
    retranslateUrlRows();
}

void SharePanel::setTls(const sse::TlsStatus &tls)
{
    const bool localCa = tls.enabled && !tls.localCaFingerprint.isEmpty();
    m_tls = tls;
    retranslateUrlRows();
    m_trustBox->setVisible(localCa);
    if (!localCa) {
        showCaCode(false);
        return;
    }
    m_trustSteps->setText(
        tr("<p>Browsers trust this server once its certificate authority, <b>%1</b>, is "
           "installed on the device. Scan the certificate's code, or open "
           "<code>/ca</code> over http, then:</p>"
           "<ul><li><b>iPhone:</b> Settings › Profile Downloaded › Install; then General › "
           "About › Certificate Trust Settings › full trust.</li>"
           "<li><b>Android:</b> Settings › Security › Install a certificate › CA certificate. "
           "Chrome trusts it; Firefox does not by default.</li>"
           "<li><b>Debian:</b> copy it to /usr/local/share/ca-certificates/ and run "
           "<code>update-ca-certificates</code>.</li>"
           "<li><b>Chromium, Firefox on Linux:</b> <code>certutil -d sql:$HOME/.pki/nssdb -A "
           "-t C,, -n \"SSE Dashboard\" -i FILE</code>.</li></ul>"
           "<p>SHA-256: <code>%2</code></p>")
            .arg(tls.localCaName.toHtmlEscaped(), tls.localCaFingerprint));
}

void SharePanel::showCaCode(bool show)
{
    m_showCa->setChecked(show); // toggled() updates the code
}

bool SharePanel::isShowingCaCode() const
{
    return m_showCa->isChecked() && !m_trustBox->isHidden();
}

void SharePanel::setToken(const QString &token)
{
    m_token->setText(token);
}

} // namespace sse::ui
