#include "requestparsers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QLocale>
#include <QUtf8StringView>

#include <cmath>

namespace sse {

namespace {

HttpError badRequest(const QString &message)
{
    return HttpError{400, message, {}, false};
}

// A JSON number as the digits of a non-negative integer, or nothing.
std::optional<QString> integerText(const QJsonValue &value)
{
    const double number = value.toDouble();
    // The range is checked before the conversion: a double beyond qint64 (1e300) would make
    // the cast undefined behaviour (found by the fuzzer).
    if (!(number >= 0 && number <= 9.0e15) || number != std::floor(number))
        return std::nullopt;
    return QString::number(qint64(number));
}

std::optional<HttpError> stringField(const QJsonObject &object, const QString &name, QString *out)
{
    const QJsonValue value = object.value(name);
    if (value.isUndefined())
        return std::nullopt;
    if (!value.isString())
        return badRequest(QStringLiteral("field '%1': must be a string").arg(name));
    *out = value.toString();
    // Absent means the default; an explicit empty name is a mistake worth reporting.
    if (out->isEmpty()) {
        return badRequest(
            QStringLiteral("field '%1': must not be empty; leave it out for the default")
                .arg(name));
    }
    return std::nullopt;
}

// "id" and "retry" may be strings or integers.
std::optional<HttpError> textOrIntegerField(const QJsonObject &object, const QString &name,
                                            const QString &numberRule, const QString &typeRule,
                                            QString *out)
{
    const QJsonValue value = object.value(name);
    if (value.isString()) {
        *out = value.toString();
    } else if (value.isDouble()) {
        const std::optional<QString> digits = integerText(value);
        if (!digits)
            return badRequest(QStringLiteral("field '%1': %2").arg(name, numberRule));
        *out = *digits;
    } else if (!value.isUndefined()) {
        return badRequest(QStringLiteral("field '%1': %2").arg(name, typeRule));
    }
    return std::nullopt;
}

Parsed<SseEvent> parseJsonEvent(const QByteArray &body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(escapeByteOrderMarks(body), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return badRequest(QStringLiteral("body: invalid JSON at offset %1: %2")
                              .arg(parseError.offset)
                              .arg(jsonErrorText(parseError)));
    }
    if (!document.isObject())
        return badRequest(QStringLiteral("body: must be a JSON object"));
    const QJsonObject object = document.object();
    static const QStringList known{QStringLiteral("event"), QStringLiteral("data"),
                                   QStringLiteral("id"), QStringLiteral("retry"),
                                   QStringLiteral("channel")};
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key())) {
            return badRequest(
                QStringLiteral("field '%1': unknown; use event, data, id, retry or channel")
                    .arg(it.key()));
        }
    }
    const QJsonValue data = object.value(QStringLiteral("data"));
    if (data.isUndefined() || data.isNull())
        return badRequest(QStringLiteral("field 'data': missing"));
    SseEvent event;
    if (auto error = readEventFields(object, &event))
        return *error;
    return event;
}

Parsed<SseEvent> parseTextEvent(const QByteArray &body, const QUrlQuery &query)
{
    if (!QUtf8StringView(body).isValidUtf8())
        return badRequest(QStringLiteral("body: is not valid UTF-8"));
    SseEvent event;
    event.data = utf8KeepingByteOrderMark(body);
    event.event = queryValue(query, QStringLiteral("event"));
    event.id = queryValue(query, QStringLiteral("id"));
    event.retry = queryValue(query, QStringLiteral("retry"));
    event.channel = queryValue(query, QStringLiteral("channel"));
    return event;
}

} // namespace

QByteArray mediaType(QByteArray type)
{
    const qsizetype semicolon = type.indexOf(';');
    if (semicolon >= 0)
        type.truncate(semicolon);
    return type.trimmed().toLower();
}

// Outside strings raw U+FEFF bytes are invalid JSON anyway, so escaping them all keeps
// strings intact.
QString jsonErrorText(const QJsonParseError &error)
{
    switch (error.error) {
    case QJsonParseError::NoError:
        return QStringLiteral("no error occurred");
    case QJsonParseError::UnterminatedObject:
        return QStringLiteral("unterminated object");
    case QJsonParseError::MissingNameSeparator:
        return QStringLiteral("missing name separator");
    case QJsonParseError::UnterminatedArray:
        return QStringLiteral("unterminated array");
    case QJsonParseError::MissingValueSeparator:
        return QStringLiteral("missing value separator");
    case QJsonParseError::IllegalValue:
        return QStringLiteral("illegal value");
    case QJsonParseError::TerminationByNumber:
        return QStringLiteral("invalid termination by number");
    case QJsonParseError::IllegalNumber:
        return QStringLiteral("illegal number");
    case QJsonParseError::IllegalEscapeSequence:
        return QStringLiteral("invalid escape sequence");
    case QJsonParseError::IllegalUTF8String:
        return QStringLiteral("invalid UTF8 string");
    case QJsonParseError::UnterminatedString:
        return QStringLiteral("unterminated string");
    case QJsonParseError::MissingObject:
        return QStringLiteral("object is missing after a comma");
    case QJsonParseError::DeepNesting:
        return QStringLiteral("too deeply nested document");
    case QJsonParseError::DocumentTooLarge:
        return QStringLiteral("too large document");
    case QJsonParseError::GarbageAtEnd:
        return QStringLiteral("garbage at the end of the document");
    }
    return QStringLiteral("unknown error");
}

QByteArray escapeByteOrderMarks(QByteArray json)
{
    static const QByteArray bom("\xEF\xBB\xBF");
    if (json.startsWith(bom))
        json.remove(0, bom.size());
    if (json.contains(bom))
        json.replace(bom, QByteArrayLiteral("\\ufeff"));
    return json;
}

