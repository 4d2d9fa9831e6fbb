// The browser threat model of docs/security.md over real loopback sockets: host names,
// foreign web origins, CORS and the demo page's headers.
#include "serverfixture.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace testsupport;

class TestHttpSecurity : public QObject
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

    void corsOnlyForOpenRoutesAndListedOrigins()
    {
        const QList<QByteArray> preflight{"Origin: http://tool.test",
                                          "Access-Control-Request-Method: POST",
                                          "Access-Control-Request-Headers: content-type"};
        // Subscribing is open to every page.
        const HttpResponse events = request(m_port, "OPTIONS", "/events", {}, preflight);
        QCOMPARE(events.status, 204);
        QCOMPARE(events.headers.value("access-control-allow-origin"), QByteArray("*"));
        QVERIFY(events.headers.value("access-control-allow-headers").contains("Last-Event-ID"));
        // Publishing and the API are not: no grant, so the browser never sends the request.
        const HttpResponse publish = request(m_port, "OPTIONS", "/publish", {}, preflight);
        QCOMPARE(publish.status, 204);
        QVERIFY(!publish.headers.contains("access-control-allow-origin"));
        QVERIFY(!publish.headers.contains("access-control-allow-methods"));
        QVERIFY(!request(m_port, "GET", "/api/stats", {}, {"Origin: http://tool.test"})
                     .headers.contains("access-control-allow-origin"));

        // An origin listed with --cors-origin gets CORS, for itself only.
        sse::ServerConfig config = testConfig();
        config.corsOrigins = {QStringLiteral("http://tool.test")};
        restart(config);
        const HttpResponse granted = request(m_port, "OPTIONS", "/publish", {}, preflight);
        QCOMPARE(granted.headers.value("access-control-allow-origin"),
                 QByteArray("http://tool.test"));
        QCOMPARE(granted.headers.value("vary"), QByteArray("Origin"));
        const QByteArray allowed = granted.headers.value("access-control-allow-headers");
        QVERIFY(allowed.contains("Content-Type") && allowed.contains("Authorization"));
        QVERIFY(granted.headers.value("access-control-allow-methods").contains("POST"));
        QVERIFY(!request(m_port, "OPTIONS", "/publish", {}, {"Origin: http://other.test"})
                     .headers.contains("access-control-allow-origin"));
    }

    void foreignOriginsNeedTheToken()
    {
        SseReader reader(m_port, "/events?control=1");
        QTRY_VERIFY(reader.clientId() > 0);
        const QByteArray evil = "Origin: http://evil.test";
        const QByteArray json = "Content-Type: application/json";
        const auto publish = [this](const QList<QByteArray> &headers) {
            return request(m_port, "POST", "/publish", R"({"data": "x"})", headers);
        };
        const HttpResponse refused = publish({json, evil});
        QCOMPARE(refused.status, 403);
        QVERIFY(refused.error().contains(QStringLiteral("http://evil.test")));
        QCOMPARE(request(m_port, "GET", "/send?m=x", {}, {"Sec-Fetch-Site: cross-site"}).status,
                 403);
        QCOMPARE(request(m_port, "GET", "/send?m=x", {}, {"Sec-Fetch-Site: same-site"}).status,
                 403);
        const QByteArray kick = "/api/clients/" + QByteArray::number(reader.clientId());
        QCOMPARE(request(m_port, "DELETE", kick, {}, {evil}).status, 403);
        QVERIFY(reader.isConnected());

        // The server's own origin, a same-origin fetch, and the token all publish.
        // The server's own pages are served over https when it speaks TLS (*_tls).
        const QByteArray host = "127.0.0.1:" + QByteArray::number(m_port);
        const QByteArray self = (overTls() ? "https://" : "http://") + host;
        QCOMPARE(publish({json, "Host: " + host, "Origin: " + self}).status, 202);
        QCOMPARE(publish({json, "Sec-Fetch-Site: same-origin"}).status, 202);
        QCOMPARE(publish({json, evil, "Authorization: bearer secret-token"}).status, 202);
        QCOMPARE(publish({json, evil, "Authorization: Bearer wrong-token"}).status, 403);
        QTRY_COMPARE(reader.userEvents().size(), 3);

        // Who is connected from where is for the operator: a foreign page sees no identities.
        const auto firstClient = [this](const QList<QByteArray> &headers) {
            return request(m_port, "GET", "/api/clients", {}, headers)
                .json()
                .array()
                .first()
                .toObject();
        };
        QVERIFY(firstClient({}).contains(QStringLiteral("remoteAddress")));
        const QJsonObject hidden = firstClient({evil});
        QVERIFY(!hidden.contains(QStringLiteral("remoteAddress")));
        QVERIFY(!hidden.contains(QStringLiteral("userAgent")));
        QCOMPARE(quint64(hidden.value(QStringLiteral("id")).toInteger()), reader.clientId());
        QVERIFY(firstClient({evil, "Authorization: Bearer secret-token"})
                    .contains(QStringLiteral("userAgent")));
    }

    void foreignHostNamesAreRefused()
    {
        // DNS rebinding: a name that resolves here but is not one of the server's names.
        const HttpResponse rebound =
            request(m_port, "GET", "/api/stats", {}, {"Host: evil.example"});
        QCOMPARE(rebound.status, 421);
        QVERIFY(rebound.error().contains(QStringLiteral("evil.example")));
        QCOMPARE(request(m_port, "GET", "/healthz", {}, {"Host: evil.example:80"}).status, 421);
        const QByteArray port = QByteArray::number(m_port);
        QCOMPARE(request(m_port, "GET", "/healthz", {}, {"Host: localhost:" + port}).status, 200);
        QCOMPARE(request(m_port, "GET", "/healthz", {}, {"Host: [::1]:" + port}).status, 200);
        QCOMPARE(request(m_port, "GET", "/healthz", {}, {"Host: 127.0.0.1:1"}).status, 421);

        sse::ServerConfig config = testConfig();
        config.allowedHosts = {QStringLiteral("dashboard.lan")};
        restart(config);
        QCOMPARE(request(m_port, "GET", "/healthz", {}, {"Host: Dashboard.LAN"}).status, 200);
        QCOMPARE(request(m_port, "GET", "/healthz", {}, {"Host: evil.example"}).status, 421);
    }

    void demoPageSecurityHeaders()
    {
        const HttpResponse page = request(m_port, "GET", "/");
        QCOMPARE(page.status, 200);
        QVERIFY(page.headers.value("content-security-policy").contains("frame-ancestors 'none'"));
        QCOMPARE(page.headers.value("x-content-type-options"), QByteArray("nosniff"));
        QCOMPARE(page.headers.value("referrer-policy"), QByteArray("no-referrer"));
    }
};

QTEST_GUILESS_MAIN(TestHttpSecurity)
#include "tst_httpsecurity.moc"
