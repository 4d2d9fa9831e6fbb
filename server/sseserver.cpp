#include "sseserver.h"

#include "fanoutpool.h"
#include "guardedtcpserver.h"
#include "httputil.h"
#include "streamhub.h"

#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>
#include <QTcpSocket>
#include <QUrlQuery>
#include <QUtf8StringView>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sse {

namespace {

constexpr int MaxTrafficRecordsPending = 5000;
constexpr int MaxEventTypes = 256;
constexpr qint64 MaxHeaderBytes = 64 * 1024;
constexpr int ReconnectDelayMs = 2000;
constexpr int CountersEveryNthSnapshot = 5;
// Below this many subscribers waking the other fan-out threads costs more than it saves.
constexpr size_t MinParallelFanout = 256;
// What one subscriber may ask for and bring along, so memory stays bounded by the client cap.
constexpr qsizetype MaxChannelsPerSubscriber = 32;
constexpr qsizetype MaxUserAgentBytes = 512;

QString methodName(const QHttpServerRequest &request)
{
    switch (request.method()) {
    case QHttpServerRequest::Method::Get:
        return QStringLiteral("GET");
    case QHttpServerRequest::Method::Post:
        return QStringLiteral("POST");
    case QHttpServerRequest::Method::Delete:
        return QStringLiteral("DELETE");
    case QHttpServerRequest::Method::Options:
        return QStringLiteral("OPTIONS");
    case QHttpServerRequest::Method::Put:
        return QStringLiteral("PUT");
    case QHttpServerRequest::Method::Head:
        return QStringLiteral("HEAD");
    case QHttpServerRequest::Method::Patch:
        return QStringLiteral("PATCH");
    default:
        return QStringLiteral("OTHER");
    }
}

// IPv4 peers on a dual-stack socket show up as ::ffff:a.b.c.d; show them as a.b.c.d.
QHostAddress plainAddress(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : address;
}

QString bearerToken(const QHttpServerRequest &request)
{
    const QByteArray authorization = request.value("authorization").trimmed();
    if (!authorization.startsWith("Bearer ") && !authorization.startsWith("bearer "))
        return {};
    return QString::fromUtf8(authorization.mid(7).trimmed());
}

QString queryValue(const QUrlQuery &query, const QString &key)
{
    return query.queryItemValue(key, QUrl::FullyDecoded);
}

// The media type without parameters, lower-cased: "application/json; charset=utf-8" gives
// "application/json".
QByteArray mediaType(const QHttpServerRequest &request)
{
    QByteArray type = request.value("content-type");
    const qsizetype semicolon = type.indexOf(';');
    if (semicolon >= 0)
        type.truncate(semicolon);
    return type.trimmed().toLower();
}

QByteArray metricsText(const ServerStats &stats)
{
    QByteArray out;
    const auto metric = [&out](const char *name, const char *type, const char *help, qint64 value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append(name).append(' ').append(QByteArray::number(value)).append('\n');
    };
    metric("sse_clients", "gauge", "Connected SSE subscribers.", stats.clients);
    metric("sse_events_published_total", "counter", "Events published.",
           qint64(stats.eventsPublished));
    metric("sse_deliveries_total", "counter", "Events written to subscribers.",
           qint64(stats.deliveries));
    metric("sse_bytes_sent_total", "counter", "Bytes written to subscribers.",
           qint64(stats.bytesSent));
    metric("sse_slow_client_drops_total", "counter",
           "Subscribers dropped because their output queue overflowed.",
           qint64(stats.slowClientDrops));
    metric("sse_rejected_connections_total", "counter",
           "Connections refused because the server was full.", qint64(stats.rejectedConnections));
    metric("sse_stream_writes_total", "counter",
           "Writes to streams (events published together share one write per subscriber).",
           qint64(stats.streamWrites));
    metric("sse_history_size", "gauge", "Events held for Last-Event-ID replay.", stats.historySize);
    metric("sse_uptime_seconds", "gauge", "Seconds since the server started.", stats.uptimeSeconds);
    return out;
}

// Qt's JSON parser decodes each string with QString::fromUtf8, which drops a U+FEFF at the
// start of a string. Outside strings raw U+FEFF bytes are invalid JSON anyway, so escaping
// them all keeps strings intact; a byte-order mark before the document is removed first.
QByteArray escapeByteOrderMarks(QByteArray json)
{
    static const QByteArray bom("\xEF\xBB\xBF");
    if (json.startsWith(bom))
        json.remove(0, bom.size());
    if (json.contains(bom))
        json.replace(bom, QByteArrayLiteral("\\ufeff"));
    return json;
}

// The server's own events: JSON data and no id, so the client's last event id is untouched.
QByteArray controlEvent(const QString &name, const QJsonObject &data, const QString &retry = {})
{
    return encodeEvent(
        SseEvent{name,
                 {},
                 QString::fromUtf8(QJsonDocument(data).toJson(QJsonDocument::Compact)),
                 retry,
                 {}});
}

QString summarize(const QString &text)
{
    constexpr int MaxSummary = 120;
    QString summary = text.left(MaxSummary);
    summary.replace(u'\r', u' ').replace(u'\n', u' ');
    return text.size() > MaxSummary ? summary + QStringLiteral("…") : summary;
}

} // namespace

