#pragma once

#include "httputil.h"
#include "servertypes.h"
#include "sseevent.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QString>
#include <QUrlQuery>

#include <optional>
#include <variant>

namespace sse {

// Why a request is refused: the status, a sentence naming the field and the reason, extra
// headers, and whether the connection cannot be trusted for another request.
struct HttpError
{
    int status = 400;
    QString message;
    http::HeaderList headers;
    bool closeConnection = false;
};

template<typename T>
using Parsed = std::variant<T, HttpError>;

// What the publish and subscribe routes take from a request, as plain values so the parsers
// need no socket (unit tests and fuzzers call them directly).
struct PublishRequest
{
    QByteArray contentType;   // the Content-Type header as sent
    QByteArray contentLength; // the Content-Length header as sent, empty when absent
    QByteArray body;
    QUrlQuery query;
    qint64 maxBodyBytes = 0;
};

struct SubscribeRequest
{
    QUrlQuery query;
    QByteArray lastEventIdHeader;
    QByteArray userAgent;
};

// At most this many channels per subscriber, so memory stays bounded by the client cap.
inline constexpr qsizetype MaxChannelsPerSubscriber = 32;
inline constexpr qsizetype MaxUserAgentBytes = 512;

// POST /publish: a JSON object or a text/plain body with query fields. The event still goes
// through validateEvent in the broker.
Parsed<SseEvent> parsePublish(const PublishRequest &request);
// 415 unless /publish can read a body of this Content-Type (also asked before the body).
std::optional<HttpError> refusePublishContentType(const QByteArray &contentType);
// GET /send?m=TEXT[&channel=NAME]
Parsed<SseEvent> parseSend(const QUrlQuery &query);
// GET /events: channels, Last-Event-ID (header or ?lastEventId=), ?control=1.
Parsed<Subscription> parseSubscribe(const SubscribeRequest &request);

// The event fields of a JSON object as /publish reads them: event, data (any JSON value),
// id, retry and channel. Absent data stays empty; other fields are the caller's to check.
std::optional<HttpError> readEventFields(const QJsonObject &object, SseEvent *event);
// Any JSON value as event data: strings as they are, everything else as compact JSON.
QString jsonDataText(const QJsonValue &data);
// Qt's JSON parser decodes each string with QString::fromUtf8, which drops a U+FEFF at the
// start of a string: this escapes every U+FEFF and removes a byte-order mark before the
// document, so JSON text parses with its strings intact.
QByteArray escapeByteOrderMarks(QByteArray json);
// Why Qt's JSON parser refused a text, in English: QJsonParseError::errorString() is
// translated with the application's Qt translation, and the HTTP API answers in one language
// whatever the locale of the computer it runs on.
QString jsonErrorText(const QJsonParseError &error);

// The media type of a Content-Type, lower-cased and without parameters:
// "Application/JSON; charset=utf-8" gives "application/json".
QByteArray mediaType(QByteArray contentType);

// A query item, percent-decoded.
QString queryValue(const QUrlQuery &query, const QString &key);

} // namespace sse
