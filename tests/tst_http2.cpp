// HTTP/2 over real loopback connections, with nghttp2's client session (tests/h2client.h): h2c
// with prior knowledge, and h2 through ALPN over TLS (SSE_TEST_TLS). Every route answers through
// the same handlers as HTTP/1.1; many SSE streams share one connection; flow control, faults and
// limits act on one stream and leave the others alone; floods end the connection.
#include "h2client.h"
#include "serverfixture.h"

#include <algorithm>

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace testsupport;

namespace {

// Frame types and flags (RFC 9113 section 6).
constexpr quint8 Data = 0x0;
constexpr quint8 Headers = 0x1;
constexpr quint8 RstStream = 0x3;
constexpr quint8 Settings = 0x4;
constexpr quint8 Ping = 0x6;
constexpr quint8 Continuation = 0x9;
constexpr quint8 EndStream = 0x1;
constexpr quint8 EndHeaders = 0x4;

// HPACK, from the static table (RFC 7541 appendix A): ":method GET" or ":method POST", ":path /",
// ":scheme", then ":authority 127.0.0.1" as a literal.
QByteArray requestBlock(char method)
{
    return QByteArray(1, method) + QByteArray("\x84") + QByteArray(1, overTls() ? '\x87' : '\x86') +
           QByteArray("\x41\x09") + QByteArray("127.0.0.1");
}
QByteArray getRequest()
{
    return requestBlock('\x82');
}
QByteArray postRequest()
{
    return requestBlock('\x83');
}

QByteArray jsonText(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

} // namespace

class TestHttp2 : public QObject
{
    Q_OBJECT

private:
    TestServer m_server; // on its own thread
    quint16 m_port = 0;

    void startServer(sse::ServerConfig config = {})
    {
        QVERIFY(m_server.restart(config));
        m_port = m_server.port;
    }
    std::unique_ptr<H2Client> connect(uint32_t initialWindow = 1 << 20)
    {
        auto client = std::make_unique<H2Client>(m_port, overTls(), initialWindow);
        if (!client->waitForConnected())
            return nullptr;
        return client;
    }
    QJsonArray clients() const { return request(m_port, "GET", "/api/clients").json().array(); }
    // The id of the client listed first (the oldest).
    QByteArray firstClientId() const
    {
        return QByteArray::number(
            clients().first().toObject().value(QStringLiteral("id")).toInteger());
    }
    // Two streams on the client's connection, the first one's subscriber in place before the
    // second asks (so it is the oldest client).
    std::pair<int32_t, int32_t> openTwoStreams(H2Client &client)
    {
        const int32_t first = client.get("/events");
        if (!QTest::qWaitFor([&] { return clients().size() == 1; }))
            return {first, 0};
        return {first, client.get("/events")}; // the test waits for the second
    }
    void publish(const QByteArray &json) { QCOMPARE(postJson(m_port, json).status, 202); }

private slots:
    void init() { startServer(); }
    void cleanup() { m_server.controller.reset(); }

    void everyRouteAnswersOverHttp2()
    {
        auto client = connect();
        QVERIFY(client);
        if (overTls())
            QCOMPARE(client->alpn(), QByteArray("h2"));
        const int32_t health = client->get("/healthz");
        const int32_t page = client->get("/");
        const int32_t missing = client->get("/no-such-page");
        const int32_t head = client->request("HEAD", "/events");
        const int32_t published = client->request(
            "POST", "/publish", {{"Content-Type", "application/json"}}, jsonText("{'data':'x'}"));
        const int32_t api = client->get("/api/clients");
        const int32_t metrics = client->get("/metrics");
        const int32_t see = client->get("/see"); // the seed example's stream path
        QTRY_COMPARE(client->response(see).status, 200);
        const int32_t sent = client->get("/send?m=hello");
        QTRY_VERIFY(client->response(sent).closed);
        QCOMPARE(client->response(sent).status, 202);
        QTRY_COMPARE(client->response(see).events.events().size(), 1);
        QCOMPARE(client->response(see).events.events().constFirst().data, QStringLiteral("hello"));
        QTRY_VERIFY(client->response(metrics).closed);
        QVERIFY(client->response(metrics).body.contains("sse_"));
        QTRY_VERIFY(client->response(api).closed);
        QTRY_VERIFY(client->response(published).closed);
        QCOMPARE(client->response(health).status, 200);
        QCOMPARE(client->response(health).body, QByteArray("ok"));
        QCOMPARE(client->response(page).status, 200);
        QVERIFY(client->response(page).header("content-type").startsWith("text/html"));
        QCOMPARE(client->response(missing).status, 404);
        QCOMPARE(client->response(head).status, 200);
        QCOMPARE(client->response(head).header("content-type"), QByteArray("text/event-stream"));
        QVERIFY(client->response(head).body.isEmpty());
        QCOMPARE(client->response(published).status, 202);
        QCOMPARE(client->response(published).body, QByteArray(R"({"delivered":0,"id":"1"})"));
        QCOMPARE(client->response(api).status, 200);
        // HTTP/1.1's connection fields never reach an HTTP/2 answer.
        QVERIFY(client->response(health).header("connection").isNull());
    }

