#pragma once

#include "httputil.h"
#include "requestparsers.h"
#include "serverlogging.h"

#include <QHostAddress>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QTcpSocket>

namespace sse {

// IPv4 peers on a dual-stack socket show up as ::ffff:a.b.c.d; this gives a.b.c.d.
QHostAddress plainAddress(const QHostAddress &address);
// "GET", "POST", ... as the request line had it ("OTHER" for methods Qt 6.4 does not name).
QString methodName(const QHttpServerRequest &request);

// One request and its answer: handlers read the request and answer through it, and the
// dispatcher learns the status they gave.
class HttpExchange
{
public:
    HttpExchange(const QHttpServerRequest &request, QTcpSocket *socket)
        : m_request(request)
        , m_socket(socket)
    {}

    const QHttpServerRequest &request() const { return m_request; }
    QTcpSocket *socket() const { return m_socket; }
    QHostAddress peer() const { return plainAddress(m_socket->peerAddress()); }
    int status() const { return m_status; }
    // The body bytes answered, for the access log; -1 for a stream or a prebuilt answer.
    qint64 bodyBytes() const { return m_bodyBytes; }
    bool streamOpened() const { return m_streamOpened; }
    void setStreamOpened()
    {
        m_status = 200;
        m_streamOpened = true;
    }

    // Headers every answer of this exchange carries (CORS, when the route and origin get it).
    const http::HeaderList &commonHeaders() const { return m_commonHeaders; }
    void setCommonHeaders(http::HeaderList headers) { m_commonHeaders = std::move(headers); }
    // Sent by a browser for a page of another web origin (OriginPolicy::isForeignOrigin).
    bool isFromForeignOrigin() const { return m_foreignOrigin; }
    void setFromForeignOrigin(bool foreign) { m_foreignOrigin = foreign; }

    // "close" or "keep-alive" when the answer must say how the connection goes on; after a
    // "close" answer the connection closes.
    void setConnectionHeader(const QByteArray &value) { m_connectionHeader = value; }
    bool closesConnection() const { return m_connectionHeader == "close"; }
    // Headers an answer written later, outside this exchange, must carry.
    http::HeaderList lateAnswerHeaders() const
    {
        http::HeaderList headers = m_commonHeaders;
        if (!m_connectionHeader.isEmpty())
            headers.append(qMakePair(QByteArrayLiteral("Connection"), m_connectionHeader));
        return headers;
    }

    void respond(int status, const QByteArray &contentType, const QByteArray &body,
                 http::HeaderList headers = {})
    {
        headers += lateAnswerHeaders();
        QByteArray bytes = http::buildResponse(status, contentType, body, headers);
        // HEAD gets the headers GET would, Content-Length included, and no body.
        const bool head = m_request.method() == QHttpServerRequest::Method::Head;
        if (head)
            bytes.chop(body.size());
        respondRaw(status, bytes);
        m_bodyBytes = head ? 0 : body.size();
    }
    // A response already built, status line to body.
    void respondRaw(int status, const QByteArray &bytes)
    {
        m_status = status;
        m_socket->write(bytes);
        if (closesConnection())
            m_socket->disconnectFromHost(); // after what is written has gone out
    }
    void json(int status, const QJsonDocument &document, const http::HeaderList &headers = {})
    {
        respond(status, QByteArrayLiteral("application/json"),
                document.toJson(QJsonDocument::Compact), headers);
    }
    void error(int status, const QString &message, const http::HeaderList &headers = {})
    {
        respond(status, QByteArrayLiteral("application/json"), http::errorBody(message), headers);
        if (status == 401 || status == 403 || status == 421 || status == 503)
            qCInfo(lcHttp).noquote() << status << message;
    }
    void error(const HttpError &failure)
    {
        if (failure.closeConnection)
            m_connectionHeader = QByteArrayLiteral("close");
        error(failure.status, failure.message, failure.headers);
    }

private:
    const QHttpServerRequest &m_request;
    QTcpSocket *m_socket;
    http::HeaderList m_commonHeaders;
    QByteArray m_connectionHeader;
    int m_status = 0;
    qint64 m_bodyBytes = -1;
    bool m_streamOpened = false;
    bool m_foreignOrigin = false;
};

} // namespace sse
