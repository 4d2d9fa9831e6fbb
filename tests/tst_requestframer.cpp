// RequestFramer without sockets: how it cuts a connection's bytes into requests, and the
// status each malformed request gets (the socket-level behaviour is in tst_httpgate).
#include "requestframer.h"

#include <QTest>

namespace {

sse::RequestFramer::Limits smallLimits()
{
    return {1024, 256, 4096};
}

// Feeds the bytes one read at a time, as a slow client would send them.
void feedBytewise(sse::RequestFramer &framer, const QByteArray &bytes)
{
    for (qsizetype i = 0; i < bytes.size() && !framer.error(); ++i)
        framer.feed(QByteArrayView(bytes).sliced(i, 1));
}

} // namespace

class TestRequestFramer : public QObject
{
    Q_OBJECT

private slots:
    void pipelinedRequestsAreFramedByteForByte()
    {
        const QByteArray first =
            "POST /publish HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
        const QByteArray second = "POST /publish HTTP/1.1\r\nHost: a\r\n"
                                  "Transfer-Encoding: chunked\r\n\r\n2;x=y\r\nhi\r\n0\r\n\r\n";
        const QByteArray third = "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n";
        for (const bool bytewise : {false, true}) {
            sse::RequestFramer framer(smallLimits());
            const QByteArray all = first + second + third + "GET /hal";
            if (bytewise)
                feedBytewise(framer, all);
            else
                framer.feed(all);
            QVERIFY(!framer.error());
            QCOMPARE(framer.queuedRequests(), 3);
            const sse::FramedRequest a = framer.takeRequest();
            QCOMPARE(a.bytes, first);
            QCOMPARE(a.head.method, QByteArray("POST"));
            QCOMPARE(a.head.contentLength, 5);
            QCOMPARE(a.head.value("HOST"), QByteArray("a"));
            const sse::FramedRequest b = framer.takeRequest();
            QCOMPARE(b.bytes, second);
            QVERIFY(b.head.chunked);
            QCOMPARE(framer.takeRequest().bytes, third);
            QVERIFY(framer.isMidRequest()); // "GET /hal" is the start of a fourth
        }
    }

