// What a reconnect storm does to the server (issue 26): a burst of stream requests, long
// replays, readers that stop during their replay, and readers that never read. Real loopback
// sockets against a real server on its own thread, on the event log $SSE_TEST_EVENT_LOG names
// (ctest runs this file once per log).
#include "eventlogfixture.h"
#include "serverfixture.h"
#include "streamhub.h"
#include "testsupport.h"

#include <QFile>
#include <QTest>

#include <cerrno>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace testsupport;

namespace {

// A client socket made by hand, so that a test can open thousands in a few milliseconds,
// shrink their receive buffers and never read.
class RawClient
{
public:
    RawClient(quint16 port, const QByteArray &request, int receiveBuffer = 0)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (receiveBuffer > 0)
            ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        m_connected =
            ::connect(m_fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0 &&
            ::send(m_fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL) ==
                request.size();
    }
    ~RawClient() { ::close(m_fd); }
    RawClient(const RawClient &) = delete;
    RawClient &operator=(const RawClient &) = delete;

    bool connected() const { return m_connected; }
    // Reads what has arrived, without waiting; false once the server has closed.
    bool poll()
    {
        char buffer[16384];
        for (;;) {
            const ssize_t got = ::recv(m_fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (got > 0) {
                m_received.append(buffer, got);
                continue;
            }
            if (got == 0)
                m_closed = true;
            return !m_closed;
        }
    }
    const QByteArray &received() const { return m_received; }
    bool closed() const { return m_closed; }

private:
    int m_fd = -1;
    bool m_connected = false;
    bool m_closed = false;
    QByteArray m_received;
};

const QByteArray StreamRequest = "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

qint64 kibFromProc(const QString &file, const QByteArray &line, int field)
{
    QFile proc(file);
    if (!proc.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &text : proc.readAll().split('\n')) {
        if (text.startsWith(line))
            return text.simplified().split(' ').value(field).toLongLong();
    }
    return -1;
}

// The server's resident memory (it runs in this process) and the kernel's TCP buffers, in KiB.
qint64 residentKib()
{
    return kibFromProc(QStringLiteral("/proc/self/status"), "VmRSS:", 1);
}
qint64 kernelTcpKib()
{
    // "TCP: inuse 5 orphan 0 tw 0 alloc 7 mem 3": mem is in pages.
    const qint64 pages = kibFromProc(QStringLiteral("/proc/net/sockstat"), "TCP:", 10);
    return pages < 0 ? -1 : pages * (::sysconf(_SC_PAGESIZE) / 1024);
}

sse::SseEvent eventWithData(const QString &data)
{
    sse::SseEvent event;
    event.data = data;
    return event;
}

// A member of /api/stats' "queues": bytes, limit or replays.
qint64 queues(const QJsonObject &stats, const char *name)
{
    return stats.value(QStringLiteral("queues")).toObject().value(QLatin1String(name)).toInteger();
}

} // namespace

class TestStorm : public QObject, private EventLogServerTest
{
    Q_OBJECT

private:
    QJsonObject stats() const { return request(m_port, "GET", "/api/stats").json().object(); }