    void theTrafficLogGivesEachRequestsVersion()
    {
        sse::ServerController controller;
        QSignalSpy snapshots(&controller, &sse::ServerController::snapshotReady);
        m_port = testsupport::startServer(controller, {}, 50);
        QVERIFY(m_port != 0);
        auto client = connect();
        QVERIFY(client);
        const int32_t id = client->get("/healthz");
        QTRY_VERIFY(client->response(id).closed);
        QCOMPARE(request(m_port, "GET", "/healthz").status, 200);
        QList<sse::TrafficRecord> requests;
        QTRY_VERIFY([&] {
            requests.clear();
            for (const QList<QVariant> &arguments : std::as_const(snapshots)) {
                for (const sse::TrafficRecord &record :
                     arguments.at(0).value<sse::ServerSnapshot>().traffic) {
                    if (record.direction == sse::TrafficDirection::In)
                        requests.append(record);
                }
            }
            return requests.size() >= 2;
        }());
        QCOMPARE(requests.at(0).httpVersion, QStringLiteral("HTTP/2"));
        QVERIFY(requests.at(0).summary.endsWith(QStringLiteral("over HTTP/2")));
        QCOMPARE(requests.at(1).httpVersion, QStringLiteral("HTTP/1.1"));
        QVERIFY(!requests.at(1).summary.contains(QStringLiteral("HTTP/2")));
    }

    void authorityIsCheckedAsHostIs()
    {
        auto client = connect();
        QVERIFY(client);
        // nghttp2's request() sends :authority 127.0.0.1; a foreign one is refused.
        std::vector<nghttp2_nv> nv;
        const QList<std::pair<QByteArray, QByteArray>> fields{{":method", "GET"},
                                                              {":scheme", "http"},
                                                              {":authority", "evil.example"},
                                                              {":path", "/api/clients"}};
        for (const auto &[name, value] : fields) {
            nv.push_back({reinterpret_cast<uint8_t *>(const_cast<char *>(name.constData())),
                          reinterpret_cast<uint8_t *>(const_cast<char *>(value.constData())),
                          size_t(name.size()), size_t(value.size()), NGHTTP2_NV_FLAG_NONE});
        }
        const int32_t id = nghttp2_submit_request(client->session(), nullptr, nv.data(), nv.size(),
                                                  nullptr, nullptr);
        client->flush();
        QTRY_VERIFY(client->response(id).closed);
        QCOMPARE(client->response(id).status, 421);
    }

    void twentyStreamsShareOneConnection()
    {
        auto client = connect();
        QVERIFY(client);
        QList<int32_t> streams;
        for (int i = 0; i < 20; ++i)
            streams.append(client->get("/events"));
        QTRY_COMPARE(clients().size(), 20);
        for (const int32_t id : streams)
            QTRY_COMPARE(client->response(id).status, 200);
        publish(jsonText("{'data':'to all twenty'}"));
        for (const int32_t id : streams) {
            QTRY_COMPARE(client->response(id).events.events().size(), 1);
            QCOMPARE(client->response(id).events.events().constFirst().data,
                     QStringLiteral("to all twenty"));
        }
        // The Clients table shows the protocol and the connection they share.
        const QJsonArray listed = clients();
        const QJsonValue connection = listed.first().toObject().value(QStringLiteral("connection"));
        QVERIFY(connection.toInteger() > 0);
        for (const QJsonValue &value : listed) {
            const QJsonObject object = value.toObject();
            QVERIFY(
                object.value(QStringLiteral("protocol"))
                    .toString()
                    .startsWith(overTls() ? QStringLiteral("h2 · TLS") : QStringLiteral("h2c")));
            QCOMPARE(object.value(QStringLiteral("connection")), connection);
        }
    }

