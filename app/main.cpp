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

// The program's own options; the server's come from the one table (serveroptions.cpp).
struct ProgramOptions
{
    ProgramOptions();

    const QCommandLineOption help;
    const QCommandLineOption version;
    const QCommandLineOption headless;
    const QCommandLineOption language;
    const QCommandLineOption play;
    const QCommandLineOption loop;
    const QCommandLineOption record;
    const QCommandLineOption out;
    const QCommandLineOption count;
    const QCommandLineOption duration;
    const QCommandLineOption header;
};

ProgramOptions::ProgramOptions()
    : help({QStringLiteral("h"), QStringLiteral("help")},
           QStringLiteral("Show this help and exit."))
    , version({QStringLiteral("v"), QStringLiteral("version")},
              QStringLiteral("Show the version and exit."))
    , headless(QStringLiteral("headless"), QStringLiteral("Run the SSE server without a window."))
    , language(QStringLiteral("lang"),
               QStringLiteral("The window's language, such as en or zh_CN (default: the saved "
                              "choice, else the system's)."),
               QStringLiteral("LOCALE"))
    , play(QStringLiteral("play"),
           QStringLiteral("Play this scenario file (JSON Lines, docs/scenarios.md) once the server "
                          "listens; :/scenarios/NAME.jsonl names a built-in one."),
           QStringLiteral("FILE"))
    , loop(QStringLiteral("loop"), QStringLiteral("With --play: start over after the last step."))
    , record(QStringLiteral("record"),
             QStringLiteral("Record the SSE stream at URL as a scenario file (--out) and exit."),
             QStringLiteral("URL"))
    , out(QStringLiteral("out"), QStringLiteral("With --record: the scenario file to write."),
          QStringLiteral("FILE"))
    , count(QStringLiteral("count"),
            QStringLiteral("With --record: stop after N events (0: no limit)."),
            QStringLiteral("N"), QStringLiteral("0"))
    , duration(
          QStringLiteral("duration"),
          QStringLiteral("With --record: stop after S seconds (0: no limit; Ctrl+C also stops)."),
          QStringLiteral("S"), QStringLiteral("0"))
    , header(QStringLiteral("header"),
             QStringLiteral("With --record: send this request header (repeatable)."),
             QStringLiteral("\"NAME: VALUE\""))
{}

// Qt writes the path the program was started from; the help names the program.
QString helpText(const QCommandLineParser &parser)
{
    QString text = parser.helpText();
    const qsizetype usageEnd = text.indexOf(QLatin1Char('\n'));
    text.replace(0, usageEnd, QStringLiteral("Usage: %1 [options]").arg(ProgramName));
    return text;
}

RecordRequest readRecordRequest(const QCommandLineParser &parser, const ProgramOptions &options)
{
    RecordRequest request;
    request.url = parser.value(options.record);
    request.outFile = parser.value(options.out);
    bool countOk = false;
    bool durationOk = false;
    request.maxEvents = parser.value(options.count).toInt(&countOk);
    request.maxDurationSeconds = parser.value(options.duration).toInt(&durationOk);
    if (!countOk)
        request.maxEvents = -1;
    if (!durationOk)
        request.maxDurationSeconds = -1;
    request.headers = parser.values(options.header);
    return request;
}

// The server options given on the command line, into config: the first problem, or an empty
// string.
QString readServerOptions(const QCommandLineParser &parser, sse::ServerConfig &config)
{
    QString error;
    for (const sse::ConfigOption &option : sse::configOptions()) {
        if (!parser.isSet(option.name))
            continue;
        // A repeatable option adds each value; any other takes the last one given.
        const QStringList values = option.kind == sse::ConfigOption::Kind::List
                                       ? parser.values(option.name)
                                       : QStringList{parser.value(option.name)};
        for (const QString &value : values) {
            const QString problem = option.setFromText(config, value);
            if (!problem.isEmpty() && error.isEmpty())
                error = problem;
        }
    }
    for (const QString &fault : std::as_const(config.faults)) {
        if (const QString problem = sse::checkStartFault(fault);
            !problem.isEmpty() && error.isEmpty()) {
            error = QStringLiteral("--fault '%1': %2").arg(fault.left(200), problem);
        }
    }
    // What only makes sense whole (a --redis URL) is checked once every option is read.
    if (error.isEmpty())
        error = config.validate();
    return error;
}

// Parsed before any QCoreApplication exists, so a bad option is reported (exit 2) even where
// no window could open.
ParsedCommandLine parseCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "A desktop dashboard with a built-in Server-Sent Events server. Browsers open the "
        "printed URL; --headless runs the server alone, without a window."));
    const ProgramOptions options;
    parser.addOptions({options.help, options.version, options.headless, options.language,
                       options.play, options.loop, options.record, options.out, options.count,
                       options.duration, options.header});
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
    result.help = parser.isSet(options.help);
    result.version = parser.isSet(options.version);
    if (result.help) {
        result.helpText = helpText(parser);
        return result;
    }
    result.headless = parser.isSet(options.headless);
    result.language = parser.value(options.language);
    if (parser.isSet(options.record)) {
        const RecordRequest request = readRecordRequest(parser, options);
        result.error = validateRecordRequest(request);
        result.record = request;
        return result;
    }
    result.playFile = parser.value(options.play);
    result.loop = parser.isSet(options.loop);
    if (result.loop && result.playFile.isEmpty()) {
        result.error = QStringLiteral("--loop needs --play FILE");
        return result;
    }
    result.explicitOptions = parser.optionNames();
    result.error = readServerOptions(parser, result.config);
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

