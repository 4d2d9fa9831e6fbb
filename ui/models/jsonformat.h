#pragma once

#include <QString>

#include <optional>

namespace sse::ui {

// Re-indents JSON text without reordering anything: keys stay where the author put them
// (QJsonDocument would sort them) and strings are copied byte for byte. Pretty uses four
// spaces, like QJsonDocument::Indented. nullopt when the text is not valid JSON.
std::optional<QString> reformatJson(const QString &json, bool pretty);

} // namespace sse::ui