    void replayFollowsLastEventId()
    {
        publish(jsonText("{'data':'one'}"));
        publish(jsonText("{'data':'two'}"));
        publish(jsonText("{'data':'three'}"));
        auto client = connect();
        QVERIFY(client);
        const int32_t id = client->get("/events", {{"Last-Event-ID", "1"}});
        QTRY_COMPARE(client->response(id).events.events().size(), 2);
        QCOMPARE(client->response(id).events.events().at(0).data, QStringLiteral("two"));
        QCOMPARE(client->response(id).events.events().at(1).lastEventId, QStringLiteral("3"));
    }

    void disconnectEndsOneStreamOnly()
    {
        auto client = connect();
        QVERIFY(client);
        const auto [first, second] = openTwoStreams(*client);
        QTRY_COMPARE(clients().size(), 2);
        const QByteArray firstId = firstClientId();
        QCOMPARE(request(m_port, "DELETE", "/api/clients/" + firstId).status, 200);
        QTRY_VERIFY(client->response(first).closed);
        QCOMPARE(client->response(first).errorCode, uint32_t(NGHTTP2_NO_ERROR)); // END_STREAM
        publish(jsonText("{'data':'still here'}"));
        QTRY_COMPARE(client->response(second).events.events().size(), 1);
        QVERIFY(!client->response(second).closed);
    }

    void disconnectingAConnectionEndsAllItsStreamsAlone()
    {
        auto shared = connect();
        auto other = connect();
        QVERIFY(shared && other);
        const int32_t first = shared->get("/events");
        const int32_t second = shared->get("/events");
        const int32_t elsewhere = other->get("/events");
        QTRY_COMPARE(clients().size(), 3);
        QTRY_VERIFY(shared->response(first).status == 200 &&
                    shared->response(second).status == 200);
        QTRY_COMPARE(other->response(elsewhere).status, 200);
        // The client ids by connection: the shared one has two (the two connections' requests
        // reach the server in either order, so the ids do not tell which is which).
        QHash<qint64, QList<qint64>> idsByConnection;
        for (const QJsonValue &value : clients()) {
            const QJsonObject client = value.toObject();
            idsByConnection[client.value(QStringLiteral("connection")).toInteger()].append(
                client.value(QStringLiteral("id")).toInteger());
        }
        QCOMPARE(idsByConnection.size(), 2);
        QList<qint64> sharedIds;
        for (const QList<qint64> &ids : std::as_const(idsByConnection)) {
            if (ids.size() == 2)
                sharedIds = ids;
        }
        QCOMPARE(sharedIds.size(), 2);
        const HttpResponse answer =
            request(m_port, "DELETE",
                    "/api/clients/" + QByteArray::number(sharedIds.first()) + "?connection=1");
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.json().object().value(QStringLiteral("disconnected")).toArray().size(), 2);
        QTRY_VERIFY(shared->goAwayReceived());
        QTRY_VERIFY(shared->isDisconnected());
        QCOMPARE(clients().size(), 1);
        publish(jsonText("{'data':'the other connection'}"));
        QTRY_COMPARE(other->response(elsewhere).events.events().size(), 1);
    }

    void aConnectionDisconnectedFromItselfStillGetsTheAnswer()
    {
        auto client = connect();
        QVERIFY(client);
        const int32_t stream = client->get("/events");
        QTRY_COMPARE(clients().size(), 1);
        const QByteArray id = firstClientId();
        // As a page would: the DELETE on the connection it ends (graceful GOAWAY).
        const int32_t deletion = client->request("DELETE", "/api/clients/" + id + "?connection=1");
        QTRY_VERIFY(client->response(deletion).closed);
        QCOMPARE(client->response(deletion).status, 200);
        QTRY_VERIFY(client->response(stream).closed);
        QTRY_VERIFY(client->goAwayReceived());
        QCOMPARE(client->goAwayError(), uint32_t(NGHTTP2_NO_ERROR));
        QTRY_VERIFY(client->isDisconnected());
    }

