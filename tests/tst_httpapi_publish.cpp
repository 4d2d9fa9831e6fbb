// The publishing routes of the HTTP table in DESIGN.md: POST /publish (JSON and text, ids,
// every refusal and what it names), GET /send, and the publish token.
// ctest runs this file once per event log ($SSE_TEST_EVENT_LOG), over real loopback sockets
// against a real server on its own thread.
#include "serverfixture.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace testsupport;

class TestHttpApiPublish : public QObject, private EventLogServerTest
{
    Q_OBJECT

private slots:
    void init() { restart(testConfig()); }
    void cleanup() { m_server.server.controller.reset(); }

    void publishJsonDeliversAndAssignsIncreasingIds()
    {
        SseReader reader(m_port);
        QTRY_VERIFY(reader.isStreaming());
        HttpResponse first = postJson(m_port, R"({"data": "hello"})");
        QCOMPARE(first.status, 202);
        QCOMPARE(first.json().object().value(QStringLiteral("id")).toString(), QStringLiteral("1"));
        QCOMPARE(first.json().object().value(QStringLiteral("delivered")).toInt(), 1);
        HttpResponse second =
            postJson(m_port, R"({"event": "price", "data": {"v": 1}, "retry": 500})");
        QCOMPARE(second.status, 202);
        QCOMPARE(second.json().object().value(QStringLiteral("id")).toString(),
                 QStringLiteral("2"));
        QTRY_COMPARE(reader.userEvents().size(), 2);
        QCOMPARE(reader.userEvents().at(0).type, QStringLiteral("message"));
        QCOMPARE(reader.userEvents().at(0).data, QStringLiteral("hello"));
        QCOMPARE(reader.userEvents().at(0).lastEventId, QStringLiteral("1"));
        QCOMPARE(reader.userEvents().at(1).type, QStringLiteral("price"));
        QCOMPARE(reader.userEvents().at(1).data, QStringLiteral("{\"v\":1}"));
        QCOMPARE(reader.retry(), QStringLiteral("500"));
    }

    void publishKeepsTheGivenId()
    {
        SseReader reader(m_port);
        QTRY_VERIFY(reader.isStreaming());
        const HttpResponse response = postJson(m_port, R"({"data": "x", "id": "order-17"})");
        QCOMPARE(response.json().object().value(QStringLiteral("id")).toString(),
                 QStringLiteral("order-17"));
        QTRY_COMPARE(reader.userEvents().size(), 1);
        QCOMPARE(reader.userEvents().constFirst().lastEventId, QStringLiteral("order-17"));
    }

    void publishTextPlain()
    {
        SseReader reader(m_port, "/events?channel=news");
        QTRY_VERIFY(reader.isStreaming());
        const HttpResponse response =
            request(m_port, "POST", "/publish?event=headline&id=h1&channel=news",
                    "line one\nline two \xe2\x9c\x93", {"Content-Type: text/plain; charset=utf-8"});
        QCOMPARE(response.status, 202);
        QTRY_COMPARE(reader.userEvents().size(), 1);
        QCOMPARE(reader.userEvents().constFirst().type, QStringLiteral("headline"));
        QCOMPARE(reader.userEvents().constFirst().data, QStringLiteral("line one\nline two ✓"));
        QCOMPARE(reader.userEvents().constFirst().lastEventId, QStringLiteral("h1"));
    }

    void leadingByteOrderMarkInDataSurvives()
    {
        SseReader reader(m_port);
        QTRY_VERIFY(reader.isStreaming());
        // Raw U+FEFF (as JSON.stringify sends it) at the start of a string, and of a text body.
        QCOMPARE(postJson(m_port, "\xEF\xBB\xBF{\"data\": \"\xEF\xBB\xBF"
                                  "abc\"}")
                     .status,
                 202);
        QCOMPARE(request(m_port, "POST", "/publish",
                         "\xEF\xBB\xBF"
                         "def",
                         {"Content-Type: text/plain"})
                     .status,
                 202);
        QTRY_COMPARE(reader.userEvents().size(), 2);
        QCOMPARE(reader.userEvents().at(0).data, QString(QChar(0xFEFF)) + QStringLiteral("abc"));
        QCOMPARE(reader.userEvents().at(1).data, QString(QChar(0xFEFF)) + QStringLiteral("def"));
    }

    void sendCompatibilityRoute()
    {
        SseReader reader(m_port);
        QTRY_VERIFY(reader.isStreaming());
        const HttpResponse response = request(m_port, "GET", "/send?m=hi%20there");
        QCOMPARE(response.status, 202);
        const HttpResponse invalid = request(m_port, "GET", "/send?m=%C3%28");
        QCOMPARE(invalid.status, 400);
        QVERIFY(invalid.error().contains(QStringLiteral("UTF-8")));
        QTRY_COMPARE(reader.userEvents().size(), 1);
        QCOMPARE(reader.userEvents().constFirst().type, QStringLiteral("message"));
        QCOMPARE(reader.userEvents().constFirst().data, QStringLiteral("hi there"));
        const HttpResponse missing = request(m_port, "GET", "/send");
        QCOMPARE(missing.status, 400);
        QVERIFY(missing.error().contains(QStringLiteral("'m'")));
    }

