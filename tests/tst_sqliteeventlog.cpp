// The SQLite event log on real files: durability, ids across restarts, trimming, refused files,
// a second instance, and the migration from schema version 1.
#include "historyfile.h"
#include "memoryeventlog.h"
#include "sqliteeventlog.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using sse::EventLog;
using sse::HistoryFilter;
using sse::SqliteEventLog;

namespace {

constexpr qint64 NoByteLimit = qint64(1) << 40;

sse::SseEvent sseEvent(const QString &data, const QString &type = {}, const QString &id = {})
{
    return sse::SseEvent{type, id, data, {}, QStringLiteral("default")};
}

// Appends and waits until the log has answered; returns the ids it gave.
QStringList appendAll(EventLog &log, const QList<sse::SseEvent> &events,
                      const QString &scope = QStringLiteral("default"))
{
    QStringList ids;
    int answered = 0;
    for (const sse::SseEvent &each : events) {
        log.append(each, scope, true, [&](const EventLog::Appended &appended) {
            ++answered;
            if (appended.error.isEmpty())
                ids.append(appended.id);
        });
    }
    if (!QTest::qWaitFor([&] { return answered == events.size(); }))
        return {};
    return ids;
}

QStringList words(const char *text)
{
    return QString::fromLatin1(text).split(u' ', Qt::SkipEmptyParts);
}

QList<sse::SseEvent> numbered(int from, int to)
{
    QList<sse::SseEvent> events;
    for (int n = from; n <= to; ++n)
        events.append(sseEvent(QStringLiteral("event %1").arg(n)));
    return events;
}

QByteArray fileDigest(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

// Runs statements on a file with a plain QSQLITE connection, as another program would.
bool runSql(const QString &path, const QStringList &statements)
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

} // namespace

class TestSqliteEventLog : public QObject
{
    Q_OBJECT

private slots:
    void init() { QVERIFY(m_dir.isValid()); }

    void answersOnlyOnceTheEventsAreOnDisk()
    {
        const QString path = m_dir.filePath(QStringLiteral("durable.sqlite"));
        auto log = std::make_unique<SqliteEventLog>(path, 100, NoByteLimit);
        QCOMPARE(log->open(), QString());
        int answered = 0;
        const QString copy = m_dir.filePath(QStringLiteral("copy"));
        QVERIFY(QDir().mkpath(copy));
        for (int n = 1; n <= 3; ++n) {
            log->append(sseEvent(QStringLiteral("event %1").arg(n)), QStringLiteral("default"),
                        true, [&](const EventLog::Appended &appended) {
                            QVERIFY(appended.error.isEmpty());
                            if (++answered < 3)
                                return;
                            // What is on disk when the last answer leaves: the file and its
                            // write-ahead log, as a kill -9 would leave them.
                            for (const QString &suffix : {QString(), QStringLiteral("-wal")}) {
                                QFile::copy(path + suffix,
                                            copy + QStringLiteral("/h.sqlite") + suffix);
                            }
                        });
        }
        QCOMPARE(answered, 0); // group commit: nothing is answered before the transaction
        QTRY_COMPARE(answered, 3);

        SqliteEventLog reopened(copy + QStringLiteral("/h.sqlite"), 100, NoByteLimit);
        QCOMPARE(reopened.open(), QString());
        QCOMPARE(reopened.size(), 3);
        const EventLog::Replay replay =
            reopened.replayAfter(QStringLiteral("1"), {QStringLiteral("default")});
        QCOMPARE(replay.gap, EventLog::Gap::None);
        QCOMPARE(replay.events,
                 (QList<QByteArray>{"id: 2\ndata: event 2\n\n", "id: 3\ndata: event 3\n\n"}));
    }

    void replaysAndContinuesIdsAfterARestart()
    {
        const QString path = m_dir.filePath(QStringLiteral("restart.sqlite"));
        {
            SqliteEventLog log(path, 100, NoByteLimit);
            QCOMPARE(log.open(), QString());
            QCOMPARE(appendAll(log, numbered(1, 5)), words("1 2 3 4 5"));
            // A publisher's own id is kept and replayed, but does not move the counter.
            QCOMPARE(appendAll(log, {sseEvent(QStringLiteral("own"), {}, QStringLiteral("abc"))}),
                     QStringList{QStringLiteral("abc")});
        }
        SqliteEventLog log(path, 100, NoByteLimit);
        QCOMPARE(log.open(), QString());
        QCOMPARE(log.size(), 6);
        QCOMPARE(log.nextId(), QStringLiteral("6"));
        const EventLog::Replay replay =
            log.replayAfter(QStringLiteral("4"), {QStringLiteral("default")});
        QCOMPARE(replay.events.size(), 2);
        QVERIFY(replay.events.last().startsWith("id: abc\n"));
        QCOMPARE(appendAll(log, numbered(6, 6)), QStringList{QStringLiteral("6")});
    }

