// What every route of the HTTP table in DESIGN.md shares: unknown paths and methods, HEAD,
// oversized and malformed requests, pipelined answers in order, the connection cap and idle
// timeouts.
// ctest runs this file once per event log ($SSE_TEST_EVENT_LOG), over real loopback sockets
// against a real server on its own thread.
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

class TestHttpApiRequests : public QObject, private EventLogServerTest
{
    Q_OBJECT

private slots:
    void init() { restart(testConfig()); }
    void cleanup() { m_server.server.controller.reset(); }

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
};

QTEST_GUILESS_MAIN(TestHttpApiRequests)
#include "tst_httpapi_requests.moc"
