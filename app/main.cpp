// Parses the command line, picks the dashboard window or --headless, and wires the layers.
#include "bindchoice.h"
#include "mainwindow.h"
#include "serverconfig.h"
#include "servercontroller.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTextStream>

#include <csignal>
#include <cstdio>
#include <memory>
#include <sys/resource.h>
#include <unistd.h>

namespace {

int g_signalPipe[2] = {-1, -1};

void onTerminationSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}

// SIGINT and SIGTERM end the streams cleanly through the event loop (a self-pipe, since
// almost nothing is safe inside a signal handler).
void watchTerminationSignals(QObject *context, std::function<void()> onSignal)
{
    if (::pipe(g_signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, context);
    QObject::connect(notifier, &QSocketNotifier::activated, context, [notifier, onSignal] {
        char byte = 0;
        [[maybe_unused]] const auto readBytes = ::read(g_signalPipe[0], &byte, 1);
        notifier->setEnabled(false);
        onSignal();
    });
    struct sigaction action = {};
    action.sa_handler = onTerminationSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

// Each subscriber is a file descriptor: use all the kernel allows us.
void raiseOpenFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

bool hasHeadlessFlag(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        if (qstrcmp(argv[i], "--headless") == 0 || qstrcmp(argv[i], "--help") == 0 ||
            qstrcmp(argv[i], "-h") == 0 || qstrcmp(argv[i], "--version") == 0 ||
            qstrcmp(argv[i], "-v") == 0) {
            return true;
        }
    }
    return false;
}

struct ParsedCommandLine
{
    sse::ServerConfig config;
    bool headless = false;
    QStringList explicitOptions; // given on the command line: they win over saved settings
    QString error;
};

ParsedCommandLine parseCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "A desktop dashboard with a built-in Server-Sent Events server. Browsers open the "
        "printed URL; --headless runs the server alone."));
    parser.addHelpOption();
    parser.addVersionOption();
    const sse::ServerConfig defaults;
    const QCommandLineOption headless(QStringLiteral("headless"),
                                      QStringLiteral("Run the SSE server without a window."));
    const QCommandLineOption bind(QStringLiteral("bind"),
                                  QStringLiteral("Address to listen on (0.0.0.0 for the LAN)."),
                                  QStringLiteral("ADDR"), defaults.bindAddress.toString());
    const QCommandLineOption port(QStringLiteral("port"),
                                  QStringLiteral("TCP port; 0 picks a free one."),
                                  QStringLiteral("N"), QString::number(defaults.port));
    const QCommandLineOption history(QStringLiteral("history"),
                                     QStringLiteral("Events kept for Last-Event-ID replay."),
                                     QStringLiteral("N"), QString::number(defaults.historySize));
    const QCommandLineOption heartbeat(
        QStringLiteral("heartbeat"), QStringLiteral("Seconds between heartbeat comments."),
        QStringLiteral("SECONDS"), QString::number(defaults.heartbeatSeconds));
    const QCommandLineOption maxQueue(
        QStringLiteral("max-queue"),
        QStringLiteral("Bytes queued for one subscriber before it is dropped as slow."),
        QStringLiteral("BYTES"), QString::number(defaults.maxQueueBytes));
    const QCommandLineOption maxClients(QStringLiteral("max-clients"),
                                        QStringLiteral("Most subscribers at once."),
                                        QStringLiteral("N"), QString::number(defaults.maxClients));
    const QCommandLineOption idleTimeout(
        QStringLiteral("idle-timeout"),
        QStringLiteral("Seconds a connection may take to send a request."),
        QStringLiteral("SECONDS"), QString::number(defaults.idleTimeoutSeconds));
    const QCommandLineOption maxBody(
        QStringLiteral("max-body"), QStringLiteral("Largest request body in bytes."),
        QStringLiteral("BYTES"), QString::number(defaults.maxBodyBytes));
    const QCommandLineOption token(
        QStringLiteral("token"),
        QStringLiteral("Bearer token for publishing from other computers (generated if absent)."),
        QStringLiteral("TOKEN"));
    const QCommandLineOption subscriberToken(
        QStringLiteral("subscriber-token"),
        QStringLiteral("Token needed to subscribe (?token= or Authorization); open if absent."),
        QStringLiteral("TOKEN"));
    const QCommandLineOption threads(
        QStringLiteral("threads"),
        QStringLiteral("Threads that send one event to many subscribers (default: cores - 1, "
                       "1 to 4)."),
        QStringLiteral("N"), QString::number(defaults.fanoutThreads));
    const QCommandLineOption requireToken(
        QStringLiteral("require-token"),
        QStringLiteral("Require the publish token from loopback publishers too."));
    parser.addOptions({headless, bind, port, history, heartbeat, maxQueue, maxClients, idleTimeout,
                       maxBody, token, subscriberToken, requireToken, threads});
    parser.process(arguments); // handles --help and --version, exits on unknown options

    ParsedCommandLine result;
    result.headless = parser.isSet(headless);
    result.explicitOptions = parser.optionNames();
    sse::ServerConfig &config = result.config;
    const auto number = [&parser, &result](const QCommandLineOption &option, qint64 min,
                                           qint64 max) -> qint64 {
        bool ok = false;
        const qint64 value = parser.value(option).toLongLong(&ok);
        if ((!ok || value < min || value > max) && result.error.isEmpty()) {
            result.error = QStringLiteral("--%1: '%2' is not a whole number from %3 to %4")
                               .arg(option.names().constFirst(), parser.value(option))
                               .arg(min)
                               .arg(max);
        }
        return value;
    };
    if (!config.bindAddress.setAddress(parser.value(bind)))
        result.error = QStringLiteral("--bind: '%1' is not an IP address").arg(parser.value(bind));
    config.port = quint16(number(port, 0, 65535));
    config.historySize = int(number(history, 0, 1000000));
    config.heartbeatSeconds = int(number(heartbeat, 1, 3600));
    config.maxQueueBytes = number(maxQueue, 1024, qint64(1) << 40);
    config.maxClients = int(number(maxClients, 1, 1000000));
    config.idleTimeoutSeconds = int(number(idleTimeout, 1, 3600));
    config.maxBodyBytes = number(maxBody, 1024, 256 * 1024 * 1024);
    config.token = parser.value(token);
    config.subscriberToken = parser.value(subscriberToken);
    config.requireTokenOnLoopback = parser.isSet(requireToken);
    config.fanoutThreads = int(number(threads, 1, 64));
    return result;
}

} // namespace