SseServer::SseServer(ServerConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_history(m_config.historySize)
{
    if (m_config.token.isEmpty())
        m_config.token = generateToken();
    m_heartbeatTimer.setInterval(m_config.heartbeatSeconds * 1000);
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &SseServer::sendHeartbeat);
    connect(&m_snapshotTimer, &QTimer::timeout, this, &SseServer::emitSnapshot);
    m_eventTypes.append(DefaultEventType);
    m_streams = new StreamHub(m_config.maxQueueBytes, this);
    m_fanoutPool = std::make_unique<FanoutPool>(std::max(m_config.fanoutThreads, 1) - 1);
    connect(m_streams, &StreamHub::streamClosed, this, &SseServer::onStreamClosed);
}

SseServer::~SseServer()
{
    stop();
}

bool SseServer::start(QString *errorMessage)
{
    const auto fail = [errorMessage](const QString &message) {
        if (errorMessage)
            *errorMessage = message;
        return false;
    };
    if (isListening())
        return true;
    if (const QString invalid = m_config.validate(); !invalid.isEmpty())
        return fail(invalid);

    GuardedTcpServer::Limits limits;
    limits.maxConnections = m_config.maxClients + ServerConfig::ApiConnectionHeadroom;
    limits.maxRequestBytes = m_config.maxBodyBytes + MaxHeaderBytes;
    limits.idleTimeoutMs = m_config.idleTimeoutSeconds * 1000;
    auto tcpServer = std::make_unique<GuardedTcpServer>(limits);
    if (!tcpServer->listen(m_config.bindAddress, m_config.port)) {
        return fail(QStringLiteral("cannot listen on %1 port %2: %3")
                        .arg(m_config.bindAddress.toString())
                        .arg(m_config.port)
                        .arg(tcpServer->errorString()));
    }
    tcpServer->setHandedOverCount([this] { return m_streams->streamCount(); });
    connect(tcpServer.get(), &GuardedTcpServer::connectionRejected, this,
            [this](const QString &reason) {
                ++m_stats.rejectedConnections;
                record(TrafficDirection::System, 0, {}, {}, 0,
                       QStringLiteral("connection refused: %1").arg(reason));
            });

    m_http = new QHttpServer(this);
    addRoute(QStringLiteral("/"), &SseServer::handleStatic);
    addRoute(QStringLiteral("/app.js"), &SseServer::handleStatic);
    addRoute(QStringLiteral("/style.css"), &SseServer::handleStatic);
    addRoute(QStringLiteral("/events"), &SseServer::handleEvents);
    addRoute(QStringLiteral("/publish"), &SseServer::handlePublish);
    addRoute(QStringLiteral("/send"), &SseServer::handleSend);
    addRoute(QStringLiteral("/api/clients"), &SseServer::handleClients);
    addRoute(QStringLiteral("/api/stats"), &SseServer::handleStats);
    addRoute(QStringLiteral("/metrics"), &SseServer::handleMetrics);
    addRoute(QStringLiteral("/healthz"), &SseServer::handleHealth);
    m_http->route(QStringLiteral("/api/clients/<arg>"),
                  [this](const QString &, const QHttpServerRequest &request,
                         QHttpServerResponder &&responder) {
                      dispatch(request, responder.socket(), &SseServer::handleClientDelete);
                  });
    m_http->setMissingHandler(
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            dispatch(request, responder.socket(), &SseServer::handleMissing);
        });

    m_tcpServer = tcpServer.release();
    m_http->bind(m_tcpServer); // takes ownership
    m_uptime.start();
    m_heartbeatTimer.start();
    record(TrafficDirection::System, 0, {}, {}, 0, QStringLiteral("listening on %1").arg(url()));
    return true;
}

void SseServer::stop()
{
    if (!m_http)
        return;
    m_heartbeatTimer.stop();
    m_tcpServer->close();
    deliverPending();
    // Every stream ends with FIN after what the kernel holds: clients see a clean end.
    m_streams->closeAll();
    for (auto it = m_subscribers.begin(); it != m_subscribers.end();)
        it = forgetSubscriber(it, QStringLiteral("server stopped"));
    delete m_http; // owns the TCP server and with it every HTTP connection
    m_http = nullptr;
    m_tcpServer = nullptr;
    record(TrafficDirection::System, 0, {}, {}, 0, QStringLiteral("server stopped"));
}

bool SseServer::isListening() const
{
    return m_tcpServer && m_tcpServer->isListening();
}

quint16 SseServer::port() const
{
    return m_tcpServer ? m_tcpServer->serverPort() : 0;
}

QString SseServer::url() const
{
    QHostAddress address = m_config.bindAddress;
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        address = QHostAddress(QHostAddress::LocalHost);
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress(QHostAddress::LocalHostIPv6);
    QString host = address.toString();
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return QStringLiteral("http://%1:%2/").arg(host).arg(port());
}

void SseServer::addRoute(const QString &path, Handler handler)
{
    m_http->route(
        path, [this, handler](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            dispatch(request, responder.socket(), handler);
        });
}