QString jsonDataText(const QJsonValue &data)
{
    if (data.isString())
        return data.toString();
    if (data.isObject() || data.isArray()) {
        const QJsonDocument nested =
            data.isObject() ? QJsonDocument(data.toObject()) : QJsonDocument(data.toArray());
        return QString::fromUtf8(nested.toJson(QJsonDocument::Compact));
    }
    if (data.isBool())
        return data.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (data.isNull())
        return QStringLiteral("null");
    // The shortest text that reads back as the same number: 0.1, not 0.10000000000000001.
    return QString::number(data.toDouble(), 'g', QLocale::FloatingPointShortest);
}

std::optional<HttpError> readEventFields(const QJsonObject &object, SseEvent *event)
{
    if (auto error = stringField(object, QStringLiteral("event"), &event->event))
        return error;
    if (auto error = stringField(object, QStringLiteral("channel"), &event->channel))
        return error;
    const QJsonValue data = object.value(QStringLiteral("data"));
    if (!data.isUndefined() && !data.isNull())
        event->data = jsonDataText(data);
    if (auto error = textOrIntegerField(
            object, QStringLiteral("id"), QStringLiteral("a number must be a non-negative integer"),
            QStringLiteral("must be a string or an integer"), &event->id)) {
        return error;
    }
    return textOrIntegerField(
        object, QStringLiteral("retry"), QStringLiteral("must be a non-negative integer"),
        QStringLiteral("must be an integer or a string of digits"), &event->retry);
}

QString queryValue(const QUrlQuery &query, const QString &key)
{
    return query.queryItemValue(key, QUrl::FullyDecoded);
}

Parsed<SseEvent> parsePublish(const PublishRequest &request)
{
    // Qt 6.4 reads a request whose Content-Length is not a number as having no body.
    if (!request.contentLength.isEmpty()) {
        bool valid = false;
        const qint64 declared = request.contentLength.trimmed().toLongLong(&valid);
        if (!valid || declared < 0) {
            return HttpError{400,
                             QStringLiteral("Content-Length: '%1' is not a valid length")
                                 .arg(QString::fromLatin1(request.contentLength.left(40))),
                             {},
                             true}; // the rest of the connection cannot be framed
        }
    }
    if (request.body.size() > request.maxBodyBytes) {
        return HttpError{413,
                         QStringLiteral("body: %1 bytes is over the limit of %2 bytes")
                             .arg(request.body.size())
                             .arg(request.maxBodyBytes),
                         {},
                         false};
    }
    if (std::optional<HttpError> refusal = refusePublishContentType(request.contentType))
        return *refusal;
    if (mediaType(request.contentType) == "application/json")
        return parseJsonEvent(request.body);
    return parseTextEvent(request.body, request.query);
}

std::optional<HttpError> refusePublishContentType(const QByteArray &contentType)
{
    const QByteArray type = mediaType(contentType);
    if (type == "application/json" || type == "text/plain")
        return std::nullopt;
    return HttpError{415,
                     type.isEmpty()
                         ? QStringLiteral("Content-Type: missing; use application/json or "
                                          "text/plain")
                         : QStringLiteral("Content-Type: '%1' is not supported; use "
                                          "application/json or text/plain")
                               .arg(QString::fromUtf8(type)),
                     {},
                     false};
}

Parsed<SseEvent> parseSend(const QUrlQuery &query)
{
    if (!query.hasQueryItem(QStringLiteral("m")))
        return badRequest(QStringLiteral("field 'm': missing; use /send?m=TEXT"));
    // Decoding would silently turn invalid UTF-8 into U+FFFD; refuse it as the POST path does.
    const QByteArray raw = QByteArray::fromPercentEncoding(
        query.queryItemValue(QStringLiteral("m"), QUrl::FullyEncoded).toLatin1());
    if (!QUtf8StringView(raw).isValidUtf8())
        return badRequest(QStringLiteral("field 'm': is not valid UTF-8"));
    SseEvent event;
    event.data = queryValue(query, QStringLiteral("m"));
    event.channel = queryValue(query, QStringLiteral("channel"));
    return event;
}

Parsed<Subscription> parseSubscribe(const SubscribeRequest &request)
{
    Subscription subscription;
    for (const QString &channel :
         request.query.allQueryItemValues(QStringLiteral("channel"), QUrl::FullyDecoded)) {
        if (channel.isEmpty())
            continue;
        if (auto failure = validateChannel(channel))
            return badRequest(failure->message());
        if (subscription.channels.contains(channel))
            continue;
        if (subscription.channels.size() == MaxChannelsPerSubscriber) {
            return badRequest(QStringLiteral("field 'channel': at most %1 channels per subscriber")
                                  .arg(MaxChannelsPerSubscriber));
        }
        subscription.channels.append(channel);
    }
    if (subscription.channels.isEmpty())
        subscription.channels.append(DefaultChannel);

    const QString control = queryValue(request.query, QStringLiteral("control"));
    if (!control.isEmpty() && control != QStringLiteral("0") && control != QStringLiteral("1"))
        return badRequest(QStringLiteral("field 'control': must be 0 or 1"));
    subscription.control = control == QStringLiteral("1");

    // Both come from the client: keep them to sizes the server itself would produce.
    subscription.lastEventId = QString::fromUtf8(request.lastEventIdHeader);
    if (subscription.lastEventId.isEmpty())
        subscription.lastEventId = queryValue(request.query, QStringLiteral("lastEventId"));
    subscription.lastEventId.truncate(MaxIdLength);
    subscription.userAgent = QString::fromUtf8(request.userAgent.left(MaxUserAgentBytes));
    return subscription;
}

} // namespace sse
