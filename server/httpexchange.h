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
    bool streamOpened() const { return m_streamOpened; }
    void setStreamOpened()
    {
        m_status = 200;
        m_streamOpened = true;
    }

    void respond(int status, const QByteArray &contentType, const QByteArray &body,
                 const http::HeaderList &headers = {})
    {
        m_status = status;
        http::writeResponse(m_socket, status, contentType, body, headers);
    }
    void json(int status, const QJsonDocument &document, const http::HeaderList &headers = {})
    {
        m_status = status;
        http::writeJson(m_socket, status, document, headers);
    }
    void error(int status, const QString &message, const http::HeaderList &headers = {})
    {
        m_status = status;
        http::writeError(m_socket, status, message, headers);
        if (status == 401 || status == 503)
            qCInfo(lcHttp).noquote() << status << message;
    }
    void error(const HttpError &failure)
    {
        error(failure.status, failure.message, failure.headers);
        if (failure.closeConnection)
            m_socket->disconnectFromHost();
    }

private:
    const QHttpServerRequest &m_request;
    QTcpSocket *m_socket;
    int m_status = 0;
    bool m_streamOpened = false;
};

} // namespace sse