    void keepAliveFollowsTheVersionAndConnection()
    {
        sse::RequestFramer http10(smallLimits());
        http10.feed("GET / HTTP/1.0\r\n\r\nGET /ignored HTTP/1.0\r\n\r\n");
        QCOMPARE(http10.queuedRequests(), 1); // nothing is framed after a closing request
        QVERIFY(!http10.takeRequest().keepAlive);
        QVERIFY(http10.isFinished());

        sse::RequestFramer keepAlive(smallLimits());
        keepAlive.feed("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        const sse::FramedRequest request = keepAlive.takeRequest();
        QVERIFY(request.keepAlive);
        QCOMPARE(request.head.httpMinor, 0);

        sse::RequestFramer close(smallLimits());
        close.feed("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
        QVERIFY(!close.takeRequest().keepAlive);
    }

    void expectContinueOffersTheHeadOnce()
    {
        sse::RequestFramer framer(smallLimits());
        framer.feed("POST /publish HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-Continue\r\n\r\n");
        const std::optional<sse::RequestHead> head = framer.takeHeadAwaitingBody();
        QVERIFY(head && head->expectContinue);
        QCOMPARE(head->target, QByteArray("/publish"));
        QVERIFY(!framer.takeHeadAwaitingBody());
        framer.feed("abc");
        QCOMPARE(framer.queuedRequests(), 1);
    }

    void malformedRequestsGetTheirStatus_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        const QByteArray ok = "Host: a\r\n\r\n";
        QTest::newRow("garbage") << QByteArray("GARBAGE\r\n\r\n") << 400;
        QTest::newRow("HTTX") << QByteArray("GET / HTTX/1.1\r\n") + ok << 400;
        QTest::newRow("raw non-ASCII target") << QByteArray("GET /\xff HTTP/1.1\r\n") + ok << 400;
        QTest::newRow("space in name") << QByteArray("GET / HTTP/1.1\r\nA B: c\r\n\r\n") << 400;
        QTest::newRow("bare CR") << QByteArray("GET / HTTP/1.1\r\nA: b\rC: d\r\n\r\n") << 400;
        QTest::newRow("obs-fold") << QByteArray("GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n") << 400;
        QTest::newRow("two hosts") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n") + ok << 400;
        QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\n") + ok << 505;
        QTest::newRow("unknown method") << QByteArray("BREW /pot HTTP/1.1\r\n") + ok << 501;
        QTest::newRow("bad method") << QByteArray("G(T / HTTP/1.1\r\n") + ok << 400;
        QTest::newRow("CONNECT") << QByteArray("CONNECT a:1 HTTP/1.1\r\n") + ok << 501;
        QTest::newRow("long target")
            << QByteArray("GET /" + QByteArray(300, 'a') + " HTTP/1.1\r\n") + ok << 414;
        QTest::newRow("long head")
            << QByteArray("GET / HTTP/1.1\r\nA: " + QByteArray(1100, 'a') + "\r\n\r\n") << 431;
        QTest::newRow("TE gzip") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")
                                 << 501;
        QTest::newRow("TE xchunked")
            << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: xchunked\r\n\r\n") << 501;
        QTest::newRow("TE twice") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, "
                                                "chunked\r\n\r\n")
                                  << 400;
        QTest::newRow("TE and CL") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 2\r\n"
                                                 "Transfer-Encoding: chunked\r\n\r\n")
                                   << 400;
        QTest::newRow("TE in 1.0") << QByteArray("POST / HTTP/1.0\r\nTransfer-Encoding: "
                                                 "chunked\r\n\r\n")
                                   << 400;
        QTest::newRow("two lengths") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\n"
                                                   "Content-Length: 2\r\n\r\n")
                                     << 400;
        QTest::newRow("length too large")
            << QByteArray("POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n") << 413;
        const QByteArray chunked = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
        QTest::newRow("chunk size zz") << chunked + "zz\r\nhello\r\n0\r\n\r\n" << 400;
        QTest::newRow("chunk CR without LF") << chunked + "5\r\x80hello\r\n0\r\n\r\n" << 400;
        QTest::newRow("chunk without CRLF") << chunked + "5\r\nhelloXY0\r\n\r\n" << 400;
        QTest::newRow("trailer") << chunked + "0\r\nX-T: 1\r\n\r\n" << 400;
        QTest::newRow("chunked too large") << chunked + "1001\r\n" + QByteArray(4097, 'a') << 413;
        QTest::newRow("Expect other") << QByteArray("GET / HTTP/1.1\r\nExpect: x\r\n\r\n") << 417;
        QTest::newRow("WebSocket") << QByteArray("GET / HTTP/1.1\r\nConnection: keep-alive, "
                                                 "Upgrade\r\nUpgrade: WebSocket\r\n\r\n")
                                   << 501;
    }
    void malformedRequestsGetTheirStatus()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        for (const bool bytewise : {false, true}) {
            sse::RequestFramer framer(smallLimits());
            if (bytewise)
                feedBytewise(framer, bytes);
            else
                framer.feed(bytes);
            QVERIFY2(framer.error(), bytewise ? "bytewise" : "whole");
            QCOMPARE(framer.error()->status, status);
            QVERIFY(framer.error()->closeConnection);
            QVERIFY(!framer.error()->message.isEmpty());
            QVERIFY(!framer.hasRequest()); // nothing of it is handed on
        }
    }

    void requestsBeforeAFaultStayAvailable()
    {
        sse::RequestFramer framer(smallLimits());
        framer.feed("GET /a HTTP/1.1\r\n\r\nGARBAGE\r\n\r\n");
        QVERIFY(framer.error());
        QCOMPARE(framer.queuedRequests(), 1);
        QCOMPARE(framer.takeRequest().head.target, QByteArray("/a"));
    }

    void ignoredUpgradesStayHttp11()
    {
        sse::RequestFramer framer(smallLimits());
        framer.feed("GET / HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n\r\n"
                    "GET /next HTTP/1.1\r\n\r\n");
        QVERIFY(!framer.error());
        QCOMPARE(framer.queuedRequests(), 2);
    }

    void blankLinesBeforeARequestAreNotARequest()
    {
        sse::RequestFramer framer(smallLimits());
        framer.feed("\r\n\r\n");
        QVERIFY(!framer.isMidRequest());
        QVERIFY(!framer.error());
        framer.feed("GET / HTTP/1.1\r\n\r\n");
        QCOMPARE(framer.queuedRequests(), 1);
    }
};

QTEST_GUILESS_MAIN(TestRequestFramer)
#include "tst_requestframer.moc"
