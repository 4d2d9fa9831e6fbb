// Several sse-dashboard instances sharing channels, ids and history through a real
// redis-server (docs/scaling.md): each test starts its own Redis on a free loopback port.
#include "redisconnection.h"
#include "redisfixture.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <memory>

using namespace testsupport;

namespace {

const QString Binary = QStringLiteral(SSE_DASHBOARD_BIN);

// One headless instance on a free port.
class Instance
{
public:
    explicit Instance(const QString &redisUrl, const QStringList &moreOptions = {})
        : m_port(launchHeadless(Binary, m_process,
                                QStringList{QStringLiteral("--redis"), redisUrl} + moreOptions))
    {}
    ~Instance()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            m_process.waitForFinished(5000);
        }
    }

    quint16 port() const { return m_port; }
    QProcess &process() { return m_process; }

private:
    QProcess m_process;
    quint16 m_port;
};

QString publish(quint16 port, const QByteArray &data, int *status = nullptr)
{
    const HttpResponse answer =
        request(port, "POST", "/publish", data, {"Content-Type: text/plain"});
    if (status)
        *status = answer.status;
    return answer.json().object().value(QStringLiteral("id")).toString();
}

QJsonObject eventLogStats(quint16 port)
{
    return request(port, "GET", "/api/stats")
        .json()
        .object()
        .value(QStringLiteral("eventLog"))
        .toObject();
}

} // namespace