    // Publishes count events of about size bytes each and waits until the log keeps them.
    void publishKept(int count, int size)
    {
        const QString payload(size, u'x');
        for (int n = 1; n <= count; ++n)
            m_server.server.controller->publish(eventWithData(payload + QString::number(n)));
        QTRY_COMPARE_WITH_TIMEOUT(stats().value(QStringLiteral("historySize")).toInt(), count,
                                  30000);
    }

private slots:
    void initTestCase()
    {
        // Both ends of every connection live in this process: 2,000 streams take 4,000
        // descriptors. The server binary raises its own limit the same way (app/main.cpp).
        rlimit limit{};
        QVERIFY(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
        limit.rlim_cur = limit.rlim_max;
        QVERIFY(::setrlimit(RLIMIT_NOFILE, &limit) == 0);
        if (limit.rlim_cur < 4500)
            QSKIP("fewer than 4,500 descriptors are allowed here");
    }

    void cleanup() { m_server.server.controller.reset(); }

    void burstOfStreamRequestsNeverGetsAnErrorStatus_data()
    {
        QTest::addColumn<int>("maxClients");
        QTest::newRow("room for all") << 10000;
        QTest::newRow("full at 1500") << 1500;
    }

    // 2,000 EventSources reconnect at once. The HTTP connection cap (1,024) must not refuse
    // requests that are on their way to becoming streams, and those a full server cannot
    // take are told to retry: a 503 would end an EventSource for good.
    void burstOfStreamRequestsNeverGetsAnErrorStatus()
    {
        QFETCH(int, maxClients);
        constexpr int Burst = 2000;
        sse::ServerConfig config;
        config.maxClients = maxClients;
        restart(config);
        QCOMPARE(config.maxHttpConnections, 1024);
        std::vector<std::unique_ptr<RawClient>> clients;
        for (int i = 0; i < Burst; ++i) {
            clients.push_back(std::make_unique<RawClient>(m_port, StreamRequest));
            QVERIFY(clients.back()->connected());
        }
        const int streams = std::min(Burst, maxClients);
        QTRY_COMPARE_WITH_TIMEOUT(stats().value(QStringLiteral("clients")).toInt(), streams, 30000);
        int toldToRetry = 0;
        for (const auto &client : clients) {
            QTRY_VERIFY(
                (client->poll(), client->received().contains("\r\n\r\n") || client->closed()));
            QVERIFY2(client->received().startsWith("HTTP/1.1 200 OK\r\n"),
                     client->received().left(200).constData());
            QVERIFY(client->received().contains("Content-Type: text/event-stream\r\n"));
            if (client->received().contains("\nretry: ")) {
                ++toldToRetry;
                QTRY_VERIFY((client->poll(), client->closed()));
            }
        }
        QCOMPARE(toldToRetry, Burst - streams);
        QCOMPARE(stats().value(QStringLiteral("retryAnswers")).toInt(), Burst - streams);
        const QByteArray retries =
            "\nsse_stream_retry_answers_total " + QByteArray::number(Burst - streams) + '\n';
        QVERIFY(request(m_port, "GET", "/metrics").body.contains(retries));
    }

    // 1,000 kept events of 12,000 bytes (12 MB) after the client's Last-Event-ID, with a queue
    // limit of 256 KiB: the replay is read from the log as the socket drains, and the events
    // published meanwhile follow it, once each, in order.
    void longReplayArrivesWholeAndLiveEventsFollowIt()
    {
        sse::ServerConfig config;
        config.maxQueueBytes = 256 * 1024;
        restart(config);
        constexpr int Kept = 1000;
        publishKept(Kept, 12000);
        SseReader reader(m_port, "/events", {"Last-Event-ID: 1"});
        QTRY_VERIFY(reader.userEvents().size() >= 50);
        constexpr int Live = 5;
        for (int n = 1; n <= Live; ++n)
            m_server.server.controller->publish(eventWithData(QStringLiteral("live %1").arg(n)));
        QTRY_COMPARE_WITH_TIMEOUT(reader.userEvents().size(), Kept - 1 + Live, 60000);
        const QList<ReceivedEvent> events = reader.userEvents();
        for (int i = 0; i < events.size(); ++i)
            QCOMPARE(events.at(i).lastEventId, QString::number(i + 2));
        QCOMPARE(events.constLast().data, QStringLiteral("live %1").arg(Live));
        QVERIFY(reader.comments().filter(QStringLiteral("history-gap")).isEmpty());
        QVERIFY(reader.isConnected());
        const QJsonObject after = stats();
        QCOMPARE(after.value(QStringLiteral("slowClientDrops")).toInt(), 0);
        QCOMPARE(queues(after, "replays"), qint64(0));
    }

    // A reader that stops reading during its replay holds a page and its kernel buffer, no
    // more, and is dropped as a slow consumer within two heartbeat periods.
    void readerThatStopsDuringItsReplayIsDropped()
    {
        sse::ServerConfig config;
        config.heartbeatSeconds = 1;
        restart(config);
        publishKept(200, 64 * 1024);
        RawClient stalled(
            m_port, "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nLast-Event-ID: 1\r\n\r\n", 4096);
        QTRY_COMPARE(queues(stats(), "replays"), 1);
        QTRY_COMPARE_WITH_TIMEOUT(stats().value(QStringLiteral("slowClientDrops")).toInt(), 1,
                                  10000);
        const QJsonObject after = stats();
        QCOMPARE(after.value(QStringLiteral("clients")).toInt(), 0);
        QCOMPARE(queues(after, "replays"), qint64(0));
        QCOMPARE(queues(after, "bytes"), qint64(0));
    }

    // 300 readers that shrink their receive buffers to 4 KiB and never read, on a channel of
    // 64 KiB events: each queue stays under --max-queue, but together they meet
    // --max-queued-total, and each stream's kernel buffer is fixed, so the server's memory
    // plus the kernel's TCP memory stay within the bound and a margin.
    void idleReadersStayWithinTheTotalBound()
    {
        constexpr int Readers = 300;
        constexpr qint64 TotalLimit = 16 * 1024 * 1024;
        sse::ServerConfig config;
        config.maxQueuedTotal = TotalLimit;
        config.historySize = 0;
        restart(config);
        std::vector<std::unique_ptr<RawClient>> readers;
        for (int i = 0; i < Readers; ++i)
            readers.push_back(std::make_unique<RawClient>(m_port, StreamRequest, 4096));
        QTRY_COMPARE(stats().value(QStringLiteral("clients")).toInt(), Readers);
        const qint64 residentBefore = residentKib();
        const qint64 kernelBefore = kernelTcpKib();
        QVERIFY(residentBefore > 0 && kernelBefore >= 0);

        const QString payload(64 * 1024, u'i');
        for (int n = 0; n < 56; ++n) {
            m_server.server.controller->publish(eventWithData(payload + QString::number(n)));
            QTRY_COMPARE(stats().value(QStringLiteral("eventsPublished")).toInt(), n + 1);
        }
        const QJsonObject after = stats();
        const qint64 grownKib = (residentKib() - residentBefore) + (kernelTcpKib() - kernelBefore);
        // Per stream: the kernel's send buffer (it doubles SO_SNDBUF) and the reader's 4 KiB.
        const qint64 kernelShareKib = Readers * (2 * sse::StreamHub::SendBufferBytes + 8192) / 1024;
        constexpr qint64 MarginKib = 128 * 1024; // other tests' sockets, allocator slack
        QVERIFY2(grownKib < TotalLimit / 1024 + kernelShareKib + MarginKib,
                 qPrintable(QStringLiteral("grew by %1 KiB").arg(grownKib)));
        QVERIFY(after.value(QStringLiteral("slowClientDrops")).toInt() > 0);
        QVERIFY(queues(after, "bytes") <= TotalLimit);
        QCOMPARE(queues(after, "limit"), TotalLimit);
    }
};

QTEST_GUILESS_MAIN(TestStorm)
#include "tst_storm.moc"
