#include "qrcodewidget.h"

#include <QPainter>

#include <memory>
#include <qrencode.h>

namespace sse::ui {

QrCodeWidget::QrCodeWidget(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void QrCodeWidget::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_image = encode(text);
    setToolTip(text);
    update();
}

QImage QrCodeWidget::encode(const QString &text)
{
    if (text.isEmpty())
        return {};
    const QByteArray utf8 = text.toUtf8();
    const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString(utf8.constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
    if (!code)
        return {};
    constexpr int QuietZone = 4;
    const int width = code->width;
    QImage image(width + 2 * QuietZone, width + 2 * QuietZone, QImage::Format_Mono);
    image.fill(0); // index 0 is set to white below
    image.setColor(0, qRgb(255, 255, 255));
    image.setColor(1, qRgb(0, 0, 0));
    for (int y = 0; y < width; ++y) {
        for (int x = 0; x < width; ++x) {
            // Bit 0 of each byte is the module colour (1 = dark); the rest is libqrencode's own.
            if (code->data[y * width + x] & 1)
                image.setPixel(x + QuietZone, y + QuietZone, 1);
        }
    }
    return image;
}

void QrCodeWidget::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    if (m_image.isNull()) {
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, tr("No URL to show"));
        return;
    }
    // Whole pixels per module keep the code sharp enough for every phone camera.
    const int side = std::min(width(), height());
    const int scale = std::max(1, side / m_image.width());
    const int drawn = scale * m_image.width();
    const QRect target((width() - drawn) / 2, (height() - drawn) / 2, drawn, drawn);
    painter.drawImage(target, m_image);
}

} // namespace sse::ui