int main(int argc, char **argv)
{
    // Qt's own Unix event dispatcher costs about half the CPU per socket write of GLib's.
    if (qEnvironmentVariableIsEmpty("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    raiseOpenFileLimit();

    std::unique_ptr<QCoreApplication> app;
    if (hasHeadlessFlag(argc, argv))
        app = std::make_unique<QCoreApplication>(argc, argv);
    else
        app = std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("SSE Dashboard"));
    QCoreApplication::setApplicationName(QStringLiteral("sse-dashboard"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SSE_DASHBOARD_VERSION));

    const ParsedCommandLine commandLine = parseCommandLine(QCoreApplication::arguments());
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (!commandLine.error.isEmpty()) {
        err << "sse-dashboard: " << commandLine.error << Qt::endl;
        return 2;
    }

    sse::ServerController controller;
    QObject::connect(&controller, &sse::ServerController::started, &controller,
                     [&out, &commandLine](const QString &url, const QString &token, quint16 port) {
                         out << url << Qt::endl;
                         if (!commandLine.headless)
                             return;
                         out << "Publish token: " << token << Qt::endl;
                         // What other devices open when the server listens beyond this computer.
                         for (const QString &lanUrl :
                              sse::ui::shareUrls(commandLine.config.bindAddress, port)) {
                             if (lanUrl != url)
                                 out << "Also at: " << lanUrl << Qt::endl;
                         }
                     });

    if (commandLine.headless) {
        QObject::connect(&controller, &sse::ServerController::startFailed, &controller,
                         [&err](const QString &message) {
                             err << "sse-dashboard: " << message << Qt::endl;
                             QCoreApplication::exit(1);
                         });
        QObject::connect(&controller, &sse::ServerController::stopped, app.get(),
                         &QCoreApplication::quit);
        watchTerminationSignals(&controller, [&controller] { controller.stop(); });
        controller.start(commandLine.config, 0);
        return app->exec();
    }

    sse::ui::MainWindow window(&controller, commandLine.config, commandLine.explicitOptions);
    window.show();
    watchTerminationSignals(&controller, [] { QCoreApplication::quit(); });
    return app->exec();
}
