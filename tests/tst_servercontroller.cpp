// The server thread seen from the UI's side: start and stop, bind failures, and batched
// snapshots instead of one signal per event.
#include "eventlogfixture.h"
#include "serverfixture.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace testsupport;

class TestServerController : public QObject
{
    Q_OBJECT

private slots:
    void portInUseIsReportedWithThePort()
    {
        QTcpServer occupant;
        QVERIFY(occupant.listen(QHostAddress::LocalHost, 0));
        sse::ServerController controller;
        QSignalSpy failed(&controller, &sse::ServerController::startFailed);
        sse::ServerConfig config;
        config.port = occupant.serverPort();
        controller.start(config);
        QVERIFY(failed.wait(5000));
        const QString message = failed.constFirst().at(0).toString();
        QVERIFY2(message.contains(QString::number(occupant.serverPort())), qPrintable(message));
        QVERIFY(!controller.isRunning());
    }

    void invalidConfigIsRefused()
    {
        sse::ServerController controller;
        QSignalSpy failed(&controller, &sse::ServerController::startFailed);
        sse::ServerConfig config;
        config.port = 0;
        config.heartbeatSeconds = 0;
        controller.start(config);
        QVERIFY(failed.wait(5000));
        QVERIFY(failed.constFirst().at(0).toString().startsWith(QStringLiteral("heartbeat")));
    }

    void startReportsUrlTokenAndPort()
    {
        sse::ServerController controller;
        QSignalSpy started(&controller, &sse::ServerController::started);
        sse::ServerConfig config;
        config.port = 0;
        controller.start(config);
        QVERIFY(started.wait(5000));
        const quint16 port = started.constFirst().at(2).value<quint16>();
        QVERIFY(port != 0);
        QCOMPARE(started.constFirst().at(0).toString(),
                 QStringLiteral("http://127.0.0.1:%1/").arg(port));
        QCOMPARE(started.constFirst().at(1).toString().size(), 24); // generated token
        QVERIFY(controller.isRunning());
        QCOMPARE(controller.port(), port);
    }

    void stopEndsStreamsCleanly()
    {
        sse::ServerController controller;
        const quint16 port = startServer(controller);
        SseReader reader(port);
        QTRY_VERIFY(reader.isStreaming());
        controller.publish(sse::SseEvent{{}, {}, QStringLiteral("before stop"), {}, {}});
        QSignalSpy stopped(&controller, &sse::ServerController::stopped);
        controller.stop();
        QVERIFY(stopped.wait(5000));
        QTRY_VERIFY(!reader.isConnected());
        // What was queued before the stop arrived whole.
        QCOMPARE(reader.userEvents().size(), 1);
        QCOMPARE(reader.userEvents().constFirst().data, QStringLiteral("before stop"));
        QVERIFY(!controller.isRunning());
    }

    void publishReportsResultsAndErrors()
    {
        sse::ServerController controller;
        startServer(controller);
        QSignalSpy finished(&controller, &sse::ServerController::publishFinished);
        controller.publish(
            sse::SseEvent{QStringLiteral("bad\nname"), {}, QStringLiteral("x"), {}, {}});
        QVERIFY(finished.wait(5000));
        const auto failure = finished.takeFirst().at(0).value<sse::PublishResult>();
        QVERIFY(failure.error.contains(QStringLiteral("field 'event'")));
        controller.publish(sse::SseEvent{{}, {}, QStringLiteral("ok"), {}, {}});
        QVERIFY(finished.wait(5000));
        const auto success = finished.takeFirst().at(0).value<sse::PublishResult>();
        QVERIFY(success.error.isEmpty());
        QCOMPARE(success.id, QStringLiteral("1"));
    }

    void targetsSingleClients()
    {
        sse::ServerController controller;
        const quint16 port = startServer(controller);
        SseReader chosen(port, "/events?control=1");
        SseReader other(port);
        QTRY_VERIFY(chosen.clientId() > 0 && other.isStreaming());
        sse::PublishTarget target;
        target.kind = sse::PublishTarget::Kind::Clients;
        target.clientIds = {chosen.clientId()};
        controller.publish(sse::SseEvent{{}, {}, QStringLiteral("only you"), {}, {}}, target);
        controller.publish(sse::SseEvent{{}, {}, QStringLiteral("everyone"), {}, {}});
        QTRY_COMPARE(other.userEvents().size(), 1);
        QTRY_COMPARE(chosen.userEvents().size(), 2);
        QCOMPARE(other.userEvents().constFirst().data, QStringLiteral("everyone"));
        QCOMPARE(chosen.userEvents().constFirst().data, QStringLiteral("only you"));
        // Events aimed at one client are not replayed to others.
        SseReader late(port, "/events?lastEventId=0");
        QTRY_VERIFY(late.isStreaming());
        QTRY_COMPARE(late.userEvents().size(), 1);
        QCOMPARE(late.userEvents().constFirst().data, QStringLiteral("everyone"));

        controller.sendComment(QStringLiteral("hello there"), {}, target);
        QTRY_VERIFY(chosen.comments().contains(QStringLiteral("hello there")));
        QVERIFY(!other.comments().contains(QStringLiteral("hello there")));
    }

    void theLogBeginsWithTheStartAndEndsWithTheStop()
    {
        sse::ServerController controller;
        QSignalSpy snapshots(&controller, &sse::ServerController::snapshotReady);
        const quint16 port = startServer(controller, {}, 50);
        const auto summaries = [&snapshots] {
            QStringList all;
            for (const QList<QVariant> &arguments : std::as_const(snapshots)) {
                for (const sse::TrafficRecord &record :
                     arguments.at(0).value<sse::ServerSnapshot>().traffic)
                    all.append(record.summary);
            }
            return all;
        };
        const QString started = QStringLiteral("server started on http://127.0.0.1:%1/").arg(port);
        QTRY_VERIFY(summaries().contains(started));
        QCOMPARE(summaries().constFirst(), started);
        controller.stop();
        QTRY_VERIFY(summaries().contains(QStringLiteral("server stopped")));
    }

