// HTTP/2's limits and the attacks they stop, over real loopback connections (h2c, and h2 over
// TLS with SSE_TEST_TLS): the stream cap, header and body limits, requests that stall, and
// floods of frames that must end the connection while other clients are served.
#include "http2fixture.h"

#include <algorithm>

#include <QTest>

using namespace testsupport;
using namespace testsupport::h2frames;

class TestHttp2Limits : public QObject, private Http2ServerTest
{
    Q_OBJECT

private slots:
    void init() { startServer(); }
    void cleanup() { m_server.controller.reset(); }

    void concurrentStreamsAreCapped()
    {
        sse::ServerConfig config;
        config.maxHttp2Streams = 3;
        startServer(config);
        auto client = connectClient();
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
        auto client = connectClient();
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
        auto client = connectClient();
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
        auto client = connectClient();
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

    void madeYouResetEndsTheConnection()
    {
        RawH2Client client(m_port);
        QVERIFY(client.waitForConnected());
        // CVE-2025-8671 ("MadeYouReset"): frames that are valid on their own but make the server
        // reset the stream they name, here a WINDOW_UPDATE that overflows an open request's
        // window (a stream error, FLOW_CONTROL_ERROR). nghttp2 1.52 does not count such resets;
        // the session does, with the flood bucket.
        // In batches the server answers before the next comes, so that nghttp2's own limit on
        // frames queued unsent (1000) never fills: what ends the connection is the count.
        const auto resets = [&client] {
            return client.frameTypes().count(RstStream);
        };
        quint32 id = 1;
        for (int batch = 0; batch < 20 && !client.goAwayReceived(); ++batch) {
            QByteArray attack;
            for (int i = 0; i < 100; ++i, id += 2) {
                attack += RawH2Client::frame(Headers, EndHeaders, id, postRequest());
                attack +=
                    RawH2Client::frame(WindowUpdate, 0, id, QByteArray("\x7f\xff\xff\xff", 4));
            }
            client.write(attack);
            QTRY_VERIFY(client.goAwayReceived() || resets() == (batch + 1) * 100);
        }
        QTRY_VERIFY(client.goAwayReceived());
        QCOMPARE(client.goAwayError(), uint32_t(NGHTTP2_ENHANCE_YOUR_CALM));
        QTRY_VERIFY(client.isDisconnected());
        QCOMPARE(request(m_port, "GET", "/healthz").status, 200); // others are served
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

QTEST_MAIN(TestHttp2Limits)
#include "tst_http2limits.moc"
