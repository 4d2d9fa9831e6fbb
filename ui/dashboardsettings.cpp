#include "dashboardsettings.h"

#include <QSettings>

namespace sse::ui {

DashboardSettings DashboardSettings::load(QSettings &settings)
{
    DashboardSettings result;
    ServerConfig &server = result.server;
    settings.beginGroup(QStringLiteral("server"));
    result.bind = BindChoice::fromSetting(settings.value(QStringLiteral("bind")).toString());
    server.port = quint16(settings.value(QStringLiteral("port"), server.port).toUInt());
    server.historySize = settings.value(QStringLiteral("historySize"), server.historySize).toInt();
    server.heartbeatSeconds =
        settings.value(QStringLiteral("heartbeatSeconds"), server.heartbeatSeconds).toInt();
    server.maxQueueBytes =
        settings.value(QStringLiteral("maxQueueBytes"), server.maxQueueBytes).toLongLong();
    server.maxClients = settings.value(QStringLiteral("maxClients"), server.maxClients).toInt();
    server.idleTimeoutSeconds =
        settings.value(QStringLiteral("idleTimeoutSeconds"), server.idleTimeoutSeconds).toInt();
    server.maxBodyBytes =
        settings.value(QStringLiteral("maxBodyBytes"), server.maxBodyBytes).toLongLong();
    server.token = settings.value(QStringLiteral("token")).toString();
    server.subscriberToken = settings.value(QStringLiteral("subscriberToken")).toString();
    settings.endGroup();
    result.logMaxRows = settings.value(QStringLiteral("log/maxRows"), result.logMaxRows).toInt();
    result.sendHistorySize =
        settings.value(QStringLiteral("composer/historySize"), result.sendHistorySize).toInt();
    // A token the operator already handed out keeps working after a restart.
    if (server.token.isEmpty())
        server.token = generateToken();
    // Hand-edited nonsense falls back to the defaults rather than a server that cannot start.
    if (!server.validate().isEmpty()) {
        const QString token = server.token;
        server = ServerConfig();
        server.token = token;
    }
    return result;
}

void DashboardSettings::save(QSettings &settings) const
{
    settings.beginGroup(QStringLiteral("server"));
    settings.setValue(QStringLiteral("bind"), bind.toSetting());
    settings.setValue(QStringLiteral("port"), server.port);
    settings.setValue(QStringLiteral("historySize"), server.historySize);
    settings.setValue(QStringLiteral("heartbeatSeconds"), server.heartbeatSeconds);
    settings.setValue(QStringLiteral("maxQueueBytes"), server.maxQueueBytes);
    settings.setValue(QStringLiteral("maxClients"), server.maxClients);
    settings.setValue(QStringLiteral("idleTimeoutSeconds"), server.idleTimeoutSeconds);
    settings.setValue(QStringLiteral("maxBodyBytes"), server.maxBodyBytes);
    settings.setValue(QStringLiteral("token"), server.token);
    settings.setValue(QStringLiteral("subscriberToken"), server.subscriberToken);
    settings.endGroup();
    settings.setValue(QStringLiteral("log/maxRows"), logMaxRows);
    settings.setValue(QStringLiteral("composer/historySize"), sendHistorySize);
}

void DashboardSettings::applyCommandLine(const ServerConfig &commandLine,
                                         const QStringList &explicitOptions)
{
    const auto given = [&explicitOptions](const char *name) {
        return explicitOptions.contains(QLatin1String(name));
    };
    if (given("bind"))
        bind = BindChoice::fromAddress(commandLine.bindAddress);
    if (given("port"))
        server.port = commandLine.port;
    if (given("history"))
        server.historySize = commandLine.historySize;
    if (given("heartbeat"))
        server.heartbeatSeconds = commandLine.heartbeatSeconds;
    if (given("max-queue"))
        server.maxQueueBytes = commandLine.maxQueueBytes;
    if (given("max-clients"))
        server.maxClients = commandLine.maxClients;
    if (given("idle-timeout"))
        server.idleTimeoutSeconds = commandLine.idleTimeoutSeconds;
    if (given("max-body"))
        server.maxBodyBytes = commandLine.maxBodyBytes;
    if (given("token"))
        server.token = commandLine.token;
    if (given("subscriber-token"))
        server.subscriberToken = commandLine.subscriberToken;
    if (given("require-token"))
        server.requireTokenOnLoopback = commandLine.requireTokenOnLoopback;
    if (given("threads"))
        server.fanoutThreads = commandLine.fanoutThreads;
}

ServerConfig DashboardSettings::serverConfig() const
{
    ServerConfig config = server;
    config.bindAddress = bindAddress(bind);
    return config;
}

} // namespace sse::ui