void SseServer::dispatch(const QHttpServerRequest &request, QTcpSocket *socket, Handler handler)
{
    m_tcpServer->requestDispatched(socket);
    if (request.method() == QHttpServerRequest::Method::Options) {
        http::writeResponse(
            socket, 204, {}, {},
            {{"Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS"},
             {"Access-Control-Allow-Headers", "Last-Event-ID, Content-Type, Authorization"},
             {"Access-Control-Max-Age", "86400"}});
        return;
    }
    // The request goes into the log before what it causes (an event out, a connect).
    const qsizetype logIndex = m_snapshotsEnabled ? m_pendingTraffic.size() : -1;
    if (m_snapshotsEnabled) {
        TrafficRecord in;
        in.direction = TrafficDirection::In;
        in.method = methodName(request);
        in.path = request.url().path();
        in.size = request.body().size();
        in.raw = request.body().left(TrafficRecord::MaxRawBytes);
        in.summary = QStringLiteral("%1 %2 from %3")
                         .arg(in.method, request.url().toString(QUrl::FullyEncoded),
                              plainAddress(socket->peerAddress()).toString());
        appendRecord(std::move(in));
    }
    http::setLastStatus(0);
    (this->*handler)(request, socket);
    if (logIndex >= 0 && logIndex < m_pendingTraffic.size()) {
        TrafficRecord &in = m_pendingTraffic[logIndex];
        in.status = http::lastStatus();
        if (in.status == 200 && handler == &SseServer::handleEvents)
            m_pendingTraffic.removeAt(logIndex); // a stream: its connect record says it all
        else
            in.summary += QStringLiteral(" → %1").arg(in.status);
    }
    if (socket->state() == QAbstractSocket::ConnectedState &&
        request.value("connection").toLower().contains("close")) {
        socket->disconnectFromHost();
    }
}

bool SseServer::requireMethod(const QHttpServerRequest &request, QTcpSocket *socket,
                              const QByteArray &allowed)
{
    const QByteArray method = methodName(request).toLatin1();
    if (allowed.split(',').contains(method))
        return true;
    http::writeError(
        socket, 405,
        QStringLiteral("method %1 is not allowed on %2; use %3")
            .arg(methodName(request), request.url().path(), QString::fromLatin1(allowed)),
        {{"Allow", allowed + ",OPTIONS"}});
    return false;
}

bool SseServer::requirePublisher(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (!m_config.requireTokenOnLoopback && plainAddress(socket->peerAddress()).isLoopback())
        return true;
    const QString token = bearerToken(request);
    if (token.isEmpty()) {
        http::writeError(socket, 401,
                         QStringLiteral("Authorization: missing; publishing from another computer "
                                        "needs 'Authorization: Bearer TOKEN' (the token is shown "
                                        "in the dashboard)"),
                         {{"WWW-Authenticate", "Bearer"}});
        return false;
    }
    if (token != m_config.token) {
        http::writeError(socket, 401, QStringLiteral("Authorization: the bearer token is wrong"),
                         {{"WWW-Authenticate", "Bearer"}});
        return false;
    }
    return true;
}

void SseServer::handleStatic(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (!requireMethod(request, socket, "GET"))
        return;
    QString path = request.url().path();
    if (path == QStringLiteral("/"))
        path = QStringLiteral("/index.html");
    QFile file(QStringLiteral(":/web") + path);
    if (!file.open(QIODevice::ReadOnly)) {
        http::writeError(socket, 500,
                         QStringLiteral("the page %1 is missing from the build").arg(path));
        return;
    }
    QByteArray type = QByteArrayLiteral("text/html; charset=utf-8");
    if (path.endsWith(QStringLiteral(".js")))
        type = QByteArrayLiteral("text/javascript; charset=utf-8");
    else if (path.endsWith(QStringLiteral(".css")))
        type = QByteArrayLiteral("text/css; charset=utf-8");
    http::writeResponse(socket, 200, type, file.readAll(), {{"Cache-Control", "no-cache"}});
}

