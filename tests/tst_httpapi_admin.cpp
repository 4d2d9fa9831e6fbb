// The read and admin routes of the HTTP table in DESIGN.md: /healthz, the demo page,
// /api/clients (list, delete, bounded client text), /api/stats and /metrics.
// ctest runs this file once per event log ($SSE_TEST_EVENT_LOG), over real loopback sockets
// against a real server on its own thread.
#include "serverfixture.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace testsupport;

class TestHttpApiAdmin : public QObject, private EventLogServerTest
{
    Q_OBJECT

private slots:
    void init() { restart(testConfig()); }
    void cleanup() { m_server.server.controller.reset(); }

    void healthz()
    {
        const HttpResponse response = request(m_port, "GET", "/healthz");
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, QByteArray("ok"));
        QCOMPARE(response.headers.value("access-control-allow-origin"), QByteArray("*"));
    }

    void servesTheDemoPage()
    {
        const HttpResponse page = request(m_port, "GET", "/");
        QCOMPARE(page.status, 200);
        QVERIFY(page.headers.value("content-type").startsWith("text/html"));
        QVERIFY(page.body.contains("EventSource") || page.body.contains("app.js"));
        const HttpResponse script = request(m_port, "GET", "/app.js");
        QCOMPARE(script.status, 200);
        QVERIFY(script.headers.value("content-type").startsWith("text/javascript"));
        QVERIFY(script.body.contains("EventSource"));
        QCOMPARE(request(m_port, "GET", "/style.css").status, 200);
    }

    void clientsListAndDelete()
    {
        SseReader reader(m_port, "/events?channel=a&channel=b&control=1",
                         {"User-Agent: TestAgent/1.0"});
        QTRY_VERIFY(reader.clientId() > 0);
        postJson(m_port, R"({"data": "x", "channel": "a", "id": "e1"})");
        QTRY_COMPARE(reader.userEvents().size(), 1);

        const HttpResponse list = request(m_port, "GET", "/api/clients");
        QCOMPARE(list.status, 200);
        const QJsonArray clients = list.json().array();
        QCOMPARE(clients.size(), 1);
        const QJsonObject client = clients.first().toObject();
        QCOMPARE(quint64(client.value(QStringLiteral("id")).toInteger()), reader.clientId());
        QCOMPARE(client.value(QStringLiteral("remoteAddress")).toString(),
                 QStringLiteral("127.0.0.1"));
        QCOMPARE(client.value(QStringLiteral("userAgent")).toString(),
                 QStringLiteral("TestAgent/1.0"));
        QCOMPARE(client.value(QStringLiteral("channels")).toArray(),
                 (QJsonArray{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(client.value(QStringLiteral("eventsSent")).toInt(), 1);
        QVERIFY(client.value(QStringLiteral("bytesSent")).toInt() > 0);
        QCOMPARE(client.value(QStringLiteral("lastEventId")).toString(), QStringLiteral("e1"));
        QVERIFY(QDateTime::fromString(client.value(QStringLiteral("connectedSince")).toString(),
                                      Qt::ISODateWithMs)
                    .isValid());
        QVERIFY(client.contains(QStringLiteral("queuedBytes")));

        const QByteArray path = "/api/clients/" + QByteArray::number(reader.clientId());
        const HttpResponse deleted = request(m_port, "DELETE", path);
        QCOMPARE(deleted.status, 200);
        QTRY_VERIFY(!reader.isConnected());
        QCOMPARE(request(m_port, "GET", "/api/clients").json().array().size(), 0);
        QCOMPARE(request(m_port, "DELETE", path).status, 404);
        const HttpResponse bad = request(m_port, "DELETE", "/api/clients/abc");
        QCOMPARE(bad.status, 400);
        QVERIFY(bad.error().contains(QStringLiteral("abc")));
    }

    void clientSuppliedTextIsBounded()
    {
        const QByteArray longAgent(4000, 'u');
        SseReader reader(m_port, "/events?lastEventId=" + QByteArray(1000, '7'),
                         {"User-Agent: " + longAgent});
        QTRY_VERIFY(reader.isStreaming());
        const QJsonObject client =
            request(m_port, "GET", "/api/clients").json().array().first().toObject();
        QCOMPARE(client.value(QStringLiteral("userAgent")).toString().size(), 512);
        QCOMPARE(client.value(QStringLiteral("lastEventId")).toString().size(), sse::MaxIdLength);
    }

    void statsAndMetrics()
    {
        SseReader one(m_port);
        SseReader two(m_port);
        QTRY_VERIFY(one.isStreaming() && two.isStreaming());
        for (int i = 0; i < 3; ++i)
            QCOMPARE(postJson(m_port, R"({"data": "x"})").status, 202);
        QTRY_COMPARE(two.userEvents().size(), 3);
        const QJsonObject stats = request(m_port, "GET", "/api/stats").json().object();
        QCOMPARE(stats.value(QStringLiteral("clients")).toInt(), 2);
        QCOMPARE(stats.value(QStringLiteral("eventsPublished")).toInt(), 3);
        QCOMPARE(stats.value(QStringLiteral("deliveries")).toInt(), 6);
        QVERIFY(stats.value(QStringLiteral("bytesSent")).toInt() > 0);
        QCOMPARE(stats.value(QStringLiteral("slowClientDrops")).toInt(), 0);
        QCOMPARE(stats.value(QStringLiteral("historySize")).toInt(), 3);
        QVERIFY(stats.contains(QStringLiteral("uptimeSeconds")));

        const HttpResponse metrics = request(m_port, "GET", "/metrics");
        QCOMPARE(metrics.status, 200);
        QVERIFY(metrics.headers.value("content-type").startsWith("text/plain; version=0.0.4"));
        QVERIFY(metrics.body.contains("\nsse_clients 2\n"));
        QVERIFY(metrics.body.contains("\nsse_events_published_total 3\n"));
        QVERIFY(metrics.body.contains("\nsse_deliveries_total 6\n"));
        QVERIFY(metrics.body.contains("# TYPE sse_slow_client_drops_total counter\n"));

        // Which way events reach the sockets: the CI runs this test once per backend.
        const QJsonObject io = stats.value(QStringLiteral("io")).toObject();
        const QString backend = io.value(QStringLiteral("backend")).toString();
        const QString refusal = io.value(QStringLiteral("uringRefused")).toString();
        if (qEnvironmentVariable("SSE_DASHBOARD_IO") == QLatin1String("epoll")) {
            QCOMPARE(backend, QStringLiteral("epoll"));
            QVERIFY(refusal.isEmpty()); // not tried
        } else {
            // auto: io_uring, unless the kernel refused it and the reason is given
            QVERIFY2(backend == QLatin1String("uring") || !refusal.isEmpty(), qPrintable(refusal));
        }
        QCOMPARE(io.value(QStringLiteral("threads")).toInt(), sse::ServerConfig().fanoutThreads);
        QVERIFY(metrics.body.contains(backend == QLatin1String("uring") ? "\nsse_io_uring 1\n"
                                                                        : "\nsse_io_uring 0\n"));
    }
};

QTEST_GUILESS_MAIN(TestHttpApiAdmin)
#include "tst_httpapi_admin.moc"
