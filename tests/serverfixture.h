#pragma once

#include "servercontroller.h"

#include <QSignalSpy>

#include <memory>

namespace testsupport {

// Starts the controller's server on a free loopback port; returns the port, or 0 on failure.
inline quint16 startServer(sse::ServerController &controller, sse::ServerConfig config = {},
                           int snapshotIntervalMs = 0)
{
    config.port = 0;
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

// The token the HTTP tests publish with from "another computer".
inline sse::ServerConfig testConfig()
{
    sse::ServerConfig config;
    config.token = QStringLiteral("secret-token");
    return config;
}

} // namespace testsupport
