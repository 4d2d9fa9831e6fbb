// The broker on its own: no HTTP, no server thread. Its streams are socket pairs in the hub, read
// from the other end, so what a subscriber gets is what the broker wrote, byte for byte.
#include "eventbroker.h"
#include "historytesting.h"
#include "memoryeventlog.h"
#include "serverconfig.h"
#include "sqliteeventlog.h"
#include "streamhub.h"
#include "subscriberregistry.h"
#include "trafficsink.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace sse;

namespace {

const QByteArray Head = QByteArrayLiteral("HTTP/1.1 200 OK\r\n\r\n");

// The reading end of a stream the hub holds.
class Reader
{
public:
    explicit Reader(StreamHub &hub)
    {
        int ends[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, ends) != 0)
            return;
        m_fd = ends[0];
        m_stream = hub.adopt(ends[1]);
        ::close(ends[1]); // the hub holds its own duplicate
    }
    ~Reader()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Reader(const Reader &) = delete;
    Reader &operator=(const Reader &) = delete;

    int stream() const { return m_stream; }
    // Everything received so far.
    const QByteArray &received()
    {
        char buffer[4096];
        for (ssize_t n; (n = ::read(m_fd, buffer, sizeof buffer)) > 0;)
            m_received.append(buffer, qsizetype(n));
        return m_received;
    }

private:
    int m_fd = -1;
    int m_stream = -1;
    QByteArray m_received;
};

// The dashboard's side of the broker, kept in a list: what the broker records for it.
class RecordedTraffic : public TrafficSink
{
public:
    QList<TrafficRecord> records;

    bool enabled() const override { return true; }
    void append(TrafficRecord entry) override { records.append(std::move(entry)); }
    qsizetype beginRequest(const QString &, const QString &, const QString &,
                           const QList<QPair<QByteArray, QByteArray>> &, const QByteArray &, qint64,
                           const QString &) override
    {
        return -1;
    }
    void finishRequest(qsizetype, const Answer &) override {}
    void clientConnected(const ClientInfo &) override {}
    void clientDisconnected(quint64) override {}

    int count(TrafficDirection direction) const
    {
        return int(
            std::count_if(records.cbegin(), records.cend(), [direction](const TrafficRecord &r) {
                return r.direction == direction;
            }));
    }
};

SseEvent makeEvent(const QString &data, const QString &channel = {})
{
    SseEvent e;
    e.data = data;
    e.channel = channel;
    return e;
}

Subscription subscription(const QStringList &channels, const QString &lastEventId = {},
                          bool control = false)
{
    Subscription s;
    s.channels = channels;
    s.lastEventId = lastEventId;
    s.control = control;
    return s;
}

} // namespace

class TestEventBroker : public QObject
{
    Q_OBJECT

private:
    ServerConfig m_config;
    std::unique_ptr<MemoryEventLog> m_log;
    std::unique_ptr<SubscriberRegistry> m_registry;
    std::unique_ptr<StreamHub> m_hub;
    std::unique_ptr<RecordedTraffic> m_recorder;
    std::unique_ptr<EventBroker> m_broker;

    void makeBroker(EventLog &log)
    {
        m_broker = std::make_unique<EventBroker>(m_config, log, *m_registry, *m_hub, *m_recorder);
        m_broker->start();
    }

private slots:
    void init()
    {
        m_log = std::make_unique<MemoryEventLog>(3);
        QVERIFY(m_log->open().isEmpty());
        m_registry = std::make_unique<SubscriberRegistry>();
        m_hub = std::make_unique<StreamHub>(1024 * 1024, IoBackend::Epoll);
        m_recorder = std::make_unique<RecordedTraffic>();
        makeBroker(*m_log);
    }
    void cleanup()
    {
        m_broker.reset();
        m_hub.reset();
    }

    void publishGoesThroughTheLogToTheChannelsAudience()
    {
        Reader news(*m_hub);
        Reader sport(*m_hub);
        QVERIFY(m_broker->subscribe(news.stream(), Head, subscription({QStringLiteral("news")}),
                                    QStringLiteral("1.2.3.4")) != 0);
        QVERIFY(m_broker->subscribe(sport.stream(), Head, subscription({QStringLiteral("sport")}),
                                    QStringLiteral("1.2.3.5")) != 0);
        QList<PublishResult> results;
        m_broker->publish(makeEvent(QStringLiteral("hello"), QStringLiteral("news")), {},
                          [&results](const PublishResult &result) { results.append(result); });
        // The memory log answers at once; the bytes leave on the next turn of the event loop.
        QCOMPARE(results.size(), 1);
        QCOMPARE(results.at(0).id, QStringLiteral("1"));
        QCOMPARE(results.at(0).delivered, 1);
        QTRY_COMPARE(news.received(), Head + "id: 1\ndata: hello\n\n");
        QCOMPARE(sport.received(), Head);
        QCOMPARE(m_log->newestId(), QStringLiteral("1"));
        // The dashboard hears of it once, as one event out.
        QCOMPARE(m_recorder->count(TrafficDirection::Out), 1);
    }

    void refusedEventChangesNothing()
    {
        Reader reader(*m_hub);
        m_broker->subscribe(reader.stream(), Head, subscription({QStringLiteral("default")}), {});
        SseEvent bad = makeEvent(QStringLiteral("x"));
        bad.event = QStringLiteral("two\nlines");
        QList<PublishResult> results;
        m_broker->publish(bad, {}, [&results](const PublishResult &r) { results.append(r); });
        QCOMPARE(results.size(), 1);
        QVERIFY2(results.at(0).error.startsWith(QStringLiteral("field 'event'")),
                 qPrintable(results.at(0).error));
        QCOMPARE(m_log->size(), 0);
        QCOMPARE(m_broker->stats().eventsPublished, 0u);
        QCOMPARE(m_recorder->count(TrafficDirection::Out), 0);
    }

