// HTTP/2 over real loopback connections, with nghttp2's client session (tests/h2client.h): h2c
// with prior knowledge, and h2 through ALPN over TLS (SSE_TEST_TLS). Every route answers through
// the same handlers as HTTP/1.1; many SSE streams share one connection; flow control, faults and
// limits act on one stream and leave the others alone. Limits and attacks: tst_http2limits.
#include "http2fixture.h"

#include <algorithm>

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace testsupport;

namespace {

QByteArray jsonText(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

} // namespace

class TestHttp2 : public QObject, private Http2ServerTest
{
    Q_OBJECT

private:
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
        auto client = connectClient();
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
        auto client = connectClient();
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
        auto client = connectClient();
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
        auto client = connectClient();
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
        auto client = connectClient();
        QVERIFY(client);
        const int32_t id = client->get("/events", {{"Last-Event-ID", "1"}});
        QTRY_COMPARE(client->response(id).events.events().size(), 2);
        QCOMPARE(client->response(id).events.events().at(0).data, QStringLiteral("two"));
        QCOMPARE(client->response(id).events.events().at(1).lastEventId, QStringLiteral("3"));
    }

    void disconnectEndsOneStreamOnly()
    {
        auto client = connectClient();
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
        auto shared = connectClient();
        auto other = connectClient();
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
        auto client = connectClient();
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
        auto client = connectClient();
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
        auto stuck = connectClient(0);
        QVERIFY(stuck);
        const int32_t stuckStream = stuck->get("/events");
        auto reader = connectClient();
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
        auto client = connectClient();
        QVERIFY(client);
        const int32_t id = client->get("/events", {{"Last-Event-ID", "1"}});
        QTRY_COMPARE(client->response(id).events.events().size(), 1);
        QCOMPARE(client->response(id).events.events().constFirst().data, QStringLiteral("mine"));
    }
};

QTEST_MAIN(TestHttp2)
#include "tst_http2.moc"
