// Parses the command line, picks the dashboard window or --headless, and wires the layers.
#include "bindchoice.h"
#include "mainwindow.h"
#include "serverconfig.h"
#include "servercontroller.h"
#include "serveroptions.h"

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
    const QCommandLineOption headless(QStringLiteral("headless"),
                                      QStringLiteral("Run the SSE server without a window."));
    parser.addOption(headless);
    // Every server option comes from the one table (serveroptions.cpp).
    for (const sse::ConfigOption &option : sse::configOptions())
        parser.addOption(
            QCommandLineOption(option.name, option.helpWithDefault(), option.valueName));
    parser.process(arguments); // handles --help and --version, exits on unknown options

    ParsedCommandLine result;
    result.headless = parser.isSet(headless);
    result.explicitOptions = parser.optionNames();
    for (const sse::ConfigOption &option : sse::configOptions()) {
        if (!parser.isSet(option.name))
            continue;
        // A repeatable option adds each value; any other takes the last one given.
        const QStringList values = option.kind == sse::ConfigOption::Kind::List
                                       ? parser.values(option.name)
                                       : QStringList{parser.value(option.name)};
        for (const QString &value : values) {
            const QString error = option.setFromText(result.config, value);
            if (!error.isEmpty() && result.error.isEmpty())
                result.error = error;
        }
    }
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
