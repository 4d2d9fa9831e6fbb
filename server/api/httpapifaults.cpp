// HttpApi's fault injection: /api/faults and the answer a status fault gives a new stream,
// apart from httpapi.cpp so each file stays about one thing.
#include "httpapi.h"

#include "faultservice.h"
#include "httpexchange.h"
#include "requestparsers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace sse {

void HttpApi::handleFaults(HttpExchange &exchange)
{
    if (!requireMethod(exchange, "GET,POST"))
        return;
    const Request &request = exchange.request();
    if (request.method != "POST") {
        QJsonArray list;
        for (const FaultInfo &fault : m_faults.faults())
            list.append(faultInfoJson(fault));
        exchange.json(200, QJsonDocument(list));
        return;
    }
    if (!requirePublisher(exchange))
        return;
    if (mediaType(request.value("content-type")) != "application/json") {
        exchange.error(415, QStringLiteral("Content-Type: '%1' is not a fault; send a JSON object "
                                           "as application/json")
                                .arg(QString::fromLatin1(request.value("content-type").left(100))));
        return;
    }
    auto parsed = parseFaultSpec(request.body);
    if (const auto *failure = std::get_if<QString>(&parsed)) {
        exchange.error(400, *failure);
        return;
    }
    if (m_faults.isFull()) {
        exchange.error(503, QStringLiteral("%1 faults are installed (the limit); remove one first")
                                .arg(FaultService::MaxFaults));
        return;
    }
    QString error;
    int applied = 0;
    const quint64 id =
        m_faults.install(std::get<FaultSpec>(parsed), QStringLiteral("api"), &error, &applied);
    if (!id) {
        exchange.error(400, error);
        return;
    }
    const QByteArray location = "/api/faults/" + QByteArray::number(id);
    exchange.json(201,
                  QJsonDocument(QJsonObject{{QStringLiteral("id"), QString::number(id)},
                                            {QStringLiteral("applied"), applied}}),
                  {{"Location", location}});
}

void HttpApi::handleFaultDelete(HttpExchange &exchange)
{
    if (!requireMethod(exchange, "DELETE") || !requirePublisher(exchange))
        return;
    const std::optional<quint64> id = idInPath(exchange, QStringLiteral("fault id"));
    if (!id)
        return;
    if (!m_faults.remove(*id)) {
        exchange.error(404, QStringLiteral("fault %1 is not installed").arg(*id));
        return;
    }
    exchange.json(200,
                  QJsonDocument(QJsonObject{{QStringLiteral("removed"), QString::number(*id)}}));
}

void HttpApi::answerWithFault(HttpExchange &exchange, int status, int retryAfterSeconds,
                              const QString &location, quint64 faultId)
{
    http::HeaderList headers;
    if (retryAfterSeconds >= 0)
        headers.append({"Retry-After", QByteArray::number(retryAfterSeconds)});
    if (!location.isEmpty())
        headers.append({"Location", location.toUtf8()});
    headers.append({"X-SSE-Fault", QByteArray::number(faultId)});
    if (status == 204 || (status >= 300 && status < 400)) {
        exchange.respond(status, {}, {}, headers);
        return;
    }
    exchange.error(status,
                   QStringLiteral("fault #%1 answers new streams with %2").arg(faultId).arg(status),
                   headers);
}

} // namespace sse
