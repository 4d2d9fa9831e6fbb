#pragma once

#include "serverconfig.h"

#include <QList>
#include <QString>
#include <QVariant>

class QSettings;

namespace sse {

// One ServerConfig setting, described once. The command line (and its --help), QSettings,
// the settings dialog's limits and ServerConfig::validate() all read this table, so a new
// option or a changed range is written in one place.
struct ConfigOption
{
    enum class Kind {
        Integer, // a whole number in [minimum, maximum]
        Text,    // any string
        Flag,    // on when given
        Address, // an IP address
        List,    // repeatable; each use adds one string
    };

    QString name;        // on the command line without the dashes, and in error messages
    QString valueName;   // placeholder in --help ("N", "BYTES"); empty for flags
    QString help;        // one sentence
    QString settingsKey; // QSettings key; empty when the option is not remembered
    Kind kind = Kind::Integer;
    qint64 minimum = 0;
    qint64 maximum = 0;
    QString unit; // for range messages: "seconds", "bytes", ...
    QVariant (*get)(const ServerConfig &) = nullptr;
    void (*set)(ServerConfig &, const QVariant &) = nullptr;
    QString defaultRule; // for --help, when the default is chosen at run time ("generated")

    // The --help line: help text and the default.
    QString helpWithDefault() const;
    // Sets the option from command-line text; returns a sentence naming the option when the
    // text is not acceptable.
    QString setFromText(ServerConfig &config, const QString &text) const;
    // A sentence naming the option when its value in config is out of range, else empty.
    QString check(const ServerConfig &config) const;
};

const QList<ConfigOption> &configOptions();
// nullptr for a name not in the table.
const ConfigOption *findConfigOption(const QString &name);

// The remembered options (those with a settings key); a saved value replaces the default.
void loadConfig(QSettings &settings, ServerConfig &config);
void saveConfig(QSettings &settings, const ServerConfig &config);

} // namespace sse
