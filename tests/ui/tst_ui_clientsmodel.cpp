// ClientsModel applies whole snapshots: one insert per batch, one dataChanged for counters.
#include "clientsmodel.h"
#include "useragent.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace sse;
using namespace sse::ui;

namespace {

ClientInfo client(quint64 id, const QString &userAgent = {})
{
    ClientInfo info;
    info.id = id;
    info.remoteAddress = QStringLiteral("192.168.1.%1").arg(id);
    info.userAgent = userAgent;
    info.channels = {QStringLiteral("default")};
    info.connectedSince = QDateTime::currentDateTime().addSecs(-qint64(id) * 10);
    return info;
}

ServerSnapshot connecting(std::initializer_list<quint64> ids)
{
    ServerSnapshot snapshot;
    for (const quint64 id : ids)
        snapshot.connected.append(client(id));
    return snapshot;
}

QList<quint64> idsInModel(const ClientsModel &model)
{
    QList<quint64> ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids.append(model.client(row).id);
    return ids;
}

} // namespace

class TestClientsModel : public QObject
{
    Q_OBJECT

private slots:
    void insertsABatchAtOnce()
    {
        ClientsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.applySnapshot(connecting({1, 2, 3}));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(ClientsModel::ColumnCount));
        QCOMPARE(model.data(model.index(1, ClientsModel::AddressColumn)).toString(),
                 QStringLiteral("192.168.1.2"));
        QCOMPARE(model.rowOfClient(3), 2);
    }

    void aRouteStreamShowsItsRouteForChannels()
    {
        ClientsModel model;
        ServerSnapshot snapshot = connecting({1});
        ClientInfo routed = client(2);
        routed.channels.clear();
        routed.route = QStringLiteral("POST /v1/chat/completions");
        snapshot.connected.append(routed);
        model.applySnapshot(snapshot);
        QCOMPARE(model.data(model.index(0, ClientsModel::ChannelsColumn)).toString(),
                 QStringLiteral("default"));
        QCOMPARE(model.data(model.index(1, ClientsModel::ChannelsColumn)).toString(),
                 QStringLiteral("route POST /v1/chat/completions"));
    }

    void removesDepartedClientsInContiguousRuns()
    {
        ClientsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.applySnapshot(connecting({1, 2, 3, 4, 5, 6}));
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        ServerSnapshot departures;
        departures.disconnected = {5, 2, 3, 42};
        model.applySnapshot(departures);
        QCOMPARE(idsInModel(model), (QList<quint64>{1, 4, 6}));
        QCOMPARE(removed.size(), 2); // rows 1-2 and row 4: two runs, not three signals
        QCOMPARE(model.rowOfClient(6), 2);
        QCOMPARE(model.rowOfClient(2), -1);
    }

    void clientThatCameAndWentInOneBatchNeverShows()
    {
        ClientsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ServerSnapshot snapshot = connecting({1, 2});
        snapshot.disconnected = {2};
        model.applySnapshot(snapshot);
        QCOMPARE(idsInModel(model), (QList<quint64>{1}));
    }

    void countersChangeInOneDataChangedRange()
    {
        ClientsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.applySnapshot(connecting({1, 2, 3, 4}));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        ServerSnapshot snapshot;
        snapshot.counters = {ClientCounters{2, 5, 500, 0, QStringLiteral("7")},
                             ClientCounters{4, 9, 900, 100, QStringLiteral("9")},
                             ClientCounters{99, 1, 1, 1, QString()}};
        model.applySnapshot(snapshot);
        QCOMPARE(changed.size(), 1);
        const QModelIndex topLeft = changed.at(0).at(0).toModelIndex();
        const QModelIndex bottomRight = changed.at(0).at(1).toModelIndex();
        QCOMPARE(topLeft.row(), 1);
        QCOMPARE(bottomRight.row(), 3);
        QCOMPARE(model.client(1).eventsSent, 5u);
        QCOMPARE(model.data(model.index(3, ClientsModel::LastEventIdColumn)).toString(),
                 QStringLiteral("9"));
        QCOMPARE(model.data(model.index(3, ClientsModel::EventsColumn), ClientsModel::SortRole)
                     .toULongLong(),
                 9u);
    }

    void highlightsQueuesNearTheSlowConsumerLimit()
    {
        ClientsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMaxQueueBytes(1000);
        model.applySnapshot(connecting({1, 2}));
        ServerSnapshot snapshot;
        snapshot.counters = {ClientCounters{1, 1, 1, 100, {}}, ClientCounters{2, 1, 1, 900, {}}};
        model.applySnapshot(snapshot);
        const QModelIndex calm = model.index(0, ClientsModel::QueuedColumn);
        const QModelIndex nearLimit = model.index(1, ClientsModel::QueuedColumn);
        QVERIFY(!model.data(calm, ClientsModel::NearLimitRole).toBool());
        QVERIFY(!model.data(calm, Qt::BackgroundRole).isValid());
        QVERIFY(model.data(nearLimit, ClientsModel::NearLimitRole).toBool());
        QVERIFY(model.data(nearLimit, Qt::BackgroundRole).isValid());
    }

    void showsBrowserAndOsFromTheUserAgent()
    {
        ClientsModel model;
        ServerSnapshot snapshot;
        snapshot.connected = {client(1, QStringLiteral("Mozilla/5.0 (X11; Linux x86_64; rv:120.0) "
                                                       "Gecko/20100101 Firefox/120.0"))};
        model.applySnapshot(snapshot);
        QCOMPARE(model.data(model.index(0, ClientsModel::BrowserColumn)).toString(),
                 QStringLiteral("Firefox 120"));
        QCOMPARE(model.data(model.index(0, ClientsModel::OsColumn)).toString(),
                 QStringLiteral("Linux"));
        QVERIFY(model.details(0).contains(QStringLiteral("Firefox 120")));
    }

    void parsesCommonUserAgents_data()
    {
        QTest::addColumn<QString>("userAgent");
        QTest::addColumn<QString>("browser");
        QTest::addColumn<QString>("os");
        QTest::newRow("chrome-windows")
            << QStringLiteral(
                   "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
                   "like Gecko) Chrome/119.0.0.0 Safari/537.36")
            << QStringLiteral("Chrome 119") << QStringLiteral("Windows");
        QTest::newRow("edge") << QStringLiteral("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 "
                                                "Chrome/119.0 Safari/537.36 Edg/119.0.2151.72")
                              << QStringLiteral("Edge 119") << QStringLiteral("Windows");
        QTest::newRow("safari-iphone")
            << QStringLiteral("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
                              "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 "
                              "Safari/604.1")
            << QStringLiteral("Safari 17") << QStringLiteral("iOS");
        QTest::newRow("chrome-android")
            << QStringLiteral("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, "
                              "like Gecko) Chrome/119.0.6045.163 Mobile Safari/537.36")
            << QStringLiteral("Chrome 119") << QStringLiteral("Android");
        QTest::newRow("curl") << QStringLiteral("curl/7.88.1") << QStringLiteral("curl 7")
                              << QString();
        QTest::newRow("unknown-tool")
            << QStringLiteral("MyProbe/2.0 (custom)") << QStringLiteral("MyProbe") << QString();
    }

    void parsesCommonUserAgents()
    {
        QFETCH(QString, userAgent);
        QFETCH(QString, browser);
        QFETCH(QString, os);
        const UserAgentInfo info = parseUserAgent(userAgent);
        QCOMPARE(info.browser, browser);
        QCOMPARE(info.os, os);
    }

    void marksABrowserAtItsSixConnections()
    {
        ClientsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy changed(&model, &ClientsModel::browsersAtConnectionLimitChanged);
        const QString chromium = QStringLiteral(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36");
        const auto tab = [&](quint64 id, const QString &userAgent) {
            ClientInfo info = client(id, userAgent);
            info.remoteAddress = QStringLiteral("192.168.1.20"); // one computer
            return info;
        };
        ServerSnapshot five;
        for (quint64 id = 1; id <= 5; ++id)
            five.connected.append(tab(id, chromium));
        // Tools open as many connections as they like: no limit for curl.
        for (quint64 id = 11; id <= 17; ++id)
            five.connected.append(tab(id, QStringLiteral("curl/7.88.1")));
        model.applySnapshot(five);
        QCOMPARE(model.browsersAtConnectionLimit(), 0);
        QVERIFY(changed.isEmpty());

        ServerSnapshot sixth;
        sixth.connected.append(tab(6, chromium));
        model.applySnapshot(sixth);
        QCOMPARE(model.browsersAtConnectionLimit(), 1);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.last().at(0).toInt(), 1);
        const QModelIndex browser = model.index(model.rowOfClient(6), ClientsModel::BrowserColumn);
        QVERIFY(browser.data(ClientsModel::AtBrowserLimitRole).toBool());
        QVERIFY(browser.data(Qt::ToolTipRole).toString().contains(QStringLiteral("HTTP/2")));
        QVERIFY(browser.data(Qt::BackgroundRole).isValid());
        QVERIFY(!model.index(model.rowOfClient(11), ClientsModel::BrowserColumn)
                     .data(ClientsModel::AtBrowserLimitRole)
                     .toBool());
        QVERIFY(ClientsModel::browserLimitNotice(1).contains(QStringLiteral("6 streams")));

        ServerSnapshot leaving;
        leaving.disconnected = {3};
        model.applySnapshot(leaving);
        QCOMPARE(model.browsersAtConnectionLimit(), 0);
        QCOMPARE(changed.last().at(0).toInt(), 0);
        QVERIFY(ClientsModel::browserLimitNotice(0).isEmpty());
    }

    void http2StreamsShowTheirConnectionAndHaveNoSixLimit()
    {
        ClientsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString chromium = QStringLiteral(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36");
        ServerSnapshot twenty;
        for (quint64 id = 1; id <= 20; ++id) {
            ClientInfo info = client(id, chromium);
            info.remoteAddress = QStringLiteral("192.168.1.20");
            info.protocol = QStringLiteral("h2 · TLSv1.3");
            info.connection = 7;
            twenty.connected.append(info);
        }
        ClientInfo plain = client(30);
        plain.protocol = QStringLiteral("HTTP/1.1");
        twenty.connected.append(plain);
        model.applySnapshot(twenty);
        QCOMPARE(model.browsersAtConnectionLimit(), 0); // one HTTP/2 connection, no limit of six
        QCOMPARE(model.index(model.rowOfClient(4), ClientsModel::ProtocolColumn).data().toString(),
                 QStringLiteral("h2 · TLSv1.3 · connection 7"));
        QCOMPARE(model.index(model.rowOfClient(30), ClientsModel::ProtocolColumn).data().toString(),
                 QStringLiteral("HTTP/1.1"));
    }

    void clearEmptiesTheTable()
    {
        ClientsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.applySnapshot(connecting({1, 2}));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.rowOfClient(1), -1);
        model.refreshDurations();
    }
};

QTEST_GUILESS_MAIN(TestClientsModel)
#include "tst_ui_clientsmodel.moc"
