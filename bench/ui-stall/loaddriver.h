#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QTcpSocket>

#include <atomic>
#include <memory>

// Runs on its own thread: subscribers that read and discard their streams, and keep-alive
// publishers that POST /publish back to back, so the server is saturated while the window's
// event loop is measured.
class LoadDriver : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        quint16 port = 0;
        int subscribers = 200;
        int publishers = 8;
        int payloadBytes = 200;
        QList<QByteArray> userAgents; // cycled through; empty: one generic agent
        QList<QByteArray> channels;   // cycled through; empty: the default channel
        int publishesPerSecond = 0;   // 0: as fast as the server answers
        QByteArray body;              // the JSON to publish; empty: a "flood" event of payloadBytes
    };

    explicit LoadDriver(const Options &options);
    ~LoadDriver() override;

    void connectSubscribers();
    void startPublishing();
    void stopPublishing();

    std::atomic<quint64> published{0};
    std::atomic<quint64> bytesReceived{0};
    std::atomic<int> subscribersStreaming{0};

private:
    struct Publisher
    {
        std::unique_ptr<QTcpSocket> socket;
        QByteArray buffer;
    };

    void sendPublish(Publisher &publisher);
    void onPublisherReadable(Publisher &publisher);

    Options m_options;
    QByteArray m_request;
    std::vector<std::unique_ptr<QTcpSocket>> m_subscribers;
    std::vector<std::unique_ptr<Publisher>> m_publishers;
    bool m_publishing = false;
};
