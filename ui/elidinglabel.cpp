#include "elidinglabel.h"

#include <QResizeEvent>

namespace sse::ui {

ElidingLabel::ElidingLabel(QWidget *parent, bool reserveLine)
    : QLabel(parent)
{
    setTextFormat(Qt::PlainText);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    if (reserveLine)
        setMinimumHeight(fontMetrics().height());
}

void ElidingLabel::setFullText(const QString &text)
{
    m_fullText = text;
    updateElision();
}

void ElidingLabel::setDetails(const QString &details)
{
    m_details = details;
    updateElision();
}

QSize ElidingLabel::minimumSizeHint() const
{
    return {fontMetrics().horizontalAdvance(QStringLiteral("…")) * 4,
            QLabel::minimumSizeHint().height()};
}

QSize ElidingLabel::sizeHint() const
{
    return {fontMetrics().horizontalAdvance(m_fullText) + 2 * margin(),
            std::max(fontMetrics().height(), QLabel::sizeHint().height())};
}

void ElidingLabel::resizeEvent(QResizeEvent *event)
{
    QLabel::resizeEvent(event);
    updateElision();
}

void ElidingLabel::updateElision()
{
    const int width = contentsRect().width() - 2 * margin();
    const QString shown = fontMetrics().elidedText(m_fullText, Qt::ElideRight, std::max(width, 0));
    setText(shown);
    QStringList tip;
    if (shown != m_fullText)
        tip.append(m_fullText);
    if (!m_details.isEmpty())
        tip.append(m_details);
    setToolTip(tip.join(QStringLiteral("\n\n")));
}

} // namespace sse::ui
