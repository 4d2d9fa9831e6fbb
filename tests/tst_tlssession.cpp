// TlsSession against OpenSSL's own client, through memory: the handshake, records both ways,
// and the send-only mode a stream switches to (Tls13Sealer), whose records, close_notify and
// KeyUpdate the client must read as it reads OpenSSL's.
#include "localca.h"
#include "streamhub.h"
#include "tlscontext.h"
#include "tlssession.h"

#include <QTemporaryDir>
#include <QTest>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <memory>

#include <sys/socket.h>
#include <unistd.h>

namespace {

// An OpenSSL client whose records go through memory BIOs.
class MemoryClient
{
public:
    explicit MemoryClient(int maxVersion = TLS1_3_VERSION, const char *suites = nullptr)
        : m_context(SSL_CTX_new(TLS_client_method()))
    {
        SSL_CTX_set_max_proto_version(m_context, maxVersion);
        if (suites)
            SSL_CTX_set_ciphersuites(m_context, suites);
        m_ssl = SSL_new(m_context);
        m_in = BIO_new(BIO_s_mem());
        m_out = BIO_new(BIO_s_mem());
        SSL_set_bio(m_ssl, m_in, m_out);
        SSL_set_connect_state(m_ssl);
    }
    ~MemoryClient()
    {
        SSL_free(m_ssl);
        SSL_CTX_free(m_context);
    }

    // Runs the handshake with the server session; true once both ends are established.
    bool handshake(sse::TlsSession &server)
    {
        for (int round = 0; round < 10; ++round) {
            const int done = SSL_do_handshake(m_ssl);
            const QByteArray toServer = takeOutput();
            QByteArray plain;
            if (!toServer.isEmpty() &&
                !server.receive(toServer.constData(), toServer.size(), &plain))
                return false;
            give(server.takeOutgoing());
            if (done == 1 && server.isEstablished())
                return true;
        }
        return false;
    }
    void give(const QByteArray &cipher) { BIO_write(m_in, cipher.constData(), int(cipher.size())); }
    QByteArray takeOutput()
    {
        char *data = nullptr;
        const long size = BIO_get_mem_data(m_out, &data);
        const QByteArray bytes(data, int(size));
        (void)BIO_reset(m_out);
        return bytes;
    }
    // Reads what the server's records carry; *closed when close_notify came.
    QByteArray read(bool *closed = nullptr)
    {
        QByteArray plain;
        char buffer[4096];
        for (;;) {
            const int got = SSL_read(m_ssl, buffer, int(sizeof buffer));
            if (got > 0) {
                plain.append(buffer, got);
                continue;
            }
            if (closed)
                *closed = SSL_get_error(m_ssl, got) == SSL_ERROR_ZERO_RETURN;
            ERR_clear_error();
            return plain;
        }
    }
    bool write(const QByteArray &plain)
    {
        return SSL_write(m_ssl, plain.constData(), int(plain.size())) == plain.size();
    }
    QString version() const { return QString::fromLatin1(SSL_get_version(m_ssl)); }
    bool requestKeyUpdate() { return SSL_key_update(m_ssl, SSL_KEY_UPDATE_REQUESTED) == 1; }

private:
    SSL_CTX *m_context;
    SSL *m_ssl = nullptr;
    BIO *m_in = nullptr;
    BIO *m_out = nullptr;
};

} // namespace

class TestTlsSession : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_directory;
    std::unique_ptr<sse::TlsContext> m_context;