    void publishErrors_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("mentions");
        const QByteArray json = "application/json";
        QTest::newRow("bad JSON") << json << QByteArray("{\"data\": ") << 400 << "invalid JSON";
        QTest::newRow("not an object") << json << QByteArray("[1]") << 400 << "JSON object";
        QTest::newRow("no data") << json << QByteArray("{\"event\": \"a\"}") << 400
                                 << "field 'data'";
        QTest::newRow("null data")
            << json << QByteArray("{\"data\": null}") << 400 << "field 'data'";
        QTest::newRow("event with LF")
            << json << QByteArray(R"({"data": "x", "event": "a\nb"})") << 400 << "field 'event'";
        QTest::newRow("empty event")
            << json << QByteArray(R"({"data": "x", "event": ""})") << 400 << "field 'event'";
        QTest::newRow("empty channel")
            << json << QByteArray(R"({"data": "x", "channel": ""})") << 400 << "field 'channel'";
        QTest::newRow("event not a string")
            << json << QByteArray(R"({"data": "x", "event": 3})") << 400 << "field 'event'";
        QTest::newRow("reserved event")
            << json << QByteArray(R"({"data": "x", "event": "dashboard.x"})") << 400
            << "field 'event'";
        QTest::newRow("id with CR")
            << json << QByteArray(R"({"data": "x", "id": "a\rb"})") << 400 << "field 'id'";
        QTest::newRow("id with NUL")
            << json << QByteArray(R"({"data": "x", "id": "a\u0000"})") << 400 << "field 'id'";
        QTest::newRow("id fraction")
            << json << QByteArray(R"({"data": "x", "id": 1.5})") << 400 << "field 'id'";
        QTest::newRow("retry letters")
            << json << QByteArray(R"({"data": "x", "retry": "12a"})") << 400 << "field 'retry'";
        QTest::newRow("retry negative")
            << json << QByteArray(R"({"data": "x", "retry": -5})") << 400 << "field 'retry'";
        QTest::newRow("bad channel")
            << json << QByteArray(R"({"data": "x", "channel": "a b"})") << 400 << "field 'channel'";
        QTest::newRow("unknown field")
            << json << QByteArray(R"({"data": "x", "evnt": "a"})") << 400 << "field 'evnt'";
        QTest::newRow("invalid UTF-8")
            << QByteArray("text/plain") << QByteArray("\xff\xfe") << 400 << "UTF-8";
        QTest::newRow("form body") << QByteArray("application/x-www-form-urlencoded")
                                   << QByteArray("a=b") << 415 << "Content-Type";
        QTest::newRow("no content type")
            << QByteArray() << QByteArray("x") << 415 << "Content-Type";
    }

    void publishErrors()
    {
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, mentions);
        SseReader reader(m_port);
        QTRY_VERIFY(reader.isStreaming());
        QList<QByteArray> headers;
        if (!contentType.isEmpty())
            headers.append("Content-Type: " + contentType);
        const HttpResponse response = request(m_port, "POST", "/publish", body, headers);
        QCOMPARE(response.status, status);
        QVERIFY2(response.error().contains(mentions), qPrintable(response.error()));
        // Nothing was published: the next event gets the first id and is the only one received.
        const HttpResponse next = postJson(m_port, R"({"data": "after"})");
        QCOMPARE(next.json().object().value(QStringLiteral("id")).toString(), QStringLiteral("1"));
        QTRY_COMPARE(reader.userEvents().size(), 1);
        QCOMPARE(reader.userEvents().constFirst().data, QStringLiteral("after"));
    }

    void invalidContentLengthIsRefused()
    {
        const HttpResponse response =
            rawRequest(m_port, "POST /publish HTTP/1.1\r\nContent-Type: text/plain\r\n"
                               "Content-Length: 18446744073709551615\r\n\r\nabc");
        QCOMPARE(response.status, 400);
        QVERIFY(response.error().contains(QStringLiteral("Content-Length")));
        // Nothing was published.
        QCOMPARE(postJson(m_port, R"({"data": "x"})")
                     .json()
                     .object()
                     .value(QStringLiteral("id"))
                     .toString(),
                 QStringLiteral("1"));
    }

    void publishingNeedsTheTokenWhenNotTrusted()
    {
        sse::ServerConfig config = testConfig();
        config.requireTokenOnLoopback = true; // stands in for a publisher on another computer
        restart(config);
        const HttpResponse missing = postJson(m_port, R"({"data": "x"})");
        QCOMPARE(missing.status, 401);
        QVERIFY(missing.error().contains(QStringLiteral("Authorization")));
        const HttpResponse wrong =
            request(m_port, "POST", "/publish", R"({"data": "x"})",
                    {"Content-Type: application/json", "Authorization: Bearer nope"});
        QCOMPARE(wrong.status, 401);
        QVERIFY(wrong.error().contains(QStringLiteral("wrong")));
        QCOMPARE(request(m_port, "GET", "/send?m=x").status, 401);
        QCOMPARE(request(m_port, "DELETE", "/api/clients/1").status, 401);
        const HttpResponse right =
            request(m_port, "POST", "/publish", R"({"data": "x"})",
                    {"Content-Type: application/json", "Authorization: Bearer secret-token"});
        QCOMPARE(right.status, 202);
        // Reading stays open.
        QCOMPARE(request(m_port, "GET", "/api/stats").status, 200);
    }
};

QTEST_GUILESS_MAIN(TestHttpApiPublish)
#include "tst_httpapi_publish.moc"
