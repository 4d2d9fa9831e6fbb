#include "dashboardsettings.h"

#include "serveroptions.h"

#include <QSettings>
#include <QStandardPaths>

namespace sse::ui {

DashboardSettings DashboardSettings::load(QSettings &settings)
{
    DashboardSettings result;
    ServerConfig &server = result.server;
    result.bind = BindChoice::fromSetting(settings.value(QStringLiteral("server/bind")).toString());
    loadConfig(settings, server);
    // The dashboard keeps its history in a file unless told otherwise (an empty path).
    if (!settings.contains(QStringLiteral("server/historyFile")))
        server.historyFile = defaultHistoryFile();
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
    settings.setValue(QStringLiteral("server/bind"), bind.toSetting());
    saveConfig(settings, server);
    settings.setValue(QStringLiteral("log/maxRows"), logMaxRows);
    settings.setValue(QStringLiteral("composer/historySize"), sendHistorySize);
}

void DashboardSettings::applyCommandLine(const ServerConfig &commandLine,
                                         const QStringList &explicitOptions)
{
    for (const QString &name : explicitOptions) {
        const ConfigOption *option = findConfigOption(name);
        if (!option)
            continue;
        if (name == QStringLiteral("bind"))
            bind = BindChoice::fromAddress(commandLine.bindAddress);
        else
            option->set(server, option->get(commandLine));
    }
}

QString DashboardSettings::defaultHistoryFile()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/history.sqlite");
}

ServerConfig DashboardSettings::serverConfig() const
{
    ServerConfig config = server;
    config.bindAddress = bindAddress(bind);
    return config;
}

} // namespace sse::ui
