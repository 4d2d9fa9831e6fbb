#include "memoryeventlog.h"

#include <QTest>

using sse::EventLog;
using sse::MemoryEventLog;

namespace {

QByteArray bytesFor(int n)
{
    return "id: " + QByteArray::number(n) + "\ndata: " + QByteArray::number(n) + "\n\n";
}

void fill(MemoryEventLog &history, int from, int to,
          const QString &channel = QStringLiteral("default"))
{
    for (int n = from; n <= to; ++n)
        history.store(QString::number(n), channel, bytesFor(n));
}

} // namespace

class TestMemoryEventLog : public QObject
{
    Q_OBJECT

private slots:
    void appendAssignsIncreasingIdsAndKeepsWhatItIsTold()
    {
        MemoryEventLog log(10);
        QStringList ids;
        QList<QByteArray> encoded;
        const auto collect = [&](const EventLog::Appended &appended) {
            QVERIFY(appended.error.isEmpty());
            ids.append(appended.id);
            encoded.append(appended.encoded);
        };
        log.append(sse::SseEvent{{}, {}, QStringLiteral("a"), {}, QStringLiteral("default")},
                   QStringLiteral("default"), true, collect);
        log.append(sse::SseEvent{{}, QStringLiteral("given"), QStringLiteral("b"), {}, {}},
                   QStringLiteral("default"), true, collect);
        // For chosen clients only: an id, but nothing kept for replay.
        log.append(sse::SseEvent{{}, {}, QStringLiteral("c"), {}, {}}, QStringLiteral("default"),
                   false, collect);
        QCOMPARE(ids,
                 (QStringList{QStringLiteral("1"), QStringLiteral("given"), QStringLiteral("2")}));
        QCOMPARE(encoded.at(0), QByteArray("id: 1\ndata: a\n\n"));
        QCOMPARE(log.size(), 2);
        const auto replay = log.replayAfter(QStringLiteral("1"), {QStringLiteral("default")});
        QCOMPARE(replay.events, QList<QByteArray>{encoded.at(1)});
    }

    void replaysWhatCameAfterTheId()
    {
        MemoryEventLog history(10);
        fill(history, 1, 5);
        const auto replay = history.replayAfter(QStringLiteral("2"), {QStringLiteral("default")});
        QCOMPARE(replay.gap, EventLog::Gap::None);
        QCOMPARE(replay.events, (QList<QByteArray>{bytesFor(3), bytesFor(4), bytesFor(5)}));
    }

    void replaysNothingAfterTheNewestId()
    {
        MemoryEventLog history(10);
        fill(history, 1, 3);
        const auto replay = history.replayAfter(QStringLiteral("3"), {QStringLiteral("default")});
        QCOMPARE(replay.gap, EventLog::Gap::None);
        QVERIFY(replay.events.isEmpty());
    }

    void filtersByChannel()
    {
        MemoryEventLog history(10);
        history.store(QStringLiteral("1"), QStringLiteral("a"), bytesFor(1));
        history.store(QStringLiteral("2"), QStringLiteral("b"), bytesFor(2));
        history.store(QStringLiteral("3"), EventLog::AllChannels, bytesFor(3));
        history.store(QStringLiteral("4"), QStringLiteral("a"), bytesFor(4));
        const auto replay = history.replayAfter(QStringLiteral("1"), {QStringLiteral("a")});
        QCOMPARE(replay.events, (QList<QByteArray>{bytesFor(3), bytesFor(4)}));
        const auto both =
            history.replayAfter(QStringLiteral("1"), {QStringLiteral("a"), QStringLiteral("b")});
        QCOMPARE(both.events.size(), 3);
    }

    void evictsTheOldestAndReportsTheGap()
    {
        MemoryEventLog history(3);
        fill(history, 1, 5);
        QCOMPARE(history.size(), 3);
        const auto replay = history.replayAfter(QStringLiteral("1"), {QStringLiteral("default")});
        QCOMPARE(replay.gap, EventLog::Gap::Evicted);
        QCOMPARE(replay.oldestId, QStringLiteral("3"));
        QCOMPARE(replay.events, (QList<QByteArray>{bytesFor(3), bytesFor(4), bytesFor(5)}));
    }

