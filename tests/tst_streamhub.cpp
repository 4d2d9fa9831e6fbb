// The stream hub on real loopback TCP connections: writes that outrun the peer are queued in
// order and flushed when it reads, the queue limit is reported, peers that close or talk are
// noticed; batched sends (trySendMany) follow the same rules on epoll and on io_uring.
#include "streamhub.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <tuple>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using sse::IoBackend;
using sse::StreamHub;

Q_DECLARE_METATYPE(sse::IoBackend)

class TestStreamHub : public QObject
{
    Q_OBJECT

private:
    QTcpServer m_listener;
    std::unique_ptr<QTcpSocket> m_client; // the subscriber's end, for connectPair()

    struct Peer
    {
        std::unique_ptr<QTcpSocket> client;
        int handle = -1;
    };

    // A connected client and the server's end, not handed to a hub yet; nullptrs on failure.
    std::pair<std::unique_ptr<QTcpSocket>, std::unique_ptr<QTcpSocket>> connectClient()
    {
        auto client = std::make_unique<QTcpSocket>();
        client->connectToHost(QHostAddress::LocalHost, m_listener.serverPort());
        if (!m_listener.waitForNewConnection(2000) || !client->waitForConnected(2000))
            return {};
        return {std::move(client), std::unique_ptr<QTcpSocket>(m_listener.nextPendingConnection())};
    }

    // Connects count clients; the hub holds the server ends.
    std::vector<Peer> connectPeers(StreamHub &hub, int count)
    {
        std::vector<Peer> peers;
        for (int i = 0; i < count; ++i) {
            auto [client, serverEnd] = connectClient();
            if (!client)
                return {};
            Peer peer{std::move(client), hub.adopt(serverEnd->socketDescriptor())};
            serverEnd->abort(); // the hub holds its own descriptor now
            peers.push_back(std::move(peer));
        }
        return peers;
    }

    // Connects one client as m_client and returns the hub handle of the server's end.
    int connectPair(StreamHub &hub)
    {
        std::vector<Peer> peers = connectPeers(hub, 1);
        if (peers.empty())
            return -1;
        m_client = std::move(peers.front().client);
        return peers.front().handle;
    }

    // Hands serverEnd to the hub while every free descriptor below `freed` is taken, so that
    // the hub's copy is given that number.
    static int adoptOnFreedNumber(StreamHub &hub, std::unique_ptr<QTcpSocket> serverEnd, int freed)
    {
        std::vector<int> lower;
        int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        for (; fd >= 0 && fd < freed; fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC))
            lower.push_back(fd);
        ::close(fd); // the freed number, taken by the last open()
        const int handle = hub.adopt(serverEnd->socketDescriptor());
        serverEnd->abort();
        for (const int taken : lower)
            ::close(taken);
        return handle;
    }

    static void addBackends()
    {
        QTest::addColumn<IoBackend>("io");
        QTest::newRow("epoll") << IoBackend::Epoll;
        QTest::newRow("io_uring") << IoBackend::Uring;
    }

    // A hub on the backend of the row; skips io_uring where the kernel refuses it.
    static std::unique_ptr<StreamHub> makeHub(IoBackend io, qint64 maxQueueBytes)
    {
        auto hub = std::make_unique<StreamHub>(maxQueueBytes, io, 1);
        if (io == IoBackend::Uring && !hub->isValid())
            return nullptr;
        return hub;
    }

    // trySendMany() over every peer, then finishWrite() as the fan-out does.
    static std::vector<qsizetype> sendToAll(StreamHub &hub, const std::vector<Peer> &peers,
                                            const QByteArray &bytes)
    {
        std::vector<int> handles;
        for (const Peer &peer : peers)
            handles.push_back(peer.handle);
        std::vector<qsizetype> results(handles.size());
        hub.trySendMany(0, handles.data(), handles.size(), bytes, results.data());
        for (size_t i = 0; i < handles.size(); ++i)
            hub.finishWrite(handles[i], bytes, results[i]);
        return results;
    }

    // Pages of pageBytes, each filled with its own letter, count of them.
    class LetterFeed : public sse::StreamFeed
    {
    public:
        LetterFeed(int count, int pageBytes)
            : m_count(count)
            , m_pageBytes(pageBytes)
        {}
        static QByteArray page(int n, int pageBytes)
        {
            return QByteArray(pageBytes, char('A' + n % 26));
        }
        bool next(qint64, std::deque<QByteArray> &out) override
        {
            if (m_given < m_count)
                out.push_back(page(m_given++, m_pageBytes));
            return m_given < m_count;
        }

    private:
        int m_count;
        int m_pageBytes;
        int m_given = 0;
    };

