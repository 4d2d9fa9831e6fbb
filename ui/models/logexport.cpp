#include "logexport.h"

#include "httputil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>
#include <QUrl>
#include <QUrlQuery>

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

// The key that says how textKey's bytes are written: HAR's "encoding" for its "text" and for
// a record's "raw"; a key of its own for any other field of the same object.
QString encodingKey(const QString &textKey)
{
    return textKey == QLatin1String("text") || textKey == QLatin1String("raw")
               ? QStringLiteral("encoding")
               : textKey + QStringLiteral("Encoding");
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
        object.insert(encodingKey(textKey), QStringLiteral("base64"));
    }
}

QByteArray takeRaw(const QJsonObject &object, const QString &textKey)
{
    const QString text = object.value(textKey).toString();
    if (object.value(encodingKey(textKey)).toString() == QLatin1String("base64"))
        return QByteArray::fromBase64(text.toLatin1());
    return text.toUtf8();
}

// With the zone, so a log read elsewhere (or in a HAR viewer) shows the right time.
QString isoTime(const QDateTime &time)
{
    return time.toOffsetFromUtc(time.offsetFromUtc()).toString(Qt::ISODateWithMs);
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
    if (!record.method.isEmpty()) {
        object.insert(QStringLiteral("method"), record.method);
        object.insert(QStringLiteral("path"), record.path);
        if (!record.httpVersion.isEmpty())
            object.insert(QStringLiteral("httpVersion"), record.httpVersion);
        object.insert(QStringLiteral("status"), record.status);
        QJsonArray headers;
        for (const auto &[name, value] : record.requestHeaders)
            headers.append(QJsonArray{QString::fromLatin1(name), QString::fromUtf8(value)});
        object.insert(QStringLiteral("requestHeaders"), headers);
        if (!record.responseType.isEmpty())
            object.insert(QStringLiteral("responseType"), QString::fromLatin1(record.responseType));
        if (!record.responseBody.isEmpty())
            putRaw(object, QStringLiteral("responseBody"), record.responseBody);
    }
    if (!record.scope.isEmpty())
        object.insert(QStringLiteral("scope"), record.scope);
    if (!record.channels.isEmpty())
        object.insert(QStringLiteral("channels"), QJsonArray::fromStringList(record.channels));
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
    record->httpVersion = object.value(QStringLiteral("httpVersion")).toString();
    record->status = object.value(QStringLiteral("status")).toInt();
    for (const QJsonValue &header : object.value(QStringLiteral("requestHeaders")).toArray()) {
        const QJsonArray pair = header.toArray();
        record->requestHeaders.append(
            qMakePair(pair.at(0).toString().toLatin1(), pair.at(1).toString().toUtf8()));
    }
    record->responseType = object.value(QStringLiteral("responseType")).toString().toLatin1();
    record->scope = object.value(QStringLiteral("scope")).toString();
    for (const QJsonValue &channel : object.value(QStringLiteral("channels")).toArray())
        record->channels.append(channel.toString());
    return true;
}

TrafficRecord readRecord(const QJsonObject &object, QString *error)
{
    TrafficRecord record;
    record.time =
        QDateTime::fromString(object.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
    record.raw = takeRaw(object, QStringLiteral("raw"));
    record.responseBody = takeRaw(object, QStringLiteral("responseBody"));
    readRecordFields(object, &record, error);
    return record;
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
        if (!document.isObject())
            message = parseError.errorString();
        else
            record = readRecord(document.object(), &message);
        if (!message.isEmpty()) {
            setError(error, QStringLiteral("line %1: %2").arg(lineNumber).arg(message));
            return {};
        }
        records.append(record);
    }
    return records;
}

namespace {

QJsonArray nameValues(const QList<QPair<QByteArray, QByteArray>> &pairs)
{
    QJsonArray array;
    for (const auto &[name, value] : pairs) {
        array.append(QJsonObject{{QStringLiteral("name"), QString::fromLatin1(name)},
                                 {QStringLiteral("value"), QString::fromUtf8(value)}});
    }
    return array;
}

QJsonArray queryString(const QUrl &url)
{
    QJsonArray array;
    const QUrlQuery query(url);
    for (const auto &[name, value] : query.queryItems(QUrl::FullyDecoded)) {
        array.append(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("value"), value}});
    }
    return array;
}

