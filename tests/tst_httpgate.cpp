// The strict HTTP/1.1 request gate (HttpServer, HttpConnection, RequestFramer) over real loopback
// sockets: one test per rule of docs/protocol.md, "Strict HTTP/1.1".
#include "serverfixture.h"
#include "testsupport.h"

#include <QJsonObject>
#include <QNetworkInterface>
#include <QTest>

using namespace testsupport;

namespace {

// Everything the server sent on one connection, until it closed or the time ran out.
struct Conversation
{
    QByteArray received;
    bool closedByServer = false;

    HttpResponse response() const
    {
        HttpResponse parsed;
        const qsizetype head = parseHead(received, &parsed);
        if (head >= 0)
            parsed.body = received.mid(head, parsed.headers.value("content-length").toLongLong());
        return parsed;
    }
    int statusLines() const { return int(received.count("HTTP/1.1 ")); }
};

Conversation converse(quint16 port, const QList<QByteArray> &parts, int timeoutMs = 5000,
                      const QString &host = QStringLiteral("127.0.0.1"))
{
    Conversation conversation;
    QTcpSocket socket;
    socket.connectToHost(host, port);
    if (!socket.waitForConnected(timeoutMs))
        return conversation;
    for (const QByteArray &part : parts) {
        socket.write(part);
        socket.waitForBytesWritten(timeoutMs);
    }
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        if (socket.waitForReadyRead(100))
            conversation.received += socket.readAll();
        if (socket.state() != QAbstractSocket::ConnectedState) {
            conversation.received += socket.readAll();
            conversation.closedByServer = true;
            break;
        }
    }
    return conversation;
}

int publishedCount(quint16 port)
{
    return request(port, "GET", "/api/stats")
        .json()
        .object()
        .value(QStringLiteral("eventsPublished"))
        .toInt();
}

} // namespace

class TestHttpGate : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    quint16 m_port = 0;

    void restart(const sse::ServerConfig &config)
    {
        QVERIFY(m_server.restart(config));
        m_port = m_server.port;
    }