    void idsAreNeverReusedAfterTrimmingOrClearing()
    {
        const QString path = m_dir.filePath(QStringLiteral("ids.sqlite"));
        {
            SqliteEventLog log(path, 2, NoByteLimit);
            QCOMPARE(log.open(), QString());
            appendAll(log, numbered(1, 5));
            log.clear();
            QCOMPARE(log.size(), 0);
        }
        SqliteEventLog log(path, 2, NoByteLimit);
        QCOMPARE(log.open(), QString());
        QCOMPARE(log.size(), 0);
        QCOMPARE(appendAll(log, numbered(6, 6)), QStringList{QStringLiteral("6")});
        // An id handed out before the restart reads as evicted, not unknown.
        QCOMPARE(log.replayAfter(QStringLiteral("3"), {}).gap, EventLog::Gap::Evicted);
        QCOMPARE(log.replayAfter(QStringLiteral("99"), {}).gap, EventLog::Gap::Unknown);
    }

    void trimsByCount()
    {
        SqliteEventLog log(m_dir.filePath(QStringLiteral("count.sqlite")), 3, NoByteLimit);
        QCOMPARE(log.open(), QString());
        appendAll(log, numbered(1, 5));
        QCOMPARE(log.size(), 3);
        const EventLog::Replay replay =
            log.replayAfter(QStringLiteral("1"), {QStringLiteral("default")});
        QCOMPARE(replay.gap, EventLog::Gap::Evicted);
        QCOMPARE(replay.oldestId, QStringLiteral("3"));
        QCOMPARE(replay.events.size(), 3);
        QCOMPARE(log.history({}, 0, 10).matching, 3);
    }

    void trimsByBytes()
    {
        // "id: N\ndata: event N\n\n" is 21 bytes for one digit: 70 bytes hold three.
        const QString path = m_dir.filePath(QStringLiteral("bytes.sqlite"));
        {
            SqliteEventLog log(path, 100, 70);
            QCOMPARE(log.open(), QString());
            appendAll(log, numbered(1, 5));
            QCOMPARE(log.size(), 3);
            QCOMPARE(log.bytes(), 63);
            QCOMPARE(log.replayAfter(QStringLiteral("2"), {}).gap, EventLog::Gap::Evicted);
        }
        // Lower limits on the next start trim the file at once.
        SqliteEventLog log(path, 1, 70);
        QCOMPARE(log.open(), QString());
        QCOMPARE(log.size(), 1);
        QCOMPARE(log.replayAfter(QStringLiteral("4"), {}).oldestId, QStringLiteral("5"));
    }

    void replaysTheSubscribersChannelsAndFromAnIdInclusive()
    {
        SqliteEventLog log(m_dir.filePath(QStringLiteral("channels.sqlite")), 100, NoByteLimit);
        QCOMPARE(log.open(), QString());
        appendAll(log, numbered(1, 1), QStringLiteral("news"));
        appendAll(log, numbered(2, 2), QStringLiteral("sports"));
        appendAll(log, numbered(3, 3), EventLog::AllChannels);
        appendAll(log, numbered(4, 4), QStringLiteral("news"));
        const EventLog::Replay replay =
            log.replayAfter(QStringLiteral("1"), {QStringLiteral("news")});
        QCOMPARE(replay.events.size(), 2);
        QVERIFY(replay.events.at(0).startsWith("id: 3\n"));
        QVERIFY(replay.events.at(1).startsWith("id: 4\n"));
        QCOMPARE(log.replayAfter(QStringLiteral("1"), {QStringLiteral("news")}, true).events.size(),
                 3);
        QCOMPARE(
            log.replayAfter(QStringLiteral("1"), {QStringLiteral("news"), QStringLiteral("sports")})
                .events.size(),
            3);
    }

    void pagedReplayIsBoundedWholeAndReportsTrimming_data()
    {
        QTest::addColumn<bool>("inFile");
        QTest::newRow("memory") << false;
        QTest::newRow("sqlite") << true;
    }

