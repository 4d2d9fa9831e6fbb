#include "useragent.h"

#include <QRegularExpression>

namespace sse::ui {

namespace {

// "Firefox/120.0.1" → "Firefox 120": the major version is what tells browsers apart in practice.
QString productWithMajorVersion(const QString &userAgent, const QString &token, const QString &name)
{
    const QRegularExpression pattern(QRegularExpression::escape(token) + QStringLiteral("/(\\d+)"));
    const QRegularExpressionMatch match = pattern.match(userAgent);
    return match.hasMatch() ? name + QLatin1Char(' ') + match.captured(1) : name;
}

QString browserOf(const QString &userAgent)
{
    struct Product
    {
        const char *token;
        const char *name;
    };
    // Order matters: Edge and Opera also claim Chrome and Safari, Chrome also claims Safari.
    static const Product products[] = {
        {"Edg", "Edge"},
        {"EdgA", "Edge"},
        {"OPR", "Opera"},
        {"SamsungBrowser", "Samsung Internet"},
        {"Firefox", "Firefox"},
        {"FxiOS", "Firefox"},
        {"CriOS", "Chrome"},
        {"Chromium", "Chromium"},
        {"HeadlessChrome", "Headless Chrome"},
        {"Chrome", "Chrome"},
        {"curl", "curl"},
        {"Wget", "Wget"},
        {"python-requests", "Python requests"},
        {"node", "Node.js"},
        {"undici", "Node.js"},
        {"okhttp", "OkHttp"},
    };
    for (const Product &product : products) {
        const QString token = QString::fromLatin1(product.token);
        if (userAgent.contains(token + QLatin1Char('/')))
            return productWithMajorVersion(userAgent, token, QString::fromLatin1(product.name));
    }
    if (userAgent.contains(QLatin1String("Safari/")))
        return productWithMajorVersion(userAgent, QStringLiteral("Version"),
                                       QStringLiteral("Safari"));
    // Anything else: the first product token is the most honest answer.
    const QString first = userAgent.section(QLatin1Char(' '), 0, 0);
    return first.section(QLatin1Char('/'), 0, 0).trimmed();
}

QString osOf(const QString &userAgent)
{
    if (userAgent.contains(QLatin1String("Windows")))
        return QStringLiteral("Windows");
    if (userAgent.contains(QLatin1String("Android")))
        return QStringLiteral("Android");
    if (userAgent.contains(QLatin1String("iPhone")) || userAgent.contains(QLatin1String("iPad")) ||
        userAgent.contains(QLatin1String("iOS")))
        return QStringLiteral("iOS");
    if (userAgent.contains(QLatin1String("Mac OS X")) ||
        userAgent.contains(QLatin1String("Macintosh")))
        return QStringLiteral("macOS");
    if (userAgent.contains(QLatin1String("CrOS")))
        return QStringLiteral("ChromeOS");
    if (userAgent.contains(QLatin1String("Linux")) || userAgent.contains(QLatin1String("X11")))
        return QStringLiteral("Linux");
    return {};
}

} // namespace

UserAgentInfo parseUserAgent(const QString &userAgent)
{
    if (userAgent.trimmed().isEmpty())
        return {};
    return UserAgentInfo{browserOf(userAgent), osOf(userAgent)};
}

} // namespace sse::ui
