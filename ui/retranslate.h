#pragma once

#include <QStringList>

class QComboBox;
class QFormLayout;
class QWidget;

namespace sse::ui {

// Helpers for the widgets' retranslateUi(), which sets every text again when the language
// changes while the window is open.

// The label of the form's row whose field is field, or a layout that holds field.
void setRowLabel(QFormLayout *form, QWidget *field, const QString &text);
// The texts of the combo box's first items, in order; their data and the choice stay.
void setItemTexts(QComboBox *combo, const QStringList &texts);

} // namespace sse::ui