    void reportsAnUnknownId()
    {
        MemoryEventLog history(3);
        fill(history, 1, 2);
        const auto replay =
            history.replayAfter(QStringLiteral("never"), {QStringLiteral("default")});
        QCOMPARE(replay.gap, EventLog::Gap::Unknown);
        QCOMPARE(replay.events.size(), 2);
    }

    void replaysAfterTheNewestUseOfARepeatedId()
    {
        MemoryEventLog history(10);
        history.store(QStringLiteral("x"), QStringLiteral("default"), bytesFor(1));
        history.store(QStringLiteral("y"), QStringLiteral("default"), bytesFor(2));
        history.store(QStringLiteral("x"), QStringLiteral("default"), bytesFor(3));
        history.store(QStringLiteral("z"), QStringLiteral("default"), bytesFor(4));
        const auto replay = history.replayAfter(QStringLiteral("x"), {QStringLiteral("default")});
        QCOMPARE(replay.events, QList<QByteArray>{bytesFor(4)});
    }

    void keepsARepeatedIdWhileANewerCopyIsHeld()
    {
        MemoryEventLog history(2);
        history.store(QStringLiteral("x"), QStringLiteral("default"), bytesFor(1));
        history.store(QStringLiteral("x"), QStringLiteral("default"), bytesFor(2));
        history.store(QStringLiteral("y"), QStringLiteral("default"), bytesFor(3));
        const auto replay = history.replayAfter(QStringLiteral("x"), {QStringLiteral("default")});
        QCOMPARE(replay.gap, EventLog::Gap::None);
        QCOMPARE(replay.events, QList<QByteArray>{bytesFor(3)});
    }

    void boundsTheBytesHeld()
    {
        MemoryEventLog history(100, 1000);
        for (int n = 1; n <= 10; ++n)
            history.store(QString::number(n), QStringLiteral("default"), QByteArray(300, 'x'));
        // Three 300-byte events fit in 1000 bytes; older ones are evicted like overflowing ones.
        QCOMPARE(history.size(), 3);
        QCOMPARE(history.bytes(), 900);
        QCOMPARE(history.replayAfter(QStringLiteral("7"), {QStringLiteral("default")}).gap,
                 EventLog::Gap::Evicted);
        QCOMPARE(
            history.replayAfter(QStringLiteral("8"), {QStringLiteral("default")}).events.size(), 2);
    }

    void zeroCapacityHoldsNothing()
    {
        MemoryEventLog history(0);
        fill(history, 1, 3);
        QCOMPARE(history.size(), 0);
        QCOMPARE(history.replayAfter(QStringLiteral("1"), {QStringLiteral("default")}).gap,
                 EventLog::Gap::Unknown);
    }

    void shrinkingEvicts()
    {
        MemoryEventLog history(10);
        fill(history, 1, 10);
        history.setCapacity(4);
        QCOMPARE(history.size(), 4);
        QCOMPARE(history.replayAfter(QStringLiteral("6"), {QStringLiteral("default")}).gap,
                 EventLog::Gap::Evicted);
        QCOMPARE(
            history.replayAfter(QStringLiteral("7"), {QStringLiteral("default")}).events.size(), 3);
    }

    void forgetsEvictedIdsWithinABound()
    {
        MemoryEventLog history(1);
        fill(history, 1, 3000);
        // Long-gone ids fall out of the evicted set too, so its memory stays bounded.
        QCOMPARE(history.replayAfter(QStringLiteral("1"), {QStringLiteral("default")}).gap,
                 EventLog::Gap::Unknown);
        QCOMPARE(history.replayAfter(QStringLiteral("2990"), {QStringLiteral("default")}).gap,
                 EventLog::Gap::Evicted);
    }
};

QTEST_GUILESS_MAIN(TestMemoryEventLog)
#include "tst_memoryeventlog.moc"
