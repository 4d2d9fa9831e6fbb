#include "sharepanel.h"

#include "qrcodewidget.h"

#include <QApplication>
#include <QButtonGroup>
#include <QClipboard>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace sse::ui {

namespace {

QToolButton *copyButton(QWidget *parent, const QString &tooltip)
{
    auto *button = new QToolButton(parent);
    button->setText(QObject::tr("Copy"));
    button->setToolTip(tooltip);
    return button;
}

} // namespace

SharePanel::SharePanel(QWidget *parent)
    : QWidget(parent)
    , m_urlRows(new QVBoxLayout)
    , m_urlChoice(new QButtonGroup(this))
    , m_hint(new QLabel(this))
    , m_qrCode(new QrCodeWidget(this))
    , m_token(new QLineEdit(this))
{
    m_qrCode->setObjectName(QStringLiteral("qrCode"));
    m_token->setObjectName(QStringLiteral("publishToken"));
    m_token->setReadOnly(true);
    m_hint->setWordWrap(true);

    auto *urlsBox = new QGroupBox(tr("Open in a browser"), this);
    auto *urlsLayout = new QVBoxLayout(urlsBox);
    urlsLayout->addLayout(m_urlRows);
    urlsLayout->addWidget(m_hint);
    urlsLayout->addWidget(m_qrCode, 1, Qt::AlignHCenter);

    auto *tokenBox = new QGroupBox(tr("Publish token"), this);
    auto *tokenLayout = new QHBoxLayout(tokenBox);
    tokenLayout->addWidget(m_token, 1);
    auto *copyToken = copyButton(tokenBox, tr("Copy the publish token"));
    copyToken->setObjectName(QStringLiteral("copyToken"));
    tokenLayout->addWidget(copyToken);
    tokenBox->setToolTip(
        tr("Publishing from another computer needs 'Authorization: Bearer TOKEN'"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(urlsBox, 1);
    layout->addWidget(tokenBox);

    connect(copyToken, &QToolButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_token->text()); });
    connect(m_urlChoice, &QButtonGroup::idClicked, this, &SharePanel::chooseUrl);
    setUrls({});
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
        choice->setToolTip(tr("Show this URL as a QR code"));
        auto *copy = copyButton(row, tr("Copy %1").arg(urls.at(index)));
        copy->setObjectName(QStringLiteral("copyUrl"));
        rowLayout->addWidget(choice, 1);
        rowLayout->addWidget(copy);
        m_urlChoice->addButton(choice, index);
        m_urlRows->addWidget(row);
        const QString url = urls.at(index);
        connect(copy, &QToolButton::clicked, this,
                [url] { QApplication::clipboard()->setText(url); });
    }
    if (urls.isEmpty()) {
        m_hint->setText(tr("The server is not running."));
    } else if (urls.size() == 1 && urls.constFirst().contains(QLatin1String("127.0.0.1"))) {
        m_hint->setText(tr("Only this computer can connect. Choose \"All interfaces\" or one "
                           "interface to let phones and other computers on the LAN in."));
    } else {
        m_hint->setText(tr("Scan the code with a phone on the same network."));
    }
    chooseUrl(0);
}

void SharePanel::chooseUrl(int index)
{
    if (index < 0 || index >= m_urls.size()) {
        m_qrCode->setText({});
        return;
    }
    if (QAbstractButton *button = m_urlChoice->button(index))
        button->setChecked(true);
    m_qrCode->setText(m_urls.at(index));
}

QString SharePanel::chosenUrl() const
{
    return m_qrCode->text();
}

void SharePanel::setToken(const QString &token)
{
    m_token->setText(token);
}

} // namespace sse::ui
