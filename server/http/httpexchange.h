#pragma once

#include "exchangetransport.h"
#include "httputil.h"
#include "request.h"
#include "requestparsers.h"

#include <QJsonDocument>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

namespace sse {

class StreamHub;

// One request and its answer. A route handler reads the request and answers through the
// exchange, now or later (the event log may accept a publish after the handler returned), or
// hands the connection (HTTP/1.1) or its stream (HTTP/2) over to become a stream of the hub. An
// HTTP/1.1 connection keeps the answers of pipelined requests in order: the next request is
// handled once this one is answered.
class HttpExchange : public QObject
{
    Q_OBJECT

public:
    // owner: the transport's QObject, which may go away before the exchange (the client left).
    HttpExchange(Request request, ExchangeTransport *transport, QObject *owner,
                 int32_t streamId = 0);
    ~HttpExchange() override;

    const Request &request() const { return m_request; }
    QHostAddress peer() const { return m_request.peer; }
    // The status sent (200 for a stream); 0 while unanswered, or when the client left first.
    int status() const { return m_status; }
    // The body bytes answered, for the access log; -1 for a stream.
    qint64 bodyBytes() const { return m_bodyBytes; }
    // The body answered and its type, for the traffic log; empty for a stream or raw answer.
    const QByteArray &responseType() const { return m_responseType; }
    const QByteArray &responseBody() const { return m_responseBody; }
    bool streamOpened() const { return m_streamOpened; }
    // Answered, or handed over to a stream.
    bool isFinished() const { return m_finished; }
    // Runs once the exchange is finished (at once when it is already), or when it is dropped
    // unanswered because the client closed the connection first.
    void whenFinished(std::function<void(const HttpExchange &)> callback);

    // Headers every answer of this exchange carries (CORS, when the route and origin get it).
    void setCommonHeaders(http::HeaderList headers) { m_commonHeaders = std::move(headers); }
    // Sent by a browser for a page of another web origin (OriginPolicy::isForeignOrigin).
    bool isFromForeignOrigin() const { return m_foreignOrigin; }
    void setFromForeignOrigin(bool foreign) { m_foreignOrigin = foreign; }

    // The connection closes once the answer is out.
    void closeAfterAnswer() { m_connectionHeader = QByteArrayLiteral("close"); }
    void respond(int status, const QByteArray &contentType, const QByteArray &body,
                 http::HeaderList headers = {});
    // A response already built, status line to body.
    void respondRaw(int status, const QByteArray &bytes);
    void json(int status, const QJsonDocument &document, const http::HeaderList &headers = {});
    void error(int status, const QString &message, const http::HeaderList &headers = {});
    void error(const HttpError &failure);

    // For a stream: the hub takes the connection over (HTTP/1.1: its socket and TLS session)
    // or the request's HTTP/2 stream; returns the hub's handle, or -1 with errno set.
    int adoptStream(StreamHub &hub);
    // The stream hub has the stream now, and the exchange is finished (status 200 when opened
    // says a stream started).
    void handOver(bool opened);

private:
    void finish();

    Request m_request;
    ExchangeTransport *m_transport;
    QPointer<QObject> m_owner; // m_transport is valid while it is
    int32_t m_streamId;
    std::function<void(const HttpExchange &)> m_whenFinished;
    http::HeaderList m_commonHeaders;
    QByteArray m_connectionHeader; // "close" or "keep-alive" when the answer must say it
    int m_status = 0;
    qint64 m_bodyBytes = -1;
    QByteArray m_responseType;
    QByteArray m_responseBody;
    bool m_streamOpened = false;
    bool m_foreignOrigin = false;
    bool m_finished = false;
};

} // namespace sse
