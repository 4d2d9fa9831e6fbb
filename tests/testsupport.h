#pragma once

// Real loopback clients for the server tests: a raw HTTP/1.1 client and an SSE reader that
// parses the stream exactly as the WHATWG "text/event-stream" rules tell browsers to.

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QString>
#include <QTcpSocket>
#include <QTest>

#include <algorithm>
#include <memory>

namespace testsupport {

// $SSE_TEST_TLS: the server tests run over HTTPS; startServer() (serverfixture.h) gives the
// server a certificate of a test CA, and the clients here trust that CA alone.
inline bool overTls()
{
    return qEnvironmentVariableIsSet("SSE_TEST_TLS");
}

// The roots the clients trust (set by serverfixture.h).
inline QList<QSslCertificate> &trustedRoots()
{
    static QList<QSslCertificate> roots;
    return roots;
}

// A socket to 127.0.0.1:port that starts connecting now: a QSslSocket that verifies the
// server against trustedRoots() over TLS, else a QTcpSocket. Bytes written before the
// handshake ends leave once it has.
inline std::unique_ptr<QTcpSocket> connectTo(quint16 port, bool tls = overTls())
{
    if (!tls) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QStringLiteral("127.0.0.1"), port);
        return socket;
    }
    auto socket = std::make_unique<QSslSocket>();
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setCaCertificates(trustedRoots());
    socket->setSslConfiguration(configuration);
    socket->connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    return socket;
}

// Waits until a socket of connectTo() is connected (and its handshake done).
inline bool waitForConnected(QTcpSocket &socket, int timeoutMs = 5000)
{
    auto *ssl = qobject_cast<QSslSocket *>(&socket);
    return ssl ? ssl->isEncrypted() || ssl->waitForEncrypted(timeoutMs)
               : socket.waitForConnected(timeoutMs);
}

// connectTo(), waiting until the connection (and its handshake) is up; nullptr on failure.
inline std::unique_ptr<QTcpSocket> connectedTo(quint16 port, int timeoutMs = 5000,
                                               bool tls = overTls())
{
    std::unique_ptr<QTcpSocket> socket = connectTo(port, tls);
    return waitForConnected(*socket, timeoutMs) ? std::move(socket) : nullptr;
}

struct HttpResponse
{
    int status = 0;
    QHash<QByteArray, QByteArray> headers; // names lower-cased
    QByteArray body;

    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
    QString error() const { return json().object().value(QStringLiteral("error")).toString(); }
};

// Splits "HTTP/1.1 200 OK\r\nA: b\r\n\r\n" into status and headers; returns the head's size,
// or -1 while the head is incomplete.
inline qsizetype parseHead(const QByteArray &buffer, HttpResponse *response)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return -1;
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    response->status = lines.value(0).split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            response->headers.insert(line.left(colon).trimmed().toLower(),
                                     line.mid(colon + 1).trimmed());
    }
    return end + 4;
}

// Sends raw bytes on a new connection and reads one Content-Length-delimited response.
inline HttpResponse rawRequest(quint16 port, const QByteArray &request, int timeoutMs = 5000,
                               bool tls = overTls())
{
    const std::unique_ptr<QTcpSocket> connected = connectedTo(port, timeoutMs, tls);
    if (!connected)
        return {};
    QTcpSocket &socket = *connected;
    socket.write(request);
    QByteArray buffer;
    HttpResponse response;
    QElapsedTimer timer;
    timer.start();
    qsizetype headSize = -1;
    while (timer.elapsed() < timeoutMs) {
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(100)) {
            if (socket.state() != QAbstractSocket::ConnectedState)
                break;
            continue;
        }
        buffer += socket.readAll();
        if (headSize < 0)
            headSize = parseHead(buffer, &response);
        if (headSize >= 0) {
            const qsizetype length = response.headers.value("content-length").toLongLong();
            if (buffer.size() - headSize >= length) {
                response.body = buffer.mid(headSize, length);
                return response;
            }
        }
    }
    if (headSize >= 0)
        response.body = buffer.mid(headSize);
    return response;
}

inline HttpResponse request(quint16 port, const QByteArray &method, const QByteArray &target,
                            const QByteArray &body = {}, const QList<QByteArray> &headers = {})
{
    QByteArray raw = method + ' ' + target + " HTTP/1.1\r\n";
    // Host: 127.0.0.1 unless the test names its own.
    if (std::none_of(headers.cbegin(), headers.cend(), [](const QByteArray &header) {
            return header.toLower().startsWith("host:");
        })) {
        raw += "Host: 127.0.0.1\r\n";
    }
    for (const QByteArray &header : headers)
        raw += header + "\r\n";
    if (!body.isEmpty() || method == "POST")
        raw += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    raw += "\r\n" + body;
    return rawRequest(port, raw);
}

inline HttpResponse postJson(quint16 port, const QByteArray &json,
                             const QByteArray &target = "/publish")
{
    return request(port, "POST", target, json, {"Content-Type: application/json"});
}

// What a browser's EventSource would dispatch.
struct ReceivedEvent
{
    QString type;
    QString data;
    QString lastEventId;
};

