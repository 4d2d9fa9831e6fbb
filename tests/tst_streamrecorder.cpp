// Recording a live stream as a scenario: the WHATWG parser on its own (every line ending,
// fed whole and byte by byte), then the recorder against the project's own server and a raw
// socket server, its refusals, and the recorded file played back.
#include "eventstreamparser.h"
#include "scenario.h"
#include "serverfixture.h"
#include "streamrecorder.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryFile>
#include <QTest>

using namespace testsupport;

namespace {

QList<sse::EventStreamParser::Event> parseWhole(const QByteArray &bytes)
{
    sse::EventStreamParser parser;
    parser.feed(bytes);
    return parser.takeEvents();
}

QList<sse::EventStreamParser::Event> parseByteByByte(const QByteArray &bytes)
{
    sse::EventStreamParser parser;
    for (const char c : bytes)
        parser.feed(QByteArrayView(&c, 1));
    return parser.takeEvents();
}

QString describe(const QList<sse::EventStreamParser::Event> &events)
{
    QStringList parts;
    for (const auto &event : events) {
        parts.append(QStringLiteral("[%1|%2|%3|%4]")
                         .arg(event.type, event.data, event.hasId ? event.id : QStringLiteral("-"),
                              event.retry));
    }
    return parts.join(QString());
}

// A server that answers any request with a text/event-stream head and then the given bytes,
// written as the test says, as a server with other line endings would.
class RawStreamServer : public QObject
{
public:
    explicit RawStreamServer(QByteArray head = "HTTP/1.1 200 OK\r\n"
                                               "Content-Type: text/event-stream\r\n\r\n")
        : m_head(std::move(head))
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            m_socket = m_server.nextPendingConnection();
            connect(m_socket, &QTcpSocket::readyRead, this, [this] {
                if (m_socket->readAll().contains("\r\n\r\n"))
                    m_socket->write(m_head);
            });
        });
    }

    quint16 port() const { return m_server.serverPort(); }
    bool connected() const { return m_socket; }
    void send(const QByteArray &bytes) { m_socket->write(bytes); }
    void end() { m_socket->disconnectFromHost(); }

private:
    QTcpServer m_server;
    QPointer<QTcpSocket> m_socket;
    QByteArray m_head;
};

} // namespace

