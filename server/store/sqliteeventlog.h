#pragma once

#include "eventlog.h"
#include "memoryeventlog.h"

#include <QObject>
#include <QThread>

#include <functional>
#include <memory>
#include <vector>

namespace sse {

class HistoryFileWriter;

// The event log in an SQLite file, through Qt Sql's QSQLITE driver: it survives restarts and
// kill -9, and server-assigned ids go on from the largest one ever handed out.
// - The file is used only by a thread of its own (HistoryFileWriter), so a slow disk or a
//   checkpoint never stalls the server thread. What the file holds is also kept in memory,
//   within the same limits as the memory log, and replays and the History panel read that.
// - Group commit: appends made during one event-loop turn go to the file in one transaction,
//   and are answered (so published and delivered) only once it has committed. While one
//   transaction is being written, the next appends wait and go together in the next one.
//   WAL journal, synchronous=NORMAL: what was answered survives the process dying; a power
//   loss may lose the last commits (docs/history.md).
// - The file is held with an exclusive lock while open: a second instance is refused.
// - A file that is not a history database, comes from a newer schema or is read-only is
//   refused before anything is written to it.
// - Trimmed by count and bytes, in memory and in SQL alike.
class SqliteEventLog : public QObject, public EventLog
{
    Q_OBJECT

public:
    SqliteEventLog(const QString &path, int capacity, qint64 maxBytes);
    ~SqliteEventLog() override;

    // Reads the file on the writer's thread and waits for it: before the server listens.
    QString open() override;
    void append(SseEvent event, const QString &scope, bool keep, AppendDone done) override;
    // Waits for the writer until every append made so far is answered.
    void finishAppends() override;
    void close() override;
    ReplayStart replayStart(const QString &lastEventId, bool inclusive = false) const override;
    ReplayPage replayPage(ReplayCursor &cursor, const QStringList &channels,
                          qint64 maxBytes) const override
    {
        return m_kept.replayPage(cursor, channels, maxBytes);
    }
    int replayCount(const ReplayCursor &cursor, const QStringList &channels) const override
    {
        return m_kept.replayCount(cursor, channels);
    }
    HistoryPage history(const HistoryFilter &filter, int offset, int limit) const override
    {
        return m_kept.history(filter, offset, limit);
    }
    void clear() override;
    int size() const override { return m_kept.size(); }
    QString nextId() const override { return QString::number(m_nextId); }
    Status status() const override
    {
        Status status;
        status.backend = QStringLiteral("sqlite");
        status.location = m_path;
        return status;
    }

    QString path() const { return m_path; }
    qint64 bytes() const { return m_kept.bytes(); }
    // The thread that uses the file (tests hold it busy, as a slow disk would).
    QThread *writerThread() { return &m_writerThread; }

private:
    struct PendingAppend
    {
        HistoryEntry entry;
        bool keep = true;
        AppendDone done;
    };

    // Hands what was appended to the writer, unless a transaction is being written.
    void writePending();
    // The writer's answer to the transaction numbered write.
    void written(quint64 write, const QString &error);
    // Runs job on the writer's thread; blocking waits until it has run.
    void onWriter(std::function<void()> job, bool blocking = false);

    QString m_path;
    qint64 m_maxBytes;
    std::unique_ptr<HistoryFileWriter> m_writer; // used only on m_writerThread
    QThread m_writerThread;
    QObject *m_writerContext; // lives in m_writerThread; deleted when it finishes
    MemoryEventLog m_kept;    // what the file holds, for replays and the History panel
    bool m_open = false;
    quint64 m_nextId = 1;
    quint64 m_savedNextId = 1;            // the next id the file has
    std::vector<PendingAppend> m_pending; // appended, not yet handed to the writer
    std::vector<PendingAppend> m_writing; // in the transaction being written
    bool m_writeScheduled = false;
    quint64 m_writes = 0; // transactions handed to the writer; the last one is m_writing
    bool m_writeInFlight = false;
    std::shared_ptr<QString> m_writeError; // the writer's answer, once it has run
    quint64 m_clears = 0;                  // clear() calls
    quint64 m_writingClears = 0;           // clear() calls when m_writing was handed over
};

} // namespace sse
