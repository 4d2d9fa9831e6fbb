// The fork/join pool that splits a fan-out's sends over threads.
#include "fanoutpool.h"

#include <QTest>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

class TestFanoutPool : public QObject
{
    Q_OBJECT

private slots:
    void coversEveryIndexExactlyOnce_data()
    {
        QTest::addColumn<int>("helpers");
        QTest::addColumn<int>("count");
        QTest::newRow("no helpers") << 0 << 1000;
        QTest::newRow("one helper") << 1 << 1000;
        QTest::newRow("three helpers, odd count") << 3 << 1001;
        QTest::newRow("fewer items than threads") << 3 << 2;
        QTest::newRow("nothing") << 2 << 0;
    }

    void coversEveryIndexExactlyOnce()
    {
        QFETCH(int, helpers);
        QFETCH(int, count);
        sse::FanoutPool pool(helpers);
        QCOMPARE(pool.threadCount(), helpers + 1);
        // Run many rounds: every round must see the new job, never a stale one.
        for (int round = 0; round < 200; ++round) {
            std::vector<std::atomic<int>> visits(static_cast<size_t>(count));
            pool.run(size_t(count), [&](size_t, size_t begin, size_t end) {
                for (size_t i = begin; i < end; ++i)
                    visits[i].fetch_add(round + 1);
            });
            for (int i = 0; i < count; ++i)
                QCOMPARE(visits[size_t(i)].load(), round + 1);
        }
    }

    void splitsTheWorkOverThreads()
    {
        sse::FanoutPool pool(2);
        std::mutex mutex;
        std::set<std::thread::id> threads;
        std::map<size_t, std::set<std::thread::id>> threadsOfPart;
        // Several rounds: a part must stay on its thread (it owns per-thread resources).
        for (int round = 0; round < 20; ++round) {
            pool.run(3000, [&](size_t part, size_t, size_t) {
                std::lock_guard lock(mutex);
                threads.insert(std::this_thread::get_id());
                threadsOfPart[part].insert(std::this_thread::get_id());
            });
        }
        QCOMPARE(int(threads.size()), 3);
        QVERIFY(threads.count(std::this_thread::get_id()) == 1); // the caller takes a part
        QCOMPARE(int(threadsOfPart.size()), 3);
        for (const auto &[part, partThreads] : threadsOfPart)
            QCOMPARE(int(partThreads.size()), 1);
        QVERIFY(threadsOfPart[0].count(std::this_thread::get_id()) == 1); // part 0: the caller
    }
};

QTEST_GUILESS_MAIN(TestFanoutPool)
#include "tst_fanoutpool.moc"
