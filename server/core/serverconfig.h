#pragma once

#include <QHostAddress>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace sse {

// Everything the server can be told at start; the command line and the UI settings fill it.
// Names, ranges, help and settings keys of the options are in serveroptions.cpp.
struct ServerConfig
{
    QHostAddress bindAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 8080; // 0 picks a free port
    int historySize = 1000;
    QString historyFile; // the SQLite history (docs/history.md); empty keeps it in memory
    QString redisUrl;    // the shared event log (docs/scaling.md); wins over historyFile
    int heartbeatSeconds = 15;
    qint64 maxQueueBytes = 4 * 1024 * 1024;          // per subscriber, before it is dropped as slow
    int maxClients = 10000;                          // subscribers (streams)
    int maxStreamsPerAddress = 256;                  // of those, from one non-loopback address
    qint64 maxQueuedTotal = defaultMaxQueuedTotal(); // queued for all subscribers together
    int maxHttpConnections = 1024;                   // connections that are not streams (yet)
    int maxConnectionsPerAddress = 64;               // of those, from one non-loopback address
    int idleTimeoutSeconds = 10;                     // for connections that never finish a request
    qint64 maxBodyBytes = 1024 * 1024;
    int maxHeaderBytes = 16 * 1024;      // request line and header fields (431 beyond)
    int maxHttp2Streams = 256;           // open at once on one HTTP/2 connection
    QString token;                       // needed to publish from non-loopback addresses
    QString subscriberToken;             // when set, needed to subscribe
    bool requireTokenOnLoopback = false; // loopback publishers normally need no token
    bool accessLog = false;              // one common-log-format line per request on stdout
    QStringList allowedHosts; // Host names answered besides the server's own (docs/security.md)
    QStringList corsOrigins;  // web origins given CORS on the API and publishing
    int fanoutThreads = defaultFanoutThreads(); // threads sending one event to many streams
    QString io = defaultIo(); // how fan-outs reach the kernel: auto, epoll or uring
    QStringList routes;       // "METHOD PATH=FILE": scenario routes (docs/scenarios.md)
    QStringList faults;       // JSON fault specs installed at start (docs/faults.md)
    QString tlsCertFile;      // HTTPS with this PEM certificate chain and tlsKeyFile (docs/tls.md)
    QString tlsKeyFile;
    bool tlsLocal = false; // HTTPS with a certificate of the dashboard's own CA

    bool tlsEnabled() const { return tlsLocal || !tlsCertFile.isEmpty() || !tlsKeyFile.isEmpty(); }

    static int defaultFanoutThreads();
    // An eighth of the machine's memory, at least 64 MiB: what all subscribers' queues may hold.
    static qint64 defaultMaxQueuedTotal();
    // $SSE_DASHBOARD_IO when set (so a test suite can run on either backend), else "auto".
    static QString defaultIo();

    // A sentence naming the first invalid setting, or an empty string.
    QString validate() const;
};

// A random URL-safe token for publishing.
QString generateToken();

} // namespace sse

Q_DECLARE_METATYPE(sse::ServerConfig)
