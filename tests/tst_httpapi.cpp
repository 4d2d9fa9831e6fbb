// Every row of the HTTP table in DESIGN.md, its error paths and its limits, over real loopback
// sockets against a real server running on its own thread, on the event log that
// $SSE_TEST_EVENT_LOG names (ctest runs this file once per log).
#include "eventlogfixture.h"
#include "serverfixture.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <atomic>
#include <memory>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace testsupport;

class TestHttpApi : public QObject
{
    Q_OBJECT

private:
    TestServerOnEventLog m_server;
    quint16 m_port = 0;

    void restart(const sse::ServerConfig &config)
    {
        QString why;
        QVERIFY2(m_server.restart(config, &why), qPrintable(why));
        m_port = m_server.server.port;
    }

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

    void seeIsTheSameStreamAsEvents()
    {
        // DESIGN.md: the classic ASP.NET Core example's page opens EventSource("/see").
        SseReader reader(m_port, "/see?channel=news", {"Last-Event-ID: 0"});
        QTRY_VERIFY(reader.isStreaming());
        QCOMPARE(reader.response().headers.value("content-type"), QByteArray("text/event-stream"));
        QCOMPARE(reader.response().headers.value("access-control-allow-origin"), QByteArray("*"));
        QCOMPARE(postJson(m_port, R"({"event": "custom", "data": "hi", "channel": "news"})").status,
                 202);
        QTRY_COMPARE(reader.userEvents().size(), 1);
        QCOMPARE(reader.userEvents().at(0).type, QStringLiteral("custom"));
        QCOMPARE(reader.userEvents().at(0).data, QStringLiteral("hi"));
        QCOMPARE(request(m_port, "POST", "/see").status, 405);
    }

    void streamHeaders()
    {
        SseReader reader(m_port);
        QTRY_VERIFY(reader.headReceived());
        QCOMPARE(reader.response().status, 200);
        QCOMPARE(reader.response().headers.value("content-type"), QByteArray("text/event-stream"));
        QCOMPARE(reader.response().headers.value("cache-control"), QByteArray("no-cache"));
        QCOMPARE(reader.response().headers.value("x-accel-buffering"), QByteArray("no"));
        QCOMPARE(reader.response().headers.value("access-control-allow-origin"), QByteArray("*"));
        QVERIFY(!reader.response().headers.contains("content-encoding"));
        QVERIFY(!reader.response().headers.contains("content-length"));
    }

    void plainStreamCarriesExactlyWhatWasPublished()
    {
        SseReader plain(m_port);
        SseReader control(m_port, "/events?control=1");
        QTRY_VERIFY(plain.isStreaming() && control.clientId() > 0);
        // A new event type, which control listeners are told about first, and a comment.
        QCOMPARE(postJson(m_port, R"({"event": "price", "data": "42"})").status, 202);
        QTRY_COMPARE(plain.userEvents().size(), 1);
        m_server.server.controller->sendComment(QStringLiteral("note"), {});
        const QByteArray expected =
            sse::encodeEvent(sse::SseEvent{
                QStringLiteral("price"), QStringLiteral("1"), QStringLiteral("42"), {}, {}}) +
            sse::encodeComment(QStringLiteral("note"));
        QTRY_COMPARE(plain.rawBody(), expected);
        QVERIFY(plain.retry().isEmpty());

        // ?control=1 asks for the dashboard's own events: the hello with a reconnect delay,
        // and the announcement of the new type before its first event.
        QCOMPARE(control.retry(), QStringLiteral("2000"));
        QCOMPARE(control.controlEvent(QStringLiteral("dashboard.hello"))
                     .value(QStringLiteral("channels"))
                     .toArray(),
                 QJsonArray{QStringLiteral("default")});
        const qsizetype typesAt = control.rawBody().indexOf("event: dashboard.types");
        QVERIFY(typesAt >= 0 && typesAt < control.rawBody().indexOf("event: price"));
        QCOMPARE(control.userEvents().size(), 1);

        QCOMPARE(request(m_port, "GET", "/events?control=yes").status, 400);
    }

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

