// The composer's templates and send history, and the charts' stats history, each on its own.
#include "bindchoice.h"
#include "models/eventtemplatesmodel.h"
#include "models/sendhistorymodel.h"
#include "models/statshistorymodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace sse;
using namespace sse::ui;

class TestComposerModels : public QObject
{
    Q_OBJECT

private slots:
    void templatesSaveReplaceAndDelete()
    {
        EventTemplatesModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.saveTemplate(QStringLiteral("tick"),
                           SseEvent{QStringLiteral("tick"), {}, QStringLiteral("1"), {}, {}});
        model.saveTemplate(QStringLiteral("alert"),
                           SseEvent{QStringLiteral("alert"), {}, QStringLiteral("!"), {}, {}});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(0)).toString(), QStringLiteral("alert")); // sorted
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        const int row =
            model.saveTemplate(QStringLiteral("tick"),
                               SseEvent{QStringLiteral("tick"), {}, QStringLiteral("2"), {}, {}});
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(model.templateAt(row).event.data, QStringLiteral("2"));
        model.removeTemplate(model.rowOfName(QStringLiteral("alert")));
        QCOMPARE(model.rowCount(), 1);
        model.removeTemplate(7); // out of range: ignored
        QCOMPARE(model.rowCount(), 1);
    }

    void templatesSurviveTheSettingsRoundTrip()
    {
        EventTemplatesModel model;
        const SseEvent event{QStringLiteral("price"), QStringLiteral("9"),
                             QStringLiteral("{\"a\":1}\nline"), QStringLiteral("3000"),
                             QStringLiteral("stocks")};
        model.saveTemplate(QStringLiteral("quote"), event);
        model.saveTemplate(QStringLiteral("empty"), SseEvent{});
        EventTemplatesModel restored;
        QAbstractItemModelTester tester(&restored,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        restored.fromVariant(model.toVariant());
        QCOMPARE(restored.rowCount(), 2);
        const SseEvent back =
            restored.templateAt(restored.rowOfName(QStringLiteral("quote"))).event;
        QCOMPARE(back.event, event.event);
        QCOMPARE(back.id, event.id);
        QCOMPARE(back.data, event.data);
        QCOMPARE(back.retry, event.retry);
        QCOMPARE(back.channel, event.channel);
    }

    void templatesFileRoundTripsAndBadFilesChangeNothing()
    {
        EventTemplatesModel source;
        source.saveTemplate(QStringLiteral("tick"),
                            SseEvent{QStringLiteral("price"), QStringLiteral("7"),
                                     QStringLiteral("{\"p\": 1}\nsecond line"),
                                     QStringLiteral("500"), QStringLiteral("prices")});
        source.saveTemplate(QStringLiteral("hello"),
                            SseEvent{{}, {}, QStringLiteral("hi"), {}, {}});
        const QByteArray file = source.toJson();

        EventTemplatesModel target;
        QAbstractItemModelTester tester(&target,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        target.saveTemplate(QStringLiteral("hello"),
                            SseEvent{{}, {}, QStringLiteral("old"), {}, {}});
        int imported = 0;
        QCOMPARE(target.importJson(file, &imported), QString());
        QCOMPARE(imported, 2);
        QCOMPARE(target.rowCount(), 2);
        // The file's template replaces the one of the same name.
        QCOMPARE(target.templateAt(target.rowOfName(QStringLiteral("hello"))).event.data,
                 QStringLiteral("hi"));
        const SseEvent tick = target.templateAt(target.rowOfName(QStringLiteral("tick"))).event;
        QCOMPARE(tick.event, QStringLiteral("price"));
        QCOMPARE(tick.data, QStringLiteral("{\"p\": 1}\nsecond line"));
        QCOMPARE(tick.retry, QStringLiteral("500"));
        QCOMPARE(tick.channel, QStringLiteral("prices"));

        // Each bad file says which template and field, and leaves the list as it was.
        const struct
        {
            QByteArray json;
            QString expected;
        } bad[] = {
            {"{\"templates\": [", QStringLiteral("not valid JSON")},
            {"[]", QStringLiteral("\"templates\"")},
            {"{\"templates\": [{\"name\": \"a\", \"data\": \"x\"}, {\"data\": \"y\"}]}",
             QStringLiteral("template 2: field 'name'")},
            {"{\"templates\": [{\"name\": \"a\", \"retry\": 5}]}",
             QStringLiteral("template 1 (\"a\"): field 'retry' must be a string")},
            {"{\"templates\": [{\"name\": \"b\", \"id\": \"a\\nb\"}]}",
             QStringLiteral("template 1 (\"b\"): field 'id'")},
        };
        for (const auto &[json, expected] : bad) {
            const QString error = target.importJson(json);
            QVERIFY2(error.contains(expected),
                     qPrintable(error + QStringLiteral(" / ") + expected));
            QCOMPARE(target.rowCount(), 2);
        }
    }

    void sendHistoryIsCappedNewestFirst()
    {
        SendHistoryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMaxEntries(3);
        for (int n = 0; n < 5; ++n)
            model.addSend(QDateTime::currentDateTime(),
                          SseEvent{{}, {}, QString::number(n), {}, {}}, {});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.entry(0).event.data, QStringLiteral("4"));
        QCOMPARE(model.entry(2).event.data, QStringLiteral("2"));
    }

    void sendHistoryLearnsResultsInOrder()
    {
        SendHistoryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.addSend(QDateTime::currentDateTime(),
                      SseEvent{{}, {}, QStringLiteral("first"), {}, {}}, {});
        model.addSend(QDateTime::currentDateTime(),
                      SseEvent{{}, {}, QStringLiteral("second"), {}, {}}, {});
        QVERIFY(model.data(model.index(0)).toString().contains(QStringLiteral("sending")));
        model.applyResult(PublishResult{QStringLiteral("41"), 3, {}});
        QCOMPARE(model.entry(1).assignedId, QStringLiteral("41")); // the older send answers first
        QCOMPARE(model.entry(1).delivered, 3);
        model.applyResult(PublishResult{{}, 0, QStringLiteral("field 'event': bad")});
        QCOMPARE(model.entry(0).error, QStringLiteral("field 'event': bad"));
        QVERIFY(model.data(model.index(0)).toString().contains(QStringLiteral("failed")));
    }

    void statsHistorySamplesRatesOncePerSecond()
    {
        StatsHistoryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QDateTime start = QDateTime::currentDateTime();
        ServerStats stats;
        stats.clients = 2;
        model.addStats(start, stats); // the baseline
        stats.eventsPublished = 50;
        model.addStats(start.addMSecs(500), stats); // not a second yet
        QCOMPARE(model.rowCount(), 0);
        stats.eventsPublished = 200;
        stats.deliveries = 400;
        model.addStats(start.addMSecs(2000), stats);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.data(model.index(0, StatsHistoryModel::EventsPerSecondColumn)).toDouble(),
                 100.0);
        QCOMPARE(
            model.data(model.index(0, StatsHistoryModel::DeliveriesPerSecondColumn)).toDouble(),
            200.0);
        QCOMPARE(model.data(model.index(0, StatsHistoryModel::ClientsColumn)).toInt(), 2);
        QCOMPARE(model.latestEventsPerSecond(), 100.0);

        // A restarted server counts from zero: no negative rate, a new baseline.
        stats.eventsPublished = 3;
        model.addStats(start.addMSecs(3000), stats);
        QCOMPARE(model.rowCount(), 1);
    }

    void statsHistoryIsCapped()
    {
        StatsHistoryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMaxSamples(5);
        const QDateTime start = QDateTime::currentDateTime();
        ServerStats stats;
        for (int second = 0; second <= 10; ++second) {
            stats.eventsPublished = quint64(second) * 10;
            model.addStats(start.addSecs(second), stats);
        }
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.data(model.index(4, StatsHistoryModel::TimeColumn)).toDouble(),
                 double(start.addSecs(10).toMSecsSinceEpoch()));
        QCOMPARE(model.maxValue(StatsHistoryModel::EventsPerSecondColumn), 10.0);
    }

    void bindChoiceRoundTripsAndGivesUrls()
    {
        BindChoice one;
        one.mode = BindChoice::Mode::OneInterface;
        one.interfaceName = QStringLiteral("eth7");
        QCOMPARE(BindChoice::fromSetting(one.toSetting()), one);
        QCOMPARE(BindChoice::fromSetting(QStringLiteral("all")).mode,
                 BindChoice::Mode::AllInterfaces);
        QCOMPARE(BindChoice::fromAddress(QHostAddress(QStringLiteral("0.0.0.0"))).mode,
                 BindChoice::Mode::AllInterfaces);
        QCOMPARE(BindChoice::fromAddress(QHostAddress(QStringLiteral("127.0.0.1"))).mode,
                 BindChoice::Mode::LocalOnly);

        const QList<LanAddress> lan{{QStringLiteral("eth7"), QStringLiteral("eth7"),
                                     QHostAddress(QStringLiteral("192.168.5.20"))}};
        QCOMPARE(bindAddress(one, lan), QHostAddress(QStringLiteral("192.168.5.20")));
        QCOMPARE(bindAddress(one, {}), QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(shareUrls(QHostAddress(QHostAddress::AnyIPv4), 8080, false, lan),
                 (QStringList{QStringLiteral("http://192.168.5.20:8080/"),
                              QStringLiteral("http://127.0.0.1:8080/")}));
        QCOMPARE(shareUrls(QHostAddress(QHostAddress::LocalHost), 9, false, lan),
                 QStringList{QStringLiteral("http://127.0.0.1:9/")});
    }
};

QTEST_GUILESS_MAIN(TestComposerModels)
#include "tst_ui_composermodels.moc"
