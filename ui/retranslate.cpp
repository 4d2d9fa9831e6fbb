#include "retranslate.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>

namespace sse::ui {

void setRowLabel(QFormLayout *form, QWidget *field, const QString &text)
{
    for (int row = 0; row < form->rowCount(); ++row) {
        QLayoutItem *item = form->itemAt(row, QFormLayout::FieldRole);
        if (!item ||
            (item->widget() != field && (!item->layout() || item->layout()->indexOf(field) < 0)))
            continue;
        QLayoutItem *labelItem = form->itemAt(row, QFormLayout::LabelRole);
        if (auto *label = labelItem ? qobject_cast<QLabel *>(labelItem->widget()) : nullptr)
            label->setText(text);
        return;
    }
}

void setItemTexts(QComboBox *combo, const QStringList &texts)
{
    for (int index = 0; index < texts.size() && index < combo->count(); ++index)
        combo->setItemText(index, texts.at(index));
}

} // namespace sse::ui
