#include "serverconfig.h"

#include <QRandomGenerator>
#include <QThread>

#include <algorithm>

namespace sse {

int ServerConfig::defaultFanoutThreads()
{
    // The sends are kernel work that scales with cores, but one core is left to the rest of
    // the machine: on this project's 2-core benchmark machine, where the load generator shares
    // the cores, a second fan-out thread cut p99 latency at 1,000 subscribers by 30% and
    // throughput by 10-15% (bench/README.md), so there the default is one.
    return std::clamp(QThread::idealThreadCount() - 1, 1, 4);
}

QString ServerConfig::validate() const
{
    if (fanoutThreads < 1 || fanoutThreads > 64)
        return QStringLiteral("threads: must be between 1 and 64");
    if (bindAddress.isNull())
        return QStringLiteral("bind address: not a valid IP address");
    if (historySize < 0 || historySize > 1000000)
        return QStringLiteral("history: must be between 0 and 1000000 events");
    if (heartbeatSeconds < 1 || heartbeatSeconds > 3600)
        return QStringLiteral("heartbeat: must be between 1 and 3600 seconds");
    if (maxQueueBytes < 1024)
        return QStringLiteral("max queue: must be at least 1024 bytes");
    if (maxClients < 1 || maxClients > 1000000)
        return QStringLiteral("max clients: must be between 1 and 1000000");
    if (idleTimeoutSeconds < 1 || idleTimeoutSeconds > 3600)
        return QStringLiteral("idle timeout: must be between 1 and 3600 seconds");
    if (maxBodyBytes < 1024 || maxBodyBytes > 256 * 1024 * 1024)
        return QStringLiteral("max body: must be between 1024 bytes and 256 MiB");
    return {};
}

QString generateToken()
{
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    QString token;
    constexpr int length = 24;
    token.reserve(length);
    auto *random = QRandomGenerator::system();
    for (int i = 0; i < length; ++i)
        token.append(QLatin1Char(alphabet[random->bounded(int(sizeof(alphabet) - 1))]));
    return token;
}

} // namespace sse
