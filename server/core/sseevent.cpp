#include "sseevent.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>
#include <QStringView>

namespace sse {

QString utf8KeepingByteOrderMark(QByteArrayView utf8)
{
    QStringDecoder decoder(QStringConverter::Utf8, QStringConverter::Flag::ConvertInitialBom);
    return decoder(utf8);
}

namespace {

bool containsLineBreak(const QString &text)
{
    return text.contains(u'\r') || text.contains(u'\n');
}

ValidationError error(const char *field, const QString &reason)
{
    return ValidationError{QString::fromLatin1(field), reason};
}

// Calls emitLine for each line of text, treating CRLF, LF and lone CR alike.
template<typename EmitLine>
void forEachLine(const QString &text, EmitLine emitLine)
{
    const QStringView view(text);
    qsizetype start = 0;
    for (qsizetype i = 0; i < view.size(); ++i) {
        const QChar c = view[i];
        if (c != u'\r' && c != u'\n')
            continue;
        emitLine(view.mid(start, i - start));
        if (c == u'\r' && i + 1 < view.size() && view[i + 1] == u'\n')
            ++i;
        start = i + 1;
    }
    emitLine(view.mid(start));
}

void appendField(QByteArray &out, const char *name, QStringView value)
{
    out.append(name);
    out.append(": ", 2);
    out.append(value.toUtf8());
    out.append('\n');
}

} // namespace

QString ValidationError::message() const
{
    return QStringLiteral("field '%1': %2").arg(field, reason);
}

std::optional<ValidationError> validateEventName(const QString &event)
{
    if (event.isEmpty())
        return std::nullopt;
    if (containsLineBreak(event))
        return error("event", QStringLiteral("must not contain CR or LF"));
    if (event.size() > MaxEventNameLength)
        return error("event",
                     QStringLiteral("must be at most %1 characters").arg(MaxEventNameLength));
    if (event.startsWith(ReservedEventPrefix))
        return error("event", QStringLiteral("names starting with '%1' are reserved for the server")
                                  .arg(ReservedEventPrefix));
    return std::nullopt;
}

std::optional<ValidationError> validateId(const QString &id)
{
    if (containsLineBreak(id))
        return error("id", QStringLiteral("must not contain CR or LF"));
    if (id.contains(QChar(0)))
        return error("id", QStringLiteral("must not contain NUL (clients ignore such ids)"));
    if (id.size() > MaxIdLength)
        return error("id", QStringLiteral("must be at most %1 characters").arg(MaxIdLength));
    return std::nullopt;
}

std::optional<ValidationError> validateRetry(const QString &retry)
{
    if (retry.isEmpty())
        return std::nullopt;
    if (retry.size() > MaxRetryDigits)
        return error("retry", QStringLiteral("must be at most %1 digits").arg(MaxRetryDigits));
    for (const QChar c : retry) {
        if (c < u'0' || c > u'9')
            return error("retry", QStringLiteral("must be ASCII digits only (milliseconds)"));
    }
    return std::nullopt;
}

std::optional<ValidationError> validateChannel(const QString &channel)
{
    if (channel.isEmpty())
        return std::nullopt;
    if (channel.size() > MaxChannelLength)
        return error("channel",
                     QStringLiteral("must be at most %1 characters").arg(MaxChannelLength));
    for (const QChar c : channel) {
        const bool allowed = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') ||
                             (c >= u'0' && c <= u'9') || c == u'-' || c == u'_' || c == u'.' ||
                             c == u':' || c == u'/';
        if (!allowed)
            return error("channel",
                         QStringLiteral("may contain only letters, digits and - _ . : /"));
    }
    return std::nullopt;
}

std::optional<ValidationError> validateEvent(const SseEvent &event)
{
    if (auto failure = validateEventName(event.event))
        return failure;
    if (auto failure = validateId(event.id))
        return failure;
    if (auto failure = validateRetry(event.retry))
        return failure;
    return validateChannel(event.channel);
}

QByteArray encodeEvent(const SseEvent &event)
{
    QByteArray out;
    out.reserve(event.data.size() + event.event.size() + event.id.size() + 32);
    if (!event.id.isEmpty())
        appendField(out, "id", event.id);
    if (!event.event.isEmpty() && event.event != DefaultEventType)
        appendField(out, "event", event.event);
    if (!event.retry.isEmpty())
        appendField(out, "retry", event.retry);
    forEachLine(event.data, [&out](QStringView line) { appendField(out, "data", line); });
    out.append('\n');
    return out;
}

QByteArray encodeControlEvent(const QString &name, const QJsonObject &data, const QString &retry)
{
    return encodeEvent(
        SseEvent{name,
                 {},
                 QString::fromUtf8(QJsonDocument(data).toJson(QJsonDocument::Compact)),
                 retry,
                 {}});
}

QByteArray encodeComment(const QString &text)
{
    QByteArray out;
    forEachLine(text, [&out](QStringView line) {
        out.append(": ", 2);
        out.append(line.toUtf8());
        out.append('\n');
    });
    out.append('\n');
    return out;
}

} // namespace sse
