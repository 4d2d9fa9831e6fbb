#pragma once

#include "eventlog.h"

#include <QObject>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <vector>

namespace sse {

// The event log in an SQLite file, through Qt Sql's QSQLITE driver: it survives restarts and
// kill -9, and server-assigned ids go on from the largest one ever handed out.
// - Group commit: appends made during one event-loop turn are written in one transaction when
//   control returns to the event loop, and answered (so published and delivered) only once it
//   has committed. WAL journal, synchronous=NORMAL: what was answered survives the process
//   dying; a power loss may lose the last commits (docs/history.md).
// - The file is held with an exclusive lock while open: a second instance is refused.
// - A file that is not a history database, comes from a newer schema or is read-only is
//   refused before anything is written to it.
// - Trimmed by count and bytes in SQL, in the same transaction as the inserts.
class SqliteEventLog : public QObject, public EventLog
{
    Q_OBJECT

public:
    SqliteEventLog(const QString &path, int capacity, qint64 maxBytes);
    ~SqliteEventLog() override;

    QString open() override;
    void append(SseEvent event, const QString &scope, bool keep, AppendDone done) override;
    void finishAppends() override { commit(); }
    ReplayStart replayStart(const QString &lastEventId, bool inclusive = false) const override;
    ReplayPage replayPage(ReplayCursor &cursor, const QStringList &channels,
                          qint64 maxBytes) const override;
    int replayCount(const ReplayCursor &cursor, const QStringList &channels) const override;
    HistoryPage history(const HistoryFilter &filter, int offset, int limit) const override;
    void clear() override;
    int size() const override { return m_count; }
    QString nextId() const override { return QString::number(m_nextId); }
    Status status() const override
    {
        Status status;
        status.backend = QStringLiteral("sqlite");
        status.location = m_path;
        return status;
    }

    QString path() const { return m_path; }
    qint64 bytes() const { return m_bytes; }

private:
    struct PendingAppend
    {
        HistoryEntry entry;
        bool keep = true;
        AppendDone done;
    };

    QString refuse(const QString &reason) const;
    QString loadState();
    void closeDatabase();
    // Writes what was appended since the last commit in one transaction, then answers it.
    void commit();
    QString writeBatch(const std::vector<PendingAppend> &batch);
    QString trimInTransaction();
    // The oldest event's sequence and id; 0 and empty when none is kept.
    std::pair<qint64, QString> oldest() const;

    QString m_path;
    int m_capacity;
    qint64 m_maxBytes;
    QString m_connectionName;
    QSqlDatabase m_db;
    mutable QSqlQuery m_insert;
    mutable QSqlQuery m_saveNextId;
    mutable QSqlQuery m_trimThrough;
    mutable QSqlQuery m_findId;
    mutable QSqlQuery m_replay;
    mutable QSqlQuery m_oldest;
    mutable QSqlQuery m_newest;
    quint64 m_generation = 0; // counts clear() calls, for replay cursors
    bool m_open = false;
    quint64 m_nextId = 1;
    int m_count = 0;
    qint64 m_bytes = 0;
    std::vector<PendingAppend> m_pending;
    bool m_commitScheduled = false;
    // Ids trimmed during this run: server-assigned numbers are recognised across restarts
    // without it, publishers' own ids only through it.
    EvictedIds m_evicted;
};

} // namespace sse