    void anEvictedLastEventIdGetsOneGapNoticeWithTheOldestId()
    {
        for (int i = 0; i < 5; ++i) // the log keeps 3: ids 3, 4, 5
            m_broker->publish(makeEvent(QString::number(i)), {}, {});
        Reader plain(*m_hub);
        Reader control(*m_hub);
        m_broker->subscribe(plain.stream(), Head,
                            subscription({QStringLiteral("default")}, QStringLiteral("1")), {});
        m_broker->subscribe(control.stream(), Head,
                            subscription({QStringLiteral("default")}, QStringLiteral("1"), true),
                            {});
        const QByteArray comment = ": history-gap reason=evicted lastEventId=1 oldestId=3\n\n";
        QTRY_VERIFY(plain.received().contains("data: 4"));
        QVERIFY(plain.received().startsWith(QByteArray(Head + comment)));
        QCOMPARE(plain.received().count("history-gap"), 1);
        // The control listener gets the same comment and the event, which names oldestId too.
        QTRY_VERIFY(control.received().contains(comment));
        QVERIFY(control.received().contains("event: dashboard.history-gap\n"));
        QVERIFY(control.received().contains(R"("oldestId":"3")"));
    }

    void aLastEventIdWithControlBytesIsUnknownAndNeverEchoedRaw()
    {
        m_broker->publish(makeEvent(QStringLiteral("kept")), {}, {});
        Reader reader(*m_hub);
        const QString sent = QStringLiteral("a") + QChar(u'\0') + QStringLiteral("b\rc\nd");
        m_broker->subscribe(reader.stream(), Head, subscription({QStringLiteral("default")}, sent),
                            {});
        QTRY_VERIFY(reader.received().contains("data: kept"));
        QVERIFY2(reader.received().contains(
                     ": history-gap reason=unknown lastEventId=a%00b%0Dc%0Ad oldestId=1\n\n"),
                 reader.received().constData());
        const QByteArray stream = reader.received().mid(Head.size());
        QVERIFY(!stream.contains('\0'));
        QVERIFY(!stream.contains('\r'));
    }

    void disconnectClientEndsOnlyThatStream()
    {
        Reader one(*m_hub);
        Reader two(*m_hub);
        const quint64 first =
            m_broker->subscribe(one.stream(), Head, subscription({QStringLiteral("default")}), {});
        m_broker->subscribe(two.stream(), Head, subscription({QStringLiteral("default")}), {});
        QSignalSpy removed(m_broker.get(), &EventBroker::subscriberRemoved);
        QVERIFY(m_broker->disconnectClient(first));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed.at(0).at(0).value<quint64>(), first);
        QVERIFY(!m_broker->disconnectClient(first));
        QCOMPARE(m_broker->clients().size(), 1);
    }

    void aLogThatAnswersLaterStillDeliversInOrder()
    {
        // SQLite accepts on its own schedule: the answer and the bytes follow it, in order.
        QTemporaryDir dir;
        SqliteEventLog sqlite(dir.filePath(QStringLiteral("h.sqlite")), 10, 1024 * 1024);
        const QString error = sqlite.open();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_broker.reset();
        makeBroker(sqlite);
        Reader reader(*m_hub);
        m_broker->subscribe(reader.stream(), Head, subscription({QStringLiteral("default")}), {});
        QStringList ids;
        for (const QString &data : {QStringLiteral("a"), QStringLiteral("b")}) {
            m_broker->publish(makeEvent(data), {},
                              [&ids](const PublishResult &result) { ids.append(result.id); });
        }
        QTRY_COMPARE(ids, (QStringList{QStringLiteral("1"), QStringLiteral("2")}));
        QTRY_COMPARE(reader.received(), Head + "id: 1\ndata: a\n\nid: 2\ndata: b\n\n");
        m_broker.reset(); // before the log it uses
    }

    // A history file that takes its time (a slow disk, a checkpoint) holds back only the
    // publishes it is writing: the broker's thread goes on serving its streams meanwhile.
    void aSlowHistoryFileHoldsBackOnlyItsPublishes()
    {
        QTemporaryDir dir;
        SqliteEventLog sqlite(dir.filePath(QStringLiteral("h.sqlite")), 10, 1024 * 1024);
        QCOMPARE(sqlite.open(), QString());
        m_broker.reset();
        makeBroker(sqlite);
        Reader reader(*m_hub);
        m_broker->subscribe(reader.stream(), Head, subscription({QStringLiteral("default")}), {});
        QStringList ids;
        {
            historytesting::HeldWriter held(sqlite);
            m_broker->publish(makeEvent(QStringLiteral("a")), {},
                              [&ids](const PublishResult &result) { ids.append(result.id); });
            m_broker->sendComment(QStringLiteral("still here"), {}, {});
            QTRY_COMPARE(reader.received(), Head + ": still here\n\n");
            QVERIFY(ids.isEmpty());
            QCOMPARE(m_broker->clients().size(), 1);
        }
        QTRY_COMPARE(ids, QStringList{QStringLiteral("1")});
        QTRY_COMPARE(reader.received(), Head + ": still here\n\nid: 1\ndata: a\n\n");
        m_broker.reset(); // before the log it uses
    }
};

QTEST_GUILESS_MAIN(TestEventBroker)
#include "tst_eventbroker.moc"
