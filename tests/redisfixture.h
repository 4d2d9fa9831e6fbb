#pragma once

// Real parts for the cluster tests (docs/scaling.md): a redis-server of the test's own on a
// free loopback port, and the sse-dashboard binary in --headless mode.

#include <QElapsedTimer>
#include <QHostAddress>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <csignal>

namespace testsupport {

// A port nothing listens on now, for programs that cannot be told "--port 0".
inline quint16 freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

// redis-server on loopback, stopped with the object. start() after stop() comes back on the
// same port and in the same directory, as a restarted Redis would.
class RedisServer
{
public:
    enum class Persistence {
        None,       // a restart comes back empty
        AppendOnly, // every write synced to an append-only file: a restart keeps everything
    };

    explicit RedisServer(Persistence persistence = Persistence::None,
                         QString program = QStringLiteral("redis-server"))
        : m_program(std::move(program))
        , m_port(freeLoopbackPort())
        , m_persistence(persistence)
    {}
    ~RedisServer()
    {
        setSuspended(false);
        stop();
    }
    RedisServer(const RedisServer &) = delete;
    RedisServer &operator=(const RedisServer &) = delete;

    // True once it answers PING.
    bool start()
    {
        const bool appendOnly = m_persistence == Persistence::AppendOnly;
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(m_program, {QStringLiteral("--port"), QString::number(m_port),
                                    QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                                    QStringLiteral("--dir"), m_dir.path(), QStringLiteral("--save"),
                                    QString(), QStringLiteral("--appendonly"),
                                    appendOnly ? QStringLiteral("yes") : QStringLiteral("no"),
                                    QStringLiteral("--appendfsync"), QStringLiteral("always")});
        if (m_port == 0 || !m_process.waitForStarted(5000))
            return false;
        return QTest::qWaitFor([this] { return command("PING") == "+PONG"; }, 10000);
    }
    // SIGTERM: Redis finishes its append-only file, closes its connections and exits.
    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        m_process.waitForFinished(10000);
    }
    // SIGSTOP / SIGCONT: a Redis that hangs with its connections open.
    void setSuspended(bool suspended)
    {
        ::kill(pid_t(m_process.processId()), suspended ? SIGSTOP : SIGCONT);
    }
    // One inline command; the first line of the answer ("+PONG", "+OK"), empty when none came.
    QByteArray command(const QByteArray &line)
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (!socket.waitForConnected(200))
            return {};
        socket.write(line + "\r\n");
        while (!socket.canReadLine() && socket.waitForReadyRead(200)) {
        }
        return socket.readLine().trimmed();
    }
    quint16 port() const { return m_port; }
    QString url(const QString &prefix = {}) const
    {
        return QStringLiteral("redis://127.0.0.1:%1/0").arg(m_port) +
               (prefix.isEmpty() ? QString() : QStringLiteral("?prefix=") + prefix);
    }

private:
    QTemporaryDir m_dir;
    QString m_program;
    quint16 m_port;
    Persistence m_persistence;
    QProcess m_process;
};

// Starts the dashboard binary headless on a free port; returns the port from the URL it prints,
// or 0 when it printed none (it exited, or 10 s passed).
inline quint16 launchHeadless(const QString &binary, QProcess &process,
                              const QStringList &extraArguments)
{
    process.start(binary, QStringList{QStringLiteral("--headless"), QStringLiteral("--port"),
                                      QStringLiteral("0")} +
                              extraArguments);
    if (!process.waitForStarted(5000))
        return 0;
    quint16 port = 0;
    const bool ended = QTest::qWaitFor(
        [&process, &port] {
            while (process.canReadLine()) {
                const QUrl url(QString::fromUtf8(process.readLine()).trimmed());
                if (url.scheme() == QLatin1String("http") && url.path() == QLatin1String("/"))
                    port = quint16(url.port());
            }
            return port != 0 || process.state() == QProcess::NotRunning;
        },
        10000);
    return ended ? port : 0;
}

} // namespace testsupport
