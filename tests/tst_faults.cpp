// Fault injection over real loopback sockets (docs/faults.md): every kind on its target, and
// the clients it must leave alone. Streams are read with plain POSIX calls, so a test can tell
// FIN (recv() returns 0) from RST (ECONNRESET), which QTcpSocket reports alike; over TLS
// (SSE_TEST_TLS) through an OpenSSL client session on the same descriptor.
#include "serverfixture.h"
#include "sseserver.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <arpa/inet.h>
#include <cerrno>
#include <functional>
#include <memory>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace testsupport;

namespace {

// JSON written with single quotes, so moc (which does not read raw strings) and people both can.
QByteArray jsonText(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

class RawStream
{
public:
    enum class End { Open, Fin, Reset };

    RawStream(quint16 port, const QByteArray &target)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
            qWarning("connect failed: %s", strerror(errno));
        const QByteArray request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        if (overTls()) {
            // The certificate is checked by tst_tls; here only what the stream does matters.
            static SSL_CTX *const context = SSL_CTX_new(TLS_client_method());
            m_ssl = SSL_new(context);
            SSL_set_fd(m_ssl, m_fd);
            if (SSL_connect(m_ssl) != 1 ||
                SSL_write(m_ssl, request.constData(), int(request.size())) <= 0) {
                qWarning("TLS handshake or write failed");
            }
            return;
        }
        if (::send(m_fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL) < 0)
            qWarning("send failed: %s", strerror(errno));
    }
    ~RawStream()
    {
        SSL_free(m_ssl);
        ::close(m_fd);
    }
    RawStream(const RawStream &) = delete;
    RawStream &operator=(const RawStream &) = delete;

    // Reads until done(body) holds or the peer ends the stream. The timeout only keeps a
    // failing test from hanging; End::Open with done() false means the test failed.
    End readUntil(const std::function<bool(const QByteArray &)> &done, int timeoutMs = 15000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!done(body())) {
            pollfd descriptor{m_fd, POLLIN, 0};
            if ((!m_ssl || SSL_pending(m_ssl) == 0) &&
                ::poll(&descriptor, 1, int(deadline.remainingTime())) <= 0) {
                return End::Open;
            }
            if (readOnce() != End::Open)
                return m_end;
        }
        return End::Open;
    }
    End readToEnd()
    {
        return readUntil([](const QByteArray &) { return false; });
    }
    // Takes what has arrived so far without waiting.
    void readAvailable()
    {
        pollfd descriptor{m_fd, POLLIN, 0};
        while (m_end == End::Open &&
               ((m_ssl && SSL_pending(m_ssl) > 0) || ::poll(&descriptor, 1, 0) > 0)) {
            readOnce();
        }
    }

    const QByteArray &received() const { return m_received; }
    QByteArray head() const { return m_received.left(headSize()); }
    QByteArray body() const { return headSize() < 0 ? QByteArray() : m_received.mid(headSize()); }
    bool hasHead() const { return headSize() >= 0; }
    int reads() const { return m_reads; }
    QList<ReceivedEvent> events() const
    {
        SseParser parser;
        parser.feed(body());
        return parser.events();
    }

private:
    qsizetype headSize() const
    {
        const qsizetype end = m_received.indexOf("\r\n\r\n");
        return end < 0 ? -1 : end + 4;
    }
    End readOnce()
    {
        char buffer[65536];
        if (m_ssl)
            return readTls(buffer, int(sizeof buffer));
        const ssize_t got = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (got > 0) {
            m_received.append(buffer, got);
            ++m_reads;
        } else if (got == 0) {
            m_end = End::Fin;
        } else if (errno == ECONNRESET) {
            m_end = End::Reset;
        }
        return m_end;
    }

    End readTls(char *buffer, int size)
    {
        const int got = SSL_read(m_ssl, buffer, size);
        if (got > 0) {
            m_received.append(buffer, got);
            ++m_reads;
            return m_end;
        }
        const int reason = SSL_get_error(m_ssl, got);
        if (reason == SSL_ERROR_ZERO_RETURN)
            m_end = End::Fin; // close_notify
        else if (reason == SSL_ERROR_SYSCALL && errno == ECONNRESET)
            m_end = End::Reset;
        else if (reason == SSL_ERROR_SSL || reason == SSL_ERROR_SYSCALL)
            m_end = End::Fin; // the end without close_notify
        ERR_clear_error();
        return m_end;
    }

