// HTTPS (docs/tls.md) over real TLS sockets: the local CA, certificate files and what is
// refused, plain HTTP on the TLS port, and TLS streams. The routes themselves run over TLS in
// the *_tls runs of the HTTP tests (SSE_TEST_TLS, tests/CMakeLists.txt).
#include "localca.h"
#include "serverfixture.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificateExtension>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>

using namespace testsupport;

namespace {

QSslCertificate certificateIn(const QString &file)
{
    QFile pem(file);
    if (!pem.open(QIODevice::ReadOnly))
        return QSslCertificate();
    return QSslCertificate(&pem);
}

QString altNames(const QSslCertificate &certificate)
{
    QStringList names = certificate.subjectAlternativeNames().values();
    names.sort();
    return names.join(u',');
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

} // namespace

class TestTls : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dataHome; // XDG_DATA_HOME: where --tls-local keeps its CA
    TestServer m_server;

    QString localCaDirectory() const { return sse::LocalCa::defaultDirectory(); }

    // Starts with --tls-local and trusts its root; the port, or 0.
    quint16 startLocal(sse::ServerConfig config = testConfig())
    {
        config.tlsLocal = true;
        if (!m_server.restart(config))
            return 0;
        trustedRoots() =
            QSslCertificate::fromPath(localCaDirectory() + QStringLiteral("/root-ca.pem"));
        return m_server.port;
    }

