// Fault injection over real loopback sockets (docs/faults.md): faults on new connections
// (status answers, a delayed accept, one-shots), how long a fault lasts and its removal, the
// /api/faults refusals and token rules, faults given at start, and the traffic log.
#include "faultfixture.h"
#include "rawstream.h"
#include "serverfixture.h"
#include "sseserver.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace testsupport;

class TestFaultsApi : public QObject, private FaultTest
{
    Q_OBJECT

private slots:
    void init() { startServer(); }
    void cleanup() { m_server.controller.reset(); }

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

QTEST_GUILESS_MAIN(TestFaultsApi)
#include "tst_faults_api.moc"