    int m_fd = -1;
    SSL *m_ssl = nullptr; // over TLS
    QByteArray m_received;
    int m_reads = 0;
    End m_end = End::Open;
};

bool hasEvents(const QByteArray &body, int count)
{
    SseParser parser;
    parser.feed(body);
    return parser.events().size() >= count;
}

QStringList ids(const QList<ReceivedEvent> &events)
{
    QStringList list;
    for (const ReceivedEvent &event : events)
        list.append(event.lastEventId);
    return list;
}

} // namespace

class TestFaults : public QObject
{
    Q_OBJECT

private:
    TestServer m_server; // on its own thread: the test's reads block
    quint16 m_port = 0;

    void startServer(sse::ServerConfig config = testConfig())
    {
        QVERIFY(m_server.restart(config));
        m_port = m_server.port;
    }

    // Opens a stream and waits for its head; id gets the new client's id.
    std::unique_ptr<RawStream> open(quint64 *id, const QByteArray &target = "/events")
    {
        auto stream = std::make_unique<RawStream>(m_port, target);
        stream->readUntil([&](const QByteArray &) { return stream->hasHead(); });
        *id = 0;
        for (const QJsonValue &client : clients())
            *id = std::max(*id, quint64(client.toObject().value(QStringLiteral("id")).toInteger()));
        return stream;
    }

    QJsonArray clients() const { return request(m_port, "GET", "/api/clients").json().array(); }
    QJsonArray faults() const { return request(m_port, "GET", "/api/faults").json().array(); }

    // Installs a fault; returns its id, or an empty string after failing the test.
    QString install(const QByteArray &json)
    {
        const HttpResponse response = postJson(m_port, json, "/api/faults");
        if (response.status != 201) {
            qWarning().noquote() << json << "→" << response.status << response.body;
            return {};
        }
        return response.json().object().value(QStringLiteral("id")).toString();
    }

    void publish(const QByteArray &json) { QCOMPARE(postJson(m_port, json).status, 202); }

    QByteArray target(quint64 clientId) const { return QByteArray::number(clientId); }

private slots:
    void init() { startServer(); }
    void cleanup() { m_server.controller.reset(); }

    void closeEndsTheStreamWithFin()
    {
        quint64 a = 0, b = 0;
        auto streamA = open(&a);
        auto streamB = open(&b);
        QVERIFY(!install(jsonText("{'kind':'close','client':") + target(a) + "}").isEmpty());
        QCOMPARE(streamA->readToEnd(), RawStream::End::Fin);
        publish(jsonText("{'data':'after'}"));
        QCOMPARE(streamB->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                 RawStream::End::Open);
        QCOMPARE(clients().size(), 1);
        QVERIFY(faults().isEmpty()); // one-shot: done once it fired
    }

    void resetHitsOneClientWhileAnotherKeepsReceiving()
    {
        quint64 a = 0, b = 0;
        auto streamA = open(&a);
        auto streamB = open(&b);
        const HttpResponse response = postJson(
            m_port, jsonText("{'kind':'reset','client':") + target(a) + "}", "/api/faults");
        QCOMPARE(response.status, 201);
        QCOMPARE(response.json().object().value(QStringLiteral("applied")).toInt(), 1);
        QCOMPARE(response.headers.value("location"),
                 "/api/faults/" +
                     response.json().object().value(QStringLiteral("id")).toString().toLatin1());
        QCOMPARE(streamA->readToEnd(), RawStream::End::Reset);
        publish(jsonText("{'data':'still here'}"));
        QCOMPARE(streamB->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                 RawStream::End::Open);
        QCOMPARE(streamB->events().constFirst().data, QStringLiteral("still here"));
    }

    void cutMidEventDeliversPartOfAnEventThenCloses()
    {
        quint64 a = 0, b = 0;
        auto streamA = open(&a);
        auto streamB = open(&b);
        QVERIFY(
            !install(jsonText("{'kind':'cut-mid-event','client':") + target(a) + "}").isEmpty());
        QCOMPARE(faults().size(), 1); // armed until the next event
        publish(jsonText("{'event':'update','data':'a line long enough to be cut in two'}"));
        QCOMPARE(streamB->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                 RawStream::End::Open);
        QCOMPARE(streamA->readToEnd(), RawStream::End::Fin);
        const QByteArray whole = streamB->body();
        const QByteArray part = streamA->body();
        QVERIFY(!part.isEmpty());
        QVERIFY2(part.size() < whole.size() - 2, part.constData());
        QVERIFY(whole.startsWith(part));
        QVERIFY(streamA->events().isEmpty()); // nothing a client could dispatch
        QTRY_VERIFY(faults().isEmpty());
    }

