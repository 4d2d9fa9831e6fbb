#pragma once

#include <QImage>
#include <QWidget>

namespace sse::ui {

// Shows a QR code of a URL so a phone on the LAN can open it; encoded by libqrencode.
class QrCodeWidget : public QWidget
{
    Q_OBJECT

public:
    explicit QrCodeWidget(QWidget *parent = nullptr);

    void setText(const QString &text);
    QString text() const { return m_text; }
    // One pixel per module with a four-module quiet zone; null for empty or too long text.
    static QImage encode(const QString &text);
    QImage image() const { return m_image; }

    // Grows with its panel; never under 200 px, which phone cameras read from arm's length.
    QSize sizeHint() const override { return {260, 260}; }
    QSize minimumSizeHint() const override { return {200, 200}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_text;
    QImage m_image;
};

} // namespace sse::ui
