#pragma once

#include "servercontroller.h"

#include <QSignalSpy>

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

} // namespace testsupport
