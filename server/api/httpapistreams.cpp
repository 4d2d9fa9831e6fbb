// The stream routes: GET /events (and the scenario routes through openStream), which hand the
// connection's socket to the stream hub once the subscriber is admitted.
#include "httpapi.h"

#include "eventbroker.h"
#include "faultservice.h"
#include "httpexchange.h"
#include "requestparsers.h"
#include "serverconfig.h"
#include "streamhub.h"
#include "subscriberregistry.h"
#include "trafficsink.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <QCoreApplication>

namespace sse {

namespace {

// No Content-Length: the stream lasts until either side closes it.
const QByteArray StreamHead = QByteArrayLiteral("HTTP/1.1 200 OK\r\n"
                                                "Content-Type: text/event-stream\r\n"
                                                "Cache-Control: no-cache\r\n"
                                                "X-Accel-Buffering: no\r\n"
                                                "Access-Control-Allow-Origin: *\r\n"
                                                "\r\n");

// A refused stream is told when to come back, at a random point of a few seconds so that a
// storm of them spreads out.
constexpr int MinRetryMs = 2000;
constexpr int RetrySpreadMs = 3000;

} // namespace

void HttpApi::answerRetryLater(HttpExchange &exchange, const QString &reason)
{
    // By the HTML standard an EventSource that gets any status but 200 gives up for good, and
    // one whose 200 stream ends reconnects after its retry time: so a full server answers with
    // a stream that only says when to retry, and ends (docs/security.md).
    m_broker.countRetryAnswer();
    m_recorder.record(
        TrafficDirection::System, 0, {}, {}, 0,
        QCoreApplication::translate("sse::TrafficLog", "stream refused, told to retry: %1")
            .arg(reason));
    const int retryMs = MinRetryMs + int(QRandomGenerator::global()->bounded(RetrySpreadMs));
    exchange.closeAfterAnswer();
    exchange.respond(200, QByteArrayLiteral("text/event-stream"),
                     encodeComment(reason) + "retry: " + QByteArray::number(retryMs) + "\n\n",
                     {{"Cache-Control", "no-cache"}});
}

void HttpApi::handleEvents(HttpExchange &exchange)
{
    if (!requireMethod(exchange, "GET") || !requireSubscriber(exchange))
        return;
    if (exchange.request().isHead()) {
        exchange.respondRaw(200, StreamHead); // what a stream would start with, and no stream
        return;
    }
    const Request &request = exchange.request();
    const Parsed<Subscription> parsed = parseSubscribe(
        {request.query(), request.value("last-event-id"), request.value("user-agent")});
    if (const auto *failure = std::get_if<HttpError>(&parsed)) {
        exchange.error(*failure);
        return;
    }
    openStream(exchange, StreamHead, std::get<Subscription>(parsed));
}

void HttpApi::openStream(HttpExchange &exchange, const QByteArray &responseHead,
                         const Subscription &subscription, std::function<void(quint64)> opened)
{
    // The hub also holds ended route streams still sending their last bytes to a slow reader:
    // they count too, so no client can hold more descriptors than the limit.
    if (std::max(m_registry.size(), m_hub.streamCount()) >= m_config.maxClients) {
        answerRetryLater(exchange, QStringLiteral("server full: %1 subscribers are connected (the "
                                                  "limit)")
                                       .arg(m_config.maxClients));
        return;
    }
    if (!exchange.peer().isLoopback() &&
        m_registry.countFrom(exchange.peer().toString()) >= m_config.maxStreamsPerAddress) {
        answerRetryLater(exchange, QStringLiteral("%1 streams from your address are connected (the "
                                                  "limit)")
                                       .arg(m_config.maxStreamsPerAddress));
        return;
    }
    const QString remoteAddress = exchange.peer().toString();
    const FaultService::Admission admission = m_faults.admit(remoteAddress);
    if (admission.status != 0) {
        answerWithFault(exchange, admission.status, admission.retryAfterSeconds, admission.location,
                        admission.faultId);
        return;
    }
    // From here the hub owns the connection; the HTTP connection lets go of it.
    const bool tlsTaken = exchange.request().secure && !exchange.request().isHttp2();
    const int stream = exchange.adoptStream(m_hub);
    if (stream < 0 && tlsTaken) {
        exchange.handOver(false); // its TLS session is gone: closed, which EventSource retries
        return;
    }
    if (stream < 0) {
        answerRetryLater(exchange, QStringLiteral("server full: cannot take another stream (%1)")
                                       .arg(QString::fromLocal8Bit(std::strerror(errno))));
        return;
    }
    auto started = [this, opened = std::move(opened)](quint64 clientId) {
        if (!clientId)
            return;
        m_faults.streamOpened(clientId);
        if (opened)
            opened(clientId);
    };
    if (admission.delayMs > 0) {
        exchange.handOver(true);
        m_broker.subscribeLater(admission.delayMs, stream, responseHead, subscription,
                                remoteAddress, std::move(started));
        return;
    }
    const quint64 clientId = m_broker.subscribe(stream, responseHead, subscription, remoteAddress);
    exchange.handOver(clientId != 0);
    started(clientId);
}

} // namespace sse
