#include "sqliteeventlog.h"

#include "historyfile.h"
#include "serverlogging.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>

#include <atomic>

namespace sse {

namespace {

QString connectionName()
{
    static std::atomic<int> counter{0};
    return QStringLiteral("sse-history-%1").arg(++counter);
}

} // namespace

SqliteEventLog::SqliteEventLog(const QString &path, int capacity, qint64 maxBytes)
    : m_path(path)
    , m_capacity(std::max(0, capacity))
    , m_maxBytes(maxBytes)
    , m_connectionName(connectionName())
{}

SqliteEventLog::~SqliteEventLog()
{
    // Appends left unanswered have nobody to answer: the server stopped (finishAppends).
    m_pending.clear();
    closeDatabase();
}

void SqliteEventLog::closeDatabase()
{
    m_insert = QSqlQuery();
    m_saveNextId = QSqlQuery();
    m_trimThrough = QSqlQuery();
    m_findId = QSqlQuery();
    m_replay = QSqlQuery();
    m_oldest = QSqlQuery();
    m_newest = QSqlQuery();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    m_open = false;
}

QString SqliteEventLog::refuse(const QString &reason) const
{
    return QStringLiteral("history file %1: %2").arg(QDir::toNativeSeparators(m_path), reason);
}

QString SqliteEventLog::open()
{
    if (m_open)
        return {};
    if (QString problem = historyfile::checkHeader(m_path); !problem.isEmpty())
        return refuse(problem);
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(m_path);
    // Another instance holding the file answers "busy" at once instead of after Qt's 5 s.
    m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=0"));
    if (!m_db.open()) {
        const QString reason = m_db.lastError().text();
        closeDatabase();
        return refuse(QStringLiteral("cannot be opened (%1)").arg(reason));
    }
    QString problem = historyfile::prepare(m_db);
    if (!problem.isEmpty())
        problem = refuse(problem);
    else
        problem = loadState();
    if (!problem.isEmpty()) {
        closeDatabase();
        return problem;
    }
    m_open = true;
    qCInfo(lcLog).noquote() << "history in" << m_path << "with" << m_count << "events, next id"
                            << m_nextId;
    return {};
}

QString SqliteEventLog::loadState()
{
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("SELECT count(*), coalesce(sum(size), 0), "
                                   "(SELECT value FROM state WHERE key = 'next_id') "
                                   "FROM events")) ||
        !query.next()) {
        return refuse(QStringLiteral("cannot be read (%1)").arg(query.lastError().text()));
    }
    m_count = query.value(0).toInt();
    m_bytes = query.value(1).toLongLong();
    m_nextId = std::max<quint64>(1, query.value(2).toULongLong());
    query.finish();

    const auto prepare = [this](QSqlQuery &statement, const QString &sql) {
        statement = QSqlQuery(m_db);
        return statement.prepare(sql);
    };
    const bool prepared =
        prepare(m_insert, QStringLiteral("INSERT INTO events (id, scope, encoded, type, time_ms, "
                                         "size) VALUES (?, ?, ?, ?, ?, ?)")) &&
        prepare(m_saveNextId, QStringLiteral("UPDATE state SET value = ? WHERE key = 'next_id'")) &&
        prepare(m_trimThrough, QStringLiteral("DELETE FROM events WHERE seq <= ?")) &&
        prepare(m_findId,
                QStringLiteral("SELECT seq FROM events WHERE id = ? ORDER BY seq DESC LIMIT 1")) &&
        prepare(m_replay, QStringLiteral("SELECT seq, id, encoded FROM events WHERE seq > ? AND "
                                         "seq <= ? AND (scope = ? OR scope IN (SELECT value "
                                         "FROM json_each(?))) ORDER BY seq")) &&
        prepare(m_oldest, QStringLiteral("SELECT seq, id FROM events ORDER BY seq LIMIT 1")) &&
        prepare(m_newest, QStringLiteral("SELECT coalesce(max(seq), 0) FROM events"));
    if (!prepared)
        return refuse(QStringLiteral("cannot be used (%1)").arg(m_db.lastError().text()));
    m_replay.setForwardOnly(true);
    // Limits may be lower than when the file was written.
    if (m_count > m_capacity || m_bytes > m_maxBytes) {
        if (!m_db.transaction())
            return refuse(QStringLiteral("cannot be written (%1)").arg(m_db.lastError().text()));
        QString error = trimInTransaction();
        if (error.isEmpty() && !m_db.commit())
            error = m_db.lastError().text();
        if (!error.isEmpty()) {
            m_db.rollback();
            return refuse(QStringLiteral("cannot be trimmed (%1)").arg(error));
        }
    }
    return {};
}

