#pragma once

#include <QString>

namespace sse::ui {

// "512 B", "1.5 KiB", "3.2 MiB": sizes an operator reads at a glance.
QString formatBytes(qint64 bytes);
// "42 s", "3 min 5 s", "2 h 4 min".
QString formatDuration(qint64 seconds);

} // namespace sse::ui
