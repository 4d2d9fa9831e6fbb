#pragma once

#include "bindchoice.h"
#include "serverconfig.h"

#include <QStringList>

class QSettings;

namespace sse::ui {

// What the dashboard remembers between runs, besides window layout and composer state.
struct DashboardSettings
{
    ServerConfig server; // bindAddress is derived from bind
    BindChoice bind;
    int logMaxRows = 10000;
    int sendHistorySize = 50;

    static DashboardSettings load(QSettings &settings);
    void save(QSettings &settings) const;
    // Options given explicitly on the command line win over saved values. explicitOptions are
    // the option names QCommandLineParser::optionNames() reports ("port", "bind", ...).
    void applyCommandLine(const ServerConfig &commandLine, const QStringList &explicitOptions);
    // Where the history is kept when the settings do not say (AppDataLocation).
    static QString defaultHistoryFile();
    // The config to start the server with.
    ServerConfig serverConfig() const;
};

} // namespace sse::ui