// Qt's own options (-platform, -style...) are for QApplication, not for our parser.
QStringList withoutQtOptions(const QStringList &arguments)
{
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
    return ours;
}

// A usage error, --help or --version: the exit code once it is printed; nullopt otherwise.
std::optional<int> answerWithoutRunning(const ParsedCommandLine &commandLine, QTextStream &out,
                                        QTextStream &err)
{
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
    return std::nullopt;
}

// argc is a reference: the application keeps it.
std::unique_ptr<QCoreApplication> createApplication(int &argc, char **argv,
                                                    const ParsedCommandLine &commandLine)
{
    if (commandLine.headless)
        return std::make_unique<QCoreApplication>(argc, argv);
    auto gui = std::make_unique<QApplication>(argc, argv);
    QSettings settings;
    sse::ui::installTranslations(gui.get(), commandLine.language.isEmpty()
                                                ? sse::ui::languageSetting(settings)
                                                : commandLine.language);
    return gui;
}

// Prints the URL once the server listens; headless, also the token and the LAN addresses.
void reportStart(sse::ServerController &controller, const ParsedCommandLine &commandLine,
                 QTextStream &out, QTextStream &err)
{
    QObject::connect(
        &controller, &sse::ServerController::started, &controller,
        [&out, &err, &commandLine, &controller](const QString &url, const QString &token,
                                                quint16 port) {
            out << url << Qt::endl;
            if (!commandLine.headless)
                return;
            err << ProgramName << ": " << controller.ioDescription() << Qt::endl;
            out << "Publish token: " << token << Qt::endl;
            const sse::TlsStatus tls = controller.tlsStatus();
            if (!tls.localCaFingerprint.isEmpty()) {
                out << "Local CA SHA-256: " << tls.localCaFingerprint << Qt::endl;
                // Over plain HTTP: the device does not trust the CA yet.
                out << "Install it from: " << QString(url).replace(0, 5, QStringLiteral("http"))
                    << "ca" << Qt::endl;
            }
            // What other devices open when the server listens beyond this computer.
            for (const QString &lanUrl : sse::ui::shareUrls(commandLine.config.bindAddress, port,
                                                            commandLine.config.tlsEnabled())) {
                if (lanUrl != url)
                    out << "Also at: " << lanUrl << Qt::endl;
            }
        });
}

// --play: the scenario starts once the server listens. False (and says why) when its options
// are refused.
bool playWhenStarted(sse::ServerController &controller, const ParsedCommandLine &commandLine,
                     const sse::Scenario &scenario, QTextStream &err)
{
    sse::PlaybackOptions options;
    options.loop = commandLine.loop;
    if (const QString problem = options.validate(scenario); !problem.isEmpty()) {
        err << ProgramName << ": --play " << commandLine.playFile << ": " << problem << Qt::endl;
        return false;
    }
    QObject::connect(
        &controller, &sse::ServerController::started, &controller,
        [&controller, &scenario, options] { controller.playScenario(0, scenario, options); });
    QObject::connect(&controller, &sse::ServerController::scenarioStarted, &controller,
                     [&err, &commandLine](quint64, quint64 playbackId) {
                         err << "Playing " << commandLine.playFile << " (scenario " << playbackId
                             << ")" << Qt::endl;
                     });
    return true;
}

int runHeadless(QCoreApplication &app, sse::ServerController &controller,
                const ParsedCommandLine &commandLine, QTextStream &err)
{
    QObject::connect(&controller, &sse::ServerController::startFailed, &controller,
                     [&err](const QString &message) {
                         err << "sse-dashboard: " << message << Qt::endl;
                         QCoreApplication::exit(1);
                     });
    QObject::connect(&controller, &sse::ServerController::stopped, &app, &QCoreApplication::quit);
    watchTerminationSignals(&controller, [&controller] { controller.stop(); });
    controller.start(commandLine.config, 0);
    return app.exec();
}

int runWindow(QCoreApplication &app, sse::ServerController &controller,
              const ParsedCommandLine &commandLine)
{
    sse::ui::MainWindow window(&controller, commandLine.config, commandLine.explicitOptions);
    window.show();
    watchTerminationSignals(&controller, [] { QCoreApplication::quit(); });
    return app.exec();
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
    const ParsedCommandLine commandLine = parseCommandLine(withoutQtOptions(arguments));
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (const std::optional<int> exitCode = answerWithoutRunning(commandLine, out, err))
        return *exitCode;
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

    const std::unique_ptr<QCoreApplication> app = createApplication(argc, argv, commandLine);
    sse::ServerController controller;
    reportStart(controller, commandLine, out, err);
    if (playScenario && !playWhenStarted(controller, commandLine, *playScenario, err))
        return 1;
    if (commandLine.headless)
        return runHeadless(*app, controller, commandLine, err);
    return runWindow(*app, controller, commandLine);
}
