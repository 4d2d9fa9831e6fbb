#include "serveroptions.h"

#include <QSettings>

namespace sse {

namespace {

using Kind = ConfigOption::Kind;

// get/set pairs for one ServerConfig member, as plain function pointers.
#define SSE_MEMBER(member)                                                                         \
    [](const ServerConfig &config) { return QVariant::fromValue(config.member); },                 \
        [](ServerConfig &config, const QVariant &value) {                                          \
            config.member = qvariant_cast<decltype(ServerConfig::member)>(value);                  \
        }

QList<ConfigOption> buildTable()
{
    constexpr qint64 MiB = 1024 * 1024;
    return {
        {QStringLiteral("bind"),
         QStringLiteral("ADDR"),
         QStringLiteral("Address to listen on (0.0.0.0 for the LAN)."),
         {}, // the dashboard remembers its own choice of interface
         Kind::Address,
         0,
         0,
         {},
         [](const ServerConfig &config) { return QVariant(config.bindAddress.toString()); },
         [](ServerConfig &config, const QVariant &value) {
             config.bindAddress = QHostAddress(value.toString());
         },
         {}},
        {QStringLiteral("port"),
         QStringLiteral("N"),
         QStringLiteral("TCP port; 0 picks a free one."),
         QStringLiteral("server/port"),
         Kind::Integer,
         0,
         65535,
         {},
         SSE_MEMBER(port),
         {}},
        {QStringLiteral("tls-cert"),
         QStringLiteral("FILE"),
         QStringLiteral("Serve HTTPS on --port with this PEM certificate chain (docs/tls.md); "
                        "plain HTTP there is redirected."),
         QStringLiteral("server/tlsCertFile"),
         Kind::Text,
         0,
         0,
         {},
         SSE_MEMBER(tlsCertFile),
         QStringLiteral("plain HTTP")},
        {QStringLiteral("tls-key"),
         QStringLiteral("FILE"),
         QStringLiteral("The PEM private key of --tls-cert."),
         QStringLiteral("server/tlsKeyFile"),
         Kind::Text,
         0,
         0,
         {},
         SSE_MEMBER(tlsKeyFile),
         {}},
        {QStringLiteral("tls-local"),
         {},
         QStringLiteral("Serve HTTPS with a certificate of the dashboard's own certificate "
                        "authority, made on first use; plain GET /ca.crt downloads it."),
         QStringLiteral("server/tlsLocal"),
         Kind::Flag,
         0,
         0,
         {},
         SSE_MEMBER(tlsLocal),
         {}},
        {QStringLiteral("history"),
         QStringLiteral("N"),
         QStringLiteral("Events kept for Last-Event-ID replay (and at most 64 MiB of them)."),
         QStringLiteral("server/historySize"),
         Kind::Integer,
         0,
         1000000,
         QStringLiteral("events"),
         SSE_MEMBER(historySize),
         {}},
        {QStringLiteral("history-file"),
         QStringLiteral("PATH"),
         QStringLiteral("Keep the history in this SQLite file: it survives restarts and crashes, "
                        "and ids go on (docs/history.md)."),
         QStringLiteral("server/historyFile"),
         Kind::Text,
         0,
         0,
         {},
         SSE_MEMBER(historyFile),
         QStringLiteral("in memory; the dashboard keeps a file in its data folder")},
        {QStringLiteral("redis"),
         QStringLiteral("URL"),
         QStringLiteral("Share channels, ids and history with other instances through Redis "
                        "Streams: redis://HOST:PORT[/DB][?prefix=P] (docs/scaling.md)."),
         QStringLiteral("server/redisUrl"),
         Kind::Text,
         0,
         0,
         {},
         SSE_MEMBER(redisUrl),
         QStringLiteral("this instance alone")},
        {QStringLiteral("heartbeat"),
         QStringLiteral("SECONDS"),
         QStringLiteral("Seconds between heartbeat comments."),
         QStringLiteral("server/heartbeatSeconds"),
         Kind::Integer,
         1,
         3600,
         QStringLiteral("seconds"),
         SSE_MEMBER(heartbeatSeconds),
         {}},
        {QStringLiteral("max-queue"),
         QStringLiteral("BYTES"),
         QStringLiteral("Bytes queued for one subscriber before it is dropped as slow."),
         QStringLiteral("server/maxQueueBytes"),
         Kind::Integer,
         1024,
         qint64(1) << 40,
         QStringLiteral("bytes"),
         SSE_MEMBER(maxQueueBytes),
         {}},
        {QStringLiteral("max-clients"),
         QStringLiteral("N"),
         QStringLiteral("Most subscribers at once (told to retry beyond)."),
         QStringLiteral("server/maxClients"),
         Kind::Integer,
         1,
         1000000,
         {},
         SSE_MEMBER(maxClients),
         {}},
        {QStringLiteral("max-streams-per-address"),
         QStringLiteral("N"),
         QStringLiteral("Of those, most from one non-loopback address (told to retry beyond)."),
         QStringLiteral("server/maxStreamsPerAddress"),
         Kind::Integer,
         1,
         1000000,
         {},
         SSE_MEMBER(maxStreamsPerAddress),
         {}},
        {QStringLiteral("max-queued-total"), QStringLiteral("BYTES"),
         QStringLiteral("Bytes queued for all subscribers together; past it the largest queues "
                        "are dropped as slow."),
         QStringLiteral("server/maxQueuedTotal"), Kind::Integer, 1024, qint64(1) << 50,
         QStringLiteral("bytes"), SSE_MEMBER(maxQueuedTotal),
         QStringLiteral("an eighth of the machine's memory, at least 64 MiB")},
        {QStringLiteral("max-http-connections"),
         QStringLiteral("N"),
         QStringLiteral("Most connections that are not streams: idle, or sending a request."),
         QStringLiteral("server/maxHttpConnections"),
         Kind::Integer,
         1,
         1000000,
         {},
         SSE_MEMBER(maxHttpConnections),
         {}},
        {QStringLiteral("max-connections-per-address"),
         QStringLiteral("N"),
         QStringLiteral("Of those, most from one non-loopback address."),
         QStringLiteral("server/maxConnectionsPerAddress"),
         Kind::Integer,
         1,
         1000000,
         {},
         SSE_MEMBER(maxConnectionsPerAddress),
         {}},
        {QStringLiteral("idle-timeout"),
         QStringLiteral("SECONDS"),
         QStringLiteral("Seconds a connection may take to send a whole request."),
         QStringLiteral("server/idleTimeoutSeconds"),
         Kind::Integer,
         1,
         3600,
         QStringLiteral("seconds"),
         SSE_MEMBER(idleTimeoutSeconds),
         {}},
        {QStringLiteral("max-body"),
         QStringLiteral("BYTES"),
         QStringLiteral("Largest request body in bytes (413 beyond)."),
         QStringLiteral("server/maxBodyBytes"),
         Kind::Integer,
         1024,
         256 * MiB,
         QStringLiteral("bytes"),
         SSE_MEMBER(maxBodyBytes),
         {}},
        {QStringLiteral("max-header-bytes"),
         QStringLiteral("BYTES"),
         QStringLiteral("Largest request line and header section in bytes (431 beyond)."),
         QStringLiteral("server/maxHeaderBytes"),
         Kind::Integer,
         1024,
         64 * 1024,
         QStringLiteral("bytes"),
         SSE_MEMBER(maxHeaderBytes),
         {}},
        {QStringLiteral("max-h2-streams"),
         QStringLiteral("N"),
         QStringLiteral("Streams one HTTP/2 connection may have open at once "
                        "(SETTINGS_MAX_CONCURRENT_STREAMS); each stream counts toward "
                        "--max-clients."),
         QStringLiteral("server/maxHttp2Streams"),
         Kind::Integer,
         1,
         10000,
         QStringLiteral("streams"),
         SSE_MEMBER(maxHttp2Streams),
         {}},
        {QStringLiteral("token"),
         QStringLiteral("TOKEN"),
         QStringLiteral("Bearer token for publishing from other computers."),
         QStringLiteral("server/token"),
         Kind::Text,
         0,
         0,
         {},
         SSE_MEMBER(token),
         QStringLiteral("generated at start")},
        {QStringLiteral("subscriber-token"),
         QStringLiteral("TOKEN"),
         QStringLiteral("Token needed to subscribe (?token= or Authorization)."),
         QStringLiteral("server/subscriberToken"),
         Kind::Text,
         0,
         0,
         {},
         SSE_MEMBER(subscriberToken),
         {}},
        {QStringLiteral("require-token"),
         {},
         QStringLiteral("Require the publish token from loopback publishers too."),
         {}, // a testing aid, given per run
         Kind::Flag,
         0,
         0,
         {},
         SSE_MEMBER(requireTokenOnLoopback),
         {}},
        {QStringLiteral("access-log"),
         {},
         QStringLiteral("Print one line per HTTP request on standard output, in the common log "
                        "format."),
         {}, // chosen per run, like a verbosity
         Kind::Flag,
         0,
         0,
         {},
         SSE_MEMBER(accessLog),
         {}},
        {QStringLiteral("allowed-host"),
         QStringLiteral("NAME"),
         QStringLiteral("Also answer requests for this host name (repeatable); other names "
                        "get 421, against DNS rebinding."),
         QStringLiteral("server/allowedHosts"),
         Kind::List,
         0,
         0,
         {},
         SSE_MEMBER(allowedHosts),
         {}},
        {QStringLiteral("cors-origin"),
         QStringLiteral("ORIGIN"),
         QStringLiteral("Give this web origin (http://host:port) CORS on the API and publishing "
                        "(repeatable); it still needs the token."),
         QStringLiteral("server/corsOrigins"),
         Kind::List,
         0,
         0,
         {},
         SSE_MEMBER(corsOrigins),
         {}},
        {QStringLiteral("threads"),
         QStringLiteral("N"),
         QStringLiteral("Threads that send one event to many subscribers."),
         {}, // the default follows the machine, so it is not pinned by saving it
         Kind::Integer,
         1,
         64,
         {},
         SSE_MEMBER(fanoutThreads),
         QStringLiteral("cores - 1, from 1 to 4")},
        {QStringLiteral("io"),
         QStringLiteral("auto|epoll|uring"),
         QStringLiteral("How events reach the subscribers' sockets: one send() each (epoll), or "
                        "batches through io_uring; auto takes io_uring when the kernel allows "
                        "it."),
         {},
         Kind::Text,
         0,
         0,
         {},
         SSE_MEMBER(io),
         QStringLiteral("auto, or $SSE_DASHBOARD_IO")},
        {QStringLiteral("route"),
         QStringLiteral("\"METHOD PATH=FILE\""),
         QStringLiteral("Bind a scenario file to a route (repeatable): each request gets its own "
                        "stream playing it (docs/scenarios.md)."),
         QStringLiteral("server/routes"),
         Kind::List,
         0,
         0,
         {},
         SSE_MEMBER(routes),
         {}},
        {QStringLiteral("fault"),
         QStringLiteral("JSON"),
         QStringLiteral("Install a fault at start (repeatable), e.g. '{\"kind\":\"status\","
                        "\"status\":503,\"retryAfter\":5}' (docs/faults.md)."),
         {}, // faults are for one run, never remembered
         Kind::List,
         0,
         0,
         {},
         SSE_MEMBER(faults),
         {}},
    };
}

#undef SSE_MEMBER

} // namespace

QString ConfigOption::helpWithDefault() const
{
    if (kind == Kind::Flag)
        return help;
    const ServerConfig defaults;
    QString value = kind == Kind::List ? get(defaults).toStringList().join(QStringLiteral(", "))
                                       : get(defaults).toString();
    if (!defaultRule.isEmpty())
        value =
            value.isEmpty() ? defaultRule : QStringLiteral("%1; here %2").arg(defaultRule, value);
    else if (value.isEmpty())
        value = QStringLiteral("none");
    return QStringLiteral("%1 Default: %2.").arg(help, value);
}

QString ConfigOption::setFromText(ServerConfig &config, const QString &text) const
{
    switch (kind) {
    case Kind::Integer: {
        bool ok = false;
        const qint64 value = text.toLongLong(&ok);
        if (!ok || value < minimum || value > maximum) {
            return QStringLiteral("--%1: '%2' is not a whole number from %3 to %4")
                .arg(name, text)
                .arg(minimum)
                .arg(maximum);
        }
        set(config, value);
        return {};
    }
    case Kind::Address:
        if (QHostAddress(text).isNull())
            return QStringLiteral("--%1: '%2' is not an IP address").arg(name, text);
        set(config, text);
        return {};
    case Kind::Text:
        set(config, text);
        return {};
    case Kind::List:
        set(config, get(config).toStringList() << text);
        return {};
    case Kind::Flag:
        set(config, true);
        return {};
    }
    return {};
}

QString ConfigOption::check(const ServerConfig &config) const
{
    switch (kind) {
    case Kind::Integer: {
        const qint64 value = get(config).toLongLong();
        if (value >= minimum && value <= maximum)
            return {};
        QString message =
            QStringLiteral("%1: must be between %2 and %3").arg(name).arg(minimum).arg(maximum);
        return unit.isEmpty() ? message : message + u' ' + unit;
    }
    case Kind::Address:
        return config.bindAddress.isNull() ? QStringLiteral("%1: not a valid IP address").arg(name)
                                           : QString();
    case Kind::Text:
    case Kind::List:
    case Kind::Flag:
        return {};
    }
    return {};
}

const QList<ConfigOption> &configOptions()
{
    static const QList<ConfigOption> table = buildTable();
    return table;
}

const ConfigOption *findConfigOption(const QString &name)
{
    for (const ConfigOption &option : configOptions()) {
        if (option.name == name)
            return &option;
    }
    return nullptr;
}

void loadConfig(QSettings &settings, ServerConfig &config)
{
    for (const ConfigOption &option : configOptions()) {
        if (!option.settingsKey.isEmpty() && settings.contains(option.settingsKey))
            option.set(config, settings.value(option.settingsKey));
    }
}

void saveConfig(QSettings &settings, const ServerConfig &config)
{
    for (const ConfigOption &option : configOptions()) {
        if (!option.settingsKey.isEmpty())
            settings.setValue(option.settingsKey, option.get(config));
    }
}

} // namespace sse
