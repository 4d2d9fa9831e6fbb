#pragma once

#include "servertypes.h"

#include <QStringList>
#include <QWidget>

#include <optional>

class QButtonGroup;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QToolButton;
class QVBoxLayout;

namespace sse::ui {

class QrCodeWidget;

// How others reach the server: the URLs a device on the LAN can open (each with a copy
// button), a QR code of the chosen one, and the publish token.
class SharePanel : public QWidget
{
    Q_OBJECT

public:
    explicit SharePanel(QWidget *parent = nullptr);

    // An empty list means the server is not running.
    void setUrls(const QStringList &urls);
    QStringList urls() const { return m_urls; }
    void setToken(const QString &token);
    QString chosenUrl() const;
    void chooseUrl(int index);
    QrCodeWidget *qrCode() const { return m_qrCode; }
    // Only this computer can connect: the QR code would be of no use to a phone.
    bool isLoopbackOnly() const;
    // Why another tab of a browser waits (ClientsModel::browserLimitNotice); empty hides it.
    void setBrowserLimitNotice(const QString &text);
    // With the local CA: how a device comes to trust it, and a QR code of its download page.
    void setTls(const sse::TlsStatus &tls);
    // --max-h2-streams of the running server: what one browser may open over HTTPS.
    void setHttp2Streams(int streams);
    // The QR code shows the CA's page (over plain HTTP: the device does not trust the
    // server yet) instead of the chosen URL.
    void showCaCode(bool show);
    bool isShowingCaCode() const;
    // The page that installs the CA, for the chosen URL: http://HOST:PORT/ca.
    static QString caPageUrl(const QString &url);
    QPushButton *caCodeButton() const { return m_showCa; }
    QGroupBox *trustBox() const { return m_trustBox; }

signals:
    void listenOnAllInterfacesRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    // The URL rows' buttons and the hint under them.
    void retranslateUrlRows();
    void updateCode();

    QStringList m_urls;
    int m_chosen = -1;
    QVBoxLayout *m_urlRows;
    QButtonGroup *m_urlChoice;
    QLabel *m_hint;
    QLabel *m_streamsNote; // how many streams a browser may open, and what HTTPS changes
    int m_http2Streams = 256;
    QLabel *m_browserLimit;
    QrCodeWidget *m_qrCode;
    QLineEdit *m_token;
    QPushButton *m_listenAll;
    QPushButton *m_openInBrowser;
    QGroupBox *m_urlsBox;
    QGroupBox *m_tokenBox;
    QToolButton *m_copyToken;
    std::optional<sse::TlsStatus> m_tls; // the trust steps are said again in a new language
    QGroupBox *m_trustBox;
    QLabel *m_trustSteps;
    QPushButton *m_showCa;
};

} // namespace sse::ui
