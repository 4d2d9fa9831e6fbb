#pragma once

// The event logs a server runs on (DESIGN.md, "History"): the memory log answers a publish at
// once, the SQLite file and Redis answer later. Tests of statuses, pipelining and publishes
// run on each, so that an answer that only works when the log is synchronous shows up.

#include "redisfixture.h"
#include "serverconfig.h"

#include <QByteArray>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace testsupport {

inline const QList<QByteArray> &eventLogNames()
{
    static const QList<QByteArray> names{"memory", "sqlite", "redis"};
    return names;
}

// The log named by $SSE_TEST_EVENT_LOG (memory when unset): ctest registers the HTTP API
// tests once per log.
inline QByteArray eventLogFromEnvironment()
{
    const QByteArray name = qgetenv("SSE_TEST_EVENT_LOG");
    return name.isEmpty() ? QByteArrayLiteral("memory") : name;
}

// For data-driven tests: one row per event log.
inline void addEventLogRows()
{
    QTest::addColumn<QByteArray>("eventLog");
    for (const QByteArray &name : eventLogNames())
        QTest::newRow(name.constData()) << name;
}

// Owns what a server's event log needs: a fresh SQLite file, or a redis-server of its own.
// Each use() starts from an empty log, so ids start at 1 as on the memory log.
class EventLogBackend
{
public:
    // Points config at a new, empty log of that kind; false (and why) when its part failed.
    bool use(const QByteArray &name, sse::ServerConfig &config, QString *why = nullptr)
    {
        m_redis.reset();
        m_dir = std::make_unique<QTemporaryDir>();
        if (name == "memory")
            return true;
        if (name == "sqlite") {
            config.historyFile = m_dir->filePath(QStringLiteral("history.sqlite"));
            return true;
        }
        if (name == "redis") {
            m_redis = std::make_unique<RedisServer>();
            if (!m_redis->start()) {
                if (why)
                    *why = QStringLiteral("redis-server did not start");
                return false;
            }
            config.redisUrl = m_redis->url();
            return true;
        }
        if (why)
            *why = QStringLiteral("unknown event log '%1'").arg(QString::fromLatin1(name));
        return false;
    }

    // The same for the headless binary's command line.
    QStringList arguments(const QByteArray &name, QString *why = nullptr)
    {
        sse::ServerConfig config;
        if (!use(name, config, why))
            return {QStringLiteral("--unusable-event-log")};
        if (!config.historyFile.isEmpty())
            return {QStringLiteral("--history-file"), config.historyFile};
        if (!config.redisUrl.isEmpty())
            return {QStringLiteral("--redis"), config.redisUrl};
        return {};
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<RedisServer> m_redis;
};

} // namespace testsupport
