#include "httpexchange.h"

#include "serverlogging.h"

namespace sse {

HttpExchange::HttpExchange(Request request, ExchangeTransport *transport, QObject *owner,
                           int32_t streamId)
    : m_request(std::move(request))
    , m_transport(transport)
    , m_owner(owner)
    , m_streamId(streamId)
{
    if (!m_request.keepAlive)
        m_connectionHeader = QByteArrayLiteral("close");
    else if (m_request.isHttp10())
        m_connectionHeader = QByteArrayLiteral("keep-alive");
}

HttpExchange::~HttpExchange()
{
    finish(); // the client left before its answer: it is logged as unanswered
}

void HttpExchange::whenFinished(std::function<void(const HttpExchange &)> callback)
{
    if (m_finished)
        callback(*this);
    else
        m_whenFinished = std::move(callback);
}

void HttpExchange::respond(int status, const QByteArray &contentType, const QByteArray &body,
                           http::HeaderList headers)
{
    headers += m_commonHeaders;
    if (!m_connectionHeader.isEmpty())
        headers.append(qMakePair(QByteArrayLiteral("Connection"), m_connectionHeader));
    QByteArray bytes = http::buildResponse(status, contentType, body, headers);
    // HEAD gets the headers GET would, Content-Length included, and no body.
    if (m_request.isHead())
        bytes.chop(body.size());
    if (!m_finished) {
        m_bodyBytes = m_request.isHead() ? 0 : body.size();
        m_responseType = contentType;
        if (!m_request.isHead())
            m_responseBody = body; // implicitly shared, not copied
    }
    respondRaw(status, bytes);
}

void HttpExchange::respondRaw(int status, const QByteArray &bytes)
{
    if (m_finished)
        return;
    m_status = status;
    finish();
    if (m_owner)
        m_transport->writeAnswer(m_streamId, bytes, m_connectionHeader == "close");
}

void HttpExchange::json(int status, const QJsonDocument &document, const http::HeaderList &headers)
{
    respond(status, QByteArrayLiteral("application/json"), document.toJson(QJsonDocument::Compact),
            headers);
}

void HttpExchange::error(int status, const QString &message, const http::HeaderList &headers)
{
    respond(status, QByteArrayLiteral("application/json"), http::errorBody(message), headers);
    if (status == 401 || status == 403 || status == 421 || status == 503)
        qCInfo(lcHttp).noquote() << status << message;
}

void HttpExchange::error(const HttpError &failure)
{
    if (failure.closeConnection)
        m_connectionHeader = QByteArrayLiteral("close");
    error(failure.status, failure.message, failure.headers);
}

int HttpExchange::adoptStream(StreamHub &hub)
{
    return m_owner ? m_transport->adoptStream(m_streamId, hub) : -1;
}

void HttpExchange::handOver(bool opened)
{
    if (opened) {
        m_status = 200;
        m_streamOpened = true;
    }
    finish();
    if (m_owner)
        m_transport->handOver(m_streamId, opened);
}

void HttpExchange::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_whenFinished)
        std::exchange(m_whenFinished, nullptr)(*this);
}

} // namespace sse
