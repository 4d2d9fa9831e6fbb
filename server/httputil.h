#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

class QDateTime;
class QTcpSocket;
class QJsonDocument;

namespace sse::http {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// The reason phrase for the statuses this server uses.
QByteArray reasonPhrase(int status);

// A whole HTTP/1.1 response in one buffer, so it leaves in a single write.
QByteArray buildResponse(int status, const QByteArray &contentType, const QByteArray &body,
                         const HeaderList &extraHeaders = {});

void writeResponse(QTcpSocket *socket, int status, const QByteArray &contentType,
                   const QByteArray &body, const HeaderList &extraHeaders = {});
void writeJson(QTcpSocket *socket, int status, const QJsonDocument &document,
               const HeaderList &extraHeaders = {});
// {"error": message} with the given status.
void writeError(QTcpSocket *socket, int status, const QString &message,
                const HeaderList &extraHeaders = {});
QByteArray errorBody(const QString &message);
// One line of the common log format, newline included:
// 127.0.0.1 - - [21/Nov/2026:16:19:46 +0000] "GET /events HTTP/1.1" 200 -
// bodyBytes < 0 (a stream, or not known) is written "-".
QByteArray commonLogLine(const QString &peer, const QDateTime &time, const QByteArray &method,
                         const QByteArray &target, int status, qint64 bodyBytes);

} // namespace sse::http
