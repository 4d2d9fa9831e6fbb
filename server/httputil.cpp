#include "httputil.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

namespace sse::http {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return QByteArrayLiteral("OK");
    case 202:
        return QByteArrayLiteral("Accepted");
    case 204:
        return QByteArrayLiteral("No Content");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 413:
        return QByteArrayLiteral("Payload Too Large");
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 415:
        return QByteArrayLiteral("Unsupported Media Type");
    case 421:
        return QByteArrayLiteral("Misdirected Request");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 501:
        return QByteArrayLiteral("Not Implemented");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    default:
        return QByteArrayLiteral("Unknown");
    }
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

void writeResponse(QTcpSocket *socket, int status, const QByteArray &contentType,
                   const QByteArray &body, const HeaderList &extraHeaders)
{
    socket->write(buildResponse(status, contentType, body, extraHeaders));
}

void writeJson(QTcpSocket *socket, int status, const QJsonDocument &document,
               const HeaderList &extraHeaders)
{
    writeResponse(socket, status, QByteArrayLiteral("application/json"),
                  document.toJson(QJsonDocument::Compact), extraHeaders);
}

QByteArray errorBody(const QString &message)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), message}})
        .toJson(QJsonDocument::Compact);
}

void writeError(QTcpSocket *socket, int status, const QString &message,
                const HeaderList &extraHeaders)
{
    writeResponse(socket, status, QByteArrayLiteral("application/json"), errorBody(message),
                  extraHeaders);
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
