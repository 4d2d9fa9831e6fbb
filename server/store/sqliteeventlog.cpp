#include "sqliteeventlog.h"

#include "historyfilewriter.h"
#include "serverlogging.h"

#include <QDateTime>

namespace sse {

SqliteEventLog::SqliteEventLog(const QString &path, int capacity, qint64 maxBytes)
    : m_path(path)
    , m_maxBytes(maxBytes)
    , m_writer(std::make_unique<HistoryFileWriter>(path, capacity, maxBytes))
    , m_writerContext(new QObject)
    , m_kept(capacity, maxBytes)
{
    m_writerThread.setObjectName(QStringLiteral("sse-history-file"));
    m_writerContext->moveToThread(&m_writerThread);
    connect(&m_writerThread, &QThread::finished, m_writerContext, &QObject::deleteLater);
    m_writerThread.start();
}

SqliteEventLog::~SqliteEventLog()
{
    // Appends left unanswered have nobody to answer: the server stopped (finishAppends).
    m_pending.clear();
    m_writing.clear();
    close();
    m_writerThread.quit();
    m_writerThread.wait();
}

void SqliteEventLog::onWriter(std::function<void()> job, bool blocking)
{
    QMetaObject::invokeMethod(m_writerContext, std::move(job),
                              blocking ? Qt::BlockingQueuedConnection : Qt::QueuedConnection);
}

QString SqliteEventLog::open()
{
    if (m_open)
        return {};
    QString problem;
    HistoryFileWriter::Contents contents;
    onWriter([&] { problem = m_writer->open(contents); }, true);
    if (!problem.isEmpty())
        return problem;
    m_kept = MemoryEventLog(m_kept.capacity(), m_maxBytes); // also when opened again after close()
    for (const HistoryEntry &entry : contents.entries)
        m_kept.store(entry.id, entry.scope, entry.encoded, entry.type, entry.timeMs);
    m_nextId = contents.nextId;
    m_savedNextId = m_nextId;
    m_open = true;
    qCInfo(lcLog).noquote() << "history in" << m_path << "with" << m_kept.size()
                            << "events, next id" << m_nextId;
    return {};
}

void SqliteEventLog::close()
{
    if (!m_open)
        return;
    onWriter([this] { m_writer->close(); }, true);
    m_open = false;
}

void SqliteEventLog::append(SseEvent event, const QString &scope, bool keep, AppendDone done)
{
    if (event.id.isEmpty())
        event.id = QString::number(m_nextId++);
    const QByteArray encoded = encodeEvent(event);
    if (!keep && m_pending.empty() && !m_writeInFlight) {
        // Nothing to store and nothing before it to wait for.
        done(Appended{event.id, encoded, {}});
        return;
    }
    m_pending.push_back(PendingAppend{
        HistoryEntry{event.id, QDateTime::currentMSecsSinceEpoch(), scope, event.event, encoded},
        keep && m_kept.capacity() > 0, std::move(done)});
    if (!m_writeScheduled) {
        m_writeScheduled = true;
        // Every append of this event-loop turn shares the transaction.
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_writeScheduled = false;
                writePending();
            },
            Qt::QueuedConnection);
    }
}

void SqliteEventLog::writePending()
{
    if (m_writeInFlight || m_pending.empty())
        return;
    m_writing = std::exchange(m_pending, {});
    m_writingClears = m_clears;
    m_writeInFlight = true;
    const quint64 write = ++m_writes;
    if (!m_open) {
        written(write, QStringLiteral("it is not open"));
        return;
    }
    std::vector<HistoryEntry> entries;
    for (const PendingAppend &append : m_writing) {
        if (append.keep)
            entries.push_back(append.entry);
    }
    m_writeError = std::make_shared<QString>();
    m_savedNextId = m_nextId;
    onWriter([this, write, entries = std::move(entries), nextId = m_nextId, error = m_writeError] {
        *error = m_writer->write(entries, nextId);
        // Posted events of a destroyed log are dropped; the log stops this thread first.
        QMetaObject::invokeMethod(
            this, [this, write, error] { written(write, *error); }, Qt::QueuedConnection);
    });
}

void SqliteEventLog::written(quint64 write, const QString &error)
{
    if (write != m_writes || !m_writeInFlight)
        return; // already answered by finishAppends()
    const std::vector<PendingAppend> batch = std::exchange(m_writing, {});
    if (!error.isEmpty())
        qCWarning(lcLog).noquote() << m_writer->refuse(error);
    // Kept in memory (so replayed) as it is answered, not before: an event a new subscriber
    // could get from a replay and again from the fan-out would arrive twice. Still in flight
    // while answering, so that what an answer appends waits its turn.
    for (const PendingAppend &append : batch) {
        const bool cleared = m_writingClears != m_clears; // an answer may clear the log
        if (append.keep && !error.isEmpty()) {
            append.done(Appended{
                {},
                {},
                QStringLiteral("the history file could not store the event: %1").arg(error),
                true});
            continue;
        }
        const HistoryEntry &entry = append.entry;
        if (append.keep && !cleared)
            m_kept.store(entry.id, entry.scope, entry.encoded, entry.type, entry.timeMs);
        else if (append.keep)
            m_kept.markEvicted(entry.id);
        append.done(Appended{entry.id, entry.encoded, {}});
    }
    m_writeInFlight = false;
    writePending(); // what was appended meanwhile
}

void SqliteEventLog::finishAppends()
{
    while (m_writeInFlight || !m_pending.empty()) {
        if (!m_writeInFlight) {
            writePending();
            continue;
        }
        onWriter([] {}, true); // the transaction in flight has been written
        written(m_writes, *m_writeError);
    }
    if (m_open && m_nextId != m_savedNextId) {
        // Ids handed to events that were not kept: a restart must not hand them out again.
        QString error;
        onWriter([&] { error = m_writer->write({}, m_nextId); }, true);
        if (!error.isEmpty())
            qCWarning(lcLog).noquote() << m_writer->refuse(error);
        m_savedNextId = m_nextId;
    }
}

EventLog::ReplayStart SqliteEventLog::replayStart(const QString &lastEventId, bool inclusive) const
{
    ReplayStart start = m_kept.replayStart(lastEventId, inclusive);
    if (start.gap == Gap::Unknown) {
        // Numbers below the next id were handed out here once, so they have been trimmed
        // (or cleared), even when that happened before a restart.
        bool numeric = false;
        const quint64 number = lastEventId.toULongLong(&numeric);
        if (numeric && number > 0 && number < m_nextId)
            start.gap = Gap::Evicted;
    }
    return start;
}

void SqliteEventLog::clear()
{
    // What was published before the clear is cleared too: the transaction in flight is
    // deleted after it has been written, and appends still waiting are no longer kept.
    ++m_clears;
    for (PendingAppend &append : m_pending) {
        if (append.keep)
            m_kept.markEvicted(append.entry.id);
        append.keep = false;
    }
    m_kept.clear();
    if (!m_open)
        return;
    onWriter([this] {
        if (const QString error = m_writer->clear(); !error.isEmpty())
            qCWarning(lcLog).noquote() << m_writer->refuse(error);
    });
}

} // namespace sse
