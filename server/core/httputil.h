#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

class QDateTime;

namespace sse::http {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// The first field with this name (case-insensitive), or an empty array.
QByteArray headerValue(const HeaderList &headers, QByteArrayView name);

// The reason phrase for the statuses this server uses.
QByteArray reasonPhrase(int status);

// A whole HTTP/1.1 response in one buffer, so it leaves in a single write.
QByteArray buildResponse(int status, const QByteArray &contentType, const QByteArray &body,
                         const HeaderList &extraHeaders = {});

// {"error": message}, the body of every error answer.
QByteArray errorBody(const QString &message);
// One line of the common log format, newline included:
// 127.0.0.1 - - [21/Nov/2026:16:19:46 +0000] "GET /events HTTP/1.1" 200 -
// bodyBytes < 0 (a stream, or not known) is written "-".
QByteArray commonLogLine(const QString &peer, const QDateTime &time, const QByteArray &method,
                         const QByteArray &target, int status, qint64 bodyBytes);

} // namespace sse::http