class TestStreamRecorder : public QObject
{
    Q_OBJECT

private slots:
    void parserFollowsTheWhatwgRules_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<QString>("expected");
        QTest::newRow("LF") << QByteArray("data: a\n\nevent: t\ndata: b\nid: 1\n\n")
                            << "[|a|-|][t|b|1|]";
        QTest::newRow("CRLF and BOM")
            << QByteArray("\xEF\xBB\xBF"
                          "data: a\r\n\r\nevent: t\r\ndata: b\r\ndata: c\r\n\r\n")
            << "[|a|-|][t|b\nc|-|]";
        QTest::newRow("CR only") << QByteArray("data: a\r\rid: 7\rdata: b\r\r") << "[|a|-|][|b|7|]";
        QTest::newRow("comments and unknown fields")
            << QByteArray(": hello\nfoo: bar\ndata: x\n\n") << "[|x|-|]";
        QTest::newRow("no space after colon, field without colon")
            << QByteArray("data:x\ndata\n\n") << "[|x\n|-|]";
        QTest::newRow("two spaces keep one") << QByteArray("data:  x\n\n") << "[| x|-|]";
        QTest::newRow("empty data line dispatches empty data")
            << QByteArray("data\n\n") << "[||-|]";
        QTest::newRow("no data dispatches nothing")
            << QByteArray("event: t\nid: 3\n\n") << QString();
        QTest::newRow("retry digits only")
            << QByteArray("retry: 12a\ndata: a\n\nretry: 500\ndata: b\n\n") << "[|a|-|][|b|-|500]";
        QTest::newRow("id with NUL is ignored")
            << QByteArray("id: a\0b\ndata: x\n\n", 18) << "[|x|-|]";
        QTest::newRow("unterminated last event") << QByteArray("data: a\n\ndata: b\n") << "[|a|-|]";
        QTest::newRow("BOM only once")
            << QByteArray("\xEF\xBB\xBF\xEF\xBB\xBF"
                          "data: x\n\n")
            << QString(); // the second BOM is part of a field name nobody knows
    }

    void parserFollowsTheWhatwgRules()
    {
        QFETCH(QByteArray, stream);
        QFETCH(QString, expected);
        QCOMPARE(describe(parseWhole(stream)), expected);
        QCOMPARE(describe(parseByteByByte(stream)), expected);
    }

    void crlfSplitAcrossChunksIsOneLineEnd()
    {
        sse::EventStreamParser parser;
        parser.feed("data: a\r");
        parser.feed("\n\r");
        parser.feed("\ndata: b\r\n\r\n");
        QCOMPARE(describe(parser.takeEvents()), QStringLiteral("[|a|-|][|b|-|]"));
    }

    void loneRetryIsKept()
    {
        sse::EventStreamParser parser;
        parser.feed("retry: 3000\n\n");
        QVERIFY(parser.takeEvents().isEmpty());
        QCOMPARE(parser.takeLoneRetry(), QStringLiteral("3000"));
    }

    void recordsTheProjectsOwnServerAndPlaysItBack()
    {
        TestServer server;
        QVERIFY(server.restart(testConfig()));
        sse::StreamRecorder recorder;
        QSignalSpy finished(&recorder, &sse::StreamRecorder::finished);
        QSignalSpy recorded(&recorder, &sse::StreamRecorder::eventRecorded);
        recorder.start(
            {QUrl(QStringLiteral("http://127.0.0.1:%1/events").arg(server.port)), {}, 3, 0});
        QTRY_VERIFY(request(server.port, "GET", "/api/clients").json().array().size() == 1);
        QCOMPARE(postJson(server.port, "{\"data\": \"one\", \"id\": \"a\"}").status, 202);
        QCOMPARE(postJson(server.port,
                          "{\"event\": \"tick\", \"data\": \"two\\nlines\", \"retry\": 900}")
                     .status,
                 202);
        QCOMPARE(postJson(server.port, "{\"data\": {\"n\": 3}}").status, 202);
        QVERIFY(finished.wait());
        QCOMPARE(recorded.size(), 3);
        const sse::Scenario scenario = finished.first().at(0).value<sse::Scenario>();
        QVERIFY(finished.first().at(1).toString().contains(u"3 events"));
        QCOMPARE(scenario.steps.size(), 3);
        QCOMPARE(scenario.steps.at(0).event.id, QStringLiteral("a"));
        QCOMPARE(scenario.steps.at(1).event.event, QStringLiteral("tick"));
        QCOMPARE(scenario.steps.at(1).event.data, QStringLiteral("two\nlines"));
        QCOMPARE(scenario.steps.at(1).event.retry, QStringLiteral("900"));
        QVERIFY(!scenario.steps.at(1).event.id.isEmpty()); // the server's id was recorded
        QCOMPARE(scenario.steps.at(2).event.data, QStringLiteral("{\"n\":3}"));

        // The file plays back: to a subscriber, the same events in the same order.
        const QByteArray file = sse::scenarioToJsonLines(scenario);
        QVERIFY(std::holds_alternative<sse::Scenario>(sse::parseScenario(file)));
        SseReader reader(server.port, "/events?channel=replay");
        QTRY_VERIFY(reader.isStreaming());
        QCOMPARE(request(server.port, "POST", "/api/scenarios?channel=replay", file,
                         {"Content-Type: application/x-ndjson"})
                     .status,
                 201);
        QTRY_COMPARE(reader.events().size(), 3);
        QCOMPARE(reader.events().at(0).data, QStringLiteral("one"));
        QCOMPARE(reader.events().at(1).type, QStringLiteral("tick"));
        QCOMPARE(reader.events().at(1).data, QStringLiteral("two\nlines"));
        QCOMPARE(reader.events().at(2).data, QStringLiteral("{\"n\":3}"));
    }

    void recordsCrOnlyAndCrlfStreamsWithTheirTiming_data()
    {
        QTest::addColumn<QByteArray>("newline");
        QTest::newRow("CR") << QByteArray("\r");
        QTest::newRow("CRLF") << QByteArray("\r\n");
    }

    void recordsCrOnlyAndCrlfStreamsWithTheirTiming()
    {
        QFETCH(QByteArray, newline);
        RawStreamServer server;
        sse::StreamRecorder recorder;
        QSignalSpy recorded(&recorder, &sse::StreamRecorder::eventRecorded);
        QSignalSpy finished(&recorder, &sse::StreamRecorder::finished);
        recorder.start({QUrl(QStringLiteral("http://127.0.0.1:%1/feed").arg(server.port())),
                        {qMakePair(QByteArrayLiteral("X-Test"), QByteArrayLiteral("1"))},
                        0,
                        0});
        QTRY_VERIFY(server.connected());
        const QByteArray n = newline;
        server.send("\xEF\xBB\xBF: welcome" + n + n + "event: a" + n + "data: first" + n + "id: 1" +
                    n + n);
        QTRY_COMPARE(recorded.size(), 1);
        server.send("data: second" + n + "data: line" + n + n);
        QTRY_COMPARE(recorded.size(), 2);
        server.end();
        QVERIFY(finished.wait());
        QVERIFY(finished.first().at(1).toString().contains(u"ended"));
        const sse::Scenario scenario = finished.first().at(0).value<sse::Scenario>();
        QCOMPARE(scenario.steps.size(), 2);
        QCOMPARE(scenario.steps.at(0).event.event, QStringLiteral("a"));
        QCOMPARE(scenario.steps.at(0).event.id, QStringLiteral("1"));
        QCOMPARE(scenario.steps.at(1).event.data, QStringLiteral("second\nline"));
    }

    void delaysFollowArrivalTimes()
    {
        // A route plays its scenario from the moment the request arrives, after the response
        // head, and no step leaves more than 1 ms early: the delays recorded from the head on
        // add up to at least the scenario's 300 ms, however late the steps run.
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write("{\"delay\": 100, \"data\": \"a\"}\n{\"delay\": 100, \"data\": \"b\"}\n"
                   "{\"delay\": 100, \"data\": \"c\"}\n");
        file.close();
        sse::ServerConfig config = testConfig();
        config.routes = QStringList{QStringLiteral("GET /timed=") + file.fileName()};
        TestServer server;
        QVERIFY(server.restart(config));
        sse::StreamRecorder recorder;
        QSignalSpy finished(&recorder, &sse::StreamRecorder::finished);
        recorder.start(
            {QUrl(QStringLiteral("http://127.0.0.1:%1/timed").arg(server.port)), {}, 0, 0});
        QVERIFY(finished.wait());
        const sse::Scenario scenario = finished.first().at(0).value<sse::Scenario>();
        QCOMPARE(scenario.steps.size(), 3);
        QVERIFY2(scenario.durationMs() >= 299, qPrintable(QString::number(scenario.durationMs())));
    }

    void refusesWhatIsNotAStream_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<QString>("expected");
        QTest::newRow("404") << QByteArray("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                             << "answered 404";
        QTest::newRow("text/plain")
            << QByteArray(
                   "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
            << "Content-Type 'text/plain'";
    }

    void refusesWhatIsNotAStream()
    {
        QFETCH(QByteArray, head);
        QFETCH(QString, expected);
        RawStreamServer server(head);
        sse::StreamRecorder recorder;
        QSignalSpy failed(&recorder, &sse::StreamRecorder::failed);
        recorder.start(
            {QUrl(QStringLiteral("http://127.0.0.1:%1/x").arg(server.port())), {}, 0, 0});
        QVERIFY(failed.wait());
        QVERIFY2(failed.first().at(0).toString().contains(expected),
                 qPrintable(failed.first().at(0).toString()));
    }

    void refusesAnUnreachableUrl()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 port = closed.serverPort();
        closed.close();
        sse::StreamRecorder recorder;
        QSignalSpy failed(&recorder, &sse::StreamRecorder::failed);
        recorder.start({QUrl(QStringLiteral("http://127.0.0.1:%1/events").arg(port)), {}, 0, 0});
        QVERIFY(failed.wait());
        QVERIFY(failed.first().at(0).toString().startsWith(u"cannot reach http://127.0.0.1:"));
    }

    void headerSyntax()
    {
        QCOMPARE(sse::StreamRecorder::parseHeader(QStringLiteral("Authorization: Bearer x")),
                 qMakePair(QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer x")));
        QVERIFY(sse::StreamRecorder::parseHeader(QStringLiteral("no colon")).first.isEmpty());
        QVERIFY(sse::StreamRecorder::parseHeader(QStringLiteral("bad name: x")).first.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestStreamRecorder)
#include "tst_streamrecorder.moc"
