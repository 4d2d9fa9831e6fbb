#pragma once

// What the HTTP/2 tests share: a server on its own thread, clients of tests/h2client.h, and
// frames written by hand (RFC 9113 section 6, HPACK from its static table).
#include "h2client.h"
#include "serverfixture.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <memory>

namespace testsupport::h2frames {

// Frame types and flags (RFC 9113 section 6).
constexpr quint8 Data = 0x0;
constexpr quint8 Headers = 0x1;
constexpr quint8 RstStream = 0x3;
constexpr quint8 Settings = 0x4;
constexpr quint8 Ping = 0x6;
constexpr quint8 WindowUpdate = 0x8;
constexpr quint8 Continuation = 0x9;
constexpr quint8 EndStream = 0x1;
constexpr quint8 EndHeaders = 0x4;

// HPACK, from the static table (RFC 7541 appendix A): ":method GET" or ":method POST", ":path /",
// ":scheme", then ":authority 127.0.0.1" as a literal.
inline QByteArray requestBlock(char method)
{
    return QByteArray(1, method) + QByteArray("\x84") + QByteArray(1, overTls() ? '\x87' : '\x86') +
           QByteArray("\x41\x09") + QByteArray("127.0.0.1");
}
inline QByteArray getRequest()
{
    return requestBlock('\x82');
}
inline QByteArray postRequest()
{
    return requestBlock('\x83');
}

} // namespace testsupport::h2frames

namespace testsupport {

// For an HTTP/2 test class: derive from it after QObject and start the server in init().
class Http2ServerTest
{
protected:
    TestServer m_server; // on its own thread
    quint16 m_port = 0;

    void startServer(sse::ServerConfig config = {})
    {
        QVERIFY(m_server.restart(config));
        m_port = m_server.port;
    }
    std::unique_ptr<H2Client> connectClient(uint32_t initialWindow = 1 << 20)
    {
        auto client = std::make_unique<H2Client>(m_port, overTls(), initialWindow);
        if (!client->waitForConnected())
            return nullptr;
        return client;
    }
    QJsonArray clients() const { return request(m_port, "GET", "/api/clients").json().array(); }
    // The id of the client listed first (the oldest).
    QByteArray firstClientId() const
    {
        return QByteArray::number(
            clients().first().toObject().value(QStringLiteral("id")).toInteger());
    }
};

} // namespace testsupport