    void requestsAreLoggedWithTheirStatus_data() { addEventLogRows(); }
    void requestsAreLoggedWithTheirStatus()
    {
        // The SQLite and Redis logs accept a publish later than the route returns: the log
        // still gets the status that was sent.
        QFETCH(QByteArray, eventLog);
        EventLogBackend backend;
        sse::ServerConfig config;
        QString why;
        QVERIFY2(backend.use(eventLog, config, &why), qPrintable(why));
        sse::ServerController controller;
        QSignalSpy snapshots(&controller, &sse::ServerController::snapshotReady);
        const quint16 port = startServer(controller, config, 50);
        QCOMPARE(postJson(port, R"({"data": "hi", "event": "note"})").status, 202);
        QCOMPARE(request(port, "DELETE", "/api/clients/99").status, 404);
        QList<sse::TrafficRecord> traffic;
        QTRY_VERIFY([&] {
            traffic.clear();
            for (const QList<QVariant> &arguments : std::as_const(snapshots))
                traffic += arguments.at(0).value<sse::ServerSnapshot>().traffic;
            return traffic.size() >= 3; // publish in, event out, delete in
        }());
        QList<sse::TrafficRecord> requests;
        int publishIn = -1;
        int eventOut = -1;
        for (int i = 0; i < traffic.size(); ++i) {
            if (traffic.at(i).direction == sse::TrafficDirection::In) {
                requests.append(traffic.at(i));
                if (traffic.at(i).path == QStringLiteral("/publish"))
                    publishIn = i;
            } else if (traffic.at(i).direction == sse::TrafficDirection::Out) {
                eventOut = i;
            }
        }
        QCOMPARE(requests.size(), 2);
        QCOMPARE(requests.at(0).method, QStringLiteral("POST"));
        QCOMPARE(requests.at(0).status, 202);
        QCOMPARE(requests.at(0).raw, QByteArray(R"({"data": "hi", "event": "note"})"));
        QCOMPARE(requests.at(1).method, QStringLiteral("DELETE"));
        QCOMPARE(requests.at(1).path, QStringLiteral("/api/clients/99"));
        QCOMPARE(requests.at(1).status, 404);
        // What crossed the wire, head and body; and the answer, for the HAR export.
        QVERIFY(requests.at(0).size > requests.at(0).raw.size() + 40);
        QCOMPARE(requests.at(0).responseType, QByteArray("application/json"));
        QVERIFY(requests.at(0).responseBody.contains("\"id\""));
        QCOMPARE(requests.at(1).responseType, QByteArray("application/json"));
        QVERIFY(requests.at(1).responseBody.contains("\"error\""));
        // The request comes before the event it caused.
        QVERIFY(publishIn >= 0 && publishIn < eventOut);
    }

    void snapshotsAreBatched()
    {
        sse::ServerController controller;
        QSignalSpy snapshots(&controller, &sse::ServerController::snapshotReady);
        const quint16 port = startServer(controller, {}, 100);
        SseReader reader(port, "/events?channel=x", {"User-Agent: Probe/2"});
        QTRY_VERIFY(reader.isStreaming());
        constexpr int Events = 500;
        for (int i = 0; i < Events; ++i) {
            sse::SseEvent event;
            event.channel = QStringLiteral("x");
            event.data = QString::number(i);
            controller.publish(event);
        }
        QTRY_COMPARE(reader.userEvents().size(), Events);

        // Wait until the snapshots have reported every event and the client's counters.
        QList<sse::ClientInfo> connected;
        QList<sse::TrafficRecord> traffic;
        quint64 eventsSentSeen = 0;
        int consumed = 0;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (; consumed < snapshots.size(); ++consumed) {
                    const auto snapshot = snapshots.at(consumed).at(0).value<sse::ServerSnapshot>();
                    connected += snapshot.connected;
                    traffic += snapshot.traffic;
                    for (const sse::ClientCounters &counters : snapshot.counters)
                        eventsSentSeen = counters.eventsSent;
                }
                return eventsSentSeen == Events;
            }(),
            5000);
        // Far fewer signals than events: the UI thread is never flooded.
        QVERIFY2(snapshots.size() < Events / 5, qPrintable(QString::number(snapshots.size())));
        QCOMPARE(connected.size(), 1);
        QCOMPARE(connected.constFirst().userAgent, QStringLiteral("Probe/2"));
        QCOMPARE(connected.constFirst().channels, QStringList{QStringLiteral("x")});
        int outRecords = 0;
        for (const sse::TrafficRecord &record : std::as_const(traffic)) {
            if (record.direction == sse::TrafficDirection::Out) {
                ++outRecords;
                QVERIFY(record.raw.startsWith("id: "));
            }
        }
        QCOMPARE(outRecords, Events);
        // The subscribe request itself is a connect record, not an "in" record.
        for (const sse::TrafficRecord &record : std::as_const(traffic))
            QVERIFY(record.direction != sse::TrafficDirection::In);

        reader.socket().abort();
        QTRY_VERIFY([&] {
            for (; consumed < snapshots.size(); ++consumed) {
                if (snapshots.at(consumed).at(0).value<sse::ServerSnapshot>().disconnected.contains(
                        connected.constFirst().id))
                    return true;
            }
            return false;
        }());
    }
};

QTEST_GUILESS_MAIN(TestServerController)
#include "tst_servercontroller.moc"