void SseServer::handleEvents(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (!requireMethod(request, socket, "GET"))
        return;
    const QUrlQuery query = request.query();
    if (!m_config.subscriberToken.isEmpty()) {
        QString token = bearerToken(request);
        if (token.isEmpty())
            token = queryValue(query, QStringLiteral("token"));
        if (token != m_config.subscriberToken) {
            http::writeError(socket, 401,
                             token.isEmpty()
                                 ? QStringLiteral("subscribing needs the subscriber token: "
                                                  "?token=T or 'Authorization: Bearer T'")
                                 : QStringLiteral("the subscriber token is wrong"));
            return;
        }
    }
    if (int(m_subscribers.size()) >= m_config.maxClients) {
        ++m_stats.rejectedConnections;
        http::writeError(socket, 503,
                         QStringLiteral("server full: %1 subscribers are connected (the limit)")
                             .arg(m_config.maxClients));
        record(TrafficDirection::System, 0, {}, {}, 0,
               QStringLiteral("subscriber refused: limit of %1 reached").arg(m_config.maxClients));
        return;
    }

    QStringList channels;
    for (const QString &channel :
         query.allQueryItemValues(QStringLiteral("channel"), QUrl::FullyDecoded)) {
        if (channel.isEmpty())
            continue;
        if (auto failure = validateChannel(channel)) {
            http::writeError(socket, 400, failure->message());
            return;
        }
        if (channels.contains(channel))
            continue;
        if (channels.size() == MaxChannelsPerSubscriber) {
            http::writeError(socket, 400,
                             QStringLiteral("field 'channel': at most %1 channels per subscriber")
                                 .arg(MaxChannelsPerSubscriber));
            return;
        }
        channels.append(channel);
    }
    if (channels.isEmpty())
        channels.append(DefaultChannel);

    // Both come from the client: keep them to sizes the server itself would produce.
    QString lastEventId = QString::fromUtf8(request.value("last-event-id"));
    if (lastEventId.isEmpty())
        lastEventId = queryValue(query, QStringLiteral("lastEventId"));
    lastEventId.truncate(MaxIdLength);

    // Events published before this subscriber arrived reach it only through replay.
    deliverPending();

    auto subscriber = std::make_unique<Subscriber>();
    subscriber->id = m_nextClientId++;
    subscriber->remoteAddress = plainAddress(socket->peerAddress()).toString();
    subscriber->userAgent = QString::fromUtf8(request.value("user-agent").left(MaxUserAgentBytes));
    subscriber->channels = channels;
    subscriber->connectedSince = QDateTime::currentDateTimeUtc();
    subscriber->lastEventId = lastEventId;

    QByteArray replayed;
    QByteArray gapNotice;
    if (!lastEventId.isEmpty()) {
        const EventHistory::Replay replay = m_history.replayAfter(lastEventId, channels);
        if (replay.gap != EventHistory::Gap::None) {
            const QJsonObject gap{
                {QStringLiteral("lastEventId"), lastEventId},
                {QStringLiteral("oldestId"), replay.oldestId},
                {QStringLiteral("reason"), replay.gap == EventHistory::Gap::Evicted
                                               ? QStringLiteral("evicted")
                                               : QStringLiteral("unknown")},
            };
            gapNotice = encodeComment(QStringLiteral("history-gap")) +
                        controlEvent(QStringLiteral("dashboard.history-gap"), gap);
        }
        for (const QByteArray &bytes : replay.events) {
            replayed.append(bytes);
            ++subscriber->eventsSent;
        }
    }

    // No Content-Length: the stream lasts until either side closes it.
    QByteArray head = QByteArrayLiteral("HTTP/1.1 200 OK\r\n"
                                        "Content-Type: text/event-stream\r\n"
                                        "Cache-Control: no-cache\r\n"
                                        "X-Accel-Buffering: no\r\n"
                                        "Access-Control-Allow-Origin: *\r\n"
                                        "\r\n");
    head += helloEvent(*subscriber, !gapNotice.isEmpty()) + gapNotice + replayed;

    // From here the hub owns the connection; Qt's socket (and its request) go away.
    subscriber->stream = m_streams->adopt(socket->socketDescriptor());
    if (subscriber->stream < 0) {
        http::writeError(socket, 503,
                         QStringLiteral("server full: cannot take another stream (%1)")
                             .arg(QString::fromLocal8Bit(std::strerror(errno))));
        return;
    }
    socket->abort();
    if (m_streams->write(subscriber->stream, head) != StreamHub::WriteResult::Written) {
        m_streams->close(subscriber->stream, true);
        return;
    }
    subscriber->bytesSent = quint64(head.size());
    http::setLastStatus(200);
    subscriber->lastWriteBeat = m_heartbeatCount;

    const quint64 clientId = subscriber->id;
    if (m_snapshotsEnabled) {
        record(TrafficDirection::System, clientId, {}, {}, head.size(),
               QStringLiteral("client %1 connected from %2 to %3%4")
                   .arg(clientId)
                   .arg(subscriber->remoteAddress, channels.join(QStringLiteral(", ")),
                        lastEventId.isEmpty()
                            ? QString()
                            : QStringLiteral(" (Last-Event-ID %1)").arg(lastEventId)),
               head);
    }
    addSubscriber(std::move(subscriber));
}

QByteArray SseServer::helloEvent(const Subscriber &subscriber, bool historyGap) const
{
    const QJsonObject hello{
        {QStringLiteral("clientId"), qint64(subscriber.id)},
        {QStringLiteral("channels"), QJsonArray::fromStringList(subscriber.channels)},
        {QStringLiteral("eventTypes"), QJsonArray::fromStringList(m_eventTypes)},
        {QStringLiteral("historyGap"), historyGap},
    };
    return controlEvent(QStringLiteral("dashboard.hello"), hello,
                        QString::number(ReconnectDelayMs));
}

