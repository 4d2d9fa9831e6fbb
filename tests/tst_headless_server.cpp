// The sse-dashboard binary in --headless mode, as scripts and CI use it: what it prints, how
// it stops, its history file, its options and their errors, the access log, --fault.
#include "eventlogfixture.h"
#include "headlessfixture.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkInterface>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace testsupport;

class TestHeadlessServer : public QObject
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
};

QTEST_GUILESS_MAIN(TestHeadlessServer)
#include "tst_headless_server.moc"
