#include "sqliteeventlog.h"

#include "eventstreamparser.h"
#include "serverlogging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QtEndian>

#include <atomic>

namespace sse {

namespace {

// The SQLite file header (https://www.sqlite.org/fileformat.html#the_database_header).
constexpr qsizetype HeaderBytes = 100;
constexpr char HeaderMagic[] = "SQLite format 3";
constexpr qsizetype UserVersionOffset = 60;
constexpr qsizetype ApplicationIdOffset = 68;
// SQLite's primary result codes, as QSqlError::nativeErrorCode() gives them.
const QString SqliteBusy = QStringLiteral("5");
const QString SqliteLocked = QStringLiteral("6");

QString connectionName()
{
    static std::atomic<int> counter{0};
    return QStringLiteral("sse-history-%1").arg(++counter);
}

bool isLockError(const QSqlError &error)
{
    const QString code = error.nativeErrorCode();
    return code == SqliteBusy || code == SqliteLocked;
}

// The event field of an encoded event, for rows written before the type had its own column.
QString encodedType(const QByteArray &encoded)
{
    EventStreamParser parser;
    parser.feed(encoded);
    const QList<EventStreamParser::Event> events = parser.takeEvents();
    return events.isEmpty() ? QString() : events.first().type;
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
    m_oldestId = QSqlQuery();
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

QString SqliteEventLog::checkHeader() const
{
    // Decided from the bytes alone, so a file that is not ours is never opened by SQLite.
    const QFileInfo info(m_path);
    if (info.isDir())
        return refuse(QStringLiteral("is a folder, not a file"));
    if (!info.exists()) {
        const QFileInfo folder(info.absolutePath());
        if (!folder.exists() && !QDir().mkpath(folder.absoluteFilePath()))
            return refuse(QStringLiteral("its folder %1 cannot be created")
                              .arg(QDir::toNativeSeparators(folder.absoluteFilePath())));
        if (!QFileInfo(folder.absoluteFilePath()).isWritable())
            return refuse(QStringLiteral("its folder %1 is read-only")
                              .arg(QDir::toNativeSeparators(folder.absoluteFilePath())));
        return {};
    }
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return refuse(QStringLiteral("cannot be read (%1)").arg(file.errorString()));
    const QByteArray header = file.read(HeaderBytes);
    file.close();
    // The mode's write bits count even for root (who may write anyway): a file marked
    // read-only stays as it is. WriteUser is left out: it is computed for the current user.
    constexpr auto AnyWrite = QFile::WriteOwner | QFile::WriteGroup | QFile::WriteOther;
    const bool readOnly = !info.isWritable() || !(info.permissions() & AnyWrite);
    if (header.isEmpty())
        return readOnly ? refuse(QStringLiteral("is read-only")) : QString();
    if (header.size() < HeaderBytes || !header.startsWith(QByteArrayView(HeaderMagic, 16)))
        return refuse(QStringLiteral("is not a history database (not an SQLite file); it was "
                                     "left unchanged"));
    const auto applicationId = qFromBigEndian<qint32>(header.constData() + ApplicationIdOffset);
    if (applicationId != ApplicationId)
        return refuse(QStringLiteral("is not a history database (an SQLite database of another "
                                     "program, application_id %1); it was left unchanged")
                          .arg(applicationId));
    const auto version = qFromBigEndian<qint32>(header.constData() + UserVersionOffset);
    if (version > SchemaVersion)
        return refuse(QStringLiteral("was written by a newer SSE Dashboard (schema version %1; "
                                     "this one reads up to %2); it was left unchanged")
                          .arg(version)
                          .arg(SchemaVersion));
    if (readOnly)
        return refuse(QStringLiteral("is read-only"));
    if (!QFileInfo(info.absolutePath()).isWritable())
        return refuse(QStringLiteral("its folder %1 is read-only (the write-ahead log is kept "
                                     "next to the file)")
                          .arg(QDir::toNativeSeparators(info.absolutePath())));
    return {};
}

QString SqliteEventLog::open()
{
    if (m_open)
        return {};
    if (QString problem = checkHeader(); !problem.isEmpty())
        return problem;
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(m_path);
    // Another instance holding the file answers "busy" at once instead of after Qt's 5 s.
    m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=0"));
    if (!m_db.open()) {
        const QString reason = m_db.lastError().text();
        closeDatabase();
        return refuse(QStringLiteral("cannot be opened (%1)").arg(reason));
    }
    QString problem = prepareFile();
    if (problem.isEmpty())
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

QString SqliteEventLog::prepareFile()
{
    QSqlQuery query(m_db);
    // Held from the first write until the file is closed: the kernel releases it when the
    // process dies, so a crash leaves no stale lock behind. It also keeps WAL's index in
    // this process's memory (no -shm file).
    query.exec(QStringLiteral("PRAGMA locking_mode=EXCLUSIVE"));
    if (!query.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        const QSqlError error = query.lastError();
        if (isLockError(error))
            return refuse(QStringLiteral("is in use by another running SSE Dashboard"));
        return refuse(QStringLiteral("cannot be written (%1)").arg(error.text()));
    }
    const auto rollback = [this](const QString &reason) {
        QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
        return refuse(reason);
    };
    // Read again under the lock: the header may be older than the write-ahead log.
    if (!query.exec(QStringLiteral("SELECT (SELECT application_id FROM pragma_application_id),"
                                   " (SELECT user_version FROM pragma_user_version),"
                                   " (SELECT count(*) FROM sqlite_master)")) ||
        !query.next()) {
        return rollback(QStringLiteral("cannot be read (%1)").arg(query.lastError().text()));
    }
    const qint32 applicationId = query.value(0).toInt();
    int version = query.value(1).toInt();
    const int objects = query.value(2).toInt();
    query.finish();
    if (applicationId == 0 && version == 0 && objects == 0) {
        // A new (or empty) file becomes a history.
        query.exec(QStringLiteral("PRAGMA application_id=%1").arg(ApplicationId));
    } else if (applicationId != ApplicationId) {
        return rollback(QStringLiteral("is not a history database (an SQLite database of "
                                       "another program); it was left unchanged"));
    } else if (version > SchemaVersion) {
        return rollback(QStringLiteral("was written by a newer SSE Dashboard (schema version %1; "
                                       "this one reads up to %2); it was left unchanged")
                            .arg(version)
                            .arg(SchemaVersion));
    }
    for (; version < SchemaVersion; ++version) {
        if (QString error = migrate(m_db, version + 1); !error.isEmpty())
            return rollback(QStringLiteral("cannot be brought to schema version %1 (%2)")
                                .arg(version + 1)
                                .arg(error));
    }
    if (!m_db.commit())
        return rollback(QStringLiteral("cannot be written (%1)").arg(m_db.lastError().text()));
    if (!query.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !query.next() ||
        query.value(0).toString() != QStringLiteral("wal")) {
        return refuse(
            QStringLiteral("cannot use a write-ahead log (%1)").arg(query.lastError().text()));
    }
    query.finish();
    // A commit reaches the operating system before the publish is answered; only a power loss
    // can take the last ones back.
    query.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    return {};
}

QString SqliteEventLog::migrate(QSqlDatabase &db, int toVersion)
{
    QSqlQuery query(db);
    QStringList statements;
    switch (toVersion) {
    case 1:
        // The first layout: what replay needs, and the next id so ids are never reused.
        statements = {
            QStringLiteral("CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, "
                           "scope TEXT NOT NULL, encoded BLOB NOT NULL)"),
            QStringLiteral("CREATE INDEX events_by_id ON events (id)"),
            QStringLiteral("CREATE TABLE state (key TEXT PRIMARY KEY, value INTEGER NOT NULL)"),
            QStringLiteral("INSERT INTO state (key, value) VALUES ('next_id', 1)"),
        };
        break;
    case 2:
        // What the history panel shows and filters on, kept beside the encoded event.
        statements = {
            QStringLiteral("ALTER TABLE events ADD COLUMN type TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE events ADD COLUMN time_ms INTEGER NOT NULL DEFAULT 0"),
            QStringLiteral("ALTER TABLE events ADD COLUMN size INTEGER NOT NULL DEFAULT 0"),
            QStringLiteral("UPDATE events SET size = length(encoded)"),
        };
        break;
    default:
        return QStringLiteral("no migration to version %1").arg(toVersion);
    }
    for (const QString &statement : std::as_const(statements)) {
        if (!query.exec(statement))
            return query.lastError().text();
    }
    if (toVersion == 2) {
        // The type column of older rows comes from their encoded event.
        QSqlQuery rows(db);
        rows.setForwardOnly(true);
        if (!rows.exec(QStringLiteral("SELECT seq, encoded FROM events")))
            return rows.lastError().text();
        QSqlQuery update(db);
        update.prepare(QStringLiteral("UPDATE events SET type = ? WHERE seq = ?"));
        while (rows.next()) {
            const QString type = encodedType(rows.value(1).toByteArray());
            if (type.isEmpty())
                continue;
            update.addBindValue(type);
            update.addBindValue(rows.value(0));
            if (!update.exec())
                return update.lastError().text();
        }
    }
    if (!query.exec(QStringLiteral("PRAGMA user_version=%1").arg(toVersion)))
        return query.lastError().text();
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
        prepare(m_replay, QStringLiteral("SELECT encoded FROM events WHERE seq > ? AND "
                                         "(scope = ? OR scope IN (SELECT value FROM "
                                         "json_each(?))) ORDER BY seq")) &&
        prepare(m_oldestId, QStringLiteral("SELECT id FROM events ORDER BY seq LIMIT 1"));
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
        rememberEvicted(oldest.value(1).toString());
        --m_count;
        m_bytes -= oldest.value(2).toLongLong();
    }
    oldest.finish();
    if (through < 0)
        return {};
    m_trimThrough.addBindValue(through);
    if (!m_trimThrough.exec())
        return m_trimThrough.lastError().text();
    return {};
}

void SqliteEventLog::rememberEvicted(const QString &id)
{
    if (m_evictedIds.contains(id))
        return;
    m_evictedIds.insert(id, true);
    m_evictedOrder.push_back(id);
    const auto limit = std::max<size_t>(size_t(m_capacity) * 4, 1024);
    while (m_evictedOrder.size() > limit) {
        m_evictedIds.remove(m_evictedOrder.front());
        m_evictedOrder.pop_front();
    }
}

EventLog::Replay SqliteEventLog::replayAfter(const QString &lastEventId,
                                             const QStringList &channels, bool inclusive) const
{
    Replay replay;
    if (!m_open)
        return replay;
    if (m_oldestId.exec() && m_oldestId.next())
        replay.oldestId = m_oldestId.value(0).toString();
    m_oldestId.finish();

    qint64 after = 0;
    m_findId.addBindValue(lastEventId);
    if (m_findId.exec() && m_findId.next()) {
        after = m_findId.value(0).toLongLong() - (inclusive ? 1 : 0);
    } else {
        // Numbers below the next id were handed out here once, so they have been trimmed
        // (or cleared), even when that happened before a restart.
        bool numeric = false;
        const quint64 number = lastEventId.toULongLong(&numeric);
        const bool handedOut = numeric && number > 0 && number < m_nextId;
        replay.gap = handedOut || m_evictedIds.contains(lastEventId) ? Gap::Evicted : Gap::Unknown;
    }
    m_findId.finish();

    m_replay.addBindValue(after);
    m_replay.addBindValue(AllChannels);
    m_replay.addBindValue(QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(channels)).toJson(QJsonDocument::Compact)));
    if (!m_replay.exec()) {
        qCWarning(lcLog).noquote() << refuse(m_replay.lastError().text());
        return replay;
    }
    while (m_replay.next())
        replay.events.append(m_replay.value(0).toByteArray());
    m_replay.finish();
    return replay;
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
            rememberEvicted(ids.value(0).toString());
    }
    ids.finish();
    if (!query.exec(QStringLiteral("DELETE FROM events"))) {
        qCWarning(lcLog).noquote() << refuse(query.lastError().text());
        return;
    }
    m_count = 0;
    m_bytes = 0;
}

} // namespace sse
