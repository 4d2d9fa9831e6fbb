// The sse-dashboard binary in --headless mode, as scripts and CI use it.
#include "testsupport.h"

#include <QNetworkInterface>
#include <QProcess>
#include <QTcpServer>
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

    void helpAndVersion()
    {
        QProcess help;
        help.start(Binary, {QStringLiteral("--help")});
        QVERIFY(help.waitForFinished(10000));
        QCOMPARE(help.exitCode(), 0);
        const QByteArray text = help.readAllStandardOutput();
        QVERIFY(text.contains("--headless"));
        QVERIFY(text.contains("--max-queue"));
        QProcess version;
        version.start(Binary, {QStringLiteral("--version")});
        QVERIFY(version.waitForFinished(10000));
        QCOMPARE(version.exitCode(), 0);
        QVERIFY(version.readAllStandardOutput().contains(SSE_DASHBOARD_VERSION));
    }
};

QTEST_GUILESS_MAIN(TestHeadless)
#include "tst_headless.moc"