    void stallQueuesThenResumes()
    {
        quint64 a = 0, b = 0;
        auto streamA = open(&a);
        auto streamB = open(&b);
        // Long enough that the other client has both events well before it ends, even on a
        // loaded machine; the assertions wait on events, never on time.
        QVERIFY(!install(jsonText("{'kind':'stall','client':") + target(a) +
                         jsonText(",'seconds':2.5}"))
                     .isEmpty());
        publish(jsonText("{'data':'one'}"));
        publish(jsonText("{'data':'two'}"));
        QCOMPARE(streamB->readUntil([](const QByteArray &body) { return hasEvents(body, 2); }),
                 RawStream::End::Open);
        streamA->readAvailable();
        QVERIFY(streamA->body().isEmpty()); // stalled while the other has both
        QCOMPARE(clients().size(), 2);      // and still connected
        // Then everything it missed arrives, in order, on the same connection.
        QCOMPARE(streamA->readUntil([](const QByteArray &body) { return hasEvents(body, 2); }),
                 RawStream::End::Open);
        QCOMPARE(ids(streamA->events()), ids(streamB->events()));
        QTRY_VERIFY(faults().isEmpty());
        publish(jsonText("{'data':'three'}"));
        QCOMPARE(streamA->readUntil([](const QByteArray &body) { return hasEvents(body, 3); }),
                 RawStream::End::Open);
    }

    void aStallPastTheQueueLimitDropsTheSlowConsumer()
    {
        sse::ServerConfig config = testConfig();
        config.maxQueueBytes = 4096;
        startServer(config);
        quint64 a = 0, b = 0;
        auto streamA = open(&a);
        auto streamB = open(&b);
        QVERIFY(
            !install(jsonText("{'kind':'stall','client':") + target(a) + jsonText(",'seconds':60}"))
                 .isEmpty());
        const QByteArray big(3000, 'x');
        publish(jsonText("{'data':'") + big + jsonText("'}"));
        publish(jsonText("{'data':'") + big + jsonText("'}"));
        QCOMPARE(streamA->readToEnd(), RawStream::End::Reset);
        QCOMPARE(streamB->readUntil([](const QByteArray &body) { return hasEvents(body, 2); }),
                 RawStream::End::Open);
        QCOMPARE(request(m_port, "GET", "/api/stats")
                     .json()
                     .object()
                     .value(QStringLiteral("slowClientDrops"))
                     .toInt(),
                 1);
        QTRY_VERIFY(faults().isEmpty()); // the client it stalled is gone
    }

    void dripThrottlesOneStream()
    {
        quint64 a = 0, b = 0;
        auto streamA = open(&a);
        auto streamB = open(&b);
        QVERIFY(!install(jsonText("{'kind':'drip','client':") + target(a) +
                         jsonText(",'bytesPerSecond':1000}"))
                     .isEmpty());
        const QByteArray data(3000, 'd'); // 3 s at this rate: the other client has it long before
        QElapsedTimer clock;
        clock.start();
        publish(jsonText("{'data':'") + data + jsonText("'}"));
        QCOMPARE(streamB->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                 RawStream::End::Open);
        streamA->readAvailable();
        const qsizetype whole = streamB->body().size();
        QVERIFY2(streamA->body().size() < whole, QByteArray::number(streamA->body().size()));
        QCOMPARE(streamA->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                 RawStream::End::Open);
        QCOMPARE(streamA->body(), streamB->body());
        QVERIFY(streamA->reads() > 2); // it came in pieces
        // Information for docs/faults.md, not an assertion: timing belongs to benchmarks.
        qInfo("drip 1000 B/s: %lld bytes in %lld ms over %d reads", qint64(whole),
              qint64(clock.elapsed()), streamA->reads());
        const QJsonObject client = clients().at(0).toObject();
        QCOMPARE(client.value(QStringLiteral("faults")).toArray().size(), 1);
    }

