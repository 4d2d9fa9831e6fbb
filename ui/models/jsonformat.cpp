#include "jsonformat.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace sse::ui {

std::optional<QString> reformatJson(const QString &json, bool pretty)
{
    // QJsonDocument only validates; the text is then re-spaced token by token.
    QJsonParseError error;
    QJsonDocument::fromJson(json.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        return std::nullopt;

    QString out;
    out.reserve(json.size() + json.size() / 2);
    int depth = 0;
    const auto newline = [&out, &depth, pretty] {
        if (pretty)
            out += QLatin1Char('\n') + QString(depth * 4, QLatin1Char(' '));
    };
    for (qsizetype i = 0; i < json.size(); ++i) {
        const QChar c = json.at(i);
        if (c == QLatin1Char('"')) {
            const qsizetype start = i;
            for (++i; i < json.size() && json.at(i) != QLatin1Char('"'); ++i) {
                if (json.at(i) == QLatin1Char('\\'))
                    ++i;
            }
            out += QStringView(json).mid(start, i - start + 1);
        } else if (c == QLatin1Char('{') || c == QLatin1Char('[')) {
            out += c;
            // An empty object or array stays on one line: {} and [].
            qsizetype next = i + 1;
            while (next < json.size() && json.at(next).isSpace())
                ++next;
            const QChar close = c == QLatin1Char('{') ? QLatin1Char('}') : QLatin1Char(']');
            if (next < json.size() && json.at(next) == close) {
                out += close;
                i = next;
                continue;
            }
            ++depth;
            newline();
        } else if (c == QLatin1Char('}') || c == QLatin1Char(']')) {
            --depth;
            newline();
            out += c;
        } else if (c == QLatin1Char(',')) {
            out += c;
            newline();
        } else if (c == QLatin1Char(':')) {
            out += pretty ? QStringLiteral(": ") : QStringLiteral(":");
        } else if (!c.isSpace()) {
            out += c;
        }
    }
    return out;
}

} // namespace sse::ui