// Parses text/event-stream bytes with the WHATWG algorithm, as a browser's EventSource does.
class SseParser
{
public:
    void feed(const QByteArray &bytes)
    {
        m_buffer += bytes;
        // Lines end in CRLF, LF or CR; a CR at the very end may still be followed by LF.
        qsizetype start = 0;
        for (qsizetype i = 0; i < m_buffer.size(); ++i) {
            const char c = m_buffer.at(i);
            if (c != '\r' && c != '\n')
                continue;
            if (c == '\r' && i + 1 == m_buffer.size())
                break;
            processLine(QString::fromUtf8(m_buffer.mid(start, i - start)));
            if (c == '\r' && m_buffer.at(i + 1) == '\n')
                ++i;
            start = i + 1;
        }
        m_buffer.remove(0, start);
    }

    const QList<ReceivedEvent> &events() const { return m_events; }
    const QList<QString> &comments() const { return m_comments; }
    QString retry() const { return m_retry; }

private:
    void processLine(const QString &line)
    {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.startsWith(u':')) {
            m_comments.append(line.mid(1).trimmed());
            return;
        }
        const qsizetype colon = line.indexOf(u':');
        const QString field = colon < 0 ? line : line.left(colon);
        QString value = colon < 0 ? QString() : line.mid(colon + 1);
        if (value.startsWith(u' '))
            value.remove(0, 1);
        if (field == QStringLiteral("event"))
            m_eventType = value;
        else if (field == QStringLiteral("data"))
            m_data += value + u'\n';
        else if (field == QStringLiteral("id") && !value.contains(QChar(0)))
            m_lastEventId = value;
        else if (field == QStringLiteral("retry"))
            m_retry = value;
    }

    void dispatch()
    {
        if (m_data.isEmpty()) {
            m_eventType.clear();
            return;
        }
        m_data.chop(1);
        m_events.append(
            ReceivedEvent{m_eventType.isEmpty() ? QStringLiteral("message") : m_eventType, m_data,
                          m_lastEventId});
        m_data.clear();
        m_eventType.clear();
    }

    QByteArray m_buffer;
    QList<ReceivedEvent> m_events;
    QList<QString> m_comments;
    QString m_eventType;
    QString m_data;
    QString m_lastEventId;
    QString m_retry;
};

// Connects to /events and parses the stream as a browser would.
class SseReader : public QObject
{
public:
    // method and body open a stream the way an SDK does (POST /v1/chat/completions).
    explicit SseReader(quint16 port, const QByteArray &target = "/events",
                       const QList<QByteArray> &headers = {}, const QByteArray &method = "GET",
                       const QByteArray &body = {})
        : m_socket(connectTo(port))
    {
        connect(m_socket.get(), &QTcpSocket::readyRead, this, [this] { onReadyRead(); });
        QByteArray raw =
            method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
        for (const QByteArray &header : headers)
            raw += header + "\r\n";
        if (!body.isEmpty() || method == "POST")
            raw += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        m_socket->write(raw + "\r\n" + body);
    }

    QTcpSocket &socket() { return *m_socket; }
    const HttpResponse &response() const { return m_response; }
    bool headReceived() const { return m_headReceived; }
    const QList<ReceivedEvent> &events() const { return m_parser.events(); }
    const QList<QString> &comments() const { return m_parser.comments(); }
    QString retry() const { return m_parser.retry(); }
    const QByteArray &rawBody() const { return m_rawBody; }
    bool isConnected() const { return m_socket->state() == QAbstractSocket::ConnectedState; }
    // The 200 head arrived: the server has registered the subscriber.
    bool isStreaming() const { return m_headReceived && m_response.status == 200; }
    // Events other than the server's own dashboard.* control events.
    QList<ReceivedEvent> userEvents() const
    {
        QList<ReceivedEvent> out;
        for (const ReceivedEvent &event : events()) {
            if (!event.type.startsWith(QStringLiteral("dashboard.")))
                out.append(event);
        }
        return out;
    }
    // The dashboard.* control events arrive only on streams opened with ?control=1.
    QJsonObject controlEvent(const QString &type) const
    {
        for (const ReceivedEvent &event : events()) {
            if (event.type == type)
                return QJsonDocument::fromJson(event.data.toUtf8()).object();
        }
        return {};
    }
    quint64 clientId() const
    {
        return quint64(controlEvent(QStringLiteral("dashboard.hello"))
                           .value(QStringLiteral("clientId"))
                           .toInteger());
    }

private:
    void onReadyRead()
    {
        QByteArray bytes = m_socket->readAll();
        if (!m_headReceived) {
            m_head += bytes;
            const qsizetype headSize = parseHead(m_head, &m_response);
            if (headSize < 0)
                return;
            m_headReceived = true;
            bytes = m_head.mid(headSize);
            m_head.clear();
            if (m_response.status != 200) {
                m_response.body = bytes;
                return;
            }
        }
        m_rawBody += bytes;
        m_parser.feed(bytes);
    }

    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_head;
    QByteArray m_rawBody;
    HttpResponse m_response;
    bool m_headReceived = false;
    SseParser m_parser;
};

} // namespace testsupport