private slots:
    void initTestCase()
    {
        QString error;
        const std::optional<sse::LocalCa> ca =
            sse::LocalCa::ensure(m_directory.path(), {QStringLiteral("127.0.0.1")}, &error);
        QVERIFY2(ca, qPrintable(error));
        m_context = sse::TlsContext::fromFiles(ca->serverCertFile(), ca->serverKeyFile(), &error);
        QVERIFY2(m_context, qPrintable(error));
    }

    void sendOnlyGoesOnWhereOpenSslLeftOff_data()
    {
        QTest::addColumn<QByteArray>("suite");
        QTest::newRow("AES-128-GCM") << QByteArray("TLS_AES_128_GCM_SHA256");
        QTest::newRow("AES-256-GCM") << QByteArray("TLS_AES_256_GCM_SHA384");
        QTest::newRow("ChaCha20-Poly1305") << QByteArray("TLS_CHACHA20_POLY1305_SHA256");
    }
    void sendOnlyGoesOnWhereOpenSslLeftOff()
    {
        QFETCH(QByteArray, suite);
        MemoryClient client(TLS1_3_VERSION, suite.constData());
        sse::TlsSession server(m_context->native());
        QVERIFY(client.handshake(server));
        QCOMPARE(server.version(), QStringLiteral("TLSv1.3"));

        // A request and its answer while OpenSSL still holds the connection: the sealer goes
        // on from the records sent so far.
        QVERIFY(client.write("GET /events HTTP/1.1\r\n\r\n"));
        const QByteArray toServer = client.takeOutput();
        QByteArray request;
        QVERIFY(server.receive(toServer.constData(), toServer.size(), &request));
        QCOMPARE(request, QByteArray("GET /events HTTP/1.1\r\n\r\n"));
        QVERIFY(server.encrypt("HTTP/1.1 200 OK\r\n\r\n", 19));
        QVERIFY(server.encrypt("retry: 1000\n\n", 13));
        client.give(server.takeOutgoing());
        QCOMPARE(client.read(), QByteArray("HTTP/1.1 200 OK\r\n\r\nretry: 1000\n\n"));

        // Send-only, with a key update every 4 records to see some happen.
        QVERIFY(server.becomeSendOnly(4));
        QVERIFY(server.isSendOnly());
        QCOMPARE(server.version(), QStringLiteral("TLSv1.3"));
        QByteArray expected;
        for (int n = 0; n < 12; ++n) {
            const QByteArray event = "data: event " + QByteArray::number(n) + "\n\n";
            QVERIFY(server.encrypt(event.constData(), event.size()));
            expected += event;
        }
        const QByteArray big(40000, 'x'); // more than a record holds: several
        QVERIFY(server.encrypt(big.constData(), big.size()));
        expected += big;
        client.give(server.takeOutgoing());
        QCOMPARE(client.read(), expected);

        server.shutdown();
        client.give(server.takeOutgoing());
        bool closed = false;
        QVERIFY(client.read(&closed).isEmpty());
        QVERIFY(closed);
    }

    void aSessionThatUpdatedItsKeyStaysWithOpenSsl()
    {
        MemoryClient client;
        sse::TlsSession server(m_context->native());
        QVERIFY(client.handshake(server));
        // The client asks for a KeyUpdate: the server's answer moves it to a secret the key log
        // never told, so a sealer made from the first one would be wrong.
        QVERIFY(client.requestKeyUpdate());
        QVERIFY(client.write("GET /events HTTP/1.1\r\n\r\n"));
        const QByteArray toServer = client.takeOutput();
        QByteArray request;
        QVERIFY(server.receive(toServer.constData(), toServer.size(), &request));
        QVERIFY(server.encrypt("HTTP/1.1 200 OK\r\n\r\n", 19));
        QVERIFY(!server.becomeSendOnly());
        QVERIFY(server.encrypt("data: after\n\n", 13));
        client.give(server.takeOutgoing());
        QCOMPARE(client.read(), QByteArray("HTTP/1.1 200 OK\r\n\r\ndata: after\n\n"));
    }

    void aPacedTlsStreamCountsWhatTheClientReads()
    {
        // A stream of the hub over a socket pair, its session handshaken through memory.
        MemoryClient client;
        auto server = std::make_unique<sse::TlsSession>(m_context->native());
        QVERIFY(client.handshake(*server));
        int sockets[2];
        QVERIFY(::socketpair(AF_UNIX, SOCK_STREAM, 0, sockets) == 0);
        sse::StreamHub hub(1 << 20);
        const int stream = hub.adopt(sockets[0], std::move(server));
        ::close(sockets[0]); // the hub holds its own copy
        QVERIFY(stream >= 0);
        QCOMPARE(hub.tlsVersion(stream), QStringLiteral("TLSv1.3"));

        // Held (a drip fault): 10 bytes let out are 10 bytes of data, sent as a record of
        // their own, whatever the record costs on the wire.
        hub.setHeld(stream, true);
        const QByteArray event = "data: " + QByteArray(94, 'd') + "\n\n";
        QCOMPARE(hub.write(stream, event), sse::StreamHub::WriteResult::Written);
        QCOMPARE(hub.queuedBytes(stream), qint64(event.size()));
        QCOMPARE(hub.sendHeld(stream, 10), qint64(10));
        QCOMPARE(hub.queuedBytes(stream), qint64(event.size() - 10));
        char wire[4096];
        const ssize_t got = ::recv(sockets[1], wire, sizeof wire, 0);
        QCOMPARE(got, ssize_t(5 + 10 + 1 + 16)); // one record: header, data, type, tag
        client.give(QByteArray(wire, int(got)));
        QCOMPARE(client.read(), event.left(10));

        hub.setHeld(stream, false); // the rest leaves at once
        QTRY_COMPARE(hub.queuedBytes(stream), qint64(0));
        QByteArray rest;
        while (rest.size() < 5 + (event.size() - 10) + 1 + 16) {
            const ssize_t more = ::recv(sockets[1], wire, sizeof wire, 0);
            QVERIFY(more > 0);
            rest.append(wire, int(more));
        }
        client.give(rest);
        QCOMPARE(client.read(), event.mid(10));
        hub.close(stream);
        ::close(sockets[1]);
    }

    void tls12StaysWithOpenSsl()
    {
        MemoryClient client(TLS1_2_VERSION);
        sse::TlsSession server(m_context->native());
        QVERIFY(client.handshake(server));
        QCOMPARE(server.version(), QStringLiteral("TLSv1.2"));
        QVERIFY(!server.becomeSendOnly());
        QVERIFY(!server.isSendOnly());
        QVERIFY(server.encrypt("data: still fine\n\n", 18));
        client.give(server.takeOutgoing());
        QCOMPARE(client.read(), QByteArray("data: still fine\n\n"));
    }
};

QTEST_GUILESS_MAIN(TestTlsSession)
#include "tst_tlssession.moc"
