#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

class QTcpSocket;
class QJsonDocument;

namespace sse::http {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// Headers every answer carries so pages on other origins can use the API.
const HeaderList &corsHeaders();

// The reason phrase for the statuses this server uses.
QByteArray reasonPhrase(int status);

// A whole HTTP/1.1 response in one buffer, so it leaves in a single write.
QByteArray buildResponse(int status, const QByteArray &contentType, const QByteArray &body,
                         const HeaderList &extraHeaders = {});

void writeResponse(QTcpSocket *socket, int status, const QByteArray &contentType,
                   const QByteArray &body, const HeaderList &extraHeaders = {});
// The status of the last response written by this thread, so a dispatcher can log what its
// handler answered. The dispatcher resets it to 0 before the handler runs; a handler that
// answers without writeResponse (a stream) sets it itself.
int lastStatus();
void setLastStatus(int status);
void writeJson(QTcpSocket *socket, int status, const QJsonDocument &document,
               const HeaderList &extraHeaders = {});
// {"error": message} with the given status.
void writeError(QTcpSocket *socket, int status, const QString &message,
                const HeaderList &extraHeaders = {});
QByteArray errorBody(const QString &message);

} // namespace sse::http
