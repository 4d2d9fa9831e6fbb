// The traffic log: batched appends with a cap, pause, filtering, NDJSON and HAR round-trips.
#include "models/logexport.h"
#include "models/trafficfiltermodel.h"
#include "models/trafficlogmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace sse;
using namespace sse::ui;

namespace {

TrafficRecord record(int n, TrafficDirection direction = TrafficDirection::Out,
                     quint64 clientId = 0, const QString &eventType = QStringLiteral("message"))
{
    TrafficRecord result;
    result.time = QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5, n % 1000));
    result.direction = direction;
    result.clientId = clientId;
    result.eventType = eventType;
    result.id = QString::number(n);
    result.raw = QByteArray("id: ") + QByteArray::number(n) + "\ndata: payload " +
                 QByteArray::number(n) + "\n\n";
    result.size = result.raw.size();
    result.summary = QStringLiteral("record %1").arg(n);
    return result;
}

QList<TrafficRecord> records(int first, int count)
{
    QList<TrafficRecord> list;
    for (int n = first; n < first + count; ++n)
        list.append(record(n));
    return list;
}

void compareRecords(const QList<TrafficRecord> &actual, const QList<TrafficRecord> &expected)
{
    QCOMPARE(actual.size(), expected.size());
    for (qsizetype i = 0; i < actual.size(); ++i) {
        QCOMPARE(actual.at(i).time, expected.at(i).time);
        QCOMPARE(actual.at(i).direction, expected.at(i).direction);
        QCOMPARE(actual.at(i).clientId, expected.at(i).clientId);
        QCOMPARE(actual.at(i).eventType, expected.at(i).eventType);
        QCOMPARE(actual.at(i).id, expected.at(i).id);
        QCOMPARE(actual.at(i).size, expected.at(i).size);
        QCOMPARE(actual.at(i).summary, expected.at(i).summary);
        QCOMPARE(actual.at(i).raw, expected.at(i).raw);
        QCOMPARE(actual.at(i).method, expected.at(i).method);
        QCOMPARE(actual.at(i).path, expected.at(i).path);
        QCOMPARE(actual.at(i).status, expected.at(i).status);
    }
}

QList<TrafficRecord> mixedRecords()
{
    QList<TrafficRecord> list{
        record(1, TrafficDirection::Out, 0, QStringLiteral("price")),
        record(2, TrafficDirection::In, 0, QString()),
        record(3, TrafficDirection::System, 7, QString()),
        record(4, TrafficDirection::Out, 7, QStringLiteral("message")),
        record(5, TrafficDirection::Out, 0, QStringLiteral("price")),
    };
    list[1].method = QStringLiteral("DELETE");
    list[1].path = QStringLiteral("/api/clients/7");
    list[1].status = 404;
    list[2].summary = QStringLiteral("client 7 connected from 10.0.0.7");
    // Not UTF-8: must come back byte for byte all the same.
    static const char binary[] = "data: \xff\xfe\x00 binary\n\n";
    list[3].raw = QByteArray(binary, sizeof binary - 1);
    list[3].size = list[3].raw.size();
    return list;
}

} // namespace