void SqliteEventLog::append(SseEvent event, const QString &scope, bool keep, AppendDone done)
{
    if (event.id.isEmpty())
        event.id = QString::number(m_nextId++);
    const QByteArray encoded = encodeEvent(event);
    if (!keep && m_pending.empty()) {
        // Nothing to store and nothing before it to wait for.
        done(Appended{event.id, encoded, {}});
        return;
    }
    m_pending.push_back(PendingAppend{
        HistoryEntry{event.id, QDateTime::currentMSecsSinceEpoch(), scope, event.event, encoded},
        keep && m_capacity > 0, std::move(done)});
    if (!m_commitScheduled) {
        m_commitScheduled = true;
        // Every append of this event-loop turn shares the transaction.
        QMetaObject::invokeMethod(this, &SqliteEventLog::commit, Qt::QueuedConnection);
    }
}

void SqliteEventLog::commit()
{
    m_commitScheduled = false;
    if (m_pending.empty())
        return;
    const std::vector<PendingAppend> batch = std::exchange(m_pending, {});
    const QString error = writeBatch(batch);
    if (!error.isEmpty())
        qCWarning(lcLog).noquote() << refuse(error);
    for (const PendingAppend &append : batch) {
        if (append.keep && !error.isEmpty()) {
            append.done(Appended{
                {},
                {},
                QStringLiteral("the history file could not store the event: %1").arg(error),
                true});
        } else {
            append.done(Appended{append.entry.id, append.entry.encoded, {}});
        }
    }
}

QString SqliteEventLog::writeBatch(const std::vector<PendingAppend> &batch)
{
    if (!m_open)
        return QStringLiteral("it is not open");
    const int countBefore = m_count;
    const qint64 bytesBefore = m_bytes;
    if (!m_db.transaction())
        return m_db.lastError().text();
    QString error;
    for (const PendingAppend &append : batch) {
        if (!append.keep)
            continue;
        const HistoryEntry &entry = append.entry;
        m_insert.addBindValue(entry.id);
        m_insert.addBindValue(entry.scope);
        m_insert.addBindValue(entry.encoded);
        // A null QString would be bound as NULL.
        m_insert.addBindValue(entry.type.isNull() ? QStringLiteral("") : entry.type);
        m_insert.addBindValue(entry.timeMs);
        m_insert.addBindValue(entry.encoded.size());
        if (!m_insert.exec()) {
            error = m_insert.lastError().text();
            break;
        }
        ++m_count;
        m_bytes += entry.encoded.size();
    }
    if (error.isEmpty()) {
        m_saveNextId.addBindValue(m_nextId);
        if (!m_saveNextId.exec())
            error = m_saveNextId.lastError().text();
    }
    if (error.isEmpty())
        error = trimInTransaction();
    if (error.isEmpty() && !m_db.commit())
        error = m_db.lastError().text();
    if (!error.isEmpty()) {
        m_db.rollback();
        m_count = countBefore;
        m_bytes = bytesBefore;
    }
    return error;
}

