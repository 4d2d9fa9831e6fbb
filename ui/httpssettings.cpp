#include "httpssettings.h"

#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QLineEdit>
#include <QPushButton>

namespace sse::ui {

HttpsSettings::HttpsSettings(const ServerConfig &config, QWidget *parent)
    : QWidget(parent)
{
    m_mode = new QComboBox(this);
    m_mode->setObjectName(QStringLiteral("httpsMode"));
    m_mode->addItem(tr("Off: plain HTTP"), int(Mode::Off));
    m_mode->addItem(tr("On, with the dashboard's own certificate authority"), int(Mode::LocalCa));
    m_mode->addItem(tr("On, with certificate files"), int(Mode::Files));
    m_mode->setToolTip(
        tr("HTTPS lets pages served over https subscribe, keeps the token off the network in "
           "the clear, and opens the way to HTTP/2. With the dashboard's own authority, phones "
           "install its certificate once from the Connect panel (docs/tls.md)."));
    m_certFile = fileRow(config.tlsCertFile, tr("PEM certificate chain"), tr("Certificate file"),
                         &m_browseCert);
    m_certFile->setObjectName(QStringLiteral("tlsCertFile"));
    m_keyFile =
        fileRow(config.tlsKeyFile, tr("PEM private key"), tr("Private key file"), &m_browseKey);
    m_keyFile->setObjectName(QStringLiteral("tlsKeyFile"));

    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_mode, 0, 0, 1, 2);
    grid->addWidget(m_certFile, 1, 0);
    grid->addWidget(m_browseCert, 1, 1);
    grid->addWidget(m_keyFile, 2, 0);
    grid->addWidget(m_browseKey, 2, 1);

    setMode(config.tlsLocal                                               ? Mode::LocalCa
            : config.tlsCertFile.isEmpty() && config.tlsKeyFile.isEmpty() ? Mode::Off
                                                                          : Mode::Files);
    connect(m_mode, &QComboBox::currentIndexChanged, this, &HttpsSettings::updateEnabled);
}

QLineEdit *HttpsSettings::fileRow(const QString &value, const QString &placeholder,
                                  const QString &title, QPushButton **browse)
{
    auto *edit = new QLineEdit(value, this);
    edit->setPlaceholderText(placeholder);
    edit->setClearButtonEnabled(true);
    *browse = new QPushButton(tr("Browse…"), this);
    connect(*browse, &QPushButton::clicked, this, [this, edit, title] {
        const QString path = QFileDialog::getOpenFileName(
            this, title, edit->text(), tr("PEM files (*.pem *.crt *.key);;All files (*)"));
        if (!path.isEmpty())
            edit->setText(path);
    });
    return edit;
}

HttpsSettings::Mode HttpsSettings::mode() const
{
    return Mode(m_mode->currentData().toInt());
}

void HttpsSettings::setMode(Mode mode)
{
    m_mode->setCurrentIndex(m_mode->findData(int(mode)));
    updateEnabled();
}

void HttpsSettings::updateEnabled()
{
    const bool files = mode() == Mode::Files;
    for (QWidget *widget :
         {static_cast<QWidget *>(m_certFile), static_cast<QWidget *>(m_keyFile),
          static_cast<QWidget *>(m_browseCert), static_cast<QWidget *>(m_browseKey)}) {
        widget->setEnabled(files);
    }
}

void HttpsSettings::apply(ServerConfig &config) const
{
    config.tlsLocal = mode() == Mode::LocalCa;
    config.tlsCertFile = mode() == Mode::Files ? m_certFile->text().trimmed() : QString();
    config.tlsKeyFile = mode() == Mode::Files ? m_keyFile->text().trimmed() : QString();
}

} // namespace sse::ui