    // What a stream's ReplayFeed reads: pages of about maxBytes, whole events, at least one,
    // ending with the newest event kept when the replay began; what is trimmed before its
    // turn is reported.
    void pagedReplayIsBoundedWholeAndReportsTrimming()
    {
        QFETCH(bool, inFile);
        constexpr int Capacity = 20;
        std::unique_ptr<EventLog> log;
        if (inFile) {
            auto file = std::make_unique<SqliteEventLog>(
                m_dir.filePath(QStringLiteral("paged.sqlite")), Capacity, NoByteLimit);
            QCOMPARE(file->open(), QString());
            log = std::move(file);
        } else {
            log = std::make_unique<sse::MemoryEventLog>(Capacity);
        }
        appendAll(*log, numbered(1, Capacity));
        EventLog::ReplayStart start = log->replayStart(QStringLiteral("4"));
        QCOMPARE(start.gap, EventLog::Gap::None);
        QCOMPARE(log->replayCount(start.cursor, {QStringLiteral("default")}), Capacity - 4);
        appendAll(*log, numbered(Capacity + 1, Capacity + 1)); // after the start: not replayed
        QStringList ids;
        EventLog::ReplayCursor cursor = start.cursor;
        // "id: N\ndata: event N\n\n" is 21 to 23 bytes: 50 bytes hold two or three.
        const EventLog::ReplayPage first = log->replayPage(cursor, {QStringLiteral("default")}, 50);
        QVERIFY(first.events.size() >= 2 && first.events.size() <= 3);
        QVERIFY(!first.lost);
        for (const QByteArray &event : first.events)
            ids.append(QString::fromLatin1(event.mid(4, event.indexOf('\n') - 4)));
        QCOMPARE(first.lastId, ids.constLast());
        // A page is at least one event, however small maxBytes.
        const EventLog::ReplayPage one = log->replayPage(cursor, {QStringLiteral("default")}, 1);
        QCOMPARE(one.events.size(), 1);
        ids.append(one.lastId);
        // Twenty more events trim what the replay has still to send.
        appendAll(*log, numbered(Capacity + 2, 2 * Capacity + 1));
        const EventLog::ReplayPage after = log->replayPage(cursor, {QStringLiteral("default")}, 50);
        QVERIFY(after.lost);
        QCOMPARE(after.oldestId, QString::number(Capacity + 2));
        QVERIFY(after.events.isEmpty());
        QVERIFY(cursor.done());
        QCOMPARE(ids.first(), QStringLiteral("5"));
        for (int i = 1; i < ids.size(); ++i)
            QCOMPARE(ids.at(i).toInt(), ids.at(i - 1).toInt() + 1);
    }

    void unkeptEventsWaitTheirTurnButAreNotStored()
    {
        SqliteEventLog log(m_dir.filePath(QStringLiteral("unkept.sqlite")), 100, NoByteLimit);
        QCOMPARE(log.open(), QString());
        QStringList order;
        const auto note = [&order](const EventLog::Appended &appended) {
            order.append(appended.id);
        };
        log.append(sseEvent(QStringLiteral("kept")), QStringLiteral("default"), true, note);
        log.append(sseEvent(QStringLiteral("for one client")), QStringLiteral("default"), false,
                   note);
        QVERIFY(order.isEmpty());
        QTRY_COMPARE(order, words("1 2"));
        QCOMPARE(log.size(), 1);
        // With nothing pending, an unkept event is answered at once.
        log.append(sseEvent(QStringLiteral("again")), QStringLiteral("default"), false, note);
        QCOMPARE(order.size(), 3);
    }