void SseServer::handlePublish(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (!requireMethod(request, socket, "POST") || !requirePublisher(request, socket))
        return;
    // Qt 6.4 reads a request whose Content-Length is not a number as having no body.
    if (const QByteArray length = request.value("content-length"); !length.isEmpty()) {
        bool valid = false;
        const qint64 declared = length.trimmed().toLongLong(&valid);
        if (!valid || declared < 0) {
            http::writeError(socket, 400,
                             QStringLiteral("Content-Length: '%1' is not a valid length")
                                 .arg(QString::fromLatin1(length.left(40))));
            socket->disconnectFromHost(); // the rest of the stream cannot be framed
            return;
        }
    }
    const QByteArray body = request.body();
    if (body.size() > m_config.maxBodyBytes) {
        http::writeError(socket, 413,
                         QStringLiteral("body: %1 bytes is over the limit of %2 bytes")
                             .arg(body.size())
                             .arg(m_config.maxBodyBytes));
        return;
    }
    const QByteArray type = mediaType(request);
    const QUrlQuery query = request.query();
    SseEvent event;
    if (type == "application/json") {
        QJsonParseError parseError;
        const QJsonDocument document =
            QJsonDocument::fromJson(escapeByteOrderMarks(body), &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            http::writeError(socket, 400,
                             QStringLiteral("body: invalid JSON at offset %1: %2")
                                 .arg(parseError.offset)
                                 .arg(parseError.errorString()));
            return;
        }
        if (!document.isObject()) {
            http::writeError(socket, 400, QStringLiteral("body: must be a JSON object"));
            return;
        }
        const QJsonObject object = document.object();
        static const QStringList known{QStringLiteral("event"), QStringLiteral("data"),
                                       QStringLiteral("id"), QStringLiteral("retry"),
                                       QStringLiteral("channel")};
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!known.contains(it.key())) {
                http::writeError(socket, 400,
                                 QStringLiteral("field '%1': unknown; use event, data, id, "
                                                "retry or channel")
                                     .arg(it.key()));
                return;
            }
        }
        const auto stringField = [&](const QString &name, QString *out) {
            const QJsonValue value = object.value(name);
            if (value.isUndefined())
                return true;
            if (!value.isString()) {
                http::writeError(socket, 400,
                                 QStringLiteral("field '%1': must be a string").arg(name));
                return false;
            }
            *out = value.toString();
            return true;
        };
        if (!stringField(QStringLiteral("event"), &event.event) ||
            !stringField(QStringLiteral("channel"), &event.channel)) {
            return;
        }
        // Absent means the default; an explicit empty name is a mistake worth reporting.
        for (const auto &[name, value] :
             {std::pair{"event", &event.event}, std::pair{"channel", &event.channel}}) {
            if (object.contains(QLatin1String(name)) && value->isEmpty()) {
                http::writeError(socket, 400,
                                 QStringLiteral("field '%1': must not be empty; leave it out for "
                                                "the default")
                                     .arg(QLatin1String(name)));
                return;
            }
        }
        const QJsonValue data = object.value(QStringLiteral("data"));
        if (data.isUndefined() || data.isNull()) {
            http::writeError(socket, 400, QStringLiteral("field 'data': missing"));
            return;
        }
        if (data.isString()) {
            event.data = data.toString();
        } else if (data.isObject() || data.isArray()) {
            const QJsonDocument nested =
                data.isObject() ? QJsonDocument(data.toObject()) : QJsonDocument(data.toArray());
            event.data = QString::fromUtf8(nested.toJson(QJsonDocument::Compact));
        } else if (data.isBool()) {
            event.data = data.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        } else {
            event.data = QString::number(data.toDouble(), 'g', 17);
        }
        const auto integerText = [](const QJsonValue &value, QString *out) {
            const double number = value.toDouble();
            if (number < 0 || number != double(qint64(number)) || number > 9.0e15)
                return false;
            *out = QString::number(qint64(number));
            return true;
        };
        const QJsonValue id = object.value(QStringLiteral("id"));
        if (id.isString()) {
            event.id = id.toString();
        } else if (id.isDouble()) {
            if (!integerText(id, &event.id)) {
                http::writeError(
                    socket, 400,
                    QStringLiteral("field 'id': a number must be a non-negative integer"));
                return;
            }
        } else if (!id.isUndefined()) {
            http::writeError(socket, 400,
                             QStringLiteral("field 'id': must be a string or an integer"));
            return;
        }
        const QJsonValue retry = object.value(QStringLiteral("retry"));
        if (retry.isString()) {
            event.retry = retry.toString();
        } else if (retry.isDouble()) {
            if (!integerText(retry, &event.retry)) {
                http::writeError(socket, 400,
                                 QStringLiteral("field 'retry': must be a non-negative integer"));
                return;
            }
        } else if (!retry.isUndefined()) {
            http::writeError(
                socket, 400,
                QStringLiteral("field 'retry': must be an integer or a string of digits"));
            return;
        }
    } else if (type == "text/plain") {
        if (!QUtf8StringView(body).isValidUtf8()) {
            http::writeError(socket, 400, QStringLiteral("body: is not valid UTF-8"));
            return;
        }
        // QString::fromUtf8 would drop a U+FEFF at the start of the data.
        QStringDecoder decoder(QStringConverter::Utf8, QStringConverter::Flag::ConvertInitialBom);
        event.data = decoder(body);
        event.event = queryValue(query, QStringLiteral("event"));
        event.id = queryValue(query, QStringLiteral("id"));
        event.retry = queryValue(query, QStringLiteral("retry"));
        event.channel = queryValue(query, QStringLiteral("channel"));
    } else {
        http::writeError(socket, 415,
                         type.isEmpty()
                             ? QStringLiteral("Content-Type: missing; use application/json or "
                                              "text/plain")
                             : QStringLiteral("Content-Type: '%1' is not supported; use "
                                              "application/json or text/plain")
                                   .arg(QString::fromUtf8(type)));
        return;
    }
    answerPublish(socket, std::move(event));
}

void SseServer::handleSend(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (!requireMethod(request, socket, "GET") || !requirePublisher(request, socket))
        return;
    const QUrlQuery query = request.query();
    if (!query.hasQueryItem(QStringLiteral("m"))) {
        http::writeError(socket, 400, QStringLiteral("field 'm': missing; use /send?m=TEXT"));
        return;
    }
    SseEvent event;
    event.data = queryValue(query, QStringLiteral("m"));
    event.channel = queryValue(query, QStringLiteral("channel"));
    answerPublish(socket, std::move(event));
}

void SseServer::answerPublish(QTcpSocket *socket, SseEvent event)
{
    const PublishResult result = publish(std::move(event));
    if (!result.error.isEmpty()) {
        http::writeError(socket, 400, result.error);
        return;
    }
    http::writeJson(socket, 202,
                    QJsonDocument(QJsonObject{{QStringLiteral("id"), result.id},
                                              {QStringLiteral("delivered"), result.delivered}}));
}

void SseServer::handleClients(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (!requireMethod(request, socket, "GET"))
        return;
    QJsonArray array;
    for (const ClientInfo &info : clients())
        array.append(clientInfoJson(info));
    http::writeJson(socket, 200, QJsonDocument(array));
}

