// The SQLite history file itself: files that are refused and left unchanged, folders, a second
// instance while the first runs, and the migration from schema version 1.
#include "historyfile.h"
#include "historytesting.h"
#include "sqliteeventlog.h"

#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace historytesting;
using sse::EventLog;
using sse::HistoryFilter;
using sse::SqliteEventLog;

class TestHistoryFile : public QObject
{
    Q_OBJECT

private slots:
    void init() { QVERIFY(m_dir.isValid()); }

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

QTEST_GUILESS_MAIN(TestHistoryFile)
#include "tst_historyfile.moc"