    // The history panel's pages and filters, the same from both logs.
    void historyPagesFilterTheSameInMemoryAndInTheFile_data()
    {
        QTest::addColumn<bool>("file");
        QTest::newRow("memory") << false;
        QTest::newRow("sqlite") << true;
    }
    void historyPagesFilterTheSameInMemoryAndInTheFile()
    {
        QFETCH(bool, file);
        std::unique_ptr<EventLog> log;
        if (file)
            log = std::make_unique<SqliteEventLog>(m_dir.filePath(QStringLiteral("pages.sqlite")),
                                                   100, NoByteLimit);
        else
            log = std::make_unique<sse::MemoryEventLog>(100);
        QCOMPARE(log->open(), QString());
        appendAll(*log,
                  {sseEvent(QStringLiteral("a1")),
                   sseEvent(QStringLiteral("p1"), QStringLiteral("price"))},
                  QStringLiteral("news"));
        appendAll(*log, {sseEvent(QStringLiteral("p2"), QStringLiteral("price"))},
                  QStringLiteral("sports"));
        appendAll(*log, {sseEvent(QStringLiteral("a2"), QStringLiteral("message"))},
                  EventLog::AllChannels);

        const sse::HistoryPage all = log->history({}, 0, 10);
        QCOMPARE(all.matching, 4);
        QStringList ids;
        for (const sse::HistoryEntry &entry : all.entries)
            ids.append(entry.id);
        QCOMPARE(ids, words("4 3 2 1")); // newest first
        QCOMPARE(all.entries.at(1).type, QStringLiteral("price"));
        QCOMPARE(all.entries.at(1).scope, QStringLiteral("sports"));
        QVERIFY(all.entries.at(0).timeMs > 0);
        QCOMPARE(all.entries.at(3).encoded, QByteArray("id: 1\ndata: a1\n\n"));

        const sse::HistoryPage second = log->history({}, 1, 2);
        QCOMPARE(second.offset, 1);
        QCOMPARE(second.matching, 4);
        QCOMPARE(second.entries.size(), 2);
        QCOMPARE(second.entries.at(0).id, QStringLiteral("3"));

        QCOMPARE(log->history(HistoryFilter{QStringLiteral("news"), {}, {}}, 0, 10).matching, 2);
        QCOMPARE(log->history(HistoryFilter{{}, QStringLiteral("price"), {}}, 0, 10).matching, 2);
        // "message" is also the type of events sent without one.
        QCOMPARE(log->history(HistoryFilter{{}, QStringLiteral("message"), {}}, 0, 10).matching, 2);
        QCOMPARE(log->history(HistoryFilter{{}, {}, QStringLiteral("p")}, 0, 10).matching, 2);
        QCOMPARE(log->history(HistoryFilter{{}, {}, QStringLiteral("P")}, 0, 10).matching, 0);
        const sse::HistoryPage one = log->history(
            HistoryFilter{QStringLiteral("news"), QStringLiteral("price"), QStringLiteral("p1")}, 0,
            10);
        QCOMPARE(one.matching, 1);
        QCOMPARE(one.entries.constFirst().id, QStringLiteral("2"));

        log->clear();
        QCOMPARE(log->history({}, 0, 10).matching, 0);
        QCOMPARE(log->replayAfter(QStringLiteral("2"), {}).gap, EventLog::Gap::Evicted);
        QCOMPARE(appendAll(*log, numbered(5, 5)), QStringList{QStringLiteral("5")});
    }

