#include "logexport.h"

#include "httputil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>
#include <QUrl>

namespace sse::ui {

namespace {

std::optional<TrafficDirection> directionFromName(const QString &name)
{
    for (const TrafficDirection direction :
         {TrafficDirection::In, TrafficDirection::Out, TrafficDirection::System}) {
        if (directionName(direction) == name)
            return direction;
    }
    return std::nullopt;
}

// Raw bytes stay readable text when they are UTF-8 and become base64 only when they are not,
// so an export round-trips exactly.
void putRaw(QJsonObject &object, const QString &textKey, const QByteArray &raw)
{
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder(raw);
    if (!decoder.hasError()) {
        object.insert(textKey, text);
    } else {
        object.insert(textKey, QString::fromLatin1(raw.toBase64()));
        object.insert(QStringLiteral("encoding"), QStringLiteral("base64"));
    }
}

QByteArray takeRaw(const QJsonObject &object, const QString &textKey)
{
    const QString text = object.value(textKey).toString();
    if (object.value(QStringLiteral("encoding")).toString() == QLatin1String("base64"))
        return QByteArray::fromBase64(text.toLatin1());
    return text.toUtf8();
}

QString isoTime(const QDateTime &time)
{
    return time.toString(Qt::ISODateWithMs);
}

QJsonObject recordJson(const TrafficRecord &record)
{
    QJsonObject object{
        {QStringLiteral("time"), isoTime(record.time)},
        {QStringLiteral("direction"), directionName(record.direction)},
        {QStringLiteral("clientId"), double(record.clientId)},
        {QStringLiteral("eventType"), record.eventType},
        {QStringLiteral("id"), record.id},
        {QStringLiteral("size"), double(record.size)},
        {QStringLiteral("summary"), record.summary},
    };
    if (record.direction == TrafficDirection::In) {
        object.insert(QStringLiteral("method"), record.method);
        object.insert(QStringLiteral("path"), record.path);
        object.insert(QStringLiteral("status"), record.status);
    }
    putRaw(object, QStringLiteral("raw"), record.raw);
    return object;
}

bool readRecordFields(const QJsonObject &object, TrafficRecord *record, QString *error)
{
    const auto direction = directionFromName(object.value(QStringLiteral("direction")).toString());
    if (!direction) {
        *error = QStringLiteral("unknown direction '%1'")
                     .arg(object.value(QStringLiteral("direction")).toString());
        return false;
    }
    record->direction = *direction;
    record->clientId = quint64(object.value(QStringLiteral("clientId")).toDouble());
    record->eventType = object.value(QStringLiteral("eventType")).toString();
    record->id = object.value(QStringLiteral("id")).toString();
    record->size = qint64(object.value(QStringLiteral("size")).toDouble());
    record->summary = object.value(QStringLiteral("summary")).toString();
    record->method = object.value(QStringLiteral("method")).toString();
    record->path = object.value(QStringLiteral("path")).toString();
    record->status = object.value(QStringLiteral("status")).toInt();
    return true;
}

void setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
}

} // namespace

QByteArray exportNdjson(const QList<TrafficRecord> &records)
{
    QByteArray out;
    for (const TrafficRecord &record : records) {
        out += QJsonDocument(recordJson(record)).toJson(QJsonDocument::Compact);
        out += '\n';
    }
    return out;
}

QList<TrafficRecord> importNdjson(const QByteArray &ndjson, QString *error)
{
    QList<TrafficRecord> records;
    int lineNumber = 0;
    for (const QByteArray &line : ndjson.split('\n')) {
        ++lineNumber;
        if (line.trimmed().isEmpty())
            continue;
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
        QString message;
        TrafficRecord record;
        if (!document.isObject()) {
            message = parseError.errorString();
        } else {
            const QJsonObject object = document.object();
            record.time = QDateTime::fromString(object.value(QStringLiteral("time")).toString(),
                                                Qt::ISODateWithMs);
            record.raw = takeRaw(object, QStringLiteral("raw"));
            readRecordFields(object, &record, &message);
        }
        if (!message.isEmpty()) {
            setError(error, QStringLiteral("line %1: %2").arg(lineNumber).arg(message));
            return {};
        }
        records.append(record);
    }
    return records;
}

