#include "eventhistory.h"

#include <QTest>

using sse::EventHistory;

namespace {

QByteArray bytesFor(int n)
{
    return "id: " + QByteArray::number(n) + "\ndata: " + QByteArray::number(n) + "\n\n";
}

void fill(EventHistory &history, int from, int to,
          const QString &channel = QStringLiteral("default"))
{
    for (int n = from; n <= to; ++n)
        history.append(QString::number(n), channel, bytesFor(n));
}

} // namespace

class TestEventHistory : public QObject
{
    Q_OBJECT

private slots:
    void replaysWhatCameAfterTheId()
    {
        EventHistory history(10);
        fill(history, 1, 5);
        const auto replay = history.replayAfter(QStringLiteral("2"), {QStringLiteral("default")});
        QCOMPARE(replay.gap, EventHistory::Gap::None);
        QCOMPARE(replay.events, (QList<QByteArray>{bytesFor(3), bytesFor(4), bytesFor(5)}));
    }

    void replaysNothingAfterTheNewestId()
    {
        EventHistory history(10);
        fill(history, 1, 3);
        const auto replay = history.replayAfter(QStringLiteral("3"), {QStringLiteral("default")});
        QCOMPARE(replay.gap, EventHistory::Gap::None);
        QVERIFY(replay.events.isEmpty());
    }

    void filtersByChannel()
    {
        EventHistory history(10);
        history.append(QStringLiteral("1"), QStringLiteral("a"), bytesFor(1));
        history.append(QStringLiteral("2"), QStringLiteral("b"), bytesFor(2));
        history.append(QStringLiteral("3"), EventHistory::AllChannels, bytesFor(3));
        history.append(QStringLiteral("4"), QStringLiteral("a"), bytesFor(4));
        const auto replay = history.replayAfter(QStringLiteral("1"), {QStringLiteral("a")});
        QCOMPARE(replay.events, (QList<QByteArray>{bytesFor(3), bytesFor(4)}));
        const auto both =
            history.replayAfter(QStringLiteral("1"), {QStringLiteral("a"), QStringLiteral("b")});
        QCOMPARE(both.events.size(), 3);
    }

    void evictsTheOldestAndReportsTheGap()
    {
        EventHistory history(3);
        fill(history, 1, 5);
        QCOMPARE(history.size(), 3);
        const auto replay = history.replayAfter(QStringLiteral("1"), {QStringLiteral("default")});
        QCOMPARE(replay.gap, EventHistory::Gap::Evicted);
        QCOMPARE(replay.oldestId, QStringLiteral("3"));
        QCOMPARE(replay.events, (QList<QByteArray>{bytesFor(3), bytesFor(4), bytesFor(5)}));
    }

    void reportsAnUnknownId()
    {
        EventHistory history(3);
        fill(history, 1, 2);
        const auto replay =
            history.replayAfter(QStringLiteral("never"), {QStringLiteral("default")});
        QCOMPARE(replay.gap, EventHistory::Gap::Unknown);
        QCOMPARE(replay.events.size(), 2);
    }

    void replaysAfterTheNewestUseOfARepeatedId()
    {
        EventHistory history(10);
        history.append(QStringLiteral("x"), QStringLiteral("default"), bytesFor(1));
        history.append(QStringLiteral("y"), QStringLiteral("default"), bytesFor(2));
        history.append(QStringLiteral("x"), QStringLiteral("default"), bytesFor(3));
        history.append(QStringLiteral("z"), QStringLiteral("default"), bytesFor(4));
        const auto replay = history.replayAfter(QStringLiteral("x"), {QStringLiteral("default")});
        QCOMPARE(replay.events, QList<QByteArray>{bytesFor(4)});
    }

    void keepsARepeatedIdWhileANewerCopyIsHeld()
    {
        EventHistory history(2);
        history.append(QStringLiteral("x"), QStringLiteral("default"), bytesFor(1));
        history.append(QStringLiteral("x"), QStringLiteral("default"), bytesFor(2));
        history.append(QStringLiteral("y"), QStringLiteral("default"), bytesFor(3));
        const auto replay = history.replayAfter(QStringLiteral("x"), {QStringLiteral("default")});
        QCOMPARE(replay.gap, EventHistory::Gap::None);
        QCOMPARE(replay.events, QList<QByteArray>{bytesFor(3)});
    }

    void boundsTheBytesHeld()
    {
        EventHistory history(100, 1000);
        for (int n = 1; n <= 10; ++n)
            history.append(QString::number(n), QStringLiteral("default"), QByteArray(300, 'x'));
        // Three 300-byte events fit in 1000 bytes; older ones are evicted like overflowing ones.
        QCOMPARE(history.size(), 3);
        QCOMPARE(history.bytes(), 900);
        QCOMPARE(history.replayAfter(QStringLiteral("7"), {QStringLiteral("default")}).gap,
                 EventHistory::Gap::Evicted);
        QCOMPARE(
            history.replayAfter(QStringLiteral("8"), {QStringLiteral("default")}).events.size(), 2);
    }

    void zeroCapacityHoldsNothing()
    {
        EventHistory history(0);
        fill(history, 1, 3);
        QCOMPARE(history.size(), 0);
        QCOMPARE(history.replayAfter(QStringLiteral("1"), {QStringLiteral("default")}).gap,
                 EventHistory::Gap::Unknown);
    }

    void shrinkingEvicts()
    {
        EventHistory history(10);
        fill(history, 1, 10);
        history.setCapacity(4);
        QCOMPARE(history.size(), 4);
        QCOMPARE(history.replayAfter(QStringLiteral("6"), {QStringLiteral("default")}).gap,
                 EventHistory::Gap::Evicted);
        QCOMPARE(
            history.replayAfter(QStringLiteral("7"), {QStringLiteral("default")}).events.size(), 3);
    }

    void forgetsEvictedIdsWithinABound()
    {
        EventHistory history(1);
        fill(history, 1, 3000);
        // Long-gone ids fall out of the evicted set too, so its memory stays bounded.
        QCOMPARE(history.replayAfter(QStringLiteral("1"), {QStringLiteral("default")}).gap,
                 EventHistory::Gap::Unknown);
        QCOMPARE(history.replayAfter(QStringLiteral("2990"), {QStringLiteral("default")}).gap,
                 EventHistory::Gap::Evicted);
    }
};

QTEST_GUILESS_MAIN(TestEventHistory)
#include "tst_eventhistory.moc"
