#include "serverconfig.h"

#include "iobackend.h"
#include "redisendpoint.h"
#include "serveroptions.h"

#include <QRandomGenerator>
#include <QThread>

#include <algorithm>

#include <unistd.h>

namespace sse {

int ServerConfig::defaultFanoutThreads()
{
    // The sends are kernel work that scales with cores, but one core is left to the rest of
    // the machine: on this project's 2-core benchmark machine, where the load generator shares
    // the cores, a second fan-out thread cut p99 latency at 1,000 subscribers by 30% and
    // throughput by 10-15% (bench/README.md), so there the default is one.
    return std::clamp(QThread::idealThreadCount() - 1, 1, 4);
}

qint64 ServerConfig::defaultMaxQueuedTotal()
{
    // Queued bytes are the server's own memory; the rest of the machine keeps seven eighths.
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long pageSize = ::sysconf(_SC_PAGESIZE);
    constexpr qint64 Floor = qint64(64) * 1024 * 1024;
    if (pages <= 0 || pageSize <= 0)
        return Floor;
    return std::max(Floor, qint64(pages) * pageSize / 8);
}

QString ServerConfig::defaultIo()
{
    const QString fromEnvironment = qEnvironmentVariable("SSE_DASHBOARD_IO");
    return fromEnvironment.isEmpty() ? QStringLiteral("auto") : fromEnvironment;
}

QString ServerConfig::validate() const
{
    for (const ConfigOption &option : configOptions()) {
        if (const QString problem = option.check(*this); !problem.isEmpty())
            return problem;
    }
    if (tlsLocal && (!tlsCertFile.isEmpty() || !tlsKeyFile.isEmpty()))
        return QStringLiteral("tls-local: give either --tls-local or --tls-cert and --tls-key, "
                              "not both");
    if (tlsCertFile.isEmpty() != tlsKeyFile.isEmpty()) {
        return tlsCertFile.isEmpty()
                   ? QStringLiteral("tls-key: --tls-cert is missing: give both files")
                   : QStringLiteral("tls-cert: --tls-key is missing: give both files");
    }
    if (!ioBackendFromName(io))
        return QStringLiteral("io: must be auto, epoll or uring, not \"%1\"").arg(io);
    if (!redisUrl.isEmpty()) {
        const auto endpoint = RedisEndpoint::parse(redisUrl);
        if (const auto *problem = std::get_if<QString>(&endpoint))
            return *problem;
    }
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
