#include "httputil.h"

#include <QDateTime>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>

namespace sse::http {

QByteArray headerValue(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &[field, value] : headers) {
        if (field.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QByteArray reasonPhrase(int status)
{
    // RFC 9110 section 15 (and RFC 6585 for 429 and 431): every status a route, the gate or
    // a status fault may answer with.
    static const QHash<int, QByteArray> phrases{
        {100, "Continue"},
        {200, "OK"},
        {201, "Created"},
        {202, "Accepted"},
        {204, "No Content"},
        {301, "Moved Permanently"},
        {302, "Found"},
        {303, "See Other"},
        {304, "Not Modified"},
        {307, "Temporary Redirect"},
        {308, "Permanent Redirect"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {408, "Request Timeout"},
        {409, "Conflict"},
        {410, "Gone"},
        {411, "Length Required"},
        {413, "Content Too Large"},
        {414, "URI Too Long"},
        {415, "Unsupported Media Type"},
        {417, "Expectation Failed"},
        {421, "Misdirected Request"},
        {422, "Unprocessable Content"},
        {429, "Too Many Requests"},
        {431, "Request Header Fields Too Large"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
        {505, "HTTP Version Not Supported"},
    };
    return phrases.value(status, QByteArrayLiteral("Unknown"));
}

QByteArray buildResponse(int status, const QByteArray &contentType, const QByteArray &body,
                         const HeaderList &extraHeaders)
{
    QByteArray out;
    out.reserve(256 + body.size());
    out.append("HTTP/1.1 ").append(QByteArray::number(status)).append(' ');
    out.append(reasonPhrase(status)).append("\r\n");
    if (!contentType.isEmpty())
        out.append("Content-Type: ").append(contentType).append("\r\n");
    out.append("Content-Length: ").append(QByteArray::number(body.size())).append("\r\n");
    for (const auto &[name, value] : extraHeaders)
        out.append(name).append(": ").append(value).append("\r\n");
    out.append("\r\n");
    out.append(body);
    return out;
}

QByteArray errorBody(const QString &message)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), message}})
        .toJson(QJsonDocument::Compact);
}

QByteArray commonLogLine(const QString &peer, const QDateTime &time, const QByteArray &method,
                         const QByteArray &target, int status, qint64 bodyBytes)
{
    // The month is English whatever the locale: log readers parse it.
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const QDate date = time.date();
    const int offsetMinutes = time.offsetFromUtc() / 60;
    const QByteArray stamp = QByteArray::number(date.day()).rightJustified(2, '0') + '/' +
                             months[date.month() - 1] + '/' + QByteArray::number(date.year()) +
                             ':' + time.time().toString(QStringLiteral("HH:mm:ss")).toLatin1() +
                             ' ' + (offsetMinutes < 0 ? '-' : '+') +
                             QByteArray::number(qAbs(offsetMinutes) / 60).rightJustified(2, '0') +
                             QByteArray::number(qAbs(offsetMinutes) % 60).rightJustified(2, '0');
    return peer.toLatin1() + " - - [" + stamp + "] \"" + method + ' ' + target + " HTTP/1.1\" " +
           QByteArray::number(status) + ' ' +
           (bodyBytes < 0 ? QByteArray("-") : QByteArray::number(bodyBytes)) + '\n';
}

} // namespace sse::http
