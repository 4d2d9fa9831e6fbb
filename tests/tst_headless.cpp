// The sse-dashboard binary in --headless mode, as scripts and CI use it.
#include "eventlogfixture.h"
#include "scenario.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkInterface>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTest>
#include <QUrl>

#include <csignal>

using namespace testsupport;

namespace {

const QString Binary = QStringLiteral(SSE_DASHBOARD_BIN);

// Starts the binary and reads the URL from its first line; returns the port or 0.
quint16 launch(QProcess &process, const QStringList &extraArguments = {})
{
    process.start(Binary, QStringList{QStringLiteral("--headless"), QStringLiteral("--port"),
                                      QStringLiteral("0")} +
                              extraArguments);
    if (!process.waitForStarted(5000))
        return 0;
    QElapsedTimer timer;
    timer.start();
    while (!process.canReadLine() && timer.elapsed() < 10000)
        process.waitForReadyRead(100);
    const QUrl url(QString::fromUtf8(process.readLine()).trimmed());
    if (url.scheme() != QStringLiteral("http") || url.path() != QStringLiteral("/"))
        return 0;
    return quint16(url.port());
}

} // namespace

class TestHeadless : public QObject
{
    Q_OBJECT

private slots:
    void printsUrlThenTokenAndServes()
    {
        QProcess process;
        const quint16 port = launch(process);
        QVERIFY(port != 0);
        QTRY_VERIFY(process.canReadLine());
        QVERIFY(process.readLine().startsWith("Publish token: "));
        QCOMPARE(request(port, "GET", "/").status, 200);
        SseReader reader(port);
        QTRY_VERIFY(reader.isStreaming());
        QCOMPARE(postJson(port, R"({"data": "from a script"})").status, 202);
        QTRY_COMPARE(reader.userEvents().size(), 1);
        QCOMPARE(reader.userEvents().constFirst().data, QStringLiteral("from a script"));
        process.terminate();
        QVERIFY(process.waitForFinished(5000));
    }

    void listsLanUrlsWhenListeningOnAllInterfaces()
    {
        QProcess process;
        const quint16 port = launch(process, {QStringLiteral("--bind"), QStringLiteral("0.0.0.0")});
        QVERIFY(port != 0);
        QTRY_VERIFY(process.canReadLine());
        QVERIFY(process.readLine().startsWith("Publish token: "));
        // Every IPv4 address of an interface that is up (loopback aside) is listed.
        QStringList expected;
        for (const QNetworkInterface &interface : QNetworkInterface::allInterfaces()) {
            const auto flags = interface.flags();
            if (!flags.testFlag(QNetworkInterface::IsUp) ||
                !flags.testFlag(QNetworkInterface::IsRunning) ||
                flags.testFlag(QNetworkInterface::IsLoopBack))
                continue;
            for (const QNetworkAddressEntry &entry : interface.addressEntries()) {
                if (entry.ip().protocol() == QAbstractSocket::IPv4Protocol)
                    expected.append(QStringLiteral("Also at: http://%1:%2/")
                                        .arg(entry.ip().toString())
                                        .arg(port));
            }
        }
        QStringList printed;
        QTRY_VERIFY([&] {
            while (process.canReadLine())
                printed.append(QString::fromUtf8(process.readLine()).trimmed());
            return printed.size() >= expected.size();
        }());
        QCOMPARE(printed, expected);
        process.terminate();
        QVERIFY(process.waitForFinished(5000));
    }

    void sigtermEndsStreamsCleanly()
    {
        QProcess process;
        const quint16 port = launch(process);
        QVERIFY(port != 0);
        SseReader reader(port);
        QTRY_VERIFY(reader.isStreaming());
        ::kill(pid_t(process.processId()), SIGTERM);
        QTRY_VERIFY(!reader.isConnected());
        QTRY_COMPARE(process.state(), QProcess::NotRunning);
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        // A clean close (FIN), not a reset.
        QCOMPARE(reader.socket().error(), QAbstractSocket::RemoteHostClosedError);
    }