    void dropEventsLeavesIdGaps()
    {
        quint64 a = 0, b = 0;
        auto streamA = open(&a);
        auto streamB = open(&b);
        QVERIFY(!install(jsonText("{'kind':'drop-events','client':") + target(a) +
                         jsonText(",'every':2}"))
                     .isEmpty());
        for (int i = 1; i <= 5; ++i)
            publish(jsonText("{'data':'e") + QByteArray::number(i) + jsonText("'}"));
        QCOMPARE(streamB->readUntil([](const QByteArray &body) { return hasEvents(body, 5); }),
                 RawStream::End::Open);
        QCOMPARE(streamA->readUntil([](const QByteArray &body) { return hasEvents(body, 3); }),
                 RawStream::End::Open);
        QCOMPARE(ids(streamA->events()),
                 QStringList({QStringLiteral("1"), QStringLiteral("3"), QStringLiteral("5")}));
        QCOMPARE(streamB->events().size(), 5);
    }

    void malformedSendsTheNextEventWithAFlaw_data()
    {
        QTest::addColumn<QByteArray>("variant");
        QTest::addColumn<QByteArray>("expected"); // the first event's bytes on the wire
        QTest::addColumn<QString>("dispatched");  // what a WHATWG parser makes of it
        QTest::newRow("cr-line-endings")
            << QByteArray("cr-line-endings") << QByteArray("id: 1\rdata: hello\r\r") << "hello";
        QTest::newRow("bom") << QByteArray("bom")
                             << QByteArray("\xEF\xBB\xBFid: 1\ndata: hello\n\n")
                             << "hello"; // the id line is lost, the data is not
        QTest::newRow("lone-cr") << QByteArray("lone-cr") << QByteArray("id: 1\ndata: he\rllo\n\n")
                                 << "he";
        QTest::newRow("invalid-utf8")
            << QByteArray("invalid-utf8") << QByteArray("id: 1\ndata: he\xFF\xFEllo\n\n")
            << QStringLiteral("he\uFFFD\uFFFDllo");
        QTest::newRow("no-colon") << QByteArray("no-colon")
                                  << QByteArray("data\nid: 1\ndata: hello\n\n") << "\nhello";
    }

    void malformedSendsTheNextEventWithAFlaw()
    {
        QFETCH(QByteArray, variant);
        QFETCH(QByteArray, expected);
        QFETCH(QString, dispatched);
        quint64 a = 0;
        auto stream = open(&a);
        QVERIFY(!install(jsonText("{'kind':'malformed','client':") + target(a) +
                         jsonText(",'variant':'") + variant + jsonText("'}"))
                     .isEmpty());
        publish(jsonText("{'data':'hello'}"));
        publish(jsonText("{'data':'plain again'}"));
        const QByteArray second = "id: 2\ndata: plain again\n\n";
        QCOMPARE(stream->readUntil([&](const QByteArray &body) { return body.endsWith(second); }),
                 RawStream::End::Open);
        QCOMPARE(stream->body(), expected + second); // one-shot: the next event is whole
        const QList<ReceivedEvent> events = stream->events();
        QVERIFY(!events.isEmpty());
        QCOMPARE(events.constFirst().data, dispatched);
    }

    void retryIsSentNow()
    {
        quint64 a = 0;
        auto stream = open(&a);
        QVERIFY(
            !install(jsonText("{'kind':'retry','client':") + target(a) + jsonText(",'ms':1234}"))
                 .isEmpty());
        QCOMPARE(stream->readUntil([](const QByteArray &body) { return body.contains("\n\n"); }),
                 RawStream::End::Open);
        QCOMPARE(stream->body(), QByteArray("retry: 1234\n\n"));
        SseParser parser;
        parser.feed(stream->body());
        QCOMPARE(parser.retry(), QStringLiteral("1234"));
        QVERIFY(parser.events().isEmpty());
    }

    void statusAnswersNewConnectionsUntilRemoved()
    {
        quint64 a = 0;
        auto existing = open(&a);
        const QString id = install(jsonText("{'kind':'status','status':204}"));
        QVERIFY(!id.isEmpty());
        HttpResponse response = request(m_port, "GET", "/events");
        QCOMPARE(response.status, 204);
        QCOMPARE(response.headers.value("x-sse-fault"), id.toLatin1());
        QCOMPARE(request(m_port, "GET", "/events").status, 204); // it lasts
        QCOMPARE(faults().at(0).toObject().value(QStringLiteral("applied")).toInt(), 2);
        publish(jsonText("{'data':'the open stream is untouched'}"));
        QCOMPARE(existing->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                 RawStream::End::Open);

        QCOMPARE(request(m_port, "DELETE", "/api/faults/" + id.toLatin1()).status, 200);
        quint64 b = 0;
        auto fresh = open(&b);
        QVERIFY(fresh->head().startsWith("HTTP/1.1 200 OK"));
    }

