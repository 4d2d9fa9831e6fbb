// The SQLite event log on real files: durability, ids across restarts, trimming, replays and
// history pages, and a file whose writes are slow. The file itself (refused files, a second
// instance, migration) is tested in tst_historyfile.
#include "historytesting.h"
#include "memoryeventlog.h"
#include "sqliteeventlog.h"

#include <QDir>
#include <QFile>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace historytesting;
using sse::EventLog;
using sse::HistoryFilter;
using sse::SqliteEventLog;

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

    // The answer to an append waits for the file, but nothing else does: while the writer's
    // thread is held busy (a slow disk, a checkpoint), the caller's thread still appends,
    // replays and reads history pages from memory, and the appends are answered in order once
    // the file has them.
    void aSlowFileDelaysOnlyTheAnswersToAppends()
    {
        SqliteEventLog log(m_dir.filePath(QStringLiteral("slow.sqlite")), 100, NoByteLimit);
        QCOMPARE(log.open(), QString());
        QCOMPARE(appendAll(log, numbered(1, 2)), words("1 2"));
        HeldWriter held(log);

        QStringList answered;
        const auto note = [&answered](const EventLog::Appended &appended) {
            answered.append(appended.id);
        };
        log.append(sseEvent(QStringLiteral("event 3")), QStringLiteral("default"), true, note);
        QCoreApplication::processEvents(); // the transaction goes to the held writer
        log.append(sseEvent(QStringLiteral("event 4")), QStringLiteral("default"), true, note);
        QCoreApplication::processEvents();
        QVERIFY(answered.isEmpty());
        QCOMPARE(log.nextId(), QStringLiteral("5"));
        QCOMPARE(log.history({}, 0, 10).matching, 2);
        // Unanswered events are not replayed: they reach a new subscriber through the fan-out.
        QCOMPARE(log.replayAfter(QStringLiteral("1"), {QStringLiteral("default")}).events,
                 QList<QByteArray>{"id: 2\ndata: event 2\n\n"});

        held.release();
        QTRY_COMPARE(answered, words("3 4"));
        QCOMPARE(log.history({}, 0, 10).matching, 4);
        QCOMPARE(log.replayAfter(QStringLiteral("2"), {QStringLiteral("default")}).events.size(),
                 2);
    }

    // A clear while a transaction is being written clears what it holds too, and what waits
    // behind it: all are answered (so delivered) and none is kept, in memory or in the file.
    void aClearDuringAWriteKeepsNothingPublishedBeforeIt()
    {
        const QString path = m_dir.filePath(QStringLiteral("clear.sqlite"));
        {
            SqliteEventLog log(path, 100, NoByteLimit);
            QCOMPARE(log.open(), QString());
            HeldWriter held(log);
            int answered = 0;
            const auto note = [&answered](const EventLog::Appended &appended) {
                QVERIFY(appended.error.isEmpty());
                ++answered;
            };
            // Publishers' own ids: only the log's memory of them tells "evicted" from "unknown".
            log.append(sseEvent(QStringLiteral("in flight"), {}, QStringLiteral("mine-1")),
                       QStringLiteral("default"), true, note);
            QCoreApplication::processEvents();
            log.append(sseEvent(QStringLiteral("waiting"), {}, QStringLiteral("mine-2")),
                       QStringLiteral("default"), true, note);
            log.clear();
            held.release();
            QTRY_COMPARE(answered, 2);
            QCOMPARE(log.size(), 0);
            QCOMPARE(log.replayAfter(QStringLiteral("mine-1"), {}).gap, EventLog::Gap::Evicted);
            QCOMPARE(log.replayAfter(QStringLiteral("mine-2"), {}).gap, EventLog::Gap::Evicted);
            QCOMPARE(appendAll(log, numbered(1, 1)), QStringList{QStringLiteral("1")});
        }
        SqliteEventLog reopened(path, 100, NoByteLimit);
        QCOMPARE(reopened.open(), QString());
        QCOMPARE(reopened.size(), 1);
        QCOMPARE(reopened.nextId(), QStringLiteral("2"));
    }

    // An event that is not kept (for chosen clients) is answered at once, yet its id is saved
    // when the server stops: a restart does not hand it out again.
    void idsOfUnkeptEventsAreNotHandedOutAgain()
    {
        const QString path = m_dir.filePath(QStringLiteral("unkept-ids.sqlite"));
        {
            SqliteEventLog log(path, 100, NoByteLimit);
            QCOMPARE(log.open(), QString());
            QString id;
            log.append(sseEvent(QStringLiteral("for one client")), QStringLiteral("default"), false,
                       [&id](const EventLog::Appended &appended) { id = appended.id; });
            QCOMPARE(id, QStringLiteral("1"));
            log.finishAppends();
        }
        SqliteEventLog reopened(path, 100, NoByteLimit);
        QCOMPARE(reopened.open(), QString());
        QCOMPARE(reopened.nextId(), QStringLiteral("2"));
    }

    // Before the server stops, every append made so far is answered, in order, without
    // returning to the event loop: the one being written and those waiting behind it.
    void finishAppendsAnswersEverythingBeforeReturning()
    {
        const QString path = m_dir.filePath(QStringLiteral("finish.sqlite"));
        {
            SqliteEventLog log(path, 100, NoByteLimit);
            QCOMPARE(log.open(), QString());
            QStringList answered;
            const auto note = [&answered](const EventLog::Appended &appended) {
                answered.append(appended.id);
            };
            log.append(sseEvent(QStringLiteral("a")), QStringLiteral("default"), true, note);
            QCoreApplication::processEvents(); // in flight
            log.append(sseEvent(QStringLiteral("b")), QStringLiteral("default"), true, note);
            log.append(sseEvent(QStringLiteral("c")), QStringLiteral("default"), false, note);
            log.finishAppends();
            QCOMPARE(answered, words("1 2 3"));
            QCOMPARE(log.size(), 2);
        }
        SqliteEventLog reopened(path, 100, NoByteLimit);
        QCOMPARE(reopened.open(), QString());
        QCOMPARE(reopened.size(), 2);
        QCOMPARE(reopened.nextId(), QStringLiteral("4"));
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
        if (file) { // read back what the file holds
            log.reset();
            log = std::make_unique<SqliteEventLog>(m_dir.filePath(QStringLiteral("pages.sqlite")),
                                                   100, NoByteLimit);
            QCOMPARE(log->open(), QString());
        }

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

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestSqliteEventLog)
#include "tst_sqliteeventlog.moc"