class TestTrafficLog : public QObject
{
    Q_OBJECT

private slots:
    void appendsABatchWithOneInsert()
    {
        TrafficLogModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.appendRecords(records(0, 100));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.data(model.index(5, TrafficLogModel::SummaryColumn)).toString(),
                 QStringLiteral("record 5"));
        QCOMPARE(model.data(model.index(5, TrafficLogModel::DirectionColumn)).toString(),
                 directionName(TrafficDirection::Out));
        QCOMPARE(model.data(model.index(5, 0), TrafficLogModel::RawRole).toByteArray(),
                 record(5).raw);
    }

    void dropsTheOldestRowsInOneRemoval()
    {
        TrafficLogModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMaxRows(100);
        model.appendRecords(records(0, 80));
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.appendRecords(records(80, 50));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.record(0).id, QStringLiteral("30"));
        QCOMPARE(model.record(99).id, QStringLiteral("129"));
    }

    void keepsOnlyTheNewestOfAnOversizedBatch()
    {
        TrafficLogModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMaxRows(10);
        model.appendRecords(records(0, 5));
        model.appendRecords(records(5, 25));
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.record(0).id, QStringLiteral("20"));
        model.setMaxRows(4);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.record(0).id, QStringLiteral("26"));
    }

    void reportsRecordsTheServerLeftOut()
    {
        TrafficLogModel model;
        ServerSnapshot snapshot;
        snapshot.traffic = records(0, 2);
        snapshot.trafficDropped = 17;
        model.applySnapshot(snapshot);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.record(2).direction, TrafficDirection::System);
        QVERIFY(model.record(2).summary.contains(QStringLiteral("17")));
    }

    void pauseHoldsRowsUntilResumed()
    {
        TrafficLogModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMaxRows(50);
        model.appendRecords(records(0, 10));
        model.setPaused(true);
        model.appendRecords(records(10, 30));
        model.appendRecords(records(40, 30));
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.heldCount(), 50); // held records are capped like the log
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.setPaused(false);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(model.rowCount(), 50);
        QCOMPARE(model.record(49).id, QStringLiteral("69"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void filtersByTextTypeClientAndDirection()
    {
        TrafficLogModel model;
        TrafficFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&filter,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendRecords(mixedRecords());
        QCOMPARE(filter.rowCount(), 5);
        QVERIFY(!filter.isFiltering());

        filter.setEventTypeFilter(QStringLiteral("price"));
        QCOMPARE(filter.rowCount(), 2);
        filter.setEventTypeFilter({});
        filter.setDirectionFilter(TrafficDirection::In);
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.data(filter.index(0, TrafficLogModel::IdColumn)).toString(),
                 QStringLiteral("2"));
        filter.setDirectionFilter(std::nullopt);
        filter.setClientFilter(7);
        QCOMPARE(filter.rowCount(), 2);
        filter.setTextFilter(QStringLiteral("CONNECTED FROM"));
        QCOMPARE(filter.rowCount(), 1);
        QVERIFY(filter.isFiltering());
        filter.setClientFilter(0);
        filter.setTextFilter({});
        QCOMPARE(filter.rowCount(), 5);

        // Rows arriving later are filtered too.
        filter.setEventTypeFilter(QStringLiteral("price"));
        model.appendRecords({record(6, TrafficDirection::Out, 0, QStringLiteral("price")),
                             record(7, TrafficDirection::Out, 0, QStringLiteral("other"))});
        QCOMPARE(filter.rowCount(), 3);
    }

    void ndjsonRoundTrips()
    {
        const QList<TrafficRecord> original = mixedRecords();
        const QByteArray ndjson = exportNdjson(original);
        QCOMPARE(ndjson.count('\n'), original.size());
        const QJsonDocument firstLine = QJsonDocument::fromJson(ndjson.left(ndjson.indexOf('\n')));
        QCOMPARE(firstLine.object().value(QStringLiteral("eventType")).toString(),
                 QStringLiteral("price"));
        QString error;
        compareRecords(importNdjson(ndjson, &error), original);
        QVERIFY2(error.isEmpty(), qPrintable(error));

        QVERIFY(importNdjson("{\"direction\": \"sideways\"}\n", &error).isEmpty());
        QVERIFY(error.contains(QStringLiteral("line 1")));
    }

    void harRoundTrips()
    {
        const QList<TrafficRecord> original = mixedRecords();
        const QByteArray har = exportHar(original, QStringLiteral("http://127.0.0.1:8080/"));
        const QJsonObject log =
            QJsonDocument::fromJson(har).object().value(QStringLiteral("log")).toObject();
        QCOMPARE(log.value(QStringLiteral("version")).toString(), QStringLiteral("1.2"));
        const QJsonObject first = log.value(QStringLiteral("entries")).toArray().at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("request"))
                     .toObject()
                     .value(QStringLiteral("url"))
                     .toString(),
                 QStringLiteral("http://127.0.0.1:8080/events"));
        // A request is filed under its own method, path and status.
        const QJsonObject request = log.value(QStringLiteral("entries")).toArray().at(1).toObject();
        QCOMPARE(
            request.value(QStringLiteral("request")).toObject().value(QStringLiteral("method")),
            QJsonValue(QStringLiteral("DELETE")));
        QCOMPARE(request.value(QStringLiteral("request")).toObject().value(QStringLiteral("url")),
                 QJsonValue(QStringLiteral("http://127.0.0.1:8080/api/clients/7")));
        QCOMPARE(
            request.value(QStringLiteral("response")).toObject().value(QStringLiteral("status")),
            QJsonValue(404));
        QCOMPARE(request.value(QStringLiteral("response"))
                     .toObject()
                     .value(QStringLiteral("statusText")),
                 QJsonValue(QStringLiteral("Not Found")));
        QString error;
        compareRecords(importHar(har, &error), original);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(importHar("{}", &error).isEmpty());
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestTrafficLog)
#include "tst_ui_trafficlog.moc"