QString SqliteEventLog::trimInTransaction()
{
    if (m_count <= m_capacity && m_bytes <= m_maxBytes)
        return {};
    QSqlQuery oldest(m_db);
    oldest.setForwardOnly(true);
    if (!oldest.exec(QStringLiteral("SELECT seq, id, size FROM events ORDER BY seq")))
        return oldest.lastError().text();
    qint64 through = -1;
    while ((m_count > m_capacity || m_bytes > m_maxBytes) && oldest.next()) {
        through = oldest.value(0).toLongLong();
        m_evicted.add(oldest.value(1).toString(), EvictedIds::limitFor(m_capacity));
        --m_count;
        m_bytes -= oldest.value(2).toLongLong();
    }
    oldest.finish();
    if (through < 0)
        return {};
    if (m_count == 0)
        ++m_generation; // an empty table numbers its rows from 1 again: cursors are void
    m_trimThrough.addBindValue(through);
    if (!m_trimThrough.exec())
        return m_trimThrough.lastError().text();
    return {};
}

std::pair<qint64, QString> SqliteEventLog::oldest() const
{
    std::pair<qint64, QString> oldest{0, {}};
    if (m_oldest.exec() && m_oldest.next())
        oldest = {m_oldest.value(0).toLongLong(), m_oldest.value(1).toString()};
    m_oldest.finish();
    return oldest;
}

EventLog::ReplayStart SqliteEventLog::replayStart(const QString &lastEventId, bool inclusive) const
{
    ReplayStart start;
    if (!m_open)
        return start;
    start.cursor.generation = m_generation;
    const auto [oldestSeq, oldestId] = oldest();
    start.oldestId = oldestId;
    if (m_newest.exec() && m_newest.next())
        start.cursor.through = m_newest.value(0).toLongLong();
    m_newest.finish();

    m_findId.addBindValue(lastEventId);
    if (m_findId.exec() && m_findId.next()) {
        start.cursor.after = m_findId.value(0).toLongLong() - (inclusive ? 1 : 0);
    } else {
        // Numbers below the next id were handed out here once, so they have been trimmed
        // (or cleared), even when that happened before a restart.
        bool numeric = false;
        const quint64 number = lastEventId.toULongLong(&numeric);
        const bool handedOut = numeric && number > 0 && number < m_nextId;
        start.gap = handedOut || m_evicted.contains(lastEventId) ? Gap::Evicted : Gap::Unknown;
        start.cursor.after = oldestSeq > 0 ? oldestSeq - 1 : start.cursor.through;
    }
    m_findId.finish();
    return start;
}

EventLog::ReplayPage SqliteEventLog::replayPage(ReplayCursor &cursor, const QStringList &channels,
                                                qint64 maxBytes) const
{
    // Rows of other channels are skipped a bounded stretch of sequences at a time, so no page
    // costs more than a moment whatever the file holds.
    constexpr qint64 MaxScanned = 4096;
    ReplayPage page;
    if (cursor.done())
        return page;
    if (!m_open || cursor.generation != m_generation) {
        page.lost = true;
        page.oldestId = oldest().second;
        cursor.after = cursor.through;
        return page;
    }
    if (const auto [oldestSeq, oldestId] = oldest();
        oldestSeq == 0 || oldestSeq > cursor.after + 1) {
        page.lost = true; // what the replay still had to send was trimmed meanwhile
        page.oldestId = oldestId;
        // Go on from what is left, so the loss is reported once.
        cursor.after = oldestSeq == 0 ? cursor.through : oldestSeq - 1;
        if (cursor.done())
            return page;
    }
    const qint64 windowEnd = std::min(cursor.through, cursor.after + MaxScanned);
    m_replay.addBindValue(cursor.after);
    m_replay.addBindValue(windowEnd);
    m_replay.addBindValue(AllChannels);
    m_replay.addBindValue(QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(channels)).toJson(QJsonDocument::Compact)));
    if (!m_replay.exec()) {
        qCWarning(lcLog).noquote() << refuse(m_replay.lastError().text());
        cursor.after = cursor.through;
        page.lost = true; // the client hears that it missed what could not be read
        return page;
    }
    qint64 bytes = 0;
    bool full = false;
    while (!full && m_replay.next()) {
        cursor.after = m_replay.value(0).toLongLong();
        page.lastId = m_replay.value(1).toString();
        page.events.append(m_replay.value(2).toByteArray());
        bytes += page.events.constLast().size();
        full = bytes >= maxBytes;
    }
    m_replay.finish();
    if (!full)
        cursor.after = windowEnd;
    return page;
}