QByteArray headerValue(const TrafficRecord &record, const QByteArray &name)
{
    for (const auto &[key, value] : record.requestHeaders) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool isStreamConnect(const TrafficRecord &record)
{
    return record.direction == TrafficDirection::System && record.clientId != 0 &&
           !record.channels.isEmpty();
}

// The events a stream received while it was open: everything addressed to one of its channels,
// to all channels, or to its client alone. Returns the bytes and the time the stream ended.
QByteArray streamContent(const QList<TrafficRecord> &records, qsizetype connectIndex,
                         QDateTime *end)
{
    const TrafficRecord &connected = records.at(connectIndex);
    QByteArray content = connected.raw;
    *end = records.constLast().time;
    for (qsizetype index = connectIndex + 1; index < records.size(); ++index) {
        const TrafficRecord &record = records.at(index);
        if (record.direction == TrafficDirection::System && record.clientId == connected.clientId) {
            *end = record.time;
            break;
        }
        if (record.direction != TrafficDirection::Out)
            continue;
        const bool forStream =
            record.scope == TrafficRecord::AllScope ||
            (!record.scope.isEmpty() && connected.channels.contains(record.scope)) ||
            (record.scope.isEmpty() && record.clientId == connected.clientId);
        if (forStream)
            content += record.raw;
    }
    return content;
}

QJsonObject harEntry(const TrafficRecord &record, const QUrl &base, const QByteArray &responseBody,
                     const QDateTime &end)
{
    const QUrl url = base.resolved(QUrl(record.path));
    const bool stream = isStreamConnect(record);
    // HAR names versions as browsers' developer tools do.
    const QString httpVersion =
        record.httpVersion.isEmpty() ? QStringLiteral("HTTP/1.1") : record.httpVersion;
    QJsonObject request{
        {QStringLiteral("method"), record.method},
        {QStringLiteral("url"), url.toString(QUrl::FullyEncoded)},
        {QStringLiteral("httpVersion"), httpVersion},
        {QStringLiteral("cookies"), QJsonArray()},
        {QStringLiteral("headers"), nameValues(record.requestHeaders)},
        {QStringLiteral("queryString"), queryString(url)},
        {QStringLiteral("headersSize"), -1},
        {QStringLiteral("bodySize"), stream ? 0.0 : double(record.size)},
    };
    if (!stream && !record.raw.isEmpty()) {
        QJsonObject postData{
            {QStringLiteral("mimeType"), QString::fromLatin1(headerValue(record, "content-type"))}};
        putRaw(postData, QStringLiteral("text"), record.raw);
        request.insert(QStringLiteral("postData"), postData);
    }
    // A stream's body is the events it received; a request's is what it was answered.
    const QByteArray &body = stream ? responseBody : record.responseBody;
    QJsonObject content{
        {QStringLiteral("size"), double(body.size())},
        {QStringLiteral("mimeType"), stream ? QStringLiteral("text/event-stream")
                                     : record.responseType.isEmpty()
                                         ? QStringLiteral("x-unknown")
                                         : QString::fromLatin1(record.responseType)},
    };
    if (!body.isEmpty())
        putRaw(content, QStringLiteral("text"), body);
    const QJsonObject response{
        {QStringLiteral("status"), record.status},
        {QStringLiteral("statusText"), QString::fromLatin1(http::reasonPhrase(record.status))},
        {QStringLiteral("httpVersion"), httpVersion},
        {QStringLiteral("cookies"), QJsonArray()},
        {QStringLiteral("headers"), QJsonArray()},
        {QStringLiteral("content"), content},
        {QStringLiteral("redirectURL"), QString()},
        {QStringLiteral("headersSize"), -1},
        {QStringLiteral("bodySize"),
         stream || !record.responseType.isEmpty() ? double(body.size()) : -1.0},
    };
    // A stream's time is how long it stayed open; a request's is not measured (0).
    const double elapsed = stream ? double(std::max<qint64>(0, record.time.msecsTo(end))) : 0.0;
    return QJsonObject{
        {QStringLiteral("startedDateTime"), isoTime(record.time)},
        {QStringLiteral("time"), elapsed},
        {QStringLiteral("request"), request},
        {QStringLiteral("response"), response},
        {QStringLiteral("cache"), QJsonObject()},
        {QStringLiteral("timings"), QJsonObject{{QStringLiteral("send"), 0},
                                                {QStringLiteral("wait"), 0},
                                                {QStringLiteral("receive"), elapsed}}},
    };
}

} // namespace

QByteArray exportHar(const QList<TrafficRecord> &records, const QString &serverUrl)
{
    const QUrl base(serverUrl.isEmpty() ? QStringLiteral("http://127.0.0.1/") : serverUrl);
    QJsonArray entries;
    QJsonArray allRecords;
    // One entry per HTTP request: each request in, and each stream (its GET and every event it
    // received). Events and notices are all kept, exactly, in the custom "_sseRecords" field.
    for (qsizetype index = 0; index < records.size(); ++index) {
        const TrafficRecord &record = records.at(index);
        allRecords.append(recordJson(record));
        if (record.method.isEmpty())
            continue;
        if (record.direction == TrafficDirection::In) {
            entries.append(harEntry(record, base, {}, record.time));
        } else if (isStreamConnect(record)) {
            QDateTime end;
            const QByteArray content = streamContent(records, index, &end);
            entries.append(harEntry(record, base, content, end));
        }
    }
    const QJsonObject log{
        {QStringLiteral("version"), QStringLiteral("1.2")},
        {QStringLiteral("creator"),
         QJsonObject{{QStringLiteral("name"), QStringLiteral("SSE Dashboard")},
                     {QStringLiteral("version"), QStringLiteral(SSE_DASHBOARD_VERSION)}}},
        {QStringLiteral("pages"), QJsonArray()},
        {QStringLiteral("entries"), entries},
        {QStringLiteral("_sseRecords"), allRecords},
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
    const QJsonValue all = document.object()
                               .value(QStringLiteral("log"))
                               .toObject()
                               .value(QStringLiteral("_sseRecords"));
    if (!all.isArray()) {
        setError(error, QStringLiteral("no log._sseRecords array: not an SSE Dashboard export"));
        return {};
    }
    QList<TrafficRecord> records;
    for (const QJsonValue &value : all.toArray()) {
        QString message;
        TrafficRecord record = readRecord(value.toObject(), &message);
        if (!message.isEmpty()) {
            setError(error, QStringLiteral("record %1: %2").arg(records.size() + 1).arg(message));
            return {};
        }
        records.append(record);
    }
    return records;
}

} // namespace sse::ui
