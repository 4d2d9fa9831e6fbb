#pragma once

// What the fault injection tests (docs/faults.md) share: a server to install faults on, streams
// read with RawStream, and the /api/faults calls.

#include "rawstream.h"
#include "serverfixture.h"
#include "testsupport.h"

#include <QByteArray>
#include <QDebug>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QTest>

#include <algorithm>
#include <memory>

namespace testsupport {

// JSON written with single quotes, so moc (which does not read raw strings) and people both can.
inline QByteArray jsonText(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

// For a test class of fault injection: derive from it after QObject, startServer() in init().
class FaultTest
{
protected:
    TestServer m_server; // on its own thread: the test's reads block
    quint16 m_port = 0;

    void startServer(sse::ServerConfig config = testConfig())
    {
        QVERIFY(m_server.restart(config));
        m_port = m_server.port;
    }

    // Opens a stream and waits for its head; id gets the new client's id.
    std::unique_ptr<RawStream> open(quint64 *id, const QByteArray &target = "/events")
    {
        auto stream = std::make_unique<RawStream>(m_port, target);
        stream->readUntil([&](const QByteArray &) { return stream->hasHead(); });
        *id = 0;
        for (const QJsonValue &client : clients())
            *id = std::max(*id, quint64(client.toObject().value(QStringLiteral("id")).toInteger()));
        return stream;
    }

    QJsonArray clients() const { return request(m_port, "GET", "/api/clients").json().array(); }
    QJsonArray faults() const { return request(m_port, "GET", "/api/faults").json().array(); }

    // Installs a fault; returns its id, or an empty string after failing the test.
    QString install(const QByteArray &json)
    {
        const HttpResponse response = postJson(m_port, json, "/api/faults");
        if (response.status != 201) {
            qWarning().noquote() << json << "→" << response.status << response.body;
            return {};
        }
        return response.json().object().value(QStringLiteral("id")).toString();
    }

    void publish(const QByteArray &json) { QCOMPARE(postJson(m_port, json).status, 202); }

    QByteArray target(quint64 clientId) const { return QByteArray::number(clientId); }
};

} // namespace testsupport
