#pragma once

#include <QSqlDatabase>
#include <QString>

// Opening an SQLite history file without harming anything that is not one (docs/history.md).
// Each function returns the reason the file cannot be used, without its path, or an empty
// string; SqliteEventLog names the file.
namespace sse::historyfile {

// PRAGMA application_id of a history file ("SSEH") and the schema this build writes.
constexpr qint32 ApplicationId = 0x53534548;
constexpr int SchemaVersion = 2;

// Decided from the file's 100-byte header alone, so a file that is not a history is never
// opened by SQLite: not SQLite, another program's, a newer schema, read-only. A missing file
// is fine (its folder is created); so is an empty one.
QString checkHeader(const QString &path);

// On an open connection: takes the exclusive lock (held until the connection closes: a second
// instance is refused), checks again under it, makes a new file a history, brings an older
// one to SchemaVersion in one transaction, and turns on the write-ahead log.
QString prepare(QSqlDatabase &db);

// One schema step in an open transaction: from version toVersion - 1 to toVersion. Public so
// that tests can build a file as an older build left it.
QString migrate(QSqlDatabase &db, int toVersion);

} // namespace sse::historyfile