void SseServer::handleClientDelete(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (!requireMethod(request, socket, "DELETE") || !requirePublisher(request, socket))
        return;
    const QString idText = request.url().path().section(u'/', 3, 3);
    bool ok = false;
    const quint64 clientId = idText.toULongLong(&ok);
    if (!ok) {
        http::writeError(socket, 400,
                         QStringLiteral("client id: '%1' is not a number").arg(idText));
        return;
    }
    if (!disconnectClient(clientId)) {
        http::writeError(socket, 404, QStringLiteral("client %1 is not connected").arg(clientId));
        return;
    }
    http::writeJson(socket, 200,
                    QJsonDocument(QJsonObject{{QStringLiteral("disconnected"), qint64(clientId)}}));
}

void SseServer::handleStats(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (!requireMethod(request, socket, "GET"))
        return;
    http::writeJson(socket, 200, QJsonDocument(statsJson(stats())));
}

void SseServer::handleMetrics(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (!requireMethod(request, socket, "GET"))
        return;
    http::writeResponse(socket, 200, QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"),
                        metricsText(stats()));
}

void SseServer::handleHealth(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (!requireMethod(request, socket, "GET"))
        return;
    http::writeResponse(socket, 200, QByteArrayLiteral("text/plain; charset=utf-8"),
                        QByteArrayLiteral("ok"));
}

void SseServer::handleMissing(const QHttpServerRequest &request, QTcpSocket *socket)
{
    http::writeError(socket, 404, QStringLiteral("no route for %1").arg(request.url().path()));
}

PublishResult SseServer::publish(SseEvent event, const PublishTarget &target)
{
    PublishResult result;
    if (auto failure = validateEvent(event)) {
        result.error = failure->message();
        return result;
    }
    if (event.channel.isEmpty())
        event.channel = DefaultChannel;
    if (event.id.isEmpty())
        event.id = QString::number(m_nextEventId++);
    const QString eventType = event.event.isEmpty() ? DefaultEventType : event.event;
    // Pages learn of a new type before its first event arrives, so they can listen for it.
    announceEventType(eventType);

    const QByteArray encoded = encodeEvent(event);
    switch (target.kind) {
    case PublishTarget::Kind::Channel:
        m_history.append(event.id, event.channel, encoded);
        if (const auto it = m_channels.constFind(event.channel); it != m_channels.cend())
            result.delivered = int(it.value().size());
        break;
    case PublishTarget::Kind::All:
        m_history.append(event.id, EventHistory::AllChannels, encoded);
        result.delivered = int(m_subscribers.size());
        break;
    case PublishTarget::Kind::Clients:
        for (const quint64 clientId : target.clientIds)
            result.delivered += m_subscribers.count(clientId) ? 1 : 0;
        break;
    }
    // Sent when control returns to the event loop: events published in the same turn (a
    // burst, many publishers) leave in one send() per subscriber instead of one per event.
    m_pendingEvents.push_back(PendingEvent{encoded, event.id, event.channel, target});
    if (!m_deliveryScheduled) {
        m_deliveryScheduled = true;
        QMetaObject::invokeMethod(this, &SseServer::deliverPending, Qt::QueuedConnection);
    }
    result.id = event.id;
    ++m_stats.eventsPublished;
    m_stats.deliveries += quint64(result.delivered);
    if (m_snapshotsEnabled) {
        const QString where = target.kind == PublishTarget::Kind::Clients
                                  ? QStringLiteral("selected clients")
                              : target.kind == PublishTarget::Kind::All
                                  ? QStringLiteral("all channels")
                                  : QStringLiteral("channel %1").arg(event.channel);
        record(
            TrafficDirection::Out, target.clientIds.size() == 1 ? target.clientIds.first() : 0,
            eventType, event.id, encoded.size(),
            QStringLiteral("→ %1 (%2): %3").arg(result.delivered).arg(where, summarize(event.data)),
            encoded.left(TrafficRecord::MaxRawBytes));
    }
    return result;
}

void SseServer::deliverPending()
{
    m_deliveryScheduled = false;
    const std::vector<PendingEvent> events = std::exchange(m_pendingEvents, {});
    const auto sameAudience = [](const PendingEvent &a, const PendingEvent &b) {
        if (a.target.kind != b.target.kind)
            return false;
        switch (a.target.kind) {
        case PublishTarget::Kind::Channel:
            return a.channel == b.channel;
        case PublishTarget::Kind::All:
            return true;
        case PublishTarget::Kind::Clients:
            return a.target.clientIds == b.target.clientIds;
        }
        return false;
    };
    // Consecutive events for the same audience go out as one buffer; order is kept because
    // the runs are sent one after another.
    for (size_t first = 0; first < events.size();) {
        size_t end = first + 1;
        QByteArray bytes = events[first].encoded;
        while (end < events.size() && sameAudience(events[first], events[end]))
            bytes += events[end++].encoded;
        const PendingEvent &event = events[first];
        const QString &lastId = events[end - 1].id;
        const int count = int(end - first);
        switch (event.target.kind) {
        case PublishTarget::Kind::Channel:
            if (const auto it = m_channels.constFind(event.channel); it != m_channels.cend())
                fanOut(it.value(), bytes, lastId, count);
            break;
        case PublishTarget::Kind::All: {
            std::vector<Subscriber *> everyone;
            everyone.reserve(m_subscribers.size());
            for (auto &[id, subscriber] : m_subscribers)
                everyone.push_back(subscriber.get());
            fanOut(everyone, bytes, lastId, count);
            break;
        }
        case PublishTarget::Kind::Clients:
            for (const quint64 clientId : event.target.clientIds) {
                if (const auto it = m_subscribers.find(clientId); it != m_subscribers.end())
                    fanOut({it->second.get()}, bytes, lastId, count);
            }
            break;
        }
        first = end;
    }
    dropSlowConsumers();
}

