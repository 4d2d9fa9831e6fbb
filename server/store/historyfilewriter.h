#pragma once

#include "history.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include <vector>

namespace sse {

// The file side of SqliteEventLog: the one connection to the SQLite file, used only on the
// log's thread of its own, so no file I/O ever runs on the server thread. It reads the file
// once, when opened, and afterwards only writes: batches of events (one transaction each,
// trimmed to the limits in the same transaction) and clears.
class HistoryFileWriter
{
public:
    // What the file holds when opened, oldest first, within the limits.
    struct Contents
    {
        quint64 nextId = 1;
        std::vector<HistoryEntry> entries;
    };

    HistoryFileWriter(QString path, int capacity, qint64 maxBytes);
    ~HistoryFileWriter();
    HistoryFileWriter(const HistoryFileWriter &) = delete;
    HistoryFileWriter &operator=(const HistoryFileWriter &) = delete;

    // A sentence naming the file and what is wrong with it, or empty when it is ready.
    QString open(Contents &contents);
    // Inserts the events and the next id in one transaction, then trims; the reason it failed
    // (nothing of the batch is kept then), or empty.
    QString write(const std::vector<HistoryEntry> &entries, quint64 nextId);
    QString clear();
    void close();

    // Names the file in a reason.
    QString refuse(const QString &reason) const;

private:
    QString load(Contents &contents);
    QString trimInTransaction();

    QString m_path;
    int m_capacity;
    qint64 m_maxBytes;
    QString m_connectionName;
    QSqlDatabase m_db;
    QSqlQuery m_insert;
    QSqlQuery m_saveNextId;
    QSqlQuery m_trimThrough;
    bool m_open = false;
    int m_count = 0;
    qint64 m_bytes = 0;
};

} // namespace sse
