#pragma once

// What the SQLite event log's tests share: events, appends that wait for their answers, and
// SQL run on a file as another program would.
#include "eventlog.h"
#include "sqliteeventlog.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSemaphore>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <memory>
#include <utility>

namespace historytesting {

constexpr qint64 NoByteLimit = qint64(1) << 40;

inline sse::SseEvent sseEvent(const QString &data, const QString &type = {}, const QString &id = {})
{
    return sse::SseEvent{type, id, data, {}, QStringLiteral("default")};
}

// Appends and waits until the log has answered; returns the ids it gave.
inline QStringList appendAll(sse::EventLog &log, const QList<sse::SseEvent> &events,
                             const QString &scope = QStringLiteral("default"))
{
    QStringList ids;
    int answered = 0;
    for (const sse::SseEvent &each : events) {
        log.append(each, scope, true, [&](const sse::EventLog::Appended &appended) {
            ++answered;
            if (appended.error.isEmpty())
                ids.append(appended.id);
        });
    }
    if (!QTest::qWaitFor([&] { return answered == events.size(); }))
        return {};
    return ids;
}

inline QStringList words(const char *text)
{
    return QString::fromLatin1(text).split(u' ', Qt::SkipEmptyParts);
}

inline QList<sse::SseEvent> numbered(int from, int to)
{
    QList<sse::SseEvent> events;
    for (int n = from; n <= to; ++n)
        events.append(sseEvent(QStringLiteral("event %1").arg(n)));
    return events;
}

inline QByteArray fileDigest(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

// Runs statements on a file with a plain QSQLITE connection, as another program would.
inline bool runSql(const QString &path, const QStringList &statements)
{
    bool ok = true;
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("test-writer"));
        db.setDatabaseName(path);
        ok = db.open();
        QSqlQuery query(db);
        for (const QString &statement : statements) {
            if (ok && !query.exec(statement)) {
                qWarning() << statement << query.lastError().text();
                ok = false;
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("test-writer"));
    return ok;
}

// Holds the log's writer thread busy, as a slow disk would, until release() (or its end, so
// that a failed test does not leave the log waiting for its writer forever).
class HeldWriter
{
public:
    explicit HeldWriter(sse::SqliteEventLog &log)
        : m_context(new QObject)
    {
        m_context->moveToThread(log.writerThread());
        QSemaphore holding;
        QMetaObject::invokeMethod(m_context, [&holding, disk = m_disk] {
            holding.release();
            disk->acquire();
        });
        holding.acquire();
    }
    ~HeldWriter()
    {
        release();
        m_context->deleteLater(); // on the writer's thread
    }
    HeldWriter(const HeldWriter &) = delete;
    HeldWriter &operator=(const HeldWriter &) = delete;

    void release()
    {
        if (std::exchange(m_held, false))
            m_disk->release();
    }

private:
    QObject *m_context;
    std::shared_ptr<QSemaphore> m_disk = std::make_shared<QSemaphore>();
    bool m_held = true;
};

} // namespace historytesting