    void sigintStopsToo()
    {
        QProcess process;
        QVERIFY(launch(process) != 0);
        ::kill(pid_t(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(5000));
        QCOMPARE(process.exitCode(), 0);
    }

    void portInUseExitsNonZeroNamingThePort()
    {
        QTcpServer occupant;
        QVERIFY(occupant.listen(QHostAddress::LocalHost, 0));
        const QString port = QString::number(occupant.serverPort());
        QProcess process;
        process.start(Binary, {QStringLiteral("--headless"), QStringLiteral("--port"), port});
        QVERIFY(process.waitForFinished(10000));
        QVERIFY(process.exitCode() != 0);
        const QString error = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(error.contains(port), qPrintable(error));
    }

    // The issue's "done when": what was answered 202 survives kill -9, ids go on after it.
    void historyFileSurvivesKillNine()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("history.sqlite"));
        const QStringList options{QStringLiteral("--history-file"), file};
        QStringList ids;
        {
            QProcess process;
            const quint16 port = launch(process, options);
            QVERIFY(port != 0);
            for (int n = 1; n <= 100; ++n) {
                const HttpResponse answer =
                    postJson(port, "{\"data\": \"event " + QByteArray::number(n) + "\"}");
                QCOMPARE(answer.status, 202);
                ids.append(QJsonDocument::fromJson(answer.body)
                               .object()
                               .value(QStringLiteral("id"))
                               .toString());
            }
            process.kill(); // SIGKILL: nothing is flushed or closed
            QVERIFY(process.waitForFinished(5000));
            QCOMPARE(process.exitStatus(), QProcess::CrashExit);
        }
        QProcess process;
        const quint16 port = launch(process, options);
        QVERIFY(port != 0);
        SseReader reader(port, "/events", {"Last-Event-ID: " + ids.at(49).toUtf8()});
        QTRY_VERIFY(reader.isStreaming());
        QTRY_COMPARE(reader.userEvents().size(), 50);
        for (int n = 0; n < 50; ++n) {
            QCOMPARE(reader.userEvents().at(n).lastEventId, ids.at(50 + n));
            QCOMPARE(reader.userEvents().at(n).data, QStringLiteral("event %1").arg(51 + n));
        }
        QVERIFY(!reader.rawBody().contains("history-gap"));
        const HttpResponse next = postJson(port, R"({"data": "after the crash"})");
        QCOMPARE(next.status, 202);
        const qint64 nextId = QJsonDocument::fromJson(next.body)
                                  .object()
                                  .value(QStringLiteral("id"))
                                  .toString()
                                  .toLongLong();
        QVERIFY2(nextId > ids.constLast().toLongLong(), next.body.constData());
        process.terminate();
        QVERIFY(process.waitForFinished(5000));
    }

    void foreignHistoryFileExitsOneNamingItAndLeavesItAlone()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("notes.txt"));
        QFile notes(file);
        QVERIFY(notes.open(QIODevice::WriteOnly));
        const QByteArray content = QByteArray("my notes, not a database\n").repeated(20);
        notes.write(content);
        notes.close();
        QProcess process;
        process.start(Binary, {QStringLiteral("--headless"), QStringLiteral("--port"),
                               QStringLiteral("0"), QStringLiteral("--history-file"), file});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 1);
        const QString error = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(error.contains(file) && error.contains(QStringLiteral("not a history database")),
                 qPrintable(error));
        QVERIFY(notes.open(QIODevice::ReadOnly));
        QCOMPARE(notes.readAll(), content);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("notes.txt")});
    }

    void badOptionValueIsNamed()
    {
        QProcess process;
        process.start(Binary, {QStringLiteral("--headless"), QStringLiteral("--heartbeat"),
                               QStringLiteral("soon")});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 2);
        const QString error = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(error.contains(QStringLiteral("--heartbeat")), qPrintable(error));
        QVERIFY(error.contains(QStringLiteral("soon")));

        QProcess badBind;
        badBind.start(Binary, {QStringLiteral("--headless"), QStringLiteral("--bind"),
                               QStringLiteral("not-an-ip")});
        QVERIFY(badBind.waitForFinished(10000));
        QCOMPARE(badBind.exitCode(), 2);
        QVERIFY(
            QString::fromUtf8(badBind.readAllStandardError()).contains(QStringLiteral("--bind")));
    }

    void saysHowEventsReachTheSockets()
    {
        QProcess epoll;
        QVERIFY(launch(epoll, {QStringLiteral("--io"), QStringLiteral("epoll")}) != 0);
        QByteArray errors;
        QTRY_VERIFY2((errors += epoll.readAllStandardError()).contains("\n"), errors.constData());
        QVERIFY2(errors.contains("one send() per stream (--io epoll)"), errors.constData());
        epoll.terminate();
        QVERIFY(epoll.waitForFinished(5000));

        // The default, auto: io_uring, or epoll with the kernel's reason for refusing it.
        QProcess automatic;
        QVERIFY(launch(automatic, {QStringLiteral("--io"), QStringLiteral("auto")}) != 0);
        errors.clear();
        QTRY_VERIFY2((errors += automatic.readAllStandardError()).contains("\n"),
                     errors.constData());
        QVERIFY2(errors.contains("through io_uring") || errors.contains("io_uring refused ("),
                 errors.constData());
        automatic.terminate();
        QVERIFY(automatic.waitForFinished(5000));

        QProcess wrong;
        wrong.start(Binary, {QStringLiteral("--headless"), QStringLiteral("--io"),
                             QStringLiteral("iouring")});
        QVERIFY(wrong.waitForFinished(10000));
        QCOMPARE(wrong.exitCode(), 2);
        const QString error = QString::fromUtf8(wrong.readAllStandardError());
        QVERIFY2(error.contains(QStringLiteral("io: must be auto, epoll or uring")),
                 qPrintable(error));
    }

    void helpAndVersion()
    {
        QProcess help;
        help.start(Binary, {QStringLiteral("--help")});
        QVERIFY(help.waitForFinished(10000));
        QCOMPARE(help.exitCode(), 0);
        const QByteArray text = help.readAllStandardOutput();
        QVERIFY(text.contains("--headless"));
        QVERIFY(text.contains("--max-queue"));
        // The program's name, not the path it was started from; and the defaults.
        QVERIFY2(text.startsWith("Usage: sse-dashboard [options]"), text.left(80).constData());
        QVERIFY(text.contains("Default: 127.0.0.1."));
        QProcess version;
        version.start(Binary, {QStringLiteral("--version")});
        QVERIFY(version.waitForFinished(10000));
        QCOMPARE(version.exitCode(), 0);
        QVERIFY(version.readAllStandardOutput().contains(SSE_DASHBOARD_VERSION));
    }

    void unknownOptionExitsTwoWithoutADisplay()
    {
        // GUI mode (no --headless) and no display at all: the bad option is still what is
        // reported, with the usage exit code.
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
            environment.remove(QString::fromLatin1(name));
        process.setProcessEnvironment(environment);
        process.start(Binary, {QStringLiteral("--no-such-option")});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 2);
        const QString error = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(error.contains(QStringLiteral("no-such-option")), qPrintable(error));
        QVERIFY(error.contains(QStringLiteral("--help")));
    }

    void guiWithoutADisplaySuggestsHeadless()
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
            environment.remove(QString::fromLatin1(name));
        process.setProcessEnvironment(environment);
        process.start(Binary, {QStringLiteral("--port"), QStringLiteral("0")});
        QVERIFY(process.waitForFinished(10000));
        // A message and an exit, not Qt's abort (which would be a crash exit).
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 1);
        const QString error = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(error.contains(QStringLiteral("--headless")), qPrintable(error));
        QVERIFY(error.contains(QStringLiteral("no display")));
    }

    void accessLogPrintsOneCommonLogLinePerRequest_data() { addEventLogRows(); }
    void accessLogPrintsOneCommonLogLinePerRequest()
    {
        // On every event log: SQLite and Redis accept a publish after the route returns, and
        // the line still has the status that was sent.
        QFETCH(QByteArray, eventLog);
        EventLogBackend backend;
        QString why;
        const QStringList logArguments = backend.arguments(eventLog, &why);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QProcess process;
        const quint16 port =
            launch(process, QStringList{QStringLiteral("--access-log")} + logArguments);
        QVERIFY(port != 0);
        QTRY_VERIFY(process.canReadLine());
        QVERIFY(process.readLine().startsWith("Publish token: "));
        QCOMPARE(request(port, "GET", "/healthz").status, 200);
        QCOMPARE(postJson(port, R"({"data": "logged"})").status, 202);
        QCOMPARE(request(port, "GET", "/nowhere?x=1").status, 404);
        QByteArray lines;
        QTRY_VERIFY((lines += process.readAllStandardOutput()).count('\n') >= 3);
        SseReader reader(port);
        QTRY_VERIFY(reader.isStreaming());
        QTRY_VERIFY((lines += process.readAllStandardOutput()).count('\n') >= 4);
        const QList<QByteArray> entries = lines.trimmed().split('\n');
        QCOMPARE(entries.size(), 4);
        // host ident user [day/Mon/year:HH:MM:SS zone] "request line" status bytes
        const QRegularExpression common(QStringLiteral(
            R"(^127\.0\.0\.1 - - \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "(\S+) (\S+) HTTP/1\.1" (\d{3}) (\d+|-)$)"));
        const auto match = [&common](const QByteArray &line) {
            return common.match(QString::fromLatin1(line));
        };
        QVERIFY2(match(entries.at(0)).hasMatch(), entries.at(0).constData());
        QCOMPARE(match(entries.at(0)).captured(2), QStringLiteral("/healthz"));
        QCOMPARE(match(entries.at(0)).captured(3), QStringLiteral("200"));
        QCOMPARE(match(entries.at(0)).captured(4), QStringLiteral("2")); // "ok"
        QCOMPARE(match(entries.at(1)).captured(1), QStringLiteral("POST"));
        QCOMPARE(match(entries.at(1)).captured(3), QStringLiteral("202"));
        QCOMPARE(match(entries.at(2)).captured(2), QStringLiteral("/nowhere?x=1"));
        QCOMPARE(match(entries.at(2)).captured(3), QStringLiteral("404"));
        // A stream: from its client's address, its length unknown.
        QVERIFY2(match(entries.at(3)).hasMatch(), entries.at(3).constData());
        QCOMPARE(match(entries.at(3)).captured(2), QStringLiteral("/events"));
        QCOMPARE(match(entries.at(3)).captured(4), QStringLiteral("-"));
        process.terminate();
        QVERIFY(process.waitForFinished(5000));
    }

    void playStartsAScenarioAtLaunch()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write("{\"delay\": 20, \"event\": \"tick\", \"data\": \"a\"}\n"
                   "{\"delay\": 20, \"data\": \"b\"}\n");
        file.close();
        QProcess process;
        // Looping, so a subscriber that connects after the launch still sees every step.
        const quint16 port =
            launch(process, {QStringLiteral("--play"), file.fileName(), QStringLiteral("--loop")});
        QVERIFY(port != 0);
        QByteArray errors;
        QTRY_VERIFY2((errors += process.readAllStandardError()).contains("Playing"),
                     errors.constData());
        SseReader reader(port);
        QTRY_VERIFY(reader.userEvents().size() >= 3);
        const QList<ReceivedEvent> events = reader.userEvents();
        for (qsizetype i = 1; i < events.size(); ++i)
            QVERIFY(events.at(i).data != events.at(i - 1).data); // a, b, a, b...
        const QJsonArray playing = request(port, "GET", "/api/scenarios").json().array();
        QCOMPARE(playing.size(), 1);
        QVERIFY(playing.first().toObject().value(u"loop").toBool());
        process.terminate();
        QVERIFY(process.waitForFinished(5000));
    }

    void playRefusesABadFileNamingTheLine()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write("{\"data\": \"ok\"}\n{\"delay\": 10, \"evnt\": \"x\"}\n");
        file.close();
        QProcess process;
        process.start(Binary, {QStringLiteral("--headless"), QStringLiteral("--port"),
                               QStringLiteral("0"), QStringLiteral("--play"), file.fileName()});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 1);
        const QByteArray error = process.readAllStandardError();
        QVERIFY2(error.contains("line 2: field 'evnt': unknown"), error.constData());
        QVERIFY2(error.contains(file.fileName().toLocal8Bit()), error.constData());
        QVERIFY(process.readAllStandardOutput().isEmpty()); // it never listened

        process.start(Binary, {QStringLiteral("--headless"), QStringLiteral("--loop")});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(process.readAllStandardError().contains("--loop needs --play"));
    }

    void faultOptionInstallsFaultsAtStart()
    {
        QProcess process;
        const quint16 port =
            launch(process, {QStringLiteral("--fault"),
                             QStringLiteral("{\"kind\": \"status\", \"status\": 503, "
                                            "\"retryAfter\": 5}")});
        QVERIFY(port != 0);
        const HttpResponse response = request(port, "GET", "/events");
        QCOMPARE(response.status, 503);
        QCOMPARE(response.headers.value("retry-after"), QByteArray("5"));
        process.terminate();
        QVERIFY(process.waitForFinished(5000));

        // A bad spec is a usage error that names the field, before anything listens.
        process.start(Binary, {QStringLiteral("--headless"), QStringLiteral("--fault"),
                               QStringLiteral("{\"kind\": \"drip\", \"channel\": \"a\"}")});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(process.readAllStandardError().contains("bytesPerSecond: missing"));
        process.start(Binary, {QStringLiteral("--headless"), QStringLiteral("--fault"),
                               QStringLiteral("{\"kind\": \"reset\", \"client\": 1}")});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(process.readAllStandardError().contains("client: no client is connected"));
    }

    void routeServesAStreamPerRequest()
    {
        QProcess process;
        const quint16 port = launch(
            process, {QStringLiteral("--route"),
                      QStringLiteral("POST /v1/chat/completions=:/scenarios/openai-chat.jsonl")});
        QVERIFY(port != 0);
        SseReader reader(port, "/v1/chat/completions", {"Content-Type: application/json"}, "POST",
                         "{\"stream\": true}");
        QTRY_VERIFY(reader.isStreaming());
        QTRY_VERIFY(!reader.isConnected());
        QCOMPARE(reader.events().last().data, QStringLiteral("[DONE]"));
        process.terminate();
        QVERIFY(process.waitForFinished(5000));
    }

    void recordWritesAScenarioThatPlaysBack()
    {
        QProcess server;
        const quint16 port =
            launch(server, {QStringLiteral("--route"),
                            QStringLiteral("GET /llm=:/scenarios/openai-chat.jsonl")});
        QVERIFY(port != 0);
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("recorded.jsonl"));
        QProcess recorder;
        recorder.start(Binary, {QStringLiteral("--record"),
                                QStringLiteral("http://127.0.0.1:%1/llm").arg(port),
                                QStringLiteral("--out"), out, QStringLiteral("--count"),
                                QStringLiteral("5")});
        QVERIFY(recorder.waitForFinished(15000));
        QCOMPARE(recorder.exitCode(), 0);
        QVERIFY(recorder.readAllStandardError().contains("Recorded 5 events"));
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto parsed = sse::parseScenario(file.readAll());
        QVERIFY(std::holds_alternative<sse::Scenario>(parsed));
        const sse::Scenario scenario = std::get<sse::Scenario>(parsed);
        QCOMPARE(scenario.steps.size(), 5);
        QVERIFY(scenario.steps.first().event.data.contains(u"chat.completion.chunk"));
        // The recording plays back at launch.
        QProcess player;
        const quint16 playerPort =
            launch(player, {QStringLiteral("--play"), out, QStringLiteral("--loop")});
        QVERIFY(playerPort != 0);
        SseReader reader(playerPort);
        QTRY_VERIFY(reader.events().size() >= 2);
        QVERIFY(reader.events().first().data.contains(u"chat.completion.chunk"));
        player.terminate();
        QVERIFY(player.waitForFinished(5000));
        server.terminate();
        QVERIFY(server.waitForFinished(5000));
    }

    void recordFailsClearlyAndWritesNothing()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 port = closed.serverPort();
        closed.close();
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("never.jsonl"));
        QProcess recorder;
        recorder.start(Binary, {QStringLiteral("--record"),
                                QStringLiteral("http://127.0.0.1:%1/events").arg(port),
                                QStringLiteral("--out"), out});
        QVERIFY(recorder.waitForFinished(15000));
        QCOMPARE(recorder.exitCode(), 1);
        QVERIFY(recorder.readAllStandardError().contains("cannot reach http://127.0.0.1:"));
        QVERIFY(!QFile::exists(out));
        recorder.start(Binary, {QStringLiteral("--record"), QStringLiteral("http://127.0.0.1:1/")});
        QVERIFY(recorder.waitForFinished(15000));
        QCOMPARE(recorder.exitCode(), 2);
        QVERIFY(recorder.readAllStandardError().contains("--out"));
    }
};

QTEST_GUILESS_MAIN(TestHeadless)
#include "tst_headless.moc"