QByteArray exportHar(const QList<TrafficRecord> &records, const QString &serverUrl)
{
    const QUrl base(serverUrl.isEmpty() ? QStringLiteral("http://127.0.0.1/") : serverUrl);
    const QJsonArray noPairs;
    QJsonArray entries;
    for (const TrafficRecord &record : records) {
        // Requests carry their own method, path and status; events go out on the stream, and
        // system notices have no HTTP exchange of their own and are filed under the stream.
        const bool incoming = record.direction == TrafficDirection::In;
        const QString path = incoming && !record.path.isEmpty() ? record.path
                             : incoming                         ? QStringLiteral("/publish")
                                                                : QStringLiteral("/events");
        const QString method = incoming && !record.method.isEmpty() ? record.method
                               : incoming                           ? QStringLiteral("POST")
                                                                    : QStringLiteral("GET");
        const int status = incoming && record.status > 0 ? record.status : incoming ? 202 : 200;
        QJsonObject request{
            {QStringLiteral("method"), method},
            {QStringLiteral("url"), base.resolved(QUrl(path)).toString()},
            {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
            {QStringLiteral("cookies"), noPairs},
            {QStringLiteral("headers"), noPairs},
            {QStringLiteral("queryString"), noPairs},
            {QStringLiteral("headersSize"), -1},
            {QStringLiteral("bodySize"), incoming ? double(record.size) : 0.0},
        };
        QJsonObject content{
            {QStringLiteral("size"), double(record.raw.size())},
            {QStringLiteral("mimeType"), incoming ? QStringLiteral("application/octet-stream")
                                                  : QStringLiteral("text/event-stream")},
        };
        putRaw(content, QStringLiteral("text"), record.raw);
        const QJsonObject response{
            {QStringLiteral("status"), status},
            {QStringLiteral("statusText"), QString::fromLatin1(http::reasonPhrase(status))},
            {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
            {QStringLiteral("cookies"), noPairs},
            {QStringLiteral("headers"), noPairs},
            {QStringLiteral("content"), content},
            {QStringLiteral("redirectURL"), QString()},
            {QStringLiteral("headersSize"), -1},
            {QStringLiteral("bodySize"), incoming ? 0.0 : double(record.size)},
        };
        QJsonObject sseFields = recordJson(record);
        sseFields.remove(QStringLiteral("raw"));
        sseFields.remove(QStringLiteral("time"));
        entries.append(QJsonObject{
            {QStringLiteral("startedDateTime"), isoTime(record.time)},
            {QStringLiteral("time"), 0},
            {QStringLiteral("request"), request},
            {QStringLiteral("response"), response},
            {QStringLiteral("cache"), QJsonObject()},
            {QStringLiteral("timings"), QJsonObject{{QStringLiteral("send"), 0},
                                                    {QStringLiteral("wait"), 0},
                                                    {QStringLiteral("receive"), 0}}},
            {QStringLiteral("_sse"), sseFields},
        });
    }
    const QJsonObject log{
        {QStringLiteral("version"), QStringLiteral("1.2")},
        {QStringLiteral("creator"),
         QJsonObject{{QStringLiteral("name"), QStringLiteral("SSE Dashboard")},
                     {QStringLiteral("version"), QStringLiteral(SSE_DASHBOARD_VERSION)}}},
        {QStringLiteral("entries"), entries},
    };
    return QJsonDocument(QJsonObject{{QStringLiteral("log"), log}}).toJson(QJsonDocument::Indented);
}

QList<TrafficRecord> importHar(const QByteArray &har, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(har, &parseError);
    if (!document.isObject()) {
        setError(error, parseError.errorString());
        return {};
    }
    const QJsonValue entries =
        document.object().value(QStringLiteral("log")).toObject().value(QStringLiteral("entries"));
    if (!entries.isArray()) {
        setError(error, QStringLiteral("no log.entries array"));
        return {};
    }
    QList<TrafficRecord> records;
    for (const QJsonValue &value : entries.toArray()) {
        const QJsonObject entry = value.toObject();
        TrafficRecord record;
        record.time = QDateTime::fromString(
            entry.value(QStringLiteral("startedDateTime")).toString(), Qt::ISODateWithMs);
        record.raw = takeRaw(entry.value(QStringLiteral("response"))
                                 .toObject()
                                 .value(QStringLiteral("content"))
                                 .toObject(),
                             QStringLiteral("text"));
        QString message;
        if (!readRecordFields(entry.value(QStringLiteral("_sse")).toObject(), &record, &message)) {
            setError(error, QStringLiteral("entry %1: %2").arg(records.size() + 1).arg(message));
            return {};
        }
        records.append(record);
    }
    return records;
}

} // namespace sse::ui