    void refusesBadFilesNamingThemAndLeavesThemUnchanged_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("reason");
        QTest::newRow("text file") << "text"
                                   << "not a history database (not an SQLite file)";
        QTest::newRow("another program's SQLite")
            << "foreign"
            << "not a history database (an SQLite database of another program";
        QTest::newRow("SQLite without an application id")
            << "plain-sqlite"
            << "not a history database (an SQLite database of another program";
        QTest::newRow("newer schema") << "newer"
                                      << "newer SSE Dashboard (schema version 3";
        QTest::newRow("read-only") << "read-only"
                                   << "is read-only";
    }
    void refusesBadFilesNamingThemAndLeavesThemUnchanged()
    {
        QFETCH(QString, kind);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("file.sqlite"));
        if (kind == QStringLiteral("text")) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QByteArray("a text file that happens to be named .sqlite\n").repeated(10));
        } else if (kind == QStringLiteral("foreign")) {
            QVERIFY(runSql(path, {QStringLiteral("PRAGMA application_id=42"),
                                  QStringLiteral("CREATE TABLE contacts (name TEXT)")}));
        } else if (kind == QStringLiteral("plain-sqlite")) {
            QVERIFY(runSql(path, {QStringLiteral("CREATE TABLE events (x)")}));
        } else if (kind == QStringLiteral("newer")) {
            {
                SqliteEventLog log(path, 10, NoByteLimit);
                QCOMPARE(log.open(), QString());
                appendAll(log, numbered(1, 2));
            }
            QVERIFY(runSql(path, {QStringLiteral("PRAGMA user_version=3")}));
        } else if (kind == QStringLiteral("read-only")) {
            {
                SqliteEventLog log(path, 10, NoByteLimit);
                QCOMPARE(log.open(), QString());
                appendAll(log, numbered(1, 2));
            }
            QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::ReadGroup));
        }
        const QStringList filesBefore = QDir(dir.path()).entryList(QDir::Files);
        const QByteArray digest = fileDigest(path);

        SqliteEventLog log(path, 10, NoByteLimit);
        const QString error = log.open();
        QVERIFY2(error.contains(path), qPrintable(error));
        QVERIFY2(error.contains(reason), qPrintable(error));
        QCOMPARE(fileDigest(path), digest);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), filesBefore);
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    }

    void refusesAFolderAndAFolderItCannotCreate()
    {
        QTemporaryDir dir;
        SqliteEventLog folder(dir.path(), 10, NoByteLimit);
        QVERIFY(folder.open().contains(QStringLiteral("is a folder")));
        QFile blocker(dir.filePath(QStringLiteral("blocker")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        SqliteEventLog below(dir.filePath(QStringLiteral("blocker/sub/history.sqlite")), 10,
                             NoByteLimit);
        QVERIFY(below.open().contains(QStringLiteral("cannot be created")));
    }

    void createsItsFolder()
    {
        QTemporaryDir dir;
        SqliteEventLog log(dir.filePath(QStringLiteral("a/b/history.sqlite")), 10, NoByteLimit);
        QCOMPARE(log.open(), QString());
        QCOMPARE(appendAll(log, numbered(1, 1)), QStringList{QStringLiteral("1")});
    }

    void aSecondInstanceIsRefusedWhileTheFirstRuns()
    {
        const QString path = m_dir.filePath(QStringLiteral("shared.sqlite"));
        auto first = std::make_unique<SqliteEventLog>(path, 10, NoByteLimit);
        QCOMPARE(first->open(), QString());
        appendAll(*first, numbered(1, 2));

        SqliteEventLog second(path, 10, NoByteLimit);
        const QString error = second.open();
        QVERIFY2(error.contains(path) && error.contains(QStringLiteral("in use by another")),
                 qPrintable(error));
        // The first goes on as if nothing happened.
        QCOMPARE(appendAll(*first, numbered(3, 3)), QStringList{QStringLiteral("3")});
        first.reset();
        QCOMPARE(second.open(), QString());
        QCOMPARE(second.size(), 3);
    }

    void migratesAVersionOneFile()
    {
        const QString path = m_dir.filePath(QStringLiteral("v1.sqlite"));
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QVERIFY(db.transaction());
            QSqlQuery query(db);
            QVERIFY(query.exec(
                QStringLiteral("PRAGMA application_id=%1").arg(sse::historyfile::ApplicationId)));
            QCOMPARE(sse::historyfile::migrate(db, 1), QString());
            QVERIFY(query.exec(QStringLiteral(
                "INSERT INTO events (id, scope, encoded) VALUES "
                "('1', 'news', X'69643A20310A6576656E743A2070726963650A646174613A2034320A0A'), "
                "('2', '*', X'69643A20320A646174613A2068690A0A')")));
            QVERIFY(query.exec(QStringLiteral("UPDATE state SET value = 3 WHERE key = 'next_id'")));
            QVERIFY(db.commit());
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v1"));

        {
            SqliteEventLog log(path, 10, NoByteLimit);
            QCOMPARE(log.open(), QString());
            QCOMPARE(log.size(), 2);
            QCOMPARE(log.nextId(), QStringLiteral("3"));
            const sse::HistoryPage page = log.history({}, 0, 10);
            QCOMPARE(page.entries.size(), 2);
            QCOMPARE(page.entries.at(1).encoded, QByteArray("id: 1\nevent: price\ndata: 42\n\n"));
            QCOMPARE(page.entries.at(1).type, QStringLiteral("price")); // read from the event
            QCOMPARE(page.entries.at(0).type, QString());
            QCOMPARE(log.history(HistoryFilter{{}, QStringLiteral("price"), {}}, 0, 10).matching,
                     1);
            QCOMPARE(log.replayAfter(QStringLiteral("1"), {QStringLiteral("news")}).events,
                     QList<QByteArray>{"id: 2\ndata: hi\n\n"});
            QCOMPARE(appendAll(log, numbered(3, 3)), QStringList{QStringLiteral("3")});
        }
        // The file now says version 2 in its header.
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray header = file.read(100);
        QCOMPARE(header.mid(60, 4), QByteArray("\0\0\0\2", 4));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestSqliteEventLog)
#include "tst_sqliteeventlog.moc"