class TestRedis : public QObject
{
    Q_OBJECT

private slots:
    void urlsAreReadOrRefusedNamingThePart_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected"); // host:port/db?prefix, or the refusal's words
        QTest::newRow("defaults") << "redis://localhost"
                                  << "localhost:6379/0 sse";
        QTest::newRow("all parts") << "redis://10.0.0.5:7000/3?prefix=app-1"
                                   << "10.0.0.5:7000/3 app-1";
        QTest::newRow("scheme") << "http://localhost:6379"
                                << "not a redis://";
        QTest::newRow("database") << "redis://localhost/x"
                                  << "the database must be";
        QTest::newRow("database range") << "redis://localhost/16"
                                        << "the database must be";
        QTest::newRow("prefix") << "redis://localhost?prefix=a%20b"
                                << "the prefix must be";
        QTest::newRow("parameter") << "redis://localhost?db=2"
                                   << "unknown parameter 'db'";
    }
    void urlsAreReadOrRefusedNamingThePart()
    {
        QFETCH(QString, url);
        QFETCH(QString, expected);
        const auto parsed = sse::RedisEndpoint::parse(url);
        if (const auto *endpoint = std::get_if<sse::RedisEndpoint>(&parsed)) {
            QCOMPARE(QStringLiteral("%1:%2/%3 %4")
                         .arg(endpoint->host)
                         .arg(endpoint->port)
                         .arg(endpoint->db)
                         .arg(endpoint->prefix),
                     expected);
        } else {
            const QString refusal = std::get<QString>(parsed);
            QVERIFY2(refusal.startsWith(QStringLiteral("--redis ") + url) &&
                         refusal.contains(expected),
                     qPrintable(refusal));
        }
    }

    void badUrlExitsTwoNamingIt()
    {
        QProcess process;
        process.start(Binary,
                      {QStringLiteral("--headless"), QStringLiteral("--port"), QStringLiteral("0"),
                       QStringLiteral("--redis"), QStringLiteral("redis://localhost/99")});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY2(process.readAllStandardError().contains("redis://localhost/99"),
                 "the error names the URL");
    }

    void redisDownAtStartExitsOneNamingTheUrl()
    {
        const quint16 port = freeLoopbackPort(); // nothing listens there
        const QString url = QStringLiteral("redis://127.0.0.1:%1/0").arg(port);
        QProcess process;
        process.start(Binary, {QStringLiteral("--headless"), QStringLiteral("--port"),
                               QStringLiteral("0"), QStringLiteral("--redis"), url});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 1);
        const QByteArray error = process.readAllStandardError();
        QVERIFY2(error.contains(url.toUtf8()) && error.contains("Connection refused"),
                 error.constData());
    }

    // Done when: a subscriber on A gets all 20 events published alternately on A and B, in
    // order, with increasing integer ids; so does one on B.
    void publishedOnEitherDeliveredOnBothInOrder()
    {
        RedisServer redis;
        QVERIFY(redis.start());
        Instance a(redis.url()), b(redis.url());
        QVERIFY(a.port() && b.port());
        SseReader onA(a.port()), onB(b.port());
        QTRY_VERIFY(onA.isStreaming() && onB.isStreaming());
        QStringList ids;
        for (int n = 1; n <= 20; ++n) {
            int status = 0;
            ids.append(
                publish(n % 2 ? a.port() : b.port(), "event " + QByteArray::number(n), &status));
            QCOMPARE(status, 202);
        }
        for (int n = 1; n < ids.size(); ++n)
            QVERIFY2(ids[n].toLongLong() > ids[n - 1].toLongLong(), qPrintable(ids.join(u' ')));
        for (SseReader *reader : {&onA, &onB}) {
            QTRY_COMPARE(reader->userEvents().size(), 20);
            for (int n = 0; n < 20; ++n) {
                QCOMPARE(reader->userEvents().at(n).data, QStringLiteral("event %1").arg(n + 1));
                QCOMPARE(reader->userEvents().at(n).lastEventId, ids.at(n));
            }
        }
        // Channels hold across instances too: a subscriber of another channel gets nothing.
        SseReader other(b.port(), "/events?channel=other");
        QTRY_VERIFY(other.isStreaming());
        QCOMPARE(postJson(a.port(), R"({"data": "for other", "channel": "other"})").status, 202);
        QTRY_COMPARE(other.userEvents().size(), 1);
        QCOMPARE(other.userEvents().constFirst().data, QStringLiteral("for other"));
        QCOMPARE(onB.userEvents().size(), 20);
    }

    // A new instance delivers only what is published after it started, whatever it keeps for
    // replay: with no history kept it still reads on from the stream's newest entry.
    void newInstanceDeliversOnlyWhatFollows_data()
    {
        QTest::addColumn<QString>("history");
        QTest::newRow("no history") << QStringLiteral("0");
        QTest::newRow("default history") << QStringLiteral("1000");
    }
    void newInstanceDeliversOnlyWhatFollows()
    {
        QFETCH(QString, history);
        RedisServer redis;
        QVERIFY(redis.start());
        Instance a(redis.url());
        QVERIFY(a.port());
        for (int n = 1; n <= 3; ++n)
            QVERIFY(!publish(a.port(), "before " + QByteArray::number(n)).isEmpty());
        Instance b(redis.url(), {QStringLiteral("--history"), history});
        QVERIFY(b.port());
        SseReader onB(b.port());
        QTRY_VERIFY(onB.isStreaming());
        const QString after = publish(a.port(), "after");
        QTRY_COMPARE(onB.userEvents().size(), 1);
        QCOMPARE(onB.userEvents().constFirst().lastEventId, after);
        // B read the stream in order: had it started from the beginning, the three older
        // events would have gone out (to nobody) before this one, and counted.
        QCOMPARE(request(b.port(), "GET", "/api/stats")
                     .json()
                     .object()
                     .value(QStringLiteral("eventsPublished"))
                     .toInteger(),
                 1);
    }

    // Done when: after A is killed, a client resumes on B with exactly what it missed, whether
    // its last id was assigned by the cluster or given by the publisher.
    void resumesOnBAfterAIsKilled()
    {
        RedisServer redis;
        QVERIFY(redis.start());
        Instance a(redis.url()), b(redis.url());
        QVERIFY(a.port() && b.port());
        QString lastSeen;
        {
            SseReader onA(a.port());
            QTRY_VERIFY(onA.isStreaming());
            for (int n = 1; n <= 5; ++n)
                QVERIFY(!publish(a.port(), "seen " + QByteArray::number(n)).isEmpty());
            QCOMPARE(postJson(a.port(), R"({"data": "seen 6", "id": "order-6"})").status, 202);
            QTRY_COMPARE(onA.userEvents().size(), 6);
            lastSeen = onA.userEvents().constLast().lastEventId;
            QCOMPARE(lastSeen, QStringLiteral("order-6"));
            a.process().kill();
            QVERIFY(a.process().waitForFinished(5000));
            QTRY_VERIFY(!onA.isConnected());
        }
        QStringList missed;
        for (int n = 1; n <= 5; ++n)
            missed.append(publish(b.port(), "missed " + QByteArray::number(n)));
        SseReader resumed(b.port(), "/events", {"Last-Event-ID: " + lastSeen.toUtf8()});
        QTRY_COMPARE(resumed.userEvents().size(), 5);
        for (int n = 0; n < 5; ++n) {
            QCOMPARE(resumed.userEvents().at(n).data, QStringLiteral("missed %1").arg(n + 1));
            QCOMPARE(resumed.userEvents().at(n).lastEventId, missed.at(n));
        }
        QVERIFY(!resumed.rawBody().contains("history-gap"));
        // And by a number the cluster assigned.
        SseReader fromNumber(b.port(), "/events", {"Last-Event-ID: " + missed.at(2).toUtf8()});
        QTRY_COMPARE(fromNumber.userEvents().size(), 2);
        QCOMPARE(fromNumber.userEvents().constLast().lastEventId, missed.at(4));
    }

    // Done when: with Redis stopped, publishing answers 503 within 5 s; once it is back,
    // publishing and delivery resume and nothing Redis accepted is lost.
    void redisStoppedAnswers503ThenTrafficResumes()
    {
        RedisServer redis(RedisServer::Persistence::AppendOnly);
        QVERIFY(redis.start());
        Instance a(redis.url()), b(redis.url());
        QVERIFY(a.port() && b.port());
        SseReader onA(a.port());
        QTRY_VERIFY(onA.isStreaming());
        QStringList ids;
        for (int n = 1; n <= 3; ++n)
            ids.append(publish(b.port(), "before " + QByteArray::number(n)));
        QTRY_COMPARE(onA.userEvents().size(), 3);

        redis.stop();
        QTRY_VERIFY(!eventLogStats(a.port()).value(QStringLiteral("available")).toBool());
        // rawRequest gives up after 5 s: an answer at all means it came within 5 s.
        const HttpResponse refused =
            rawRequest(a.port(),
                       "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                       "Content-Length: 6\r\n\r\nduring",
                       5000);
        QCOMPARE(refused.status, 503);
        QVERIFY2(refused.error().startsWith(QStringLiteral("event log unavailable: Redis at ") +
                                            redis.url()),
                 qPrintable(refused.error()));
        QVERIFY(request(a.port(), "GET", "/metrics").body.contains("sse_event_log_available 0"));
        QVERIFY(onA.isConnected()); // open streams stay open

        QVERIFY(redis.start());
        QTRY_VERIFY_WITH_TIMEOUT(
            eventLogStats(a.port()).value(QStringLiteral("available")).toBool() &&
                eventLogStats(b.port()).value(QStringLiteral("available")).toBool(),
            15000);
        for (int n = 1; n <= 3; ++n)
            ids.append(publish(n % 2 ? a.port() : b.port(), "after " + QByteArray::number(n)));
        QTRY_COMPARE(onA.userEvents().size(), 6);
        for (int n = 0; n < 6; ++n)
            QCOMPARE(onA.userEvents().at(n).lastEventId, ids.at(n));
        QCOMPARE(onA.userEvents().constLast().data, QStringLiteral("after 3"));
        QVERIFY2(ids.at(3).toLongLong() == ids.at(2).toLongLong() + 1, qPrintable(ids.join(u' ')));
        QVERIFY(!onA.rawBody().contains("history-gap"));
        const QJsonObject log = eventLogStats(a.port());
        QCOMPARE(log.value(QStringLiteral("reconnects")).toInteger(), 1);
        QCOMPARE(log.value(QStringLiteral("gaps")).toInteger(), 0);
    }

    // A Redis that hangs with its connections open: the watchdog ends them, publishing answers
    // 503 within 5 s rather than waiting, and once Redis runs again traffic resumes. The
    // refused event was already in Redis's input buffer, so Redis may still add it when it
    // wakes: it then arrives in its place, like any event Redis accepted.
    void hungRedisAnswers503ThenResumes()
    {
        RedisServer redis;
        QVERIFY(redis.start());
        Instance a(redis.url());
        QVERIFY(a.port());
        SseReader onA(a.port());
        QTRY_VERIFY(onA.isStreaming());
        const QString before = publish(a.port(), "before");
        QTRY_COMPARE(onA.userEvents().size(), 1);

        redis.setSuspended(true);
        const HttpResponse refused =
            rawRequest(a.port(),
                       "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                       "Content-Length: 6\r\n\r\nduring",
                       5000);
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.error(), QStringLiteral("event log unavailable: Redis at %1: Redis did "
                                                 "not answer in time")
                                      .arg(redis.url()));
        QVERIFY(onA.isConnected());

        redis.setSuspended(false);
        QTRY_VERIFY_WITH_TIMEOUT(
            eventLogStats(a.port()).value(QStringLiteral("available")).toBool(), 15000);
        const QString after = publish(a.port(), "after");
        QTRY_COMPARE(onA.userEvents().constLast().lastEventId, after);
        QCOMPARE(onA.userEvents().constFirst().lastEventId, before);
        QVERIFY(onA.userEvents().size() <= 3);
        for (const ReceivedEvent &event : onA.userEvents())
            QVERIFY2(QStringList({QStringLiteral("before"), QStringLiteral("during"),
                                  QStringLiteral("after")})
                         .contains(event.data),
                     qPrintable(event.data));
        QVERIFY(after.toLongLong() > before.toLongLong());
    }

    // Scripts flushed from Redis (SCRIPT FLUSH, or a restart the instance did not notice): the
    // append sends the script itself and the publish still succeeds.
    void flushedScriptIsSentAgain()
    {
        RedisServer redis;
        QVERIFY(redis.start());
        Instance a(redis.url());
        QVERIFY(a.port());
        int status = 0;
        const QString first = publish(a.port(), "first", &status);
        QCOMPARE(status, 202);
        QCOMPARE(redis.command("SCRIPT FLUSH"), QByteArray("+OK"));
        const QString second = publish(a.port(), "second", &status);
        QCOMPARE(status, 202);
        QCOMPARE(second.toLongLong(), first.toLongLong() + 1);
    }

    // A Redis that restarted empty is a gap every stream hears of, and ids are not reused.
    void emptyRedisAfterRestartIsSignalledAsAGap()
    {
        RedisServer redis;
        QVERIFY(redis.start());
        Instance a(redis.url());
        QVERIFY(a.port());
        SseReader plain(a.port()), control(a.port(), "/events?control=1");
        QTRY_VERIFY(plain.isStreaming() && control.isStreaming());
        QString first;
        QString last;
        for (int n = 1; n <= 3; ++n) {
            last = publish(a.port(), "before " + QByteArray::number(n));
            if (first.isEmpty())
                first = last;
        }
        QTRY_COMPARE(plain.userEvents().size(), 3);

        redis.stop();
        QTRY_VERIFY(!eventLogStats(a.port()).value(QStringLiteral("available")).toBool());
        QVERIFY(redis.start()); // empty: no persistence
        QTRY_VERIFY_WITH_TIMEOUT(
            eventLogStats(a.port()).value(QStringLiteral("available")).toBool(), 15000);
        const QString next = publish(a.port(), "after");
        QVERIFY2(next.toLongLong() > last.toLongLong(), qPrintable(next + u' ' + last));
        QTRY_COMPARE(plain.userEvents().size(), 4);
        QCOMPARE(plain.userEvents().constLast().lastEventId, next);
        // The events this instance still holds (and replays) start at the first one.
        QVERIFY2(plain.comments().contains(
                     QStringLiteral("history-gap reason=redis-reset lastEventId=%1 oldestId=%2")
                         .arg(last, first)),
                 qPrintable(plain.comments().join(u'|')));
        QCOMPARE(plain.userEvents().size(), 4); // the plain stream got no extra event
        QTRY_COMPARE(control.controlEvent(QStringLiteral("dashboard.history-gap"))
                         .value(QStringLiteral("reason"))
                         .toString(),
                     QStringLiteral("redis-reset"));
        // The control event names the oldest id too (it used to be dropped on this path).
        QCOMPARE(control.controlEvent(QStringLiteral("dashboard.history-gap"))
                     .value(QStringLiteral("oldestId"))
                     .toString(),
                 first);
        QVERIFY(request(a.port(), "GET", "/metrics").body.contains("sse_event_log_gaps_total 1"));
    }

    // /api/cluster lists every instance with its clients; a client of B is disconnected from
    // A through the control stream.
    void clusterListsInstancesAndDisconnectsRemoteClients()
    {
        RedisServer redis;
        QVERIFY(redis.start());
        const QString url = redis.url(QStringLiteral("demo"));
        Instance a(url), b(url);
        QVERIFY(a.port() && b.port());
        SseReader onB(b.port());
        QTRY_VERIFY(onB.isStreaming());
        QJsonArray instances;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                instances = request(a.port(), "GET", "/api/cluster?clients=1")
                                .json()
                                .object()
                                .value(QStringLiteral("instances"))
                                .toArray();
                return instances.size() == 2 &&
                       instances.at(1).toObject().value(QStringLiteral("clients")).toInt() == 1;
            }(),
            10000);
        const QJsonObject self = instances.at(0).toObject();
        QCOMPARE(self.value(QStringLiteral("self")).toBool(), true);
        QCOMPARE(self.value(QStringLiteral("address")).toString(),
                 QStringLiteral("http://127.0.0.1:%1/").arg(a.port()));
        const QJsonObject other = instances.at(1).toObject();
        QCOMPARE(other.value(QStringLiteral("address")).toString(),
                 QStringLiteral("http://127.0.0.1:%1/").arg(b.port()));
        const QJsonArray clients = other.value(QStringLiteral("clientList")).toArray();
        QCOMPARE(clients.size(), 1);
        QVERIFY(request(a.port(), "GET", "/metrics").body.contains("sse_cluster_instances 2"));

        const QByteArray target =
            "/api/cluster/clients/" + other.value(QStringLiteral("id")).toString().toUtf8() + '/' +
            QByteArray::number(clients.at(0).toObject().value(QStringLiteral("id")).toInt());
        QCOMPARE(request(a.port(), "DELETE", target).status, 202);
        QTRY_VERIFY(!onB.isConnected());
        QCOMPARE(request(a.port(), "DELETE", "/api/cluster/clients/nosuch/1").status, 404);
    }
};

QTEST_GUILESS_MAIN(TestRedis)
#include "tst_redis.moc"
