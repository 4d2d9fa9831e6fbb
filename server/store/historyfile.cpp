#include "historyfile.h"

#include "eventstreamparser.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QtEndian>

namespace sse::historyfile {

namespace {

// The SQLite file header (https://www.sqlite.org/fileformat.html#the_database_header).
constexpr qsizetype HeaderBytes = 100;
constexpr char HeaderMagic[] = "SQLite format 3";
constexpr qsizetype UserVersionOffset = 60;
constexpr qsizetype ApplicationIdOffset = 68;
// SQLite's primary result codes, as QSqlError::nativeErrorCode() gives them.
const QString SqliteBusy = QStringLiteral("5");
const QString SqliteLocked = QStringLiteral("6");

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

QString checkHeader(const QString &path)
{
    // Decided from the bytes alone, so a file that is not ours is never opened by SQLite.
    const QFileInfo info(path);
    if (info.isDir())
        return QStringLiteral("is a folder, not a file");
    if (!info.exists()) {
        const QFileInfo folder(info.absolutePath());
        if (!folder.exists() && !QDir().mkpath(folder.absoluteFilePath()))
            return QStringLiteral("its folder %1 cannot be created")
                .arg(QDir::toNativeSeparators(folder.absoluteFilePath()));
        if (!QFileInfo(folder.absoluteFilePath()).isWritable())
            return QStringLiteral("its folder %1 is read-only")
                .arg(QDir::toNativeSeparators(folder.absoluteFilePath()));
        return {};
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot be read (%1)").arg(file.errorString());
    const QByteArray header = file.read(HeaderBytes);
    file.close();
    // The mode's write bits count even for root (who may write anyway): a file marked
    // read-only stays as it is. WriteUser is left out: it is computed for the current user.
    constexpr auto AnyWrite = QFile::WriteOwner | QFile::WriteGroup | QFile::WriteOther;
    const bool readOnly = !info.isWritable() || !(info.permissions() & AnyWrite);
    if (header.isEmpty())
        return readOnly ? QStringLiteral("is read-only") : QString();
    if (header.size() < HeaderBytes || !header.startsWith(QByteArrayView(HeaderMagic, 16)))
        return QStringLiteral("is not a history database (not an SQLite file); it was "
                              "left unchanged");
    const auto applicationId = qFromBigEndian<qint32>(header.constData() + ApplicationIdOffset);
    if (applicationId != ApplicationId)
        return QStringLiteral("is not a history database (an SQLite database of another "
                              "program, application_id %1); it was left unchanged")
            .arg(applicationId);
    const auto version = qFromBigEndian<qint32>(header.constData() + UserVersionOffset);
    if (version > SchemaVersion)
        return QStringLiteral("was written by a newer SSE Dashboard (schema version %1; "
                              "this one reads up to %2); it was left unchanged")
            .arg(version)
            .arg(SchemaVersion);
    if (readOnly)
        return QStringLiteral("is read-only");
    if (!QFileInfo(info.absolutePath()).isWritable())
        return QStringLiteral("its folder %1 is read-only (the write-ahead log is kept "
                              "next to the file)")
            .arg(QDir::toNativeSeparators(info.absolutePath()));
    return {};
}

QString prepare(QSqlDatabase &db)
{
    QSqlQuery query(db);
    // Held from the first write until the file is closed: the kernel releases it when the
    // process dies, so a crash leaves no stale lock behind. It also keeps WAL's index in
    // this process's memory (no -shm file).
    query.exec(QStringLiteral("PRAGMA locking_mode=EXCLUSIVE"));
    if (!query.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        const QSqlError error = query.lastError();
        if (isLockError(error))
            return QStringLiteral("is in use by another running SSE Dashboard");
        return QStringLiteral("cannot be written (%1)").arg(error.text());
    }
    const auto rollback = [&db](const QString &reason) {
        QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
        return reason;
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
        if (QString error = migrate(db, version + 1); !error.isEmpty())
            return rollback(QStringLiteral("cannot be brought to schema version %1 (%2)")
                                .arg(version + 1)
                                .arg(error));
    }
    if (!query.exec(QStringLiteral("COMMIT")))
        return rollback(QStringLiteral("cannot be written (%1)").arg(query.lastError().text()));
    if (!query.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !query.next() ||
        query.value(0).toString() != QStringLiteral("wal")) {
        return QStringLiteral("cannot use a write-ahead log (%1)").arg(query.lastError().text());
    }
    query.finish();
    // A commit reaches the operating system before the publish is answered; only a power loss
    // can take the last ones back.
    query.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    return {};
}

QString migrate(QSqlDatabase &db, int toVersion)
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

} // namespace sse::historyfile