private slots:
    void initTestCase() { QVERIFY(m_listener.listen(QHostAddress::LocalHost, 0)); }

    void cleanup() { m_client.reset(); }

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

    void feedGoesAfterWhatWasQueuedAndBeforeLaterWrites()
    {
        StreamHub hub(4 * 1024 * 1024);
        const int handle = connectPair(hub);
        m_client->setReadBufferSize(4096); // stop reading: the kernel buffers fill
        QByteArray expected;
        while (hub.queuedBytes(handle) == 0) {
            const QByteArray bytes(16 * 1024, 'q');
            expected += bytes;
            QCOMPARE(hub.write(handle, bytes), StreamHub::WriteResult::Written);
        }
        constexpr int Pages = 100;
        constexpr int PageBytes = 32 * 1024;
        QVERIFY(hub.feed(handle, std::make_unique<LetterFeed>(Pages, PageBytes)));
        QVERIFY(hub.isFeeding(handle));
        QVERIFY(!hub.feed(handle, std::make_unique<LetterFeed>(1, 1))); // one at a time
        for (int n = 0; n < Pages; ++n)
            expected += LetterFeed::page(n, PageBytes);
        // Written during the feed: it waits behind it, under the queue limit.
        QCOMPARE(hub.write(handle, "data: live\n\n"), StreamHub::WriteResult::Written);
        expected += "data: live\n\n";
        // Pulled a page at a time: far less than the feed's 3.2 MB is held at once.
        QVERIFY(hub.queuedTotal() < 1024 * 1024);
        m_client->setReadBufferSize(0);
        QByteArray received;
        QTRY_VERIFY_WITH_TIMEOUT((received += m_client->readAll()).size() == expected.size(),
                                 10000);
        QCOMPARE(received, expected);
        QTRY_VERIFY(!hub.isFeeding(handle));
        QCOMPARE(hub.queuedTotal(), 0);
        QCOMPARE(hub.feedCount(), 0);
    }

    void aTurnOfTheEventLoopSendsABoundedAmount()
    {
        // Twenty readers replaying 4 MiB each at once: each turn of the loop sends at most
        // MaxBytesPerTurn, however much the readers could take.
        StreamHub hub(4 * 1024 * 1024);
        std::vector<Peer> peers = connectPeers(hub, 20);
        QCOMPARE(peers.size(), size_t(20));
        constexpr int Pages = 64;
        constexpr int PageBytes = 64 * 1024;
        qint64 received = 0;
        for (Peer &peer : peers) {
            QTcpSocket *client = peer.client.get();
            connect(client, &QTcpSocket::readyRead, this,
                    [client, &received] { received += client->readAll().size(); });
            QVERIFY(hub.feed(peer.handle, std::make_unique<LetterFeed>(Pages, PageBytes)));
        }
        QTRY_COMPARE_WITH_TIMEOUT(received, qint64(peers.size()) * Pages * PageBytes, 30000);
        QCOMPARE(hub.feedCount(), 0);
        QVERIFY(hub.largestTurnBytes() > 0);
        QVERIFY(hub.largestTurnBytes() <= StreamHub::MaxBytesPerTurn);
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

    void reportsTheBackendInUse()
    {
        const StreamHub epoll(1024, IoBackend::Epoll, 1);
        QVERIFY(epoll.isValid());
        QCOMPARE(epoll.io(), IoBackend::Epoll);
        QVERIFY(epoll.uringRefusal().isEmpty());

        const StreamHub automatic(1024, IoBackend::Auto, 2);
        QVERIFY(automatic.isValid()); // falls back to epoll when io_uring is refused
        if (automatic.io() == IoBackend::Epoll)
            QVERIFY(!automatic.uringRefusal().isEmpty()); // and says why

        const StreamHub uring(1024, IoBackend::Uring, 1);
        if (!uring.isValid()) {
            QVERIFY(uring.error().contains(QLatin1String("io_uring is not available")));
            QSKIP(qPrintable(uring.uringRefusal()));
        }
        QCOMPARE(uring.io(), IoBackend::Uring);
        QCOMPARE(automatic.io(), IoBackend::Uring); // where io_uring works, auto takes it
    }

    void batchedSendsReachEveryPeer_data()
    {
        QTest::addColumn<IoBackend>("io");
        QTest::addColumn<int>("peers");
        QTest::newRow("epoll, 3") << IoBackend::Epoll << 3;
        QTest::newRow("io_uring, 3") << IoBackend::Uring << 3;
        // More than one submission batch (UringSender::BatchSize).
        QTest::newRow("io_uring, 150") << IoBackend::Uring << 150;
    }

    void batchedSendsReachEveryPeer()
    {
        QFETCH(IoBackend, io);
        QFETCH(int, peers);
        const auto hub = makeHub(io, 1024 * 1024);
        if (!hub)
            QSKIP("io_uring is not available here");
        const std::vector<Peer> connected = connectPeers(*hub, peers);
        QCOMPARE(int(connected.size()), peers);
        for (int event = 0; event < 3; ++event) {
            const QByteArray bytes = "data: " + QByteArray::number(event) + "\n\n";
            for (const qsizetype result : sendToAll(*hub, connected, bytes))
                QCOMPARE(result, bytes.size()); // the kernel took each whole
        }
        for (const Peer &peer : connected) {
            QTRY_COMPARE(peer.client->bytesAvailable(), qint64(27));
            QCOMPARE(peer.client->readAll(), QByteArray("data: 0\n\ndata: 1\n\ndata: 2\n\n"));
        }
    }

    void batchedSendsQueueWhatAFullSocketRefuses_data() { addBackends(); }

    // A peer that stops reading gets short writes, then EAGAIN: the rest is queued behind
    // them in order, as with write(), and the reading peer is not held up.
    void batchedSendsQueueWhatAFullSocketRefuses()
    {
        QFETCH(IoBackend, io);
        const auto hub = makeHub(io, 256 * 1024 * 1024);
        if (!hub)
            QSKIP("io_uring is not available here");
        std::vector<Peer> peers = connectPeers(*hub, 2);
        QCOMPARE(int(peers.size()), 2);
        const Peer &stalled = peers[0];
        const Peer &reading = peers[1];
        stalled.client->setReadBufferSize(4096);
        QByteArray expected;
        QByteArray readByTheOther;
        bool refused = false;
        for (int chunk = 0; chunk < 10000 && hub->queuedBytes(stalled.handle) == 0; ++chunk) {
            const QByteArray bytes = QByteArray(64 * 1024, char('a' + chunk % 26));
            expected += bytes;
            const std::vector<qsizetype> results = sendToAll(*hub, peers, bytes);
            refused = refused || results[0] < bytes.size();
            readByTheOther += reading.client->readAll();
            QCoreApplication::processEvents(); // the hub flushes the reading peer's queue
        }
        QVERIFY2(refused && hub->queuedBytes(stalled.handle) > 0, "the kernel never pushed back");
        for (int i = 0; i < 5; ++i) { // behind the queue, even where the socket has room
            const QByteArray bytes = QByteArray::number(i).repeated(1000);
            expected += bytes;
            sendToAll(*hub, peers, bytes);
        }
        QTRY_VERIFY_WITH_TIMEOUT(
            (readByTheOther += reading.client->readAll()).size() == expected.size(), 10000);
        QCOMPARE(readByTheOther, expected);
        stalled.client->setReadBufferSize(0);
        QByteArray received;
        QTRY_VERIFY_WITH_TIMEOUT((received += stalled.client->readAll()).size() == expected.size(),
                                 10000);
        QCOMPARE(received, expected);
        QTRY_COMPARE(hub->queuedBytes(stalled.handle), 0);
    }

    void batchedSendsSkipHeldAndClosedStreams_data() { addBackends(); }

    void batchedSendsSkipHeldAndClosedStreams()
    {
        QFETCH(IoBackend, io);
        const auto hub = makeHub(io, 1024 * 1024);
        if (!hub)
            QSKIP("io_uring is not available here");
        std::vector<Peer> peers = connectPeers(*hub, 3);
        QCOMPARE(int(peers.size()), 3);
        hub->setHeld(peers[0].handle, true);
        hub->close(peers[1].handle);
        const QByteArray bytes = "data: x\n\n";
        const std::vector<qsizetype> results = sendToAll(*hub, peers, bytes);
        QCOMPARE(results[0], qsizetype(0)); // held: queued, not sent
        QCOMPARE(results[1], StreamHub::NoStream);
        QCOMPARE(results[2], bytes.size());
        QCOMPARE(hub->queuedBytes(peers[0].handle), bytes.size());
        hub->setHeld(peers[0].handle, false);
        QTRY_COMPARE(peers[0].client->bytesAvailable(), bytes.size());
        QCOMPARE(peers[0].client->readAll(), bytes);
        QTRY_COMPARE(peers[2].client->bytesAvailable(), bytes.size());
        QCOMPARE(peers[2].client->readAll(), bytes);
    }

    void closedStreamsEndAndTheirDescriptorsAreReused_data() { addBackends(); }

    // io_uring holds registered sockets open: a closed stream must still end with FIN, and a
    // new stream on the same descriptor number must get its own bytes, not go to the old one.
    void closedStreamsEndAndTheirDescriptorsAreReused()
    {
        QFETCH(IoBackend, io);
        const auto hub = makeHub(io, 1024 * 1024);
        if (!hub)
            QSKIP("io_uring is not available here");
        std::vector<Peer> first = connectPeers(*hub, 2);
        QCOMPARE(int(first.size()), 2);
        sendToAll(*hub, first, "data: a\n\n");

        // Connected before the first stream's descriptor is free, so the hub's copy of the
        // new one is what takes that number.
        Peer next;
        std::unique_ptr<QTcpSocket> serverEnd;
        std::tie(next.client, serverEnd) = connectClient();
        QVERIFY(next.client);
        const int reused = first[0].handle;
        hub->close(reused);
        QTRY_COMPARE(first[0].client->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(first[0].client->readAll(), QByteArray("data: a\n\n"));

        next.handle = adoptOnFreedNumber(*hub, std::move(serverEnd), reused);
        QCOMPARE(next.handle, reused);
        std::vector<Peer> second;
        second.push_back(std::move(next));
        second.push_back(std::move(first[1]));
        sendToAll(*hub, second, "data: b\n\n");
        QTRY_COMPARE(second[0].client->bytesAvailable(), qint64(9));
        QCOMPARE(second[0].client->readAll(), QByteArray("data: b\n\n"));
        QTRY_COMPARE(second[1].client->bytesAvailable(), qint64(18));
        QCOMPARE(second[1].client->readAll(), QByteArray("data: a\n\ndata: b\n\n"));
    }

    // A failed stream is released from the event loop. If it is closed before then (a fault,
    // a kick) and a new stream takes its number, the new one must stay open.
    void aStreamThatFailedAndClosedDoesNotTakeItsSuccessorAlong()
    {
        StreamHub hub(1024 * 1024);
        QSignalSpy closed(&hub, &StreamHub::streamClosed);
        std::vector<Peer> first = connectPeers(hub, 1);
        QCOMPARE(int(first.size()), 1);
        const int reused = first[0].handle;
        ::shutdown(reused, SHUT_WR); // the next send fails with EPIPE
        QCOMPARE(hub.write(reused, "data: a\n\n"), StreamHub::WriteResult::Closed);

        auto [client, serverEnd] = connectClient();
        QVERIFY(client);
        hub.close(reused);
        const int next = adoptOnFreedNumber(hub, std::move(serverEnd), reused);
        QCOMPARE(next, reused);
        QCoreApplication::processEvents(); // runs the release of the failed stream

        QCOMPARE(closed.size(), 0);
        QCOMPARE(hub.streamCount(), 1);
        QCOMPARE(hub.write(next, "data: b\n\n"), StreamHub::WriteResult::Written);
        QTRY_COMPARE(client->bytesAvailable(), qint64(9));
        QCOMPARE(client->readAll(), QByteArray("data: b\n\n"));
    }
};

QTEST_GUILESS_MAIN(TestStreamHub)
#include "tst_streamhub.moc"
