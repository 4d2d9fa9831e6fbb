#pragma once

#include <QLabel>

namespace sse::ui {

// A one-line label that never grows its window: text wider than the label ends in "…", and
// the whole text is then the tooltip. With reserveLine, the label keeps its line's height
// even while empty, so the widgets below it don't jump when a message comes and goes.
class ElidingLabel : public QLabel
{
    Q_OBJECT

public:
    explicit ElidingLabel(QWidget *parent = nullptr, bool reserveLine = false);

    void setFullText(const QString &text);
    // More for the tooltip, shown whether the text is elided or not.
    void setDetails(const QString &details);
    QString fullText() const { return m_fullText; }
    bool isElided() const { return text() != m_fullText; }

    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void updateElision();

    QString m_fullText;
    QString m_details;
};

} // namespace sse::ui
