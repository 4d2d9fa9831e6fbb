#pragma once

// What the SQLite event log's tests share: events, appends that wait for their answers, and
// SQL run on a file as another program would.
#include "eventlog.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

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

} // namespace historytesting
