#include "loaddriver.h"

#include <QHostAddress>
#include <QTimer>

LoadDriver::LoadDriver(const Options &options)
    : m_options(options)
{
    const QByteArray body = !options.body.isEmpty()
                                ? options.body
                                : "{\"event\":\"flood\",\"data\":\"" +
                                      QByteArray(std::max(1, options.payloadBytes), 'x') + "\"}";
    m_request = "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                "Content-Length: " +
                QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

LoadDriver::~LoadDriver() = default;

void LoadDriver::connectSubscribers()
{
    for (int i = 0; i < m_options.subscribers; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        QTcpSocket *raw = socket.get();
        const QByteArray agent = m_options.userAgents.isEmpty()
                                     ? QByteArray("sse-ui-stall/1.0")
                                     : m_options.userAgents.at(i % m_options.userAgents.size());
        const QByteArray query =
            m_options.channels.isEmpty()
                ? QByteArray()
                : "?channel=" + m_options.channels.at(i % m_options.channels.size());
        connect(raw, &QTcpSocket::readyRead, this, [this, raw] {
            const qint64 size = raw->readAll().size();
            if (raw->property("streaming").isNull()) {
                raw->setProperty("streaming", true);
                ++subscribersStreaming;
            }
            bytesReceived += quint64(size);
        });
        raw->connectToHost(QHostAddress(QHostAddress::LocalHost), m_options.port);
        raw->write("GET /events" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: " + agent +
                   "\r\n\r\n");
        m_subscribers.push_back(std::move(socket));
    }
}

void LoadDriver::startPublishing()
{
    m_publishing = true;
    for (int i = 0; i < m_options.publishers; ++i) {
        auto publisher = std::make_unique<Publisher>();
        publisher->socket = std::make_unique<QTcpSocket>();
        Publisher *raw = publisher.get();
        connect(raw->socket.get(), &QTcpSocket::readyRead, this,
                [this, raw] { onPublisherReadable(*raw); });
        connect(raw->socket.get(), &QTcpSocket::connected, this,
                [this, raw] { sendPublish(*raw); });
        raw->socket->connectToHost(QHostAddress(QHostAddress::LocalHost), m_options.port);
        m_publishers.push_back(std::move(publisher));
    }
}

void LoadDriver::stopPublishing()
{
    m_publishing = false;
}

void LoadDriver::sendPublish(Publisher &publisher)
{
    if (!m_publishing)
        return;
    if (m_options.publishesPerSecond > 0) {
        // Paced: each publisher waits its share of a second between requests.
        const int delayMs = std::max(1, 1000 * m_options.publishers / m_options.publishesPerSecond);
        QTimer::singleShot(delayMs, this, [this, &publisher] {
            if (m_publishing)
                publisher.socket->write(m_request);
        });
        return;
    }
    publisher.socket->write(m_request);
}

void LoadDriver::onPublisherReadable(Publisher &publisher)
{
    publisher.buffer += publisher.socket->readAll();
    for (;;) {
        const qsizetype headerEnd = publisher.buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        qsizetype contentLength = 0;
        const qsizetype lengthAt = publisher.buffer.toLower().indexOf("content-length:");
        if (lengthAt >= 0 && lengthAt < headerEnd) {
            const qsizetype lineEnd = publisher.buffer.indexOf("\r\n", lengthAt);
            contentLength =
                publisher.buffer.mid(lengthAt + 15, lineEnd - lengthAt - 15).trimmed().toLongLong();
        }
        const qsizetype total = headerEnd + 4 + contentLength;
        if (publisher.buffer.size() < total)
            return;
        publisher.buffer.remove(0, total);
        ++published;
        sendPublish(publisher);
    }
}