    void statusCarriesRetryAfterAndLocation()
    {
        QVERIFY(!install(jsonText("{'kind':'status','status':503,'retryAfter':7,'oneShot':true}"))
                     .isEmpty());
        HttpResponse response = request(m_port, "GET", "/events");
        QCOMPARE(response.status, 503);
        QCOMPARE(response.headers.value("retry-after"), QByteArray("7"));
        QVERIFY(response.json()
                    .object()
                    .value(QStringLiteral("error"))
                    .toString()
                    .contains(QStringLiteral("503")));
        QVERIFY(faults().isEmpty()); // one-shot: the next connection only
        QVERIFY(
            !install(jsonText("{'kind':'status','status':307,'location':'/events?channel=moved'}"))
                 .isEmpty());
        response = request(m_port, "GET", "/events");
        QCOMPARE(response.status, 307);
        QCOMPARE(response.headers.value("location"), QByteArray("/events?channel=moved"));
    }

    void delayAcceptHoldsTheHeadBack()
    {
        QVERIFY(!install(jsonText("{'kind':'delay-accept','ms':3000,'oneShot':true}")).isEmpty());
        RawStream held(m_port, "/events");
        // The server answers others meanwhile, and the held stream is not a subscriber yet.
        QCOMPARE(request(m_port, "GET", "/healthz").status, 200);
        held.readAvailable();
        QVERIFY(!held.hasHead());
        QCOMPARE(clients().size(), 0);
        QCOMPARE(held.readUntil([&](const QByteArray &) { return held.hasHead(); }),
                 RawStream::End::Open);
        QVERIFY(held.head().startsWith("HTTP/1.1 200 OK"));
        QCOMPARE(clients().size(), 1);
        publish(jsonText("{'data':'late but live'}"));
        QCOMPARE(held.readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                 RawStream::End::Open);
    }