int SseServer::sendComment(const QString &text, const QString &channel, const PublishTarget &target)
{
    deliverPending(); // the comment follows the events published before it
    const QByteArray encoded = encodeComment(text);
    int delivered = 0;
    for (auto &[id, subscriber] : m_subscribers) {
        const bool matches =
            target.kind == PublishTarget::Kind::All ||
            (target.kind == PublishTarget::Kind::Clients && target.clientIds.contains(id)) ||
            (target.kind == PublishTarget::Kind::Channel &&
             subscriber->channels.contains(channel.isEmpty() ? DefaultChannel : channel));
        if (!matches)
            continue;
        writeTo(*subscriber, encoded);
        ++delivered;
    }
    record(TrafficDirection::Out, 0, QStringLiteral("comment"), {}, encoded.size(),
           QStringLiteral("comment → %1: %2").arg(delivered).arg(summarize(text)), encoded);
    dropSlowConsumers();
    return delivered;
}

void SseServer::writeTo(Subscriber &subscriber, const QByteArray &bytes)
{
    finishWrite(subscriber, bytes, m_streams->trySend(subscriber.stream, bytes));
}

void SseServer::finishWrite(Subscriber &subscriber, const QByteArray &bytes, qsizetype sent)
{
    // Every write to a stream passes here, so the totals are counted once, where they happen.
    ++m_stats.streamWrites;
    m_stats.bytesSent += quint64(bytes.size());
    subscriber.bytesSent += quint64(bytes.size());
    subscriber.countersChanged = true;
    subscriber.lastWriteBeat = m_heartbeatCount;
    if (m_streams->finishWrite(subscriber.stream, bytes, sent) == StreamHub::WriteResult::OverLimit)
        m_slowConsumers.push_back(subscriber.id);
    // A closed stream is reported by the hub from the event loop and removed then.
}

void SseServer::fanOut(const std::vector<Subscriber *> &members, const QByteArray &bytes,
                       const QString &lastEventId, int eventCount)
{
    // The same implicitly shared buffer goes to every stream: the event is encoded only once.
    const size_t count = members.size();
    if (count < MinParallelFanout || m_fanoutPool->threadCount() == 1) {
        for (Subscriber *subscriber : members) {
            writeTo(*subscriber, bytes);
            subscriber->eventsSent += quint64(eventCount);
            subscriber->lastEventId = lastEventId;
        }
        return;
    }
    // The sends (nearly all the cost) run on every fan-out thread, each over its own range;
    // the bookkeeping stays on this thread.
    m_sendResults.resize(count);
    m_fanoutPool->run(count, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i)
            m_sendResults[i] = m_streams->trySend(members[i]->stream, bytes);
    });
    for (size_t i = 0; i < count; ++i) {
        Subscriber &subscriber = *members[i];
        finishWrite(subscriber, bytes, m_sendResults[i]);
        subscriber.eventsSent += quint64(eventCount);
        subscriber.lastEventId = lastEventId;
    }
}

void SseServer::dropSlowConsumers()
{
    // Dropped after the fan-out so no subscriber list changes while it is walked.
    const std::vector<quint64> slow = std::exchange(m_slowConsumers, {});
    for (const quint64 clientId : slow) {
        const auto it = m_subscribers.find(clientId);
        if (it == m_subscribers.end())
            continue;
        const qint64 queued = m_streams->queuedBytes(it->second->stream);
        ++m_stats.slowClientDrops;
        m_streams->close(it->second->stream, true);
        forgetSubscriber(it,
                         QStringLiteral("dropped as a slow consumer: %1 bytes queued (limit %2)")
                             .arg(queued)
                             .arg(m_config.maxQueueBytes));
    }
}

void SseServer::announceEventType(const QString &eventType)
{
    if (m_eventTypes.contains(eventType) || m_eventTypes.size() >= MaxEventTypes)
        return;
    m_eventTypes.append(eventType);
    const QJsonObject types{
        {QStringLiteral("eventTypes"), QJsonArray::fromStringList(m_eventTypes)}};
    const QByteArray encoded = controlEvent(QStringLiteral("dashboard.types"), types);
    for (auto &[id, subscriber] : m_subscribers)
        writeTo(*subscriber, encoded);
}

void SseServer::sendHeartbeat()
{
    static const QByteArray heartbeat = encodeComment(QStringLiteral("heartbeat"));
    // Only streams that carried nothing since the last beat need one: under traffic the
    // beat costs no sends at all.
    const quint64 endingBeat = m_heartbeatCount;
    for (auto &[id, subscriber] : m_subscribers) {
        if (subscriber->lastWriteBeat != endingBeat)
            writeTo(*subscriber, heartbeat);
    }
    ++m_heartbeatCount;
    dropSlowConsumers();
}

bool SseServer::disconnectClient(quint64 clientId)
{
    deliverPending(); // what was published before the disconnect still goes out
    const auto it = m_subscribers.find(clientId);
    if (it == m_subscribers.end())
        return false;
    m_streams->close(it->second->stream);
    forgetSubscriber(it, QStringLiteral("disconnected by the operator"));
    return true;
}

void SseServer::addSubscriber(std::unique_ptr<Subscriber> subscriber)
{
    Subscriber *raw = subscriber.get();
    for (const QString &channel : std::as_const(raw->channels)) {
        auto &members = m_channels[channel];
        raw->channelSlots.push_back(members.size());
        members.push_back(raw);
    }
    m_subscriberByStream.insert(raw->stream, raw);
    if (m_snapshotsEnabled)
        m_pendingConnected.append(clientInfo(*raw));
    m_subscribers.emplace(raw->id, std::move(subscriber));
}

