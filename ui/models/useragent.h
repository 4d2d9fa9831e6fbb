#pragma once

#include <QString>

namespace sse::ui {

// What an operator wants to know of a User-Agent header: which browser (or tool) and which OS.
struct UserAgentInfo
{
    QString browser; // "Firefox 120", "curl 7.88", or the first product token
    QString os;      // "Windows", "Android", "iOS", "macOS", "Linux", ... or empty
};

UserAgentInfo parseUserAgent(const QString &userAgent);

} // namespace sse::ui