    void aChannelFaultHitsItsMembersAndJoiners()
    {
        quint64 a = 0, b = 0, c = 0;
        auto onA = open(&a, "/events?channel=a");
        auto onB = open(&b, "/events?channel=b");
        QVERIFY(
            !install(jsonText("{'kind':'malformed','channel':'a','variant':'bom','oneShot':false}"))
                 .isEmpty());
        auto joiner = open(&c, "/events?channel=a");
        const QJsonArray listed = faults();
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.at(0).toObject().value(QStringLiteral("clients")).toArray().size(), 2);
        publish(jsonText("{'channel':'a','data':'to a'}"));
        publish(jsonText("{'channel':'b','data':'to b'}"));
        for (RawStream *stream : {onA.get(), joiner.get()}) {
            QCOMPARE(stream->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                     RawStream::End::Open);
            QVERIFY(stream->body().startsWith("\xEF\xBB\xBF"));
        }
        QCOMPARE(onB->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                 RawStream::End::Open);
        QVERIFY(onB->body().startsWith("id:"));
    }

    void aOneShotOnNewConnectionsHitsTheNextOneOnly()
    {
        quint64 a = 0, b = 0, c = 0;
        auto before = open(&a);
        QVERIFY(!install(jsonText("{'kind':'cut-mid-event','scope':'new-connections'}")).isEmpty());
        auto next = open(&b);
        auto after = open(&c);
        publish(jsonText("{'data':'who gets this whole?'}"));
        QCOMPARE(next->readToEnd(), RawStream::End::Fin);
        for (RawStream *stream : {before.get(), after.get()}) {
            QCOMPARE(stream->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                     RawStream::End::Open);
        }
        QVERIFY(next->events().isEmpty());
        QTRY_VERIFY(faults().isEmpty());
    }

    void aFaultWithADurationExpires()
    {
        quint64 a = 0;
        auto stream = open(&a);
        QVERIFY(!install(jsonText("{'kind':'drip','client':") + target(a) +
                         jsonText(",'bytesPerSecond':1,'durationSeconds':1}"))
                     .isEmpty());
        QCOMPARE(faults().size(), 1);
        QVERIFY(faults().at(0).toObject().contains(QStringLiteral("remainingSeconds")));
        QTRY_VERIFY_WITH_TIMEOUT(faults().isEmpty(), 10000);
        // Lifted: the stream runs at full speed again.
        publish(jsonText("{'data':'fast again'}"));
        QCOMPARE(stream->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                 RawStream::End::Open);
        QVERIFY(!clients().at(0).toObject().contains(QStringLiteral("faults")));
    }

    void removingALastingFaultLetsTheStreamGo()
    {
        quint64 a = 0;
        auto stream = open(&a);
        const QString id = install(jsonText("{'kind':'stall','client':") + target(a) +
                                   jsonText(",'seconds':3600}"));
        QVERIFY(!id.isEmpty());
        publish(jsonText("{'data':'held'}"));
        QCOMPARE(request(m_port, "DELETE", "/api/faults/" + id.toLatin1()).status, 200);
        QCOMPARE(stream->readUntil([](const QByteArray &body) { return hasEvents(body, 1); }),
                 RawStream::End::Open);
        QCOMPARE(request(m_port, "DELETE", "/api/faults/" + id.toLatin1()).status, 404);
    }

    void theApiRefusesBadRequests()
    {
        HttpResponse response =
            postJson(m_port, jsonText("{'kind':'stall','client':1}"), "/api/faults");
        QCOMPARE(response.status, 400);
        QVERIFY(response.error().startsWith(QStringLiteral("seconds:")));
        response = postJson(m_port, jsonText("{'kind':'reset','client':42}"), "/api/faults");
        QCOMPARE(response.status, 400);
        QCOMPARE(response.error(), QStringLiteral("client: 42 is not connected"));
        response = request(m_port, "POST", "/api/faults", "{}", {"Content-Type: text/plain"});
        QCOMPARE(response.status, 415);
        QCOMPARE(request(m_port, "DELETE", "/api/faults/x").status, 400);
        QCOMPARE(request(m_port, "PUT", "/api/faults").status, 405);
        QVERIFY(faults().isEmpty());
    }

    void theTokenRulesOfPublishApply()
    {
        sse::ServerConfig config = testConfig();
        config.requireTokenOnLoopback = true;
        startServer(config);
        const QByteArray spec = jsonText("{'kind':'status','status':204}");
        QCOMPARE(postJson(m_port, spec, "/api/faults").status, 401);
        QCOMPARE(request(m_port, "POST", "/api/faults", spec,
                         {"Content-Type: application/json", "Authorization: Bearer secret-token"})
                     .status,
                 201);
        QCOMPARE(request(m_port, "DELETE", "/api/faults/1").status, 401);
        QCOMPARE(request(m_port, "GET", "/api/faults").status, 200);
    }

    void startFaultsAreInstalled()
    {
        sse::ServerConfig config = testConfig();
        config.faults = {
            QString::fromUtf8(jsonText("{'kind':'status','status':503,'retryAfter':1}"))};
        startServer(config);
        QCOMPARE(request(m_port, "GET", "/events").status, 503);
        QCOMPARE(faults().at(0).toObject().value(QStringLiteral("origin")).toString(),
                 QStringLiteral("command line"));
    }

    void theTrafficLogRecordsEachFault()
    {
        sse::ServerController controller;
        const quint16 port = testsupport::startServer(controller, testConfig(), 20);
        QVERIFY(port);
        m_port = port;
        QSignalSpy snapshots(&controller, &sse::ServerController::snapshotReady);
        quint64 a = 0;
        auto stream = open(&a);
        QVERIFY(!install(jsonText("{'kind':'reset','client':") + target(a) + "}").isEmpty());
        QCOMPARE(stream->readToEnd(), RawStream::End::Reset);
        QStringList summaries;
        bool listed = false;
        QTRY_VERIFY([&] {
            for (const QList<QVariant> &arguments : std::as_const(snapshots)) {
                const auto snapshot = arguments.at(0).value<sse::ServerSnapshot>();
                listed = listed || (snapshot.faultsChanged && !snapshot.faults.isEmpty());
                for (const sse::TrafficRecord &record : snapshot.traffic)
                    summaries.append(record.summary);
            }
            snapshots.clear();
            return summaries.join(u'\n').contains(QStringLiteral("reset (RST)"));
        }());
        QVERIFY(summaries.join(u'\n').contains(QStringLiteral("fault #1 reset on client")));
    }
};

QTEST_GUILESS_MAIN(TestFaults)
#include "tst_faults.moc"
