// The browser threat model's decisions, without sockets.
#include "originpolicy.h"
#include "serverconfig.h"

#include <QTest>

using sse::OriginPolicy;

class TestOriginPolicy : public QObject
{
    Q_OBJECT

private slots:
    void ownHostNames()
    {
        sse::ServerConfig config; // bound to 127.0.0.1
        config.allowedHosts = {QStringLiteral("Board.Example")};
        const OriginPolicy policy(config, 8080);
        for (const QByteArray host :
             {"localhost", "LOCALHOST:8080", "app.localhost", "127.0.0.1", "127.0.0.1:8080",
              "127.1.2.3:8080", "[::1]:8080", "[::1]", "board.example:8080"}) {
            QVERIFY2(policy.isOwnHost(host), host.constData());
        }
        for (const QByteArray host :
             {"", "evil.example", "127.0.0.1:8081", "localhost:x", "localhost:99999", "192.0.2.1",
              "[::2]:8080", "board.example.evil"}) {
            QVERIFY2(!policy.isOwnHost(host), host.constData());
        }
    }

    void foreignOrigins()
    {
        const OriginPolicy policy(sse::ServerConfig(), 8080);
        const QByteArray host = "127.0.0.1:8080";
        QVERIFY(!policy.isForeignOrigin({}, {}, host));            // curl, scripts
        QVERIFY(!policy.isForeignOrigin({}, "same-origin", host)); // the demo page
        QVERIFY(!policy.isForeignOrigin({}, "none", host));        // typed into the address bar
        QVERIFY(!policy.isForeignOrigin("http://127.0.0.1:8080", {}, host));
        QVERIFY(policy.isForeignOrigin("http://127.0.0.1:9000", {}, host));
        QVERIFY(policy.isForeignOrigin("null", {}, host)); // sandboxed frames, file: pages
        QVERIFY(policy.isForeignOrigin({}, "cross-site", host));
        QVERIFY(policy.isForeignOrigin({}, "Same-Site", host));
    }

    void overTlsTheOwnOriginIsHttps()
    {
        sse::ServerConfig config;
        config.tlsLocal = true;
        const OriginPolicy policy(config, 8443);
        const QByteArray host = "127.0.0.1:8443";
        QVERIFY(!policy.isForeignOrigin("https://127.0.0.1:8443", {}, host));
        // A page of the same host and port over plain http is not ours: it was never served.
        QVERIFY(policy.isForeignOrigin("http://127.0.0.1:8443", {}, host));
    }

    void corsOnlyForListedOrigins()
    {
        sse::ServerConfig config;
        config.corsOrigins = {QStringLiteral("http://tool.test:3000")};
        const OriginPolicy policy(config, 8080);
        QCOMPARE(policy.corsOriginFor("http://tool.test:3000"),
                 QByteArray("http://tool.test:3000"));
        QVERIFY(policy.corsOriginFor("http://tool.test").isEmpty());
        QVERIFY(policy.corsOriginFor({}).isEmpty());
    }

    void tokens()
    {
        QCOMPARE(sse::bearerToken("Bearer abc"), QStringLiteral("abc"));
        QCOMPARE(sse::bearerToken("  bEaReR   abc  "), QStringLiteral("abc"));
        QVERIFY(sse::bearerToken("Basic abc").isEmpty());
        QVERIFY(sse::bearerToken("Bearer").isEmpty());
        QVERIFY(sse::tokensEqual(QStringLiteral("secret"), QStringLiteral("secret")));
        QVERIFY(!sse::tokensEqual(QStringLiteral("secreT"), QStringLiteral("secret")));
        QVERIFY(!sse::tokensEqual(QStringLiteral("secret1"), QStringLiteral("secret")));
        QVERIFY(!sse::tokensEqual(QStringLiteral("secre"), QStringLiteral("secret")));
        QVERIFY(!sse::tokensEqual({}, {}));
    }
};

QTEST_GUILESS_MAIN(TestOriginPolicy)
#include "tst_originpolicy.moc"
