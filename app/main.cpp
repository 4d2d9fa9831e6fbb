// Parses the command line, picks the dashboard window or --headless, and wires the layers.
#include "appearance.h"
#include "bindchoice.h"
#include "faultspec.h"
#include "mainwindow.h"
#include "recordcommand.h"
#include "scenario.h"
#include "scenarioplayer.h"
#include "serverconfig.h"
#include "servercontroller.h"
#include "serveroptions.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QSocketNotifier>
#include <QTextStream>

#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
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

struct ParsedCommandLine
{
    sse::ServerConfig config;
    bool headless = false;
    bool help = false;
    bool version = false;
    QString language;                    // --lang, for the window
    QString playFile;                    // --play: a scenario to start once the server listens
    bool loop = false;                   // --loop: play it over and over
    std::optional<RecordRequest> record; // --record: record a stream to a file and exit
    QStringList explicitOptions;         // given on the command line: they win over saved settings
    QString error;                       // a usage error: exit 2
    QString helpText;
};

const QString ProgramName = QStringLiteral("sse-dashboard");

// Parsed before any QCoreApplication exists, so a bad option is reported (exit 2) even where
// no window could open.
ParsedCommandLine parseCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "A desktop dashboard with a built-in Server-Sent Events server. Browsers open the "
        "printed URL; --headless runs the server alone, without a window."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help and exit."));
    const QCommandLineOption version({QStringLiteral("v"), QStringLiteral("version")},
                                     QStringLiteral("Show the version and exit."));
    const QCommandLineOption headless(QStringLiteral("headless"),
                                      QStringLiteral("Run the SSE server without a window."));
    const QCommandLineOption language(
        QStringLiteral("lang"),
        QStringLiteral("The window's language, such as en or zh_CN (default: the saved choice, "
                       "else the system's)."),
        QStringLiteral("LOCALE"));
    const QCommandLineOption play(
        QStringLiteral("play"),
        QStringLiteral("Play this scenario file (JSON Lines, docs/scenarios.md) once the server "
                       "listens; :/scenarios/NAME.jsonl names a built-in one."),
        QStringLiteral("FILE"));
    const QCommandLineOption loop(QStringLiteral("loop"),
                                  QStringLiteral("With --play: start over after the last step."));
    const QCommandLineOption record(
        QStringLiteral("record"),
        QStringLiteral("Record the SSE stream at URL as a scenario file (--out) and exit."),
        QStringLiteral("URL"));
    const QCommandLineOption out(QStringLiteral("out"),
                                 QStringLiteral("With --record: the scenario file to write."),
                                 QStringLiteral("FILE"));
    const QCommandLineOption count(
        QStringLiteral("count"),
        QStringLiteral("With --record: stop after N events (0: no limit)."), QStringLiteral("N"),
        QStringLiteral("0"));
    const QCommandLineOption duration(
        QStringLiteral("duration"),
        QStringLiteral("With --record: stop after S seconds (0: no limit; Ctrl+C also stops)."),
        QStringLiteral("S"), QStringLiteral("0"));
    const QCommandLineOption header(
        QStringLiteral("header"),
        QStringLiteral("With --record: send this request header (repeatable)."),
        QStringLiteral("\"NAME: VALUE\""));
    parser.addOptions(
        {help, version, headless, language, play, loop, record, out, count, duration, header});
    // Every server option comes from the one table (serveroptions.cpp).
    for (const sse::ConfigOption &option : sse::configOptions())
        parser.addOption(
            QCommandLineOption(option.name, option.helpWithDefault(), option.valueName));

    ParsedCommandLine result;
    if (!parser.parse(arguments)) {
        result.error = parser.errorText();
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.error = QStringLiteral("unexpected argument '%1'")
                           .arg(parser.positionalArguments().constFirst());
        return result;
    }
    result.help = parser.isSet(help);
    result.version = parser.isSet(version);
    if (result.help) {
        // Qt writes the path the program was started from; the help names the program.
        QString text = parser.helpText();
        const qsizetype usageEnd = text.indexOf(QLatin1Char('\n'));
        text.replace(0, usageEnd, QStringLiteral("Usage: %1 [options]").arg(ProgramName));
        result.helpText = text;
        return result;
    }
    result.headless = parser.isSet(headless);
    result.language = parser.value(language);
    if (parser.isSet(record)) {
        RecordRequest request;
        request.url = parser.value(record);
        request.outFile = parser.value(out);
        bool countOk = false;
        bool durationOk = false;
        request.maxEvents = parser.value(count).toInt(&countOk);
        request.maxDurationSeconds = parser.value(duration).toInt(&durationOk);
        if (!countOk)
            request.maxEvents = -1;
        if (!durationOk)
            request.maxDurationSeconds = -1;
        request.headers = parser.values(header);
        result.error = validateRecordRequest(request);
        result.record = request;
        return result;
    }
    result.playFile = parser.value(play);
    result.loop = parser.isSet(loop);
    if (result.loop && result.playFile.isEmpty()) {
        result.error = QStringLiteral("--loop needs --play FILE");
        return result;
    }
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
    for (const QString &fault : std::as_const(result.config.faults)) {
        if (const QString problem = sse::checkStartFault(fault);
            !problem.isEmpty() && result.error.isEmpty()) {
            result.error = QStringLiteral("--fault '%1': %2").arg(fault.left(200), problem);
        }
    }
    // What only makes sense whole (a --redis URL) is checked once every option is read.
    if (result.error.isEmpty())
        result.error = result.config.validate();
    return result;
}