    void aResetFaultHitsOneStream()
    {
        auto client = connect();
        QVERIFY(client);
        const auto [first, second] = openTwoStreams(*client);
        QTRY_COMPARE(clients().size(), 2);
        const QByteArray firstId = firstClientId();
        QCOMPARE(
            postJson(m_port, jsonText("{'kind':'reset','client':") + firstId + "}", "/api/faults")
                .status,
            201);
        QTRY_VERIFY(client->response(first).closed);
        QCOMPARE(client->response(first).errorCode, uint32_t(NGHTTP2_CANCEL)); // RST_STREAM
        publish(jsonText("{'data':'after the reset'}"));
        QTRY_COMPARE(client->response(second).events.events().size(), 1);
    }

    void aStreamThatNeverReadsIsDroppedAlone()
    {
        sse::ServerConfig config;
        config.maxQueueBytes = 64 * 1024;
        startServer(config);
        // A window of 0: the server may send this client's streams nothing until it says so.
        auto stuck = connect(0);
        QVERIFY(stuck);
        const int32_t stuckStream = stuck->get("/events");
        auto reader = connect();
        QVERIFY(reader);
        const int32_t readerStream = reader->get("/events");
        QTRY_COMPARE(clients().size(), 2);
        const QByteArray big = QByteArray(8 * 1024, 'x');
        for (int i = 0; i < 40; ++i)
            publish("{\"data\":\"" + big + "\"}");
        QTRY_VERIFY(stuck->response(stuckStream).closed);
        QCOMPARE(stuck->response(stuckStream).errorCode, uint32_t(NGHTTP2_CANCEL));
        QTRY_COMPARE(reader->response(readerStream).events.events().size(), 40);
        QCOMPARE(clients().size(), 1);
        QVERIFY(request(m_port, "GET", "/metrics").body.contains("sse_slow_client_drops_total 1"));
    }

    void concurrentStreamsAreCapped()
    {
        sse::ServerConfig config;
        config.maxHttp2Streams = 3;
        startServer(config);
        auto client = connect();
        QVERIFY(client);
        QTRY_COMPARE(nghttp2_session_get_remote_settings(client->session(),
                                                         NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS),
                     3u);
        QList<int32_t> streams;
        for (int i = 0; i < 5; ++i)
            streams.append(client->get("/events"));
        QTRY_COMPARE(clients().size(), 3);
        const QByteArray firstId = firstClientId();
        QCOMPARE(request(m_port, "DELETE", "/api/clients/" + firstId).status, 200);
        QTRY_COMPARE(clients().size(), 3); // a waiting stream took the freed place
    }

    void oversizedHeadersGet431()
    {
        sse::ServerConfig config;
        config.maxHeaderBytes = 2048;
        startServer(config);
        auto client = connect();
        QVERIFY(client);
        const int32_t id = client->get("/healthz", {{"X-Big", QByteArray(4096, 'a')}});
        QTRY_VERIFY(client->response(id).closed);
        QCOMPARE(client->response(id).status, 431);
        // HPACK sends a repeated field as one byte: what counts is what the fields decode to.
        sse::http::HeaderList repeated;
        for (int i = 0; i < 40; ++i)
            repeated.append({"X-Same", QByteArray(100, 'b')});
        const int32_t compressed = client->get("/healthz", repeated);
        QTRY_VERIFY(client->response(compressed).closed);
        QCOMPARE(client->response(compressed).status, 431);
    }

    void aRequestNotCompleteInTimeGets408()
    {
        sse::ServerConfig config;
        config.idleTimeoutSeconds = 1;
        startServer(config);
        auto client = connect();
        QVERIFY(client);
        const int32_t id = client->openUpload("/publish"); // a body that never comes
        QTRY_COMPARE_WITH_TIMEOUT(client->response(id).status, 408, 10000);
        // The stream does not wait for the request's end: it is reset (NO_ERROR) once the
        // answer is out, and frees its slot.
        QTRY_VERIFY(client->response(id).closed);

        // The end of a request answered already, arriving late, is dropped.
        RawH2Client raw(m_port);
        QVERIFY(raw.waitForConnected());
        raw.write(RawH2Client::frame(Headers, EndHeaders, 1, postRequest()));
        QTRY_VERIFY_WITH_TIMEOUT(raw.frameTypes().contains(Headers), 10000); // the 408
        raw.write(RawH2Client::frame(Data, EndStream, 1, "late"));
        QCOMPARE(request(m_port, "GET", "/healthz").status, 200);
    }

