#pragma once

#include "eventlogfixture.h"
#include "localca.h"
#include "servercontroller.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QTemporaryDir>

#include <memory>

namespace testsupport {

// Over TLS (overTls()): a certificate for 127.0.0.1 and localhost from a CA made once per
// test process, which the clients of testsupport.h trust.
inline void useTestCertificate(sse::ServerConfig &config)
{
    static QTemporaryDir directory;
    static const std::optional<sse::LocalCa> ca = [] {
        QString error;
        std::optional<sse::LocalCa> made = sse::LocalCa::ensure(
            directory.path(), {QStringLiteral("localhost"), QStringLiteral("127.0.0.1")}, &error);
        if (!made)
            qFatal("cannot make the test CA: %s", qPrintable(error));
        trustedRoots() = QSslCertificate::fromData(made->rootPem());
        return made;
    }();
    config.tlsCertFile = ca->serverCertFile();
    config.tlsKeyFile = ca->serverKeyFile();
}

// Starts the controller's server on a free loopback port; returns the port, or 0 on failure.
inline quint16 startServer(sse::ServerController &controller, sse::ServerConfig config = {},
                           int snapshotIntervalMs = 0)
{
    config.port = 0;
    if (overTls() && !config.tlsLocal && config.tlsCertFile.isEmpty())
        useTestCertificate(config);
    QSignalSpy started(&controller, &sse::ServerController::started);
    controller.start(config, snapshotIntervalMs);
    if (!started.wait(5000))
        return 0;
    return started.constFirst().at(2).value<quint16>();
}

// A server on its own thread that a test can restart with another config.
struct TestServer
{
    std::unique_ptr<sse::ServerController> controller;
    quint16 port = 0;

    bool restart(const sse::ServerConfig &config)
    {
        controller = std::make_unique<sse::ServerController>();
        port = startServer(*controller, config);
        return port != 0;
    }
};

// A TestServer on the event log $SSE_TEST_EVENT_LOG names (ctest runs such files once per
// log), started afresh, on an empty log, by each restart.
struct TestServerOnEventLog
{
    EventLogBackend eventLog;
    TestServer server;

    // False, and why, when the log's part or the server did not start.
    bool restart(sse::ServerConfig config, QString *why)
    {
        server.controller.reset(); // before its event log goes
        if (!eventLog.use(eventLogFromEnvironment(), config, why))
            return false;
        if (!server.restart(config)) {
            *why = QStringLiteral("the server did not start");
            return false;
        }
        return true;
    }
};

// For a test class whose tests run on the event log $SSE_TEST_EVENT_LOG names: derive from it
// after QObject, restart() in init() and wherever a test needs another config.
class EventLogServerTest
{
protected:
    TestServerOnEventLog m_server;
    quint16 m_port = 0;

    // Fails the test when the log's part or the server did not start.
    void restart(const sse::ServerConfig &config)
    {
        QString why;
        QVERIFY2(m_server.restart(config, &why), qPrintable(why));
        m_port = m_server.server.port;
    }
};

// The token the HTTP tests publish with from "another computer".
inline sse::ServerConfig testConfig()
{
    sse::ServerConfig config;
    config.token = QStringLiteral("secret-token");
    return config;
}

} // namespace testsupport