private slots:
    void init() { restart(testConfig()); }
    void cleanup() { m_server.controller.reset(); }

    void malformedRequestsGetTheirStatusThenAClose_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("reason");
        QTest::newRow("garbage") << QByteArray("GARBAGE\r\n\r\n") << 400 << "request line";
        QTest::newRow("extra word")
            << QByteArray("GET / HTTP/1.1 x\r\nHost: 127.0.0.1\r\n\r\n") << 400 << "request line";
        QTest::newRow("control char in target")
            << QByteArray("GET /\x01 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") << 400 << "target";
        QTest::newRow("bad protocol")
            << QByteArray("GET / HTTX/1.1\r\nHost: 127.0.0.1\r\n\r\n") << 400 << "request line";
        QTest::newRow("bad version")
            << QByteArray("GET / HTTP/1.x\r\nHost: 127.0.0.1\r\n\r\n") << 400 << "version";
        QTest::newRow("space in field name")
            << QByteArray("GET / HTTP/1.1\r\nBad Header: x\r\n\r\n") << 400 << "header";
        QTest::newRow("no colon") << QByteArray("GET / HTTP/1.1\r\nNoColon\r\n\r\n") << 400
                                  << "header";
        QTest::newRow("obs-fold") << QByteArray("GET / HTTP/1.1\r\nX-A: 1\r\n  2\r\n\r\n") << 400
                                  << "folding";
        QTest::newRow("two hosts")
            << QByteArray("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: b\r\n\r\n") << 400 << "Host";
        QTest::newRow("two lengths")
            << QByteArray(
                   "POST /publish HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n")
            << 400 << "Content-Length";
        QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n") << 505
                                  << "HTTP/2.0";
        QTest::newRow("unknown method")
            << QByteArray("FOO / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") << 501 << "'FOO'";
        QTest::newRow("CONNECT") << QByteArray("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n")
                                 << 501 << "CONNECT";
        QTest::newRow("Expect other")
            << QByteArray("GET / HTTP/1.1\r\nExpect: magic\r\n\r\n") << 417 << "Expect";
    }
    void malformedRequestsGetTheirStatusThenAClose()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, status);
        QFETCH(QString, reason);
        const Conversation conversation = converse(m_port, {raw});
        const HttpResponse response = conversation.response();
        QCOMPARE(response.status, status);
        QVERIFY2(response.error().contains(reason), qPrintable(response.error()));
        QCOMPARE(response.headers.value("connection"), QByteArray("close"));
        QVERIFY(conversation.closedByServer);
        QCOMPARE(request(m_port, "GET", "/healthz").status, 200);
    }

    void headerSectionOverTheLimitGets431()
    {
        sse::ServerConfig config = testConfig();
        config.maxHeaderBytes = 2048;
        restart(config);
        const QByteArray small = "X-Filler: " + QByteArray(1500, 'y') + "\r\n";
        QCOMPARE(rawRequest(m_port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + small + "\r\n")
                     .status,
                 200);
        const QByteArray large = "X-Filler: " + QByteArray(2100, 'y') + "\r\n";
        const Conversation conversation =
            converse(m_port, {"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + large + "\r\n"});
        QCOMPARE(conversation.response().status, 431);
        // The status line has its reason phrase (RFC 6585), not "Unknown".
        QVERIFY2(
            conversation.received.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
            conversation.received.left(60).constData());
        QVERIFY(conversation.closedByServer);
    }

    void longTargetGets414()
    {
        const QByteArray target = "/healthz?" + QByteArray(9000, 'a');
        const Conversation conversation =
            converse(m_port, {"GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"});
        QCOMPARE(conversation.response().status, 414);
        QVERIFY(conversation.closedByServer);
        QCOMPARE(request(m_port, "GET", "/healthz?" + QByteArray(8000, 'a')).status, 200);
    }

    void transferCodingsOtherThanChunkedGet501_data()
    {
        QTest::addColumn<QByteArray>("coding");
        QTest::newRow("gzip") << QByteArray("gzip");
        QTest::newRow("xchunked") << QByteArray("xchunked");
        QTest::newRow("gzip, chunked") << QByteArray("gzip, chunked");
    }
    void transferCodingsOtherThanChunkedGet501()
    {
        QFETCH(QByteArray, coding);
        const Conversation conversation = converse(
            m_port, {"POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                     "Transfer-Encoding: " +
                     coding + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n"});
        QCOMPARE(conversation.response().status, 501);
        QVERIFY(conversation.closedByServer);
        QCOMPARE(publishedCount(m_port), 0);
    }

    void transferEncodingWithContentLengthGets400()
    {
        const Conversation conversation = converse(
            m_port, {"POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                     "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "5\r\nhello\r\n0\r\n\r\n"});
        QCOMPARE(conversation.response().status, 400);
        QVERIFY(conversation.response().error().contains(QStringLiteral("smuggling")));
        QCOMPARE(publishedCount(m_port), 0);
    }

    void invalidChunkGets400AndIsNeverPublished()
    {
        SseReader reader(m_port, "/events");
        QTRY_VERIFY(reader.isStreaming());
        // The head and a good first chunk arrive before the bad one.
        const Conversation conversation = converse(
            m_port, {"POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
                     "zz\r\nworld\r\n0\r\n\r\n"});
        QCOMPARE(conversation.response().status, 400);
        QVERIFY(conversation.response().error().contains(QStringLiteral("chunk size")));
        QCOMPARE(publishedCount(m_port), 0);

        // A good chunked body, sent in pieces, is published whole.
        const Conversation good = converse(
            m_port, {"POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n5\r",
                     "\nhel", "lo\r\n6\r\n world\r", "\n0\r\n\r\n"});
        QCOMPARE(good.response().status, 202);
        QTRY_COMPARE(reader.userEvents().size(), 1);
        QCOMPARE(reader.userEvents().constFirst().data, QStringLiteral("hello world"));
    }

    void expectContinueGets100ThenTheAnswer()
    {
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), m_port);
        QVERIFY(socket.waitForConnected(5000));
        socket.write("POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                     "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        QByteArray received;
        QTRY_VERIFY((received += socket.readAll()).contains("\r\n\r\n"));
        QCOMPARE(received, QByteArray("HTTP/1.1 100 Continue\r\n\r\n"));
        socket.write("hello");
        QTRY_VERIFY((received += socket.readAll()).contains("HTTP/1.1 202 "));
        QCOMPARE(publishedCount(m_port), 1);
    }

    void expectContinueIsRefusedBeforeTheBody_data()
    {
        QTest::addColumn<QByteArray>("headers");
        QTest::addColumn<int>("status");
        QTest::newRow("no token") << QByteArray("Content-Type: text/plain\r\nContent-Length: 5\r\n")
                                  << 401;
        QTest::newRow("too large") << QByteArray("Content-Type: text/plain\r\n"
                                                 "Content-Length: 99999999\r\n")
                                   << 413;
        QTest::newRow("wrong type") << QByteArray("Content-Type: text/html\r\n"
                                                  "Authorization: Bearer secret-token\r\n"
                                                  "Content-Length: 5\r\n")
                                    << 415;
    }
    void expectContinueIsRefusedBeforeTheBody()
    {
        QFETCH(QByteArray, headers);
        QFETCH(int, status);
        sse::ServerConfig config = testConfig();
        config.requireTokenOnLoopback = true;
        restart(config);
        // The body is never sent: the final answer must come without it.
        const Conversation conversation =
            converse(m_port, {"POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers +
                              "Expect: 100-continue\r\n\r\n"});
        QCOMPARE(conversation.statusLines(), 1);
        QCOMPARE(conversation.response().status, status);
        QVERIFY(conversation.closedByServer);
    }

    void http10WithoutKeepAliveIsClosedAfterItsAnswer()
    {
        const Conversation plain = converse(m_port, {"GET /healthz HTTP/1.0\r\n\r\n"});
        QCOMPARE(plain.response().status, 200);
        QCOMPARE(plain.response().headers.value("connection"), QByteArray("close"));
        QVERIFY(plain.closedByServer);

        const Conversation close = converse(
            m_port, {"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                     "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"});
        QCOMPARE(close.statusLines(), 1); // what follows Connection: close is not answered
        QVERIFY(close.closedByServer);

        // HTTP/1.0 keep-alive stays open, and its answers say so.
        const Conversation keepAlive =
            converse(m_port,
                     {"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                      "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"},
                     1500);
        QCOMPARE(keepAlive.statusLines(), 2);
        QCOMPARE(keepAlive.response().headers.value("connection"), QByteArray("keep-alive"));
        QVERIFY(!keepAlive.closedByServer);
    }

    void webSocketUpgradeGetsOneAnswerAndNoWarning()
    {
        static QStringList messages;
        messages.clear();
        const QtMessageHandler previous =
            qInstallMessageHandler([](QtMsgType, const QMessageLogContext &, const QString &text) {
                messages.append(text);
            });
        const Conversation conversation =
            converse(m_port, {"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
                              "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"});
        // h2c is an upgrade this server may ignore: an ordinary answer, over HTTP/1.1.
        const Conversation h2c = converse(
            m_port,
            {"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
             "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n"},
            1000);
        qInstallMessageHandler(previous);
        QCOMPARE(conversation.statusLines(), 1);
        QCOMPARE(conversation.response().status, 501);
        QVERIFY(conversation.closedByServer);
        QCOMPARE(h2c.statusLines(), 1);
        QCOMPARE(h2c.response().status, 200);
        QVERIFY2(messages.isEmpty(), qPrintable(messages.join(u'\n')));
    }

    void pipelinedAnswersArriveBeforeTheStream()
    {
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), m_port);
        QVERIFY(socket.waitForConnected(5000));
        socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                     "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                     "Content-Length: 5\r\n\r\nfirst"
                     "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QByteArray received;
        QTRY_VERIFY((received += socket.readAll()).contains("text/event-stream\r\n"));
        const qsizetype health = received.indexOf("HTTP/1.1 200 ");
        const qsizetype published = received.indexOf("HTTP/1.1 202 ");
        const qsizetype stream = received.indexOf("Content-Type: text/event-stream");
        QVERIFY2(health >= 0 && published > health && stream > published, received.constData());
        QVERIFY(received.contains("\r\n\r\nok"));
        QTRY_COMPARE(request(m_port, "GET", "/api/stats")
                         .json()
                         .object()
                         .value(QStringLiteral("clients"))
                         .toInt(),
                     1);
        QCOMPARE(postJson(m_port, R"({"data":"second"})").status, 202);
        QTRY_VERIFY((received += socket.readAll()).contains("data: second\n\n"));
        QVERIFY(!received.contains("data: first")); // published before the stream began
    }

    void perAddressCapHoldsForOtherComputersOnly()
    {
        QHostAddress lan;
        for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
            if (address.protocol() == QAbstractSocket::IPv4Protocol && !address.isLoopback()) {
                lan = address;
                break;
            }
        }
        if (lan.isNull())
            QSKIP("this machine has no non-loopback IPv4 address");
        sse::ServerConfig config = testConfig();
        config.bindAddress = QHostAddress(QHostAddress::AnyIPv4);
        config.maxConnectionsPerAddress = 2;
        restart(config);
        std::vector<std::unique_ptr<QTcpSocket>> open;
        for (int i = 0; i < config.maxConnectionsPerAddress; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(lan, m_port);
            QVERIFY(socket->waitForConnected(2000));
            open.push_back(std::move(socket));
        }
        // The peer address of a connection to our own LAN address is that address.
        QTRY_COMPARE(converse(m_port, {"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"}, 2000,
                              lan.toString())
                         .response()
                         .status,
                     503);
        // Loopback has no per-address cap.
        for (int i = 0; i < 4; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QStringLiteral("127.0.0.1"), m_port);
            QVERIFY(socket->waitForConnected(2000));
            open.push_back(std::move(socket));
        }
        QCOMPARE(request(m_port, "GET", "/healthz").status, 200);
        open.clear();
        QTRY_COMPARE(converse(m_port, {"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"}, 2000,
                              lan.toString())
                         .response()
                         .status,
                     200);
    }
};

QTEST_GUILESS_MAIN(TestHttpGate)
#include "tst_httpgate.moc"