    // The sentence a start with these files fails with (empty when it starts).
    QString startFailure(const QString &certFile, const QString &keyFile)
    {
        sse::ServerConfig config = testConfig();
        config.tlsCertFile = certFile;
        config.tlsKeyFile = keyFile;
        config.port = 0;
        auto controller = std::make_unique<sse::ServerController>();
        QSignalSpy failed(controller.get(), &sse::ServerController::startFailed);
        QSignalSpy started(controller.get(), &sse::ServerController::started);
        controller->start(config, 0);
        if (!QTest::qWaitFor([&] { return !failed.isEmpty() || !started.isEmpty(); }, 5000))
            return QStringLiteral("neither started nor failed");
        return failed.isEmpty() ? QString() : failed.constFirst().at(0).toString();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dataHome.isValid());
        qputenv("XDG_DATA_HOME", m_dataHome.path().toLocal8Bit());
        qputenv("SSE_TEST_TLS", "1"); // the clients of testsupport.h speak TLS
        QCoreApplication::setOrganizationName(QStringLiteral("SSE Dashboard"));
        QCoreApplication::setApplicationName(QStringLiteral("sse-dashboard"));
    }
    void cleanup() { m_server.controller.reset(); }

    void localCaFollowsMkcert()
    {
        QTemporaryDir directory;
        const QStringList names{QStringLiteral("localhost"), QStringLiteral("127.0.0.1"),
                                QStringLiteral("::1"), QStringLiteral("demo.test")};
        QString error;
        const std::optional<sse::LocalCa> ca =
            sse::LocalCa::ensure(directory.path(), names, &error);
        QVERIFY2(ca, qPrintable(error));
        QVERIFY(ca->madeRoot() && ca->issuedServer());

        const QSslCertificate root = certificateIn(ca->rootCertFile());
        QVERIFY(root.isSelfSigned());
        QCOMPARE(root.publicKey().algorithm(), QSsl::Ec);
        QCOMPARE(root.publicKey().length(), 256);
        QVERIFY(!root.subjectInfo(QSslCertificate::CommonName).value(0).isEmpty());
        QVERIFY(root.effectiveDate().daysTo(root.expiryDate()) >= sse::LocalCa::RootValidityDays);
        bool constrained = false;
        for (const QSslCertificateExtension &extension : root.extensions()) {
            if (extension.name() == QLatin1String("basicConstraints")) {
                const QVariantMap value = extension.value().toMap();
                constrained = value.value(QStringLiteral("ca")).toBool() &&
                              value.value(QStringLiteral("pathLenConstraint")).toInt() == 0;
            }
        }
        QVERIFY(constrained);

        const QSslCertificate server = certificateIn(ca->serverCertFile());
        QCOMPARE(server.issuerDisplayName(), root.subjectDisplayName());
        QVERIFY(server.effectiveDate().daysTo(server.expiryDate()) <= 826); // 825 days + 1 h
        QCOMPARE(altNames(server), QStringLiteral("127.0.0.1,::1,demo.test,localhost"));
        // The keys are the user's alone.
        QCOMPARE(QFile::permissions(ca->rootKeyFile()) & 0x0777, QFile::Permissions(0x0600));
        QCOMPARE(QFile::permissions(ca->serverKeyFile()) & 0x0777, QFile::Permissions(0x0600));
        QCOMPARE(ca->rootFingerprint().size(), 32 * 3 - 1);

        // Made once: the same names reuse everything.
        const std::optional<sse::LocalCa> again =
            sse::LocalCa::ensure(directory.path(), names, &error);
        QVERIFY(again && !again->madeRoot() && !again->issuedServer());
        QCOMPARE(again->rootFingerprint(), ca->rootFingerprint());
        QCOMPARE(certificateIn(again->serverCertFile()), server);

        // A new name: the server certificate is issued again by the same root.
        const std::optional<sse::LocalCa> renamed = sse::LocalCa::ensure(
            directory.path(), names + QStringList{QStringLiteral("other.test")}, &error);
        QVERIFY(renamed && !renamed->madeRoot() && renamed->issuedServer());
        QCOMPARE(renamed->rootFingerprint(), ca->rootFingerprint());
        QVERIFY(altNames(certificateIn(renamed->serverCertFile()))
                    .contains(QLatin1String("other.test")));

        // The names of this machine, as --tls-local uses them; a name no certificate can carry
        // is left out, an address is written the usual way (else it would differ at each start).
        const QStringList local =
            sse::LocalCa::serverNames({QStringLiteral("lan.test"), QStringLiteral("a,IP:6.6.6.6"),
                                       QStringLiteral("0:0:0:0:0:0:0:5")});
        for (const char *name : {"localhost", "127.0.0.1", "::1", "lan.test", "::5"})
            QVERIFY2(local.contains(QLatin1String(name)), name);
        QVERIFY(!local.contains(QStringLiteral("a,IP:6.6.6.6")));

        // A root that cannot be read is not replaced: devices trust it.
        const QByteArray key = [&] {
            QFile file(ca->rootKeyFile());
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        }();
        writeFile(ca->rootCertFile(), "-----BEGIN CERTIFICATE-----\ndamaged\n");
        QVERIFY(!sse::LocalCa::ensure(directory.path(), names, &error));
        QVERIFY2(error.contains(QStringLiteral("move the folder away")), qPrintable(error));
        QFile keyAfter(ca->rootKeyFile());
        QVERIFY(keyAfter.open(QIODevice::ReadOnly));
        QCOMPARE(keyAfter.readAll(), key);
    }

    void servesRoutesAndStreamsOverTls()
    {
        const quint16 port = startLocal();
        QVERIFY(port);
        QVERIFY(m_server.controller->url().startsWith(QLatin1String("https://127.0.0.1:")));
        const sse::TlsStatus tls = m_server.controller->tlsStatus();
        QVERIFY(tls.enabled);
        QCOMPARE(tls.localCaFingerprint.size(), 32 * 3 - 1);
        QVERIFY(tls.notAfter > QDateTime::currentDateTimeUtc().addDays(800));

        // The CA verifies the server for 127.0.0.1 (connectTo checks the peer's name).
        QCOMPARE(request(port, "GET", "/healthz", {}).body, QByteArray("ok"));
        {
            QSslSocket byName;
            QSslConfiguration configuration = byName.sslConfiguration();
            configuration.setCaCertificates(trustedRoots());
            byName.setSslConfiguration(configuration);
            byName.connectToHostEncrypted(QStringLiteral("localhost"), port);
            QVERIFY2(byName.waitForEncrypted(5000), qPrintable(byName.errorString()));
            QCOMPARE(byName.sessionProtocol(), QSsl::TlsV1_3);
        }

        SseReader reader(port, "/events?control=1");
        QTRY_VERIFY(reader.isStreaming());
        QCOMPARE(postJson(port, R"({"event":"greeting","data":"over TLS"})").status, 202);
        QTRY_COMPARE(reader.userEvents().size(), 1);
        QCOMPARE(reader.userEvents().at(0).data, QStringLiteral("over TLS"));
        const QJsonArray clients = request(port, "GET", "/api/clients").json().array();
        QCOMPARE(clients.size(), 1);
        QCOMPARE(clients.at(0).toObject().value(QLatin1String("tls")).toString(),
                 QStringLiteral("TLSv1.3"));

        // A large event leaves in many records and arrives whole.
        const QString big(200 * 1024, u'x');
        QCOMPARE(postJson(port, QJsonDocument(QJsonObject{{QStringLiteral("data"), big}}).toJson())
                     .status,
                 202);
        QTRY_COMPARE(reader.userEvents().size(), 2);
        QCOMPARE(reader.userEvents().at(1).data, big);
    }

    void plainHttpOnTheTlsPort()
    {
        const quint16 port = startLocal();
        QVERIFY(port);
        // Everything is redirected to the same path over https...
        const HttpResponse events = rawRequest(
            port,
            "GET /events?x=1 HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\n\r\n",
            5000, false);
        QCOMPARE(events.status, 308);
        QCOMPARE(events.headers.value("location"),
                 "https://127.0.0.1:" + QByteArray::number(port) + "/events?x=1");
        // ... and a host name not ours is refused first, never redirected to.
        const HttpResponse foreign =
            rawRequest(port, "GET / HTTP/1.1\r\nHost: attacker.test\r\n\r\n", 5000, false);
        QCOMPARE(foreign.status, 421);

        // But the CA comes over plain HTTP: a phone cannot trust the server before it has it.
        const HttpResponse certificate =
            rawRequest(port, "GET /ca.crt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 5000, false);
        QCOMPARE(certificate.status, 200);
        QCOMPARE(certificate.headers.value("content-type"),
                 QByteArray("application/x-x509-ca-cert"));
        QCOMPARE(QSslCertificate(certificate.body, QSsl::Der), trustedRoots().value(0));
        const HttpResponse page =
            rawRequest(port, "GET /ca HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 5000, false);
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains(m_server.controller->tlsStatus().localCaFingerprint.toLatin1()));
        QVERIFY(page.body.contains("Certificate Trust Settings"));
        QVERIFY(page.body.contains("update-ca-certificates"));
        QVERIFY(page.body.contains("certutil"));
    }

    void certificateFiles()
    {
        QTemporaryDir directory;
        QString error;
        const std::optional<sse::LocalCa> one = sse::LocalCa::ensure(
            directory.path() + QStringLiteral("/one"), {QStringLiteral("127.0.0.1")}, &error);
        const std::optional<sse::LocalCa> two = sse::LocalCa::ensure(
            directory.path() + QStringLiteral("/two"), {QStringLiteral("127.0.0.1")}, &error);
        QVERIFY(one && two);
        // Files that work: the chain and key of --tls-cert and --tls-key.
        sse::ServerConfig config = testConfig();
        config.tlsCertFile = one->serverCertFile();
        config.tlsKeyFile = one->serverKeyFile();
        QVERIFY(m_server.restart(config));
        trustedRoots() = QSslCertificate::fromData(one->rootPem());
        QCOMPARE(request(m_server.port, "GET", "/healthz").status, 200);
        // Without the local CA there is no CA to hand out.
        QCOMPARE(rawRequest(m_server.port, "GET /ca.crt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 5000,
                            false)
                     .status,
                 404);
        m_server.controller.reset();

        const QString garbage = directory.path() + QStringLiteral("/garbage.pem");
        writeFile(garbage, "this is not PEM\n");
        const QString missing = directory.path() + QStringLiteral("/missing.pem");

        QString failure = startFailure(missing, one->serverKeyFile());
        QVERIFY2(failure.contains(QStringLiteral("--tls-cert ") + missing +
                                  QStringLiteral(": cannot read the file")),
                 qPrintable(failure));
        failure = startFailure(one->serverCertFile(), missing);
        QVERIFY2(failure.contains(QStringLiteral("--tls-key ") + missing +
                                  QStringLiteral(": cannot read the file")),
                 qPrintable(failure));
        failure = startFailure(garbage, one->serverKeyFile());
        QVERIFY2(failure.contains(QStringLiteral("--tls-cert ") + garbage +
                                  QStringLiteral(": not a PEM file")),
                 qPrintable(failure));
        failure = startFailure(one->serverCertFile(), garbage);
        QVERIFY2(failure.contains(QStringLiteral("--tls-key ") + garbage +
                                  QStringLiteral(": not a PEM file")),
                 qPrintable(failure));
        failure = startFailure(one->serverCertFile(), one->serverCertFile());
        QVERIFY2(failure.contains(QStringLiteral("--tls-key ") + one->serverCertFile() +
                                  QStringLiteral(": not a PEM private key")),
                 qPrintable(failure));
        failure = startFailure(one->serverCertFile(), two->serverKeyFile());
        QVERIFY2(failure.contains(QStringLiteral("--tls-key ") + two->serverKeyFile() +
                                  QStringLiteral(" does not match the certificate in --tls-cert ") +
                                  one->serverCertFile()),
                 qPrintable(failure));
        failure = startFailure(one->serverCertFile(), QString());
        QVERIFY2(failure.contains(QLatin1String("--tls-key is missing")), qPrintable(failure));
    }

    void anExpiredCertificateIsServedWithAWarning()
    {
        // openssl ca is the one tool here that signs with dates in the past.
        QTemporaryDir directory;
        const auto inDirectory = [&directory](const QString &name) {
            return directory.filePath(name);
        };
        writeFile(inDirectory(QStringLiteral("index.txt")), {});
        writeFile(inDirectory(QStringLiteral("ca.cnf")),
                  "[ca]\ndefault_ca = old\n[old]\ndatabase = index.txt\nnew_certs_dir = .\n"
                  "serial = serial\ndefault_md = sha256\npolicy = any\n[any]\n"
                  "commonName = supplied\n");
        const auto run = [&directory](const QStringList &arguments) {
            QProcess openssl;
            openssl.setWorkingDirectory(directory.path());
            openssl.start(QStringLiteral("openssl"), arguments);
            return openssl.waitForFinished(20000) && openssl.exitCode() == 0;
        };
        QVERIFY(run({QStringLiteral("req"), QStringLiteral("-new"), QStringLiteral("-newkey"),
                     QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                     QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"),
                     QStringLiteral("-keyout"), QStringLiteral("key.pem"), QStringLiteral("-out"),
                     QStringLiteral("req.pem"), QStringLiteral("-subj"),
                     QStringLiteral("/CN=127.0.0.1")}));
        QVERIFY(run({QStringLiteral("ca"), QStringLiteral("-config"), QStringLiteral("ca.cnf"),
                     QStringLiteral("-selfsign"), QStringLiteral("-keyfile"),
                     QStringLiteral("key.pem"), QStringLiteral("-in"), QStringLiteral("req.pem"),
                     QStringLiteral("-startdate"), QStringLiteral("20200101000000Z"),
                     QStringLiteral("-enddate"), QStringLiteral("20200102000000Z"),
                     QStringLiteral("-batch"), QStringLiteral("-create_serial"),
                     QStringLiteral("-out"), QStringLiteral("cert.pem")}));
        sse::ServerConfig config = testConfig();
        config.tlsCertFile = inDirectory(QStringLiteral("cert.pem"));
        config.tlsKeyFile = inDirectory(QStringLiteral("key.pem"));
        QVERIFY(m_server.restart(config));
        const QString warning = m_server.controller->tlsStatus().warning;
        QVERIFY2(warning.contains(QStringLiteral("expired on 2020-01-02")), qPrintable(warning));
        QVERIFY(warning.contains(config.tlsCertFile));
    }

    void handshakesThatNeverFinishOrMakeNoSense()
    {
        sse::ServerConfig config = testConfig();
        config.idleTimeoutSeconds = 1;
        const quint16 port = startLocal(config);
        QVERIFY(port);

        // Silence, and half a ClientHello: closed once the idle timeout has passed.
        QTcpSocket silent;
        silent.connectToHost(QStringLiteral("127.0.0.1"), port);
        QTcpSocket half;
        half.connectToHost(QStringLiteral("127.0.0.1"), port);
        QVERIFY(silent.waitForConnected(5000) && half.waitForConnected(5000));
        half.write(QByteArray::fromHex("160301"));
        // Garbage after a handshake's first byte: an alert, then closed.
        QTcpSocket garbage;
        garbage.connectToHost(QStringLiteral("127.0.0.1"), port);
        QVERIFY(garbage.waitForConnected(5000));
        garbage.write(QByteArray(1, '\x16') + QByteArray(600, '\xee'));
        QTRY_COMPARE(garbage.state(), QAbstractSocket::UnconnectedState);
        QTRY_COMPARE(silent.state(), QAbstractSocket::UnconnectedState);
        QTRY_COMPARE(half.state(), QAbstractSocket::UnconnectedState);
        // The server goes on.
        QCOMPARE(request(port, "GET", "/healthz").status, 200);
    }

    void oldProtocolsAreRefused()
    {
        const quint16 port = startLocal();
        QVERIFY(port);
        // openssl's client, allowed TLS 1.1 at security level 0, is told "protocol version".
        const auto connectWith = [port](const QStringList &options) {
            QProcess client;
            client.start(QStringLiteral("openssl"),
                         QStringList{QStringLiteral("s_client"), QStringLiteral("-connect"),
                                     QStringLiteral("127.0.0.1:%1").arg(port)} +
                             options);
            client.closeWriteChannel();
            client.waitForFinished(10000);
            return client.exitCode() == 0 &&
                   client.readAllStandardOutput().contains("Verify return code: 0 (ok)");
        };
        const QString caFile = localCaDirectory() + QStringLiteral("/root-ca.pem");
        QVERIFY(connectWith({QStringLiteral("-CAfile"), caFile, QStringLiteral("-tls1_2")}));
        QVERIFY(connectWith({QStringLiteral("-CAfile"), caFile, QStringLiteral("-tls1_3")}));
        QVERIFY(!connectWith({QStringLiteral("-CAfile"), caFile, QStringLiteral("-tls1_1"),
                              QStringLiteral("-cipher"), QStringLiteral("DEFAULT:@SECLEVEL=0")}));
        QVERIFY(!connectWith({QStringLiteral("-CAfile"), caFile, QStringLiteral("-tls1"),
                              QStringLiteral("-cipher"), QStringLiteral("DEFAULT:@SECLEVEL=0")}));
    }
};

QTEST_MAIN(TestTls)
#include "tst_tls.moc"