    // The requests a connection has not finished sending hold at most 8 MiB of it (or one
    // --max-body, if larger): the one that would pass that is refused, and the rest go on.
    void unfinishedRequestsShareOneBudgetPerConnection()
    {
        auto client = connect();
        QVERIFY(client);
        const QByteArray part(1000 * 1000, 'x'); // each under --max-body (1 MiB)
        QList<int32_t> uploads;
        for (int i = 0; i < 9; ++i) // 9,000,000 bytes against 8,388,608
            uploads.append(client->openUpload("/publish", part));
        const auto refused = [&] {
            return std::count_if(uploads.cbegin(), uploads.cend(),
                                 [&](int32_t id) { return client->response(id).status == 413; });
        };
        QTRY_COMPARE_WITH_TIMEOUT(refused(), 1, 10000);
        for (const int32_t id : uploads) {
            const H2Client::Response &response = client->response(id);
            if (response.status == 413)
                QVERIFY(response.body.contains("hold more than 8388608 bytes"));
            else
                QCOMPARE(response.status, 0); // still being read
        }
        const int32_t health = client->get("/healthz");
        QTRY_COMPARE(client->response(health).status, 200);
        QCOMPARE(refused(), 1);
    }

    void replayFindsItsEventPastManyOfOtherChannels()
    {
        sse::ServerConfig config;
        config.historySize = 10000;
        startServer(config);
        // More than one replay page of other channels' events before this channel's: the
        // replay goes on from turn to turn by itself, with nothing written to wake it.
        for (int i = 0; i < 4500; ++i)
            QCOMPARE(postJson(m_port, jsonText("{'data':'elsewhere','channel':'other'}")).status,
                     202);
        publish(jsonText("{'data':'mine'}"));
        auto client = connect();
        QVERIFY(client);
        const int32_t id = client->get("/events", {{"Last-Event-ID", "1"}});
        QTRY_COMPARE(client->response(id).events.events().size(), 1);
        QCOMPARE(client->response(id).events.events().constFirst().data, QStringLiteral("mine"));
    }

    void rapidResetEndsTheConnection()
    {
        RawH2Client client(m_port);
        QVERIFY(client.waitForConnected());
        // CVE-2023-44487: streams opened and cancelled at once, in a loop.
        QByteArray attack;
        for (quint32 id = 1; id < 2000; id += 2) {
            attack += RawH2Client::frame(Headers, EndHeaders | EndStream, id, getRequest());
            attack += RawH2Client::frame(RstStream, 0, id, QByteArray("\0\0\0\x08", 4));
        }
        client.write(attack);
        QTRY_VERIFY(client.goAwayReceived());
        QTRY_VERIFY(client.isDisconnected());
        QCOMPARE(request(m_port, "GET", "/healthz").status, 200); // others are served
    }

    void floodsEndTheConnection_data()
    {
        QTest::addColumn<QByteArray>("opening");
        QTest::addColumn<QByteArray>("frame");
        QTest::newRow("PING") << QByteArray() << RawH2Client::frame(Ping, 0, 0, QByteArray(8, 'p'));
        QTest::newRow("SETTINGS") << QByteArray() << RawH2Client::frame(Settings, 0, 0);
        // Empty DATA on a request stream left open for its body.
        QTest::newRow("empty DATA") << RawH2Client::frame(Headers, EndHeaders, 1, postRequest())
                                    << RawH2Client::frame(Data, 0, 1);
    }

    void floodsEndTheConnection()
    {
        QFETCH(QByteArray, opening);
        QFETCH(QByteArray, frame);
        RawH2Client client(m_port);
        QVERIFY(client.waitForConnected());
        client.write(opening + frame.repeated(5000));
        QTRY_VERIFY(client.goAwayReceived());
        QCOMPARE(client.goAwayError(), uint32_t(NGHTTP2_ENHANCE_YOUR_CALM));
        QTRY_VERIFY(client.isDisconnected());
    }

    void continuationFloodEndsTheConnection()
    {
        RawH2Client client(m_port);
        QVERIFY(client.waitForConnected());
        // CVE-2024-28182: one HEADERS, then CONTINUATION frames that never end the block.
        const QByteArray field("\x00\x01x\x01y", 5); // "x: y", literal, not indexed
        QByteArray attack = RawH2Client::frame(Headers, EndStream, 1, getRequest() + field);
        for (int i = 0; i < 100; ++i)
            attack += RawH2Client::frame(Continuation, 0, 1, field);
        client.write(attack);
        QTRY_VERIFY(client.goAwayReceived());
        QTRY_VERIFY(client.isDisconnected());
    }
};

QTEST_MAIN(TestHttp2)
#include "tst_http2.moc"