// Qt aborts when the platform plugin finds no display: say what to do instead.
bool displayAvailable(const QStringList &arguments)
{
    QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    const qsizetype platformArgument = arguments.indexOf(QStringLiteral("-platform"));
    if (platformArgument >= 0 && platformArgument + 1 < arguments.size())
        platform = arguments.at(platformArgument + 1).toLocal8Bit();
    const bool x11 = !qgetenv("DISPLAY").isEmpty();
    const bool wayland = !qgetenv("WAYLAND_DISPLAY").isEmpty();
    if (platform.startsWith("xcb"))
        return x11;
    if (platform.startsWith("wayland"))
        return wayland;
    if (!platform.isEmpty())
        return true; // offscreen, vnc, eglfs...: they need no display server
    return x11 || wayland;
}

// The --play file, read and checked before the server starts: a bad line stops the launch.
std::optional<sse::Scenario> loadPlayFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("--play: cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    auto parsed = sse::parseScenario(file.readAll());
    if (const auto *failure = std::get_if<sse::ScenarioError>(&parsed)) {
        *error = QStringLiteral("--play: %1 %2").arg(path, failure->text());
        return std::nullopt;
    }
    sse::Scenario scenario = std::get<sse::Scenario>(std::move(parsed));
    scenario.name = QFileInfo(path).completeBaseName();
    return scenario;
}

} // namespace

int main(int argc, char **argv)
{
    // Qt's own Unix event dispatcher costs about half the CPU per socket write of GLib's.
    if (qEnvironmentVariableIsEmpty("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    raiseOpenFileLimit();
    QCoreApplication::setOrganizationName(QStringLiteral("SSE Dashboard"));
    QCoreApplication::setApplicationName(ProgramName);
    QCoreApplication::setApplicationVersion(QStringLiteral(SSE_DASHBOARD_VERSION));

    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    // Qt's own options (-platform, -style...) are for QApplication, not for our parser.
    QStringList ours{arguments.value(0)};
    for (int i = 1; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        const bool qtOptionWithValue =
            argument == QLatin1String("-platform") || argument == QLatin1String("-style") ||
            argument == QLatin1String("-display") || argument == QLatin1String("-qwindowgeometry");
        if (qtOptionWithValue) {
            ++i;
            continue;
        }
        ours.append(argument);
    }
    const ParsedCommandLine commandLine = parseCommandLine(ours);
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (!commandLine.error.isEmpty()) {
        err << ProgramName << ": " << commandLine.error << Qt::endl
            << "Try '" << ProgramName << " --help' for the options." << Qt::endl;
        return 2;
    }
    if (commandLine.help) {
        out << commandLine.helpText;
        return 0;
    }
    if (commandLine.version) {
        out << ProgramName << ' ' << SSE_DASHBOARD_VERSION << Qt::endl;
        return 0;
    }
    if (commandLine.record) {
        // Needs no display and no server: a client that writes a file.
        QCoreApplication app(argc, argv);
        return runRecord(*commandLine.record, watchTerminationSignals);
    }
    std::optional<sse::Scenario> playScenario;
    if (!commandLine.playFile.isEmpty()) {
        QString error;
        playScenario = loadPlayFile(commandLine.playFile, &error);
        if (!playScenario) {
            err << ProgramName << ": " << error << Qt::endl;
            return 1;
        }
    }
    if (!commandLine.headless && !displayAvailable(arguments)) {
        err << ProgramName
            << ": there is no display to open the window on (DISPLAY and WAYLAND_DISPLAY are "
               "unset). To run the server without a window, add --headless."
            << Qt::endl;
        return 1;
    }

    std::unique_ptr<QCoreApplication> app;
    if (commandLine.headless) {
        app = std::make_unique<QCoreApplication>(argc, argv);
    } else {
        auto gui = std::make_unique<QApplication>(argc, argv);
        QSettings settings;
        sse::ui::installTranslations(gui.get(), commandLine.language.isEmpty()
                                                    ? sse::ui::languageSetting(settings)
                                                    : commandLine.language);
        app = std::move(gui);
    }

    sse::ServerController controller;
    QObject::connect(&controller, &sse::ServerController::started, &controller,
                     [&out, &err, &commandLine, &controller](const QString &url,
                                                             const QString &token, quint16 port) {
                         out << url << Qt::endl;
                         if (!commandLine.headless)
                             return;
                         err << ProgramName << ": " << controller.ioDescription() << Qt::endl;
                         out << "Publish token: " << token << Qt::endl;
                         // What other devices open when the server listens beyond this computer.
                         for (const QString &lanUrl :
                              sse::ui::shareUrls(commandLine.config.bindAddress, port)) {
                             if (lanUrl != url)
                                 out << "Also at: " << lanUrl << Qt::endl;
                         }
                     });

    if (playScenario) {
        sse::PlaybackOptions options;
        options.loop = commandLine.loop;
        if (const QString problem = options.validate(*playScenario); !problem.isEmpty()) {
            err << ProgramName << ": --play " << commandLine.playFile << ": " << problem
                << Qt::endl;
            return 1;
        }
        QObject::connect(&controller, &sse::ServerController::started, &controller,
                         [&controller, &playScenario, options] {
                             controller.playScenario(0, *playScenario, options);
                         });
        QObject::connect(&controller, &sse::ServerController::scenarioStarted, &controller,
                         [&err, &commandLine](quint64, quint64 playbackId) {
                             err << "Playing " << commandLine.playFile << " (scenario "
                                 << playbackId << ")" << Qt::endl;
                         });
    }

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
