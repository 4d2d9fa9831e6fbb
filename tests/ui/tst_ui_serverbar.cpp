// The server bar's status line: what a storm or a slow reader looks like from the dashboard
// (replays under way, queued bytes against --max-queued-total, slow-consumer drops, streams
// told to retry), shown once there are any.
#include "serverbar.h"
#include "servertypes.h"

#include <QLabel>
#include <QTest>

using sse::ui::ServerBar;

class TestServerBar : public QObject
{
    Q_OBJECT

private slots:
    void quietServerShowsClientsOnly()
    {
        ServerBar bar;
        sse::ServerStats stats;
        stats.clients = 3;
        stats.queuedBytesLimit = qint64(64) * 1024 * 1024;
        bar.updateStats(stats, 0);
        QCOMPARE(bar.findChild<QLabel *>(QStringLiteral("clientCount"))->text(),
                 QStringLiteral("3 client(s)"));
    }

    void stormShowsReplaysQueuesDropsAndRetries()
    {
        ServerBar bar;
        sse::ServerStats stats;
        stats.clients = 1200;
        stats.replays = 40;
        stats.queuedBytes = 3 * 1024 * 1024;
        stats.queuedBytesLimit = qint64(64) * 1024 * 1024;
        stats.slowClientDrops = 2;
        stats.retryAnswers = 5;
        bar.updateStats(stats, 0);
        const QString text = bar.findChild<QLabel *>(QStringLiteral("clientCount"))->text();
        QVERIFY2(text.startsWith(QStringLiteral("1200 client(s) · 40 replaying · ")),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("3.00 MiB queued of 64.00 MiB")), qPrintable(text));
        QVERIFY2(text.endsWith(QStringLiteral("2 dropped as slow · 5 told to retry")),
                 qPrintable(text));
    }
};

QTEST_MAIN(TestServerBar)
#include "tst_ui_serverbar.moc"