int SqliteEventLog::replayCount(const ReplayCursor &cursor, const QStringList &channels) const
{
    if (!m_open || cursor.generation != m_generation || cursor.done())
        return 0;
    QSqlQuery count(m_db);
    count.setForwardOnly(true);
    count.prepare(QStringLiteral("SELECT count(*) FROM events WHERE seq > ? AND seq <= ? AND "
                                 "(scope = ? OR scope IN (SELECT value FROM json_each(?)))"));
    count.addBindValue(cursor.after);
    count.addBindValue(cursor.through);
    count.addBindValue(AllChannels);
    count.addBindValue(QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(channels)).toJson(QJsonDocument::Compact)));
    if (!count.exec() || !count.next()) {
        qCWarning(lcLog).noquote() << refuse(count.lastError().text());
        return 0;
    }
    return count.value(0).toInt();
}

HistoryPage SqliteEventLog::history(const HistoryFilter &filter, int offset, int limit) const
{
    HistoryPage page;
    page.offset = offset;
    if (!m_open)
        return page;
    QStringList conditions;
    QVariantList values;
    if (!filter.scope.isEmpty()) {
        conditions.append(QStringLiteral("scope = ?"));
        values.append(filter.scope);
    }
    if (!filter.type.isEmpty()) {
        conditions.append(filter.type == DefaultEventType ? QStringLiteral("type IN (?, '')")
                                                          : QStringLiteral("type = ?"));
        values.append(filter.type);
    }
    if (!filter.text.isEmpty()) {
        conditions.append(QStringLiteral("instr(encoded, ?) > 0"));
        values.append(filter.text.toUtf8());
    }
    const QString where =
        conditions.isEmpty() ? QString()
                             : QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
    const auto run = [this, &values](QSqlQuery &query, const QString &sql) {
        query.setForwardOnly(true);
        if (!query.prepare(sql))
            return false;
        for (const QVariant &value : values)
            query.addBindValue(value);
        return query.exec();
    };

    QSqlQuery count(m_db);
    if (run(count, QStringLiteral("SELECT count(*) FROM events") + where) && count.next())
        page.matching = count.value(0).toInt();
    QSqlQuery rows(m_db);
    values.append(limit);
    values.append(offset);
    if (!run(rows, QStringLiteral("SELECT id, time_ms, scope, type, encoded FROM events") + where +
                       QStringLiteral(" ORDER BY seq DESC LIMIT ? OFFSET ?"))) {
        qCWarning(lcLog).noquote() << refuse(rows.lastError().text());
        return page;
    }
    while (rows.next()) {
        page.entries.append(HistoryEntry{rows.value(0).toString(), rows.value(1).toLongLong(),
                                         rows.value(2).toString(), rows.value(3).toString(),
                                         rows.value(4).toByteArray()});
    }
    return page;
}

void SqliteEventLog::clear()
{
    if (!m_open)
        return;
    commit(); // what was published before the clear is cleared too
    QSqlQuery query(m_db);
    QSqlQuery ids(m_db);
    ids.setForwardOnly(true);
    if (ids.exec(QStringLiteral("SELECT id FROM events ORDER BY seq"))) {
        while (ids.next())
            m_evicted.add(ids.value(0).toString(), EvictedIds::limitFor(m_capacity));
    }
    ids.finish();
    if (!query.exec(QStringLiteral("DELETE FROM events"))) {
        qCWarning(lcLog).noquote() << refuse(query.lastError().text());
        return;
    }
    m_count = 0;
    m_bytes = 0;
    ++m_generation;
}

} // namespace sse
