#include "historyfilewriter.h"

#include "historyfile.h"

#include <QDir>
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

HistoryFileWriter::HistoryFileWriter(QString path, int capacity, qint64 maxBytes)
    : m_path(std::move(path))
    , m_capacity(std::max(0, capacity))
    , m_maxBytes(maxBytes)
    , m_connectionName(connectionName())
{}

HistoryFileWriter::~HistoryFileWriter()
{
    close();
}

void HistoryFileWriter::close()
{
    m_insert = QSqlQuery();
    m_saveNextId = QSqlQuery();
    m_trimThrough = QSqlQuery();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    m_open = false;
}

QString HistoryFileWriter::refuse(const QString &reason) const
{
    return QStringLiteral("history file %1: %2").arg(QDir::toNativeSeparators(m_path), reason);
}

QString HistoryFileWriter::open(Contents &contents)
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
        close();
        return refuse(QStringLiteral("cannot be opened (%1)").arg(reason));
    }
    QString problem = historyfile::prepare(m_db);
    if (!problem.isEmpty())
        problem = refuse(problem);
    else
        problem = load(contents);
    if (!problem.isEmpty()) {
        close();
        contents = {};
        return problem;
    }
    m_open = true;
    return {};
}

QString HistoryFileWriter::load(Contents &contents)
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
    contents.nextId = std::max<quint64>(1, query.value(2).toULongLong());
    query.finish();

    const auto prepare = [this](QSqlQuery &statement, const QString &sql) {
        statement = QSqlQuery(m_db);
        return statement.prepare(sql);
    };
    const bool prepared =
        prepare(m_insert, QStringLiteral("INSERT INTO events (id, scope, encoded, type, time_ms, "
                                         "size) VALUES (?, ?, ?, ?, ?, ?)")) &&
        prepare(m_saveNextId, QStringLiteral("UPDATE state SET value = ? WHERE key = 'next_id'")) &&
        prepare(m_trimThrough, QStringLiteral("DELETE FROM events WHERE seq <= ?"));
    if (!prepared)
        return refuse(QStringLiteral("cannot be used (%1)").arg(m_db.lastError().text()));
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

    QSqlQuery rows(m_db);
    rows.setForwardOnly(true);
    if (!rows.exec(
            QStringLiteral("SELECT id, time_ms, scope, type, encoded FROM events ORDER BY seq"))) {
        return refuse(QStringLiteral("cannot be read (%1)").arg(rows.lastError().text()));
    }
    contents.entries.reserve(size_t(m_count));
    while (rows.next()) {
        contents.entries.push_back(HistoryEntry{
            rows.value(0).toString(), rows.value(1).toLongLong(), rows.value(2).toString(),
            rows.value(3).toString(), rows.value(4).toByteArray()});
    }
    return {};
}

QString HistoryFileWriter::write(const std::vector<HistoryEntry> &entries, quint64 nextId)
{
    if (!m_open)
        return QStringLiteral("it is not open");
    const int countBefore = m_count;
    const qint64 bytesBefore = m_bytes;
    if (!m_db.transaction())
        return m_db.lastError().text();
    QString error;
    for (const HistoryEntry &entry : entries) {
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
        m_saveNextId.addBindValue(nextId);
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

QString HistoryFileWriter::trimInTransaction()
{
    // The same rule as the log's memory (MemoryEventLog): oldest first, until both limits hold.
    if (m_count <= m_capacity && m_bytes <= m_maxBytes)
        return {};
    QSqlQuery oldest(m_db);
    oldest.setForwardOnly(true);
    if (!oldest.exec(QStringLiteral("SELECT seq, size FROM events ORDER BY seq")))
        return oldest.lastError().text();
    qint64 through = -1;
    while ((m_count > m_capacity || m_bytes > m_maxBytes) && oldest.next()) {
        through = oldest.value(0).toLongLong();
        --m_count;
        m_bytes -= oldest.value(1).toLongLong();
    }
    oldest.finish();
    if (through < 0)
        return {};
    m_trimThrough.addBindValue(through);
    if (!m_trimThrough.exec())
        return m_trimThrough.lastError().text();
    return {};
}

QString HistoryFileWriter::clear()
{
    if (!m_open)
        return QStringLiteral("it is not open");
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("DELETE FROM events")))
        return query.lastError().text();
    m_count = 0;
    m_bytes = 0;
    return {};
}

} // namespace sse
