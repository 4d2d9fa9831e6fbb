#pragma once

// The sse-dashboard binary run as scripts and CI run it (--headless), for the tests of its
// command line. SSE_DASHBOARD_BIN is its path (tests/CMakeLists.txt).

#include <QElapsedTimer>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace testsupport {

inline const QString Binary = QStringLiteral(SSE_DASHBOARD_BIN);

// Starts the binary and reads the URL from its first line; returns the port or 0.
inline quint16 launch(QProcess &process, const QStringList &extraArguments = {})
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

} // namespace testsupport
