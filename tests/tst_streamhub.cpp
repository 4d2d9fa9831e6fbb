// The epoll stream hub on real loopback TCP connections: writes that outrun the peer are
// queued in order and flushed when it reads, the queue limit is reported, peers that close
// or talk are noticed.
#include "streamhub.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using sse::StreamHub;

class TestStreamHub : public QObject
{
    Q_OBJECT

private:
    QTcpServer m_listener;
    std::unique_ptr<QTcpSocket> m_client;    // the subscriber's end
    std::unique_ptr<QTcpSocket> m_serverEnd; // handed to the hub

    // Connects a client and returns the hub handle of the server's end.
    int connectPair(StreamHub &hub)
    {
        m_client = std::make_unique<QTcpSocket>();
        m_client->connectToHost(QHostAddress::LocalHost, m_listener.serverPort());
        if (!m_listener.waitForNewConnection(2000) || !m_client->waitForConnected(2000))
            return -1;
        m_serverEnd.reset(m_listener.nextPendingConnection());
        const int handle = hub.adopt(m_serverEnd->socketDescriptor());
        m_serverEnd->abort(); // the hub holds its own descriptor now
        return handle;
    }

private slots:
    void initTestCase() { QVERIFY(m_listener.listen(QHostAddress::LocalHost, 0)); }

    void cleanup()
    {
        m_client.reset();
        m_serverEnd.reset();
    }

    void writesReachThePeerAfterTheQtSocketIsGone()
    {
        StreamHub hub(1024 * 1024);
        const int handle = connectPair(hub);
        QVERIFY(handle >= 0);
        QCOMPARE(hub.streamCount(), 1);
        QCOMPARE(hub.write(handle, "data: one\n\n"), StreamHub::WriteResult::Written);
        QCOMPARE(hub.queuedBytes(handle), 0);
        QTRY_COMPARE(m_client->bytesAvailable(), qint64(11));
        QCOMPARE(m_client->readAll(), QByteArray("data: one\n\n"));
    }

    void queuesInOrderAndFlushesWhenThePeerReads()
    {
        StreamHub hub(256 * 1024 * 1024);
        const int handle = connectPair(hub);
        m_client->setReadBufferSize(4096); // stop reading: the kernel buffers fill
        QByteArray expected;
        int chunk = 0;
        while (hub.queuedBytes(handle) == 0 && chunk < 10000) {
            const QByteArray bytes = QByteArray(64 * 1024, char('a' + chunk % 26));
            expected += bytes;
            QCOMPARE(hub.write(handle, bytes), StreamHub::WriteResult::Written);
            ++chunk;
        }
        QVERIFY2(hub.queuedBytes(handle) > 0, "the kernel never pushed back");
        for (int i = 0; i < 5; ++i) {
            const QByteArray bytes = QByteArray::number(i).repeated(1000);
            expected += bytes;
            hub.write(handle, bytes);
        }
        m_client->setReadBufferSize(0);
        QByteArray received;
        QTRY_VERIFY_WITH_TIMEOUT((received += m_client->readAll()).size() == expected.size(),
                                 10000);
        QCOMPARE(received, expected);
        QTRY_COMPARE(hub.queuedBytes(handle), 0);
    }

    void reportsTheQueueLimit()
    {
        StreamHub hub(128 * 1024);
        const int handle = connectPair(hub);
        m_client->setReadBufferSize(1024);
        StreamHub::WriteResult result = StreamHub::WriteResult::Written;
        for (int i = 0; i < 1000 && result == StreamHub::WriteResult::Written; ++i)
            result = hub.write(handle, QByteArray(64 * 1024, 'x'));
        QCOMPARE(result, StreamHub::WriteResult::OverLimit);
        QVERIFY(hub.queuedBytes(handle) > 128 * 1024);
        hub.close(handle, true);
        QCOMPARE(hub.streamCount(), 0);
        m_client->setReadBufferSize(0); // read again, and so see the reset
        QTRY_VERIFY((m_client->readAll(), m_client->state() == QAbstractSocket::UnconnectedState));
        QCOMPARE(m_client->error(), QAbstractSocket::RemoteHostClosedError);
    }

    void noticesAPeerThatCloses()
    {
        StreamHub hub(1024 * 1024);
        const int handle = connectPair(hub);
        QSignalSpy closed(&hub, &StreamHub::streamClosed);
        m_client->disconnectFromHost();
        QTRY_COMPARE(closed.size(), 1);
        QCOMPARE(closed.constFirst().at(0).toInt(), handle);
        QCOMPARE(hub.streamCount(), 0);
        QCOMPARE(hub.write(handle, "late"), StreamHub::WriteResult::Closed);
    }

    void closesAPeerThatTalks()
    {
        StreamHub hub(1024 * 1024);
        const int handle = connectPair(hub);
        QSignalSpy closed(&hub, &StreamHub::streamClosed);
        m_client->write("GET /again HTTP/1.1\r\n\r\n");
        QTRY_COMPARE(closed.size(), 1);
        QCOMPARE(closed.constFirst().at(0).toInt(), handle);
        QTRY_COMPARE(m_client->state(), QAbstractSocket::UnconnectedState);
    }

    void gracefulCloseDeliversWhatWasWritten()
    {
        StreamHub hub(1024 * 1024);
        const int handle = connectPair(hub);
        hub.write(handle, "data: last\n\n");
        hub.closeAll();
        QTRY_COMPARE(m_client->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(m_client->readAll(), QByteArray("data: last\n\n"));
        QCOMPARE(m_client->error(), QAbstractSocket::RemoteHostClosedError);
    }
};

QTEST_GUILESS_MAIN(TestStreamHub)
#include "tst_streamhub.moc"
