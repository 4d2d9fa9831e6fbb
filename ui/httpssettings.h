#pragma once

#include "serverconfig.h"

#include <QWidget>

class QComboBox;
class QLineEdit;
class QPushButton;

namespace sse::ui {

// The HTTPS part of the settings (docs/tls.md): off, the dashboard's own certificate authority
// (--tls-local), or certificate files (--tls-cert, --tls-key).
class HttpsSettings : public QWidget
{
    Q_OBJECT

public:
    enum class Mode { Off, LocalCa, Files };

    explicit HttpsSettings(const ServerConfig &config, QWidget *parent = nullptr);

    Mode mode() const;
    void setMode(Mode mode);
    // Writes the choice into the TLS members of config.
    void apply(ServerConfig &config) const;

    QLineEdit *certificateFile() const { return m_certFile; }
    QLineEdit *keyFile() const { return m_keyFile; }

private:
    QLineEdit *fileRow(const QString &value, const QString &placeholder, const QString &title,
                       QPushButton **browse);
    void updateEnabled();

    QComboBox *m_mode;
    QLineEdit *m_certFile;
    QLineEdit *m_keyFile;
    QPushButton *m_browseCert = nullptr;
    QPushButton *m_browseKey = nullptr;
};

} // namespace sse::ui