    void bodyTooLarge()
    {
        sse::ServerConfig config = testConfig();
        config.maxBodyBytes = 2048;
        restart(config);
        const QByteArray big = "{\"data\": \"" + QByteArray(4000, 'x') + "\"}";
        const HttpResponse response = postJson(m_port, big);
        QCOMPARE(response.status, 413);
        QVERIFY(response.error().contains(QStringLiteral("2048")));
        // Far past the limit the connection guard answers before the body is read whole.
        const HttpResponse huge = postJson(m_port, QByteArray(512 * 1024, 'x'));
        QCOMPARE(huge.status, 413);
        QCOMPARE(postJson(m_port, R"({"data": "small"})").status, 202);
    }

    void refusalIsReadByAClientThatWritesTheWholeBodyFirst()
    {
        // Like python's http.client: the whole 8 MiB request goes out before anything is read.
        // Without a lingering close the server's early close resets the connection, and the
        // client's send fails before it can read the 413.
        const QByteArray body(8 * 1024 * 1024, 'x');
        const QByteArray raw = "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               "Content-Type: application/json\r\nContent-Length: " +
                               QByteArray::number(body.size()) + "\r\n\r\n" + body;
        std::atomic<bool> done = false;
        int sendError = 0;
        QByteArray answer;
        std::thread client([&] {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            const timeval timeout{10, 0}; // the test fails rather than hangs
            ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
            ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
            sockaddr_in address{};
            address.sin_family = AF_INET;
            address.sin_port = htons(m_port);
            address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0) {
                for (qsizetype sent = 0; sent < raw.size();) {
                    const ssize_t n =
                        ::send(fd, raw.constData() + sent, size_t(raw.size() - sent), MSG_NOSIGNAL);
                    if (n <= 0) {
                        sendError = errno;
                        break;
                    }
                    sent += n;
                }
                char buffer[4096];
                for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
                    answer.append(buffer, n);
            } else {
                sendError = errno;
            }
            ::close(fd);
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
        client.join();
        QCOMPARE(sendError, 0);
        QVERIFY2(answer.startsWith("HTTP/1.1 413 "), answer.left(200).constData());
        QVERIFY(answer.contains("{\"error\":\"request body: Content-Length"));
        QCOMPARE(request(m_port, "GET", "/healthz").status, 200);
    }

    void hugeHeadersAreRefused()
    {
        sse::ServerConfig config = testConfig();
        config.maxHeaderBytes = 16 * 1024;
        restart(config);
        QByteArray raw = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
        for (int i = 0; i < 2000; ++i)
            raw += "X-Filler-" + QByteArray::number(i) + ": " + QByteArray(64, 'y') + "\r\n";
        raw += "\r\n";
        const HttpResponse response = rawRequest(m_port, raw);
        QCOMPARE(response.status, 431);
        QCOMPARE(request(m_port, "GET", "/healthz").status, 200);
    }

    void survivesMalformedRequests_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::newRow("binary junk") << QByteArray("\x00\xff\x16\x03\x01\x02\x00\x01\r\n\r\n", 12);
        QTest::newRow("no method") << QByteArray(" / HTTP/1.1\r\n\r\n");
        QTest::newRow("bad version") << QByteArray("GET / HTTP/9.9\r\n\r\n");
        QTest::newRow("header without colon") << QByteArray("GET / HTTP/1.1\r\nnonsense\r\n\r\n");
        QTest::newRow("huge content length")
            << QByteArray("POST /publish HTTP/1.1\r\nContent-Type: text/plain\r\n"
                          "Content-Length: 18446744073709551615\r\n\r\nabc");
        QTest::newRow("negative content length")
            << QByteArray("POST /publish HTTP/1.1\r\nContent-Length: -5\r\n\r\nabc");
        QTest::newRow("bad chunk size")
            << QByteArray("POST /publish HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                          "Content-Type: text/plain\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
        QTest::newRow("percent garbage")
            << QByteArray("GET /events?channel=%zz%00&lastEventId=%ff HTTP/1.1\r\n\r\n");
        QTest::newRow("very long path")
            << QByteArray("GET /" + QByteArray(60000, 'a') + " HTTP/1.1\r\n\r\n");
        QTest::newRow("many requests pipelined")
            << QByteArray("GET /healthz HTTP/1.1\r\n\r\n").repeated(200);
    }

    void survivesMalformedRequests()
    {
        QFETCH(QByteArray, raw);
        SseReader bystander(m_port);
        QTRY_VERIFY(bystander.isStreaming());
        const std::unique_ptr<QTcpSocket> attackerOwned = connectTo(m_port);
        QTcpSocket &attacker = *attackerOwned;
        QVERIFY(waitForConnected(attacker, 2000));
        attacker.write(raw);
        attacker.waitForBytesWritten(2000);
        attacker.waitForReadyRead(500); // whatever the answer, if any
        // The server still serves, and the other subscriber still receives.
        QCOMPARE(request(m_port, "GET", "/healthz").status, 200);
        QCOMPARE(postJson(m_port, R"({"data": "still here"})").status, 202);
        QTRY_VERIFY(!bystander.userEvents().isEmpty() &&
                    bystander.userEvents().constLast().data == QStringLiteral("still here"));
        QVERIFY(bystander.isConnected());
    }

    void unknownPathIs404()
    {
        const HttpResponse response = request(m_port, "GET", "/nope");
        QCOMPARE(response.status, 404);
        QVERIFY(response.error().contains(QStringLiteral("/nope")));
        QCOMPARE(response.headers.value("content-type"), QByteArray("application/json"));
    }

    void wrongMethodIs405()
    {
        const HttpResponse getPublish = request(m_port, "GET", "/publish");
        QCOMPARE(getPublish.status, 405);
        QVERIFY(getPublish.headers.value("allow").contains("POST"));
        QVERIFY(getPublish.error().contains(QStringLiteral("GET")));
        QCOMPARE(request(m_port, "POST", "/events").status, 405);
        QCOMPARE(request(m_port, "DELETE", "/api/stats").status, 405);
        QCOMPARE(request(m_port, "PUT", "/healthz").status, 405);
    }

    void headAnswersTheHeadersAndUnknownMethodsGet501()
    {
        // HEAD then GET pipelined on one connection: the HEAD answer has no body, so the
        // second answer follows its blank line directly.
        const std::unique_ptr<QTcpSocket> socketOwned = connectTo(m_port);
        QTcpSocket &socket = *socketOwned;
        QByteArray received;
        connect(&socket, &QTcpSocket::readyRead, this, [&] { received += socket.readAll(); });
        QVERIFY(waitForConnected(socket, 2000));
        socket.write("HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                     "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QTRY_VERIFY(received.endsWith("\r\n\r\nok"));
        HttpResponse head;
        const qsizetype headSize = parseHead(received, &head);
        QCOMPARE(head.status, 200);
        QCOMPARE(head.headers.value("content-length"), QByteArray("2"));
        QVERIFY(received.mid(headSize).startsWith("HTTP/1.1 200 OK\r\n"));

        // HEAD on the stream tells what a stream would be, and opens none.
        HttpResponse stream;
        const std::unique_ptr<QTcpSocket> headOfStreamOwned = connectTo(m_port);
        QTcpSocket &headOfStream = *headOfStreamOwned;
        QByteArray streamBytes;
        connect(&headOfStream, &QTcpSocket::readyRead, this,
                [&] { streamBytes += headOfStream.readAll(); });
        QVERIFY(waitForConnected(headOfStream, 2000));
        headOfStream.write("HEAD /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QTRY_VERIFY(parseHead(streamBytes, &stream) > 0);
        QCOMPARE(stream.status, 200);
        QCOMPARE(stream.headers.value("content-type"), QByteArray("text/event-stream"));
        QCOMPARE(request(m_port, "GET", "/api/stats")
                     .json()
                     .object()
                     .value(QStringLiteral("clients"))
                     .toInt(),
                 0);
        QCOMPARE(request(m_port, "HEAD", "/publish").status, 405);

        for (const QByteArray method : {"TRACE", "PROPFIND"}) {
            const HttpResponse response = request(m_port, method, "/healthz");
            QCOMPARE(response.status, 501);
            QVERIFY(response.error().contains(QStringLiteral("not implemented")));
        }
        QCOMPARE(request(m_port, "GET", "/healthz").status, 200);
    }

    void pipelinedAnswersKeepRequestOrder()
    {
        // The event log may accept a publish after the requests behind it were answered
        // (SQLite, Redis): their answers must still leave in the order they were asked.
        const std::unique_ptr<QTcpSocket> socketOwned = connectTo(m_port);
        QTcpSocket &socket = *socketOwned;
        QByteArray received;
        connect(&socket, &QTcpSocket::readyRead, this, [&] { received += socket.readAll(); });
        QVERIFY(waitForConnected(socket, 2000));
        const QByteArray publish = R"({"data": "first"})";
        socket.write("POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/json\r\nContent-Length: " +
                     QByteArray::number(publish.size()) + "\r\n\r\n" + publish +
                     "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                     "GET /send?m=second HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                     "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QList<HttpResponse> answers;
        QTRY_VERIFY([&] {
            answers.clear();
            qsizetype offset = 0;
            while (offset < received.size()) {
                HttpResponse answer;
                const qsizetype headSize = parseHead(received.mid(offset), &answer);
                const qsizetype length = answer.headers.value("content-length").toLongLong();
                if (headSize <= 0 || received.size() < offset + headSize + length)
                    break;
                answer.body = received.mid(offset + headSize, length);
                answers.append(answer);
                offset += headSize + length;
            }
            return answers.size() == 4;
        }());
        QCOMPARE(answers.at(0).status, 202);
        QCOMPARE(answers.at(0).json().object().value(QStringLiteral("id")).toString(),
                 QStringLiteral("1"));
        QCOMPARE(answers.at(1).status, 200);
        QCOMPARE(answers.at(1).body, QByteArray("ok"));
        QCOMPARE(answers.at(2).status, 202);
        QCOMPARE(answers.at(2).json().object().value(QStringLiteral("id")).toString(),
                 QStringLiteral("2"));
        QCOMPARE(answers.at(3).body, QByteArray("ok"));
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

    void subscriberToken()
    {
        sse::ServerConfig config = testConfig();
        config.subscriberToken = QStringLiteral("sub");
        restart(config);
        SseReader refused(m_port);
        QTRY_VERIFY(refused.headReceived());
        QCOMPARE(refused.response().status, 401);
        SseReader byQuery(m_port, "/events?token=sub");
        QTRY_VERIFY(byQuery.isStreaming());
        SseReader byHeader(m_port, "/events", {"Authorization: Bearer sub"});
        QTRY_VERIFY(byHeader.isStreaming());
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

    void replayFromLastEventIdHeaderAndQuery()
    {
        for (int i = 1; i <= 5; ++i)
            postJson(m_port, "{\"data\": \"e" + QByteArray::number(i) + "\"}");
        SseReader byHeader(m_port, "/events", {"Last-Event-ID: 3"});
        QTRY_COMPARE(byHeader.userEvents().size(), 2);
        QCOMPARE(byHeader.userEvents().at(0).data, QStringLiteral("e4"));
        QCOMPARE(byHeader.userEvents().at(1).data, QStringLiteral("e5"));
        QCOMPARE(byHeader.userEvents().at(1).lastEventId, QStringLiteral("5"));
        QVERIFY(byHeader.comments().isEmpty()); // no gap for a known id

        SseReader byQuery(m_port, "/events?lastEventId=4");
        QTRY_COMPARE(byQuery.userEvents().size(), 1);
        QCOMPARE(byQuery.userEvents().at(0).data, QStringLiteral("e5"));

        // Live events follow the replay in order.
        postJson(m_port, R"({"data": "e6"})");
        QTRY_COMPARE(byHeader.userEvents().size(), 3);
        QCOMPARE(byHeader.userEvents().at(2).data, QStringLiteral("e6"));
    }

    void replayGapIsReported()
    {
        sse::ServerConfig config = testConfig();
        config.historySize = 2;
        restart(config);
        for (int i = 1; i <= 5; ++i)
            postJson(m_port, "{\"data\": \"e" + QByteArray::number(i) + "\"}");
        // Every stream is told of the gap in a comment; control listeners also get an event.
        SseReader plain(m_port, "/events", {"Last-Event-ID: 1"});
        QTRY_COMPARE(plain.userEvents().size(), 2);
        QCOMPARE(plain.comments(), QList<QString>{QStringLiteral(
                                       "history-gap reason=evicted lastEventId=1 oldestId=4")});
        QVERIFY(plain.events().size() == 2);

        SseReader evicted(m_port, "/events?control=1", {"Last-Event-ID: 1"});
        QTRY_COMPARE(evicted.userEvents().size(), 2);
        const QJsonObject gap = evicted.controlEvent(QStringLiteral("dashboard.history-gap"));
        QCOMPARE(gap.value(QStringLiteral("reason")).toString(), QStringLiteral("evicted"));
        QCOMPARE(gap.value(QStringLiteral("lastEventId")).toString(), QStringLiteral("1"));
        QCOMPARE(gap.value(QStringLiteral("oldestId")).toString(), QStringLiteral("4"));
        // The gap notice carries no id, so the client's last event id comes from real events.
        QCOMPARE(evicted.userEvents().at(0).lastEventId, QStringLiteral("4"));

        SseReader unknown(m_port, "/events?control=1&lastEventId=zzz");
        QTRY_VERIFY(!unknown.controlEvent(QStringLiteral("dashboard.history-gap")).isEmpty());
        QCOMPARE(unknown.controlEvent(QStringLiteral("dashboard.history-gap"))
                     .value(QStringLiteral("reason"))
                     .toString(),
                 QStringLiteral("unknown"));
    }

    void channelsAreIsolated()
    {
        SseReader onA(m_port, "/events?channel=a");
        SseReader onB(m_port, "/events?channel=b");
        SseReader onBoth(m_port, "/events?channel=a&channel=b");
        SseReader onDefault(m_port);
        QTRY_VERIFY(onA.isStreaming() && onB.isStreaming() && onBoth.isStreaming() &&
                    onDefault.isStreaming());
        QCOMPARE(postJson(m_port, R"({"data": "for a", "channel": "a"})")
                     .json()
                     .object()
                     .value(QStringLiteral("delivered"))
                     .toInt(),
                 2);
        postJson(m_port, R"({"data": "for b", "channel": "b"})");
        postJson(m_port, R"({"data": "for default"})");
        QTRY_COMPARE(onBoth.userEvents().size(), 2);
        QTRY_COMPARE(onDefault.userEvents().size(), 1);
        QTRY_COMPARE(onA.userEvents().size(), 1);
        QTRY_COMPARE(onB.userEvents().size(), 1);
        QCOMPARE(onA.userEvents().constFirst().data, QStringLiteral("for a"));
        QCOMPARE(onB.userEvents().constFirst().data, QStringLiteral("for b"));
        QCOMPARE(onDefault.userEvents().constFirst().data, QStringLiteral("for default"));
        // Give the others time to show a leak: one more event everyone sees, then compare.
        postJson(m_port, R"({"data": "last", "channel": "a"})");
        QTRY_COMPARE(onA.userEvents().size(), 2);
        QCOMPARE(onB.userEvents().size(), 1);

        SseReader bad(m_port, "/events?channel=has%20space");
        QTRY_VERIFY(bad.headReceived());
        QCOMPARE(bad.response().status, 400);

        // A subscriber may listen to 32 channels, not to thousands.
        QByteArray many = "/events?";
        for (int i = 0; i < 33; ++i)
            many += "channel=c" + QByteArray::number(i) + '&';
        SseReader tooMany(m_port, many);
        QTRY_VERIFY(tooMany.headReceived());
        QCOMPARE(tooMany.response().status, 400);
        QVERIFY(QJsonDocument::fromJson(tooMany.response().body)
                    .object()
                    .value(QStringLiteral("error"))
                    .toString()
                    .contains(QStringLiteral("32")));
        SseReader enough(m_port, many.left(many.lastIndexOf("channel=c32")));
        QTRY_VERIFY(enough.isStreaming());
    }

    void heartbeatComments()
    {
        sse::ServerConfig config = testConfig();
        config.heartbeatSeconds = 1;
        restart(config);
        SseReader reader(m_port);
        QTRY_VERIFY_WITH_TIMEOUT(reader.comments().count(QStringLiteral("heartbeat")) >= 3, 6000);
        QVERIFY(reader.userEvents().isEmpty());
    }

    void busyStreamsNeedNoHeartbeat()
    {
        sse::ServerConfig config = testConfig();
        config.heartbeatSeconds = 1;
        restart(config);
        SseReader busy(m_port, "/events?channel=busy");
        SseReader idle(m_port);
        QTRY_VERIFY(busy.isStreaming() && idle.isStreaming());
        // Keep one stream busy through three heartbeat periods; only the idle one gets beats.
        QTRY_VERIFY_WITH_TIMEOUT(
            (postJson(m_port, R"({"data": "tick", "channel": "busy"})").status == 202 &&
             idle.comments().count(QStringLiteral("heartbeat")) >= 3),
            8000);
        QCOMPARE(busy.comments().count(QStringLiteral("heartbeat")), 0);
    }

    void fullServerTellsStreamsToRetry()
    {
        sse::ServerConfig config = testConfig();
        config.maxClients = 2;
        restart(config);
        SseReader one(m_port);
        SseReader two(m_port);
        QTRY_VERIFY(one.isStreaming() && two.isStreaming());
        // Any status but 200 would end an EventSource for good: a full server answers with a
        // stream that only says when to come back, then ends it.
        SseReader three(m_port);
        QTRY_VERIFY(three.headReceived());
        QCOMPARE(three.response().status, 200);
        QTRY_VERIFY(!three.isConnected());
        QCOMPARE(three.response().headers.value("content-type"), QByteArray("text/event-stream"));
        QVERIFY2(three.comments().join(u' ').contains(QStringLiteral("server full")),
                 qPrintable(three.comments().join(u' ')));
        QVERIFY(three.retry().toInt() >= 2000 && three.retry().toInt() < 5000);
        QVERIFY(three.userEvents().isEmpty());
        const QJsonObject stats = request(m_port, "GET", "/api/stats").json().object();
        QCOMPARE(stats.value(QStringLiteral("clients")).toInt(), 2);
        QCOMPARE(stats.value(QStringLiteral("rejectedConnections")).toInt(), 1);
        QCOMPARE(stats.value(QStringLiteral("retryAnswers")).toInt(), 1);
        // A place frees up when a subscriber leaves.
        one.socket().abort();
        QTRY_COMPARE(request(m_port, "GET", "/api/stats")
                         .json()
                         .object()
                         .value(QStringLiteral("clients"))
                         .toInt(),
                     1);
        SseReader four(m_port);
        QTRY_VERIFY(four.isStreaming());
    }

    void connectionCapRefusesAllButStreams()
    {
        sse::ServerConfig config = testConfig();
        config.maxHttpConnections = 3;
        restart(config);
        // Streams have their own cap: idle connections cannot crowd out subscribers.
        SseReader stream(m_port);
        QTRY_VERIFY(stream.isStreaming());
        std::vector<std::unique_ptr<QTcpSocket>> open;
        for (int i = 0; i < config.maxHttpConnections; ++i) {
            auto socket = connectTo(m_port);
            QVERIFY(waitForConnected(*socket, 2000));
            open.push_back(std::move(socket));
        }
        QTRY_COMPARE(request(m_port, "GET", "/healthz").status, 503);
        QVERIFY(request(m_port, "GET", "/healthz").error().contains(QStringLiteral("busy")));
        // A stream request let through over the cap that is answered instead (here 400) closes
        // its connection: it cannot be kept open over the cap.
        const HttpResponse refused = request(m_port, "GET", "/events?channel=has%20space");
        QCOMPARE(refused.status, 400);
        QCOMPARE(refused.headers.value("connection"), QByteArray("close"));
        // A stream request on a connection over the cap still becomes a stream: in a reconnect
        // storm every request is in flight before it is a stream.
        SseReader second(m_port);
        QTRY_VERIFY(second.isStreaming());
        open.clear();
        QTRY_COMPARE(request(m_port, "GET", "/healthz").status, 200);
        QVERIFY(stream.isConnected());
        SseReader third(m_port);
        QTRY_VERIFY(third.isStreaming());
    }

    void idleConnectionsAreClosed()
    {
        sse::ServerConfig config = testConfig();
        config.idleTimeoutSeconds = 1;
        restart(config);
        const std::unique_ptr<QTcpSocket> stalledOwned = connectTo(m_port);
        QTcpSocket &stalled = *stalledOwned;
        QByteArray answer;
        connect(&stalled, &QTcpSocket::readyRead, this, [&] { answer += stalled.readAll(); });
        QVERIFY(waitForConnected(stalled, 2000));
        stalled.write("GET /healthz HTTP/1.1\r\nHost: x\r\n"); // never finished
        QTRY_COMPARE_WITH_TIMEOUT(stalled.state(), QAbstractSocket::UnconnectedState, 5000);
        // A half-sent request is told why it was cut off.
        QVERIFY2(answer.startsWith("HTTP/1.1 408 "), answer.constData());
        QVERIFY(answer.contains("request timeout"));

        // A keep-alive connection with nothing under way just ends, with no answer.
        const std::unique_ptr<QTcpSocket> quietOwned = connectTo(m_port);
        QTcpSocket &quiet = *quietOwned;
        QVERIFY(waitForConnected(quiet, 2000));
        QTRY_COMPARE_WITH_TIMEOUT(quiet.state(), QAbstractSocket::UnconnectedState, 5000);
        QCOMPARE(quiet.bytesAvailable(), 0);

        // A stream is not idle: it outlives the timeout.
        sse::ServerConfig streamConfig = testConfig();
        streamConfig.idleTimeoutSeconds = 1;
        streamConfig.heartbeatSeconds = 1;
        restart(streamConfig);
        SseReader reader(m_port);
        QTRY_VERIFY(reader.isStreaming());
        QTRY_VERIFY_WITH_TIMEOUT(reader.comments().count(QStringLiteral("heartbeat")) >= 3, 6000);
        QVERIFY(reader.isConnected());
    }

    void streamClientMustNotSendMore()
    {
        SseReader reader(m_port);
        QTRY_VERIFY(reader.isStreaming());
        reader.socket().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_VERIFY(!reader.isConnected());
        QTRY_COMPARE(request(m_port, "GET", "/api/stats")
                         .json()
                         .object()
                         .value(QStringLiteral("clients"))
                         .toInt(),
                     0);
    }
};

QTEST_GUILESS_MAIN(TestHttpApi)
#include "tst_httpapi.moc"