void SseServer::onStreamClosed(int stream)
{
    Subscriber *subscriber = m_subscriberByStream.value(stream);
    if (subscriber)
        forgetSubscriber(m_subscribers.find(subscriber->id), QStringLiteral("disconnected"));
}

SseServer::SubscriberMap::iterator SseServer::forgetSubscriber(SubscriberMap::iterator it,
                                                               const QString &reason)
{
    Subscriber *subscriber = it->second.get();
    m_subscriberByStream.remove(subscriber->stream);
    for (qsizetype i = 0; i < subscriber->channels.size(); ++i) {
        const auto channelIt = m_channels.find(subscriber->channels.at(i));
        auto &members = channelIt.value();
        // Swap-remove keeps removal O(1); the moved member learns its new slot.
        const size_t slot = subscriber->channelSlots[size_t(i)];
        Subscriber *moved = members.back();
        members[slot] = moved;
        members.pop_back();
        if (moved != subscriber) {
            const qsizetype movedIndex = moved->channels.indexOf(channelIt.key());
            moved->channelSlots[size_t(movedIndex)] = slot;
        }
        if (members.empty())
            m_channels.erase(channelIt);
    }
    const quint64 clientId = subscriber->id;
    if (m_snapshotsEnabled) {
        record(TrafficDirection::System, clientId, {}, {}, 0,
               QStringLiteral("client %1 %2 (%3 events, %4 bytes sent)")
                   .arg(clientId)
                   .arg(reason)
                   .arg(subscriber->eventsSent)
                   .arg(subscriber->bytesSent));
        m_pendingDisconnected.append(clientId);
    }
    return m_subscribers.erase(it);
}

QList<ClientInfo> SseServer::clients() const
{
    QList<ClientInfo> list;
    list.reserve(qsizetype(m_subscribers.size()));
    for (const auto &[id, subscriber] : m_subscribers)
        list.append(clientInfo(*subscriber));
    std::sort(list.begin(), list.end(),
              [](const ClientInfo &a, const ClientInfo &b) { return a.id < b.id; });
    return list;
}

ClientInfo SseServer::clientInfo(const Subscriber &subscriber) const
{
    return ClientInfo{subscriber.id,
                      subscriber.remoteAddress,
                      subscriber.userAgent,
                      subscriber.channels,
                      subscriber.connectedSince,
                      subscriber.eventsSent,
                      subscriber.bytesSent,
                      m_streams->queuedBytes(subscriber.stream),
                      subscriber.lastEventId};
}

ServerStats SseServer::stats() const
{
    ServerStats stats = m_stats;
    stats.clients = int(m_subscribers.size());
    stats.historySize = m_history.size();
    stats.uptimeSeconds = m_uptime.isValid() ? m_uptime.elapsed() / 1000 : 0;
    return stats;
}

void SseServer::setSnapshotInterval(int intervalMs)
{
    m_snapshotsEnabled = intervalMs > 0;
    if (!m_snapshotsEnabled) {
        m_snapshotTimer.stop();
        m_pendingConnected.clear();
        m_pendingDisconnected.clear();
        m_pendingTraffic.clear();
        return;
    }
    // The first snapshot carries every client already connected.
    m_pendingConnected = clients();
    m_snapshotTimer.start(intervalMs);
}

void SseServer::flushSnapshot()
{
    if (m_snapshotsEnabled)
        emitSnapshot();
}

void SseServer::record(TrafficDirection direction, quint64 clientId, const QString &eventType,
                       const QString &id, qint64 size, const QString &summary,
                       const QByteArray &raw)
{
    if (!m_snapshotsEnabled)
        return;
    TrafficRecord entry;
    entry.direction = direction;
    entry.clientId = clientId;
    entry.eventType = eventType;
    entry.id = id;
    entry.size = size;
    entry.summary = summary;
    entry.raw = raw.left(TrafficRecord::MaxRawBytes);
    appendRecord(std::move(entry));
}

void SseServer::appendRecord(TrafficRecord entry)
{
    if (m_pendingTraffic.size() >= MaxTrafficRecordsPending) {
        ++m_pendingTrafficDropped;
        return;
    }
    entry.time = QDateTime::currentDateTime();
    m_pendingTraffic.append(std::move(entry));
}

void SseServer::emitSnapshot()
{
    ServerSnapshot snapshot;
    snapshot.connected = std::exchange(m_pendingConnected, {});
    snapshot.disconnected = std::exchange(m_pendingDisconnected, {});
    snapshot.traffic = std::exchange(m_pendingTraffic, {});
    snapshot.trafficDropped = std::exchange(m_pendingTrafficDropped, 0);
    // Per-client counters change with every delivery; a slower rate is plenty for a table.
    if (++m_snapshotTick % CountersEveryNthSnapshot == 0) {
        for (auto &[id, subscriber] : m_subscribers) {
            const qint64 queued = m_streams->queuedBytes(subscriber->stream);
            if (!subscriber->countersChanged && queued == 0)
                continue;
            subscriber->countersChanged = false;
            snapshot.counters.append(ClientCounters{id, subscriber->eventsSent,
                                                    subscriber->bytesSent, queued,
                                                    subscriber->lastEventId});
        }
    }
    snapshot.stats = stats();
    emit snapshotReady(snapshot);
}

} // namespace sse
