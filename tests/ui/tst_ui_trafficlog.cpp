// The traffic log: batched appends with a cap, pause, filtering, NDJSON and HAR round-trips.
#include "curlcommand.h"
#include "jsonformat.h"
#include "logexport.h"
#include "trafficfiltermodel.h"
#include "trafficlogmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
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
        QCOMPARE(actual.at(i).requestHeaders, expected.at(i).requestHeaders);
        QCOMPARE(actual.at(i).responseType, expected.at(i).responseType);
        QCOMPARE(actual.at(i).responseBody, expected.at(i).responseBody);
        QCOMPARE(actual.at(i).scope, expected.at(i).scope);
        QCOMPARE(actual.at(i).channels, expected.at(i).channels);
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
    list[0].scope = QStringLiteral("prices"); // before the stream opened: not in it
    list[1].method = QStringLiteral("DELETE");
    list[1].path = QStringLiteral("/api/clients/7");
    list[1].status = 404;
    list[1].requestHeaders = {qMakePair(QByteArray("User-Agent"), QByteArray("curl/7.88.1"))};
    list[1].raw.clear();
    list[1].size = 0;
    list[1].responseType = "application/json";
    list[1].responseBody = R"({"error": "client 7 is not connected"})";
    // The stream: its connect notice carries the GET that opened it.
    list[2].summary = QStringLiteral("client 7 connected from 10.0.0.7");
    list[2].method = QStringLiteral("GET");
    list[2].path = QStringLiteral("/events?channel=prices");
    list[2].httpVersion = QStringLiteral("HTTP/2");
    list[2].status = 200;
    list[2].channels = {QStringLiteral("prices")};
    list[2].requestHeaders = {qMakePair(QByteArray("Host"), QByteArray("127.0.0.1:8080")),
                              qMakePair(QByteArray("Accept"), QByteArray("text/event-stream"))};
    list[2].raw = ": ok\n\n";
    list[2].size = list[2].raw.size();
    list[3].scope.clear(); // to client 7 alone
    // Not UTF-8: must come back byte for byte all the same.
    static const char binary[] = "data: \xff\xfe\x00 binary\n\n";
    list[3].raw = QByteArray(binary, sizeof binary - 1);
    list[3].size = list[3].raw.size();
    list[4].scope = QStringLiteral("prices");
    list[4].time = list[4].time.addMSecs(2500);
    // Another channel's event, and the stream's end.
    list.append(record(6, TrafficDirection::Out, 0, QStringLiteral("news")));
    list[5].scope = QStringLiteral("news");
    list[5].time = list[4].time;
    list.append(record(7, TrafficDirection::System, 7, QString()));
    list[6].summary = QStringLiteral("client 7 disconnected");
    list[6].time = list[4].time.addMSecs(500);
    list[6].raw.clear();
    list.append(record(8, TrafficDirection::Out, 0, QStringLiteral("price")));
    list[7].scope = QStringLiteral("prices"); // after the stream ended: not in it
    list[7].time = list[6].time;
    return list;
}

// The fields HAR 1.2 requires (http://www.softwareishard.com/blog/har-12-spec/), by path;
// empty when all are there with the right JSON type.
QStringList missingHarFields(const QJsonObject &log)
{
    QStringList missing;
    const auto need =
        [&missing](const QJsonObject &object, const QString &path,
                   std::initializer_list<std::pair<const char *, QJsonValue::Type>> fields) {
            for (const auto &[name, type] : fields) {
                if (object.value(QLatin1String(name)).type() != type)
                    missing.append(path + QLatin1Char('.') + QLatin1String(name));
            }
        };
    using T = QJsonValue::Type;
    need(log, QStringLiteral("log"),
         {{"version", T::String}, {"creator", T::Object}, {"entries", T::Array}});
    need(log.value(QStringLiteral("creator")).toObject(), QStringLiteral("log.creator"),
         {{"name", T::String}, {"version", T::String}});
    const QJsonArray entries = log.value(QStringLiteral("entries")).toArray();
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QString path = QStringLiteral("entries[%1]").arg(i);
        const QJsonObject entry = entries.at(i).toObject();
        need(entry, path,
             {{"startedDateTime", T::String},
              {"time", T::Double},
              {"request", T::Object},
              {"response", T::Object},
              {"cache", T::Object},
              {"timings", T::Object}});
        need(entry.value(QStringLiteral("request")).toObject(), path + QStringLiteral(".request"),
             {{"method", T::String},
              {"url", T::String},
              {"httpVersion", T::String},
              {"cookies", T::Array},
              {"headers", T::Array},
              {"queryString", T::Array},
              {"headersSize", T::Double},
              {"bodySize", T::Double}});
        const QJsonObject response = entry.value(QStringLiteral("response")).toObject();
        need(response, path + QStringLiteral(".response"),
             {{"status", T::Double},
              {"statusText", T::String},
              {"httpVersion", T::String},
              {"cookies", T::Array},
              {"headers", T::Array},
              {"content", T::Object},
              {"redirectURL", T::String},
              {"headersSize", T::Double},
              {"bodySize", T::Double}});
        need(response.value(QStringLiteral("content")).toObject(),
             path + QStringLiteral(".response.content"),
             {{"size", T::Double}, {"mimeType", T::String}});
        need(entry.value(QStringLiteral("timings")).toObject(), path + QStringLiteral(".timings"),
             {{"send", T::Double}, {"wait", T::Double}, {"receive", T::Double}});
        // ISO 8601 with the zone: a HAR viewer elsewhere must show the right time.
        static const QRegularExpression iso(QStringLiteral(
            "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)$"));
        if (!iso.match(entry.value(QStringLiteral("startedDateTime")).toString()).hasMatch())
            missing.append(path + QStringLiteral(".startedDateTime (ISO 8601 with zone)"));
    }
    return missing;
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

    void statusColumnShowsTheCodeAndItsReason()
    {
        TrafficLogModel model;
        QList<TrafficRecord> list = records(0, 3);
        list[0].direction = TrafficDirection::In;
        list[0].status = 202; // a publish, on whichever event log (tst_servercontroller)
        list[1].direction = TrafficDirection::In;
        list[1].status = 431;
        model.appendRecords(list);
        QCOMPARE(model.headerData(TrafficLogModel::StatusColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Status"));
        QCOMPARE(model.index(0, TrafficLogModel::StatusColumn).data().toString(),
                 QStringLiteral("202 Accepted"));
        QCOMPARE(model.index(1, TrafficLogModel::StatusColumn).data().toString(),
                 QStringLiteral("431 Request Header Fields Too Large"));
        QCOMPARE(model.index(2, TrafficLogModel::StatusColumn).data().toString(), QString());
        // The summary no longer repeats it, and the filter finds rows by it.
        QVERIFY(!model.index(0, TrafficLogModel::SummaryColumn)
                     .data()
                     .toString()
                     .contains(QStringLiteral("202")));
        QVERIFY(model.index(1, 0)
                    .data(TrafficLogModel::SearchTextRole)
                    .toString()
                    .contains(QStringLiteral("431")));
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
        QCOMPARE(filter.rowCount(), 8);
        QVERIFY(!filter.isFiltering());

        filter.setEventTypeFilter(QStringLiteral("price"));
        QCOMPARE(filter.rowCount(), 3);
        filter.setEventTypeFilter({});
        filter.setDirectionFilter(TrafficDirection::In);
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.data(filter.index(0, TrafficLogModel::IdColumn)).toString(),
                 QStringLiteral("2"));
        filter.setDirectionFilter(std::nullopt);
        filter.setClientFilter(7);
        QCOMPARE(filter.rowCount(), 3);
        filter.setTextFilter(QStringLiteral("CONNECTED FROM"));
        QCOMPARE(filter.rowCount(), 1);
        QVERIFY(filter.isFiltering());
        filter.setClientFilter(0);
        filter.setTextFilter({});
        QCOMPARE(filter.rowCount(), 8);

        // Rows arriving later are filtered too.
        filter.setEventTypeFilter(QStringLiteral("price"));
        model.appendRecords({record(6, TrafficDirection::Out, 0, QStringLiteral("price")),
                             record(7, TrafficDirection::Out, 0, QStringLiteral("other"))});
        QCOMPARE(filter.rowCount(), 4);
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

    void harHasOneEntryPerRequestAndAStreamIsOneEntry()
    {
        const QList<TrafficRecord> original = mixedRecords();
        const QByteArray har = exportHar(original, QStringLiteral("http://127.0.0.1:8080/"));
        const QJsonObject log =
            QJsonDocument::fromJson(har).object().value(QStringLiteral("log")).toObject();
        QCOMPARE(log.value(QStringLiteral("version")).toString(), QStringLiteral("1.2"));
        const QStringList missing = missingHarFields(log);
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QStringLiteral(", "))));
        const QJsonArray entries = log.value(QStringLiteral("entries")).toArray();
        // The DELETE and the stream; events and notices are not HTTP requests of their own.
        QCOMPARE(entries.size(), 2);

        const QJsonObject request = entries.at(0).toObject();
        const QJsonObject deleteRequest = request.value(QStringLiteral("request")).toObject();
        QCOMPARE(deleteRequest.value(QStringLiteral("method")),
                 QJsonValue(QStringLiteral("DELETE")));
        QCOMPARE(deleteRequest.value(QStringLiteral("url")),
                 QJsonValue(QStringLiteral("http://127.0.0.1:8080/api/clients/7")));
        QCOMPARE(deleteRequest.value(QStringLiteral("headers")).toArray().at(0).toObject(),
                 (QJsonObject{{QStringLiteral("name"), QStringLiteral("User-Agent")},
                              {QStringLiteral("value"), QStringLiteral("curl/7.88.1")}}));
        const QJsonObject deleteResponse = request.value(QStringLiteral("response")).toObject();
        QCOMPARE(deleteResponse.value(QStringLiteral("status")), QJsonValue(404));
        QCOMPARE(deleteResponse.value(QStringLiteral("statusText")),
                 QJsonValue(QStringLiteral("Not Found")));
        // The answer's body, as HAR viewers show it.
        const QJsonObject answered = deleteResponse.value(QStringLiteral("content")).toObject();
        QCOMPARE(answered.value(QStringLiteral("mimeType")),
                 QJsonValue(QStringLiteral("application/json")));
        QCOMPARE(answered.value(QStringLiteral("text")),
                 QJsonValue(QStringLiteral(R"({"error": "client 7 is not connected"})")));

        const QJsonObject stream = entries.at(1).toObject();
        const QJsonObject get = stream.value(QStringLiteral("request")).toObject();
        QCOMPARE(get.value(QStringLiteral("method")), QJsonValue(QStringLiteral("GET")));
        QCOMPARE(get.value(QStringLiteral("url")),
                 QJsonValue(QStringLiteral("http://127.0.0.1:8080/events?channel=prices")));
        QCOMPARE(get.value(QStringLiteral("queryString")).toArray().at(0).toObject(),
                 (QJsonObject{{QStringLiteral("name"), QStringLiteral("channel")},
                              {QStringLiteral("value"), QStringLiteral("prices")}}));
        QCOMPARE(get.value(QStringLiteral("headers")).toArray().size(), 2);
        // Each request's own version; HTTP/1.1 when the record does not say.
        QCOMPARE(get.value(QStringLiteral("httpVersion")), QJsonValue(QStringLiteral("HTTP/2")));
        QCOMPARE(deleteRequest.value(QStringLiteral("httpVersion")),
                 QJsonValue(QStringLiteral("HTTP/1.1")));
        const QJsonObject content = stream.value(QStringLiteral("response"))
                                        .toObject()
                                        .value(QStringLiteral("content"))
                                        .toObject();
        QCOMPARE(content.value(QStringLiteral("mimeType")),
                 QJsonValue(QStringLiteral("text/event-stream")));
        // What the stream received: its opening, the event for its client, the one for its
        // channel; not the other channel's, nor what came before it opened or after it ended.
        const QByteArray received = original.at(2).raw + original.at(3).raw + original.at(4).raw;
        QCOMPARE(content.value(QStringLiteral("encoding")), QJsonValue(QStringLiteral("base64")));
        QCOMPARE(
            QByteArray::fromBase64(content.value(QStringLiteral("text")).toString().toLatin1()),
            received);
        // Open from its connect to its disconnect.
        QCOMPARE(stream.value(QStringLiteral("time")).toDouble(),
                 double(original.at(2).time.msecsTo(original.at(6).time)));
    }

    void harRoundTrips()
    {
        const QList<TrafficRecord> original = mixedRecords();
        const QByteArray har = exportHar(original, QStringLiteral("http://127.0.0.1:8080/"));
        QString error;
        compareRecords(importHar(har, &error), original);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(importHar("{}", &error).isEmpty());
        QVERIFY(error.contains(QStringLiteral("_sseRecords")));
    }

    void curlRepeatsARecordedRequest()
    {
        const QList<TrafficRecord> list = mixedRecords();
        QCOMPARE(curlForRequest(list.at(1), QStringLiteral("http://127.0.0.1:8080/")),
                 QStringLiteral("curl -X DELETE 'http://127.0.0.1:8080/api/clients/7' "
                                "-H 'User-Agent: curl/7.88.1'"));
        // A stream: Host is curl's own business, and the output must not wait for a buffer.
        QCOMPARE(curlForRequest(list.at(2), QStringLiteral("http://127.0.0.1:8080/")),
                 QStringLiteral("curl 'http://127.0.0.1:8080/events?channel=prices' "
                                "-H 'Accept: text/event-stream' --no-buffer"));
        TrafficRecord post;
        post.direction = TrafficDirection::In;
        post.method = QStringLiteral("POST");
        post.path = QStringLiteral("/publish");
        post.raw = "{\"data\":\"it's\"}";
        QCOMPARE(curlForRequest(post, {}),
                 QStringLiteral("curl -X POST 'http://127.0.0.1/publish' --data-binary "
                                "'{\"data\":\"it'\\''s\"}'"));
    }

    void curlPublishesTheComposedEvent()
    {
        const SseEvent event{
            QStringLiteral("price"), {}, QStringLiteral("it's 5"), {}, QStringLiteral("prices")};
        PublishTarget channel;
        channel.kind = PublishTarget::Kind::Channel;
        QCOMPARE(curlForPublish(event, channel, QStringLiteral("http://127.0.0.1:8080/")),
                 QStringLiteral(
                     "curl -X POST 'http://127.0.0.1:8080/publish' -H 'Content-Type: "
                     "application/json' --data-binary "
                     "'{\"channel\":\"prices\",\"data\":\"it'\\''s 5\",\"event\":\"price\"}'"));
        PublishTarget all;
        all.kind = PublishTarget::Kind::All;
        QVERIFY(curlForPublish(event, all, {}).startsWith(QStringLiteral("# /publish sends")));
    }

    void jsonReformatKeepsKeyOrder()
    {
        const QString text = QStringLiteral(
            "{\"z\": 1, \"a\": {\"y\": [3, \"b, c\"], \"x\": {}}, \"m\": \"q\\\"}\"}");
        const std::optional<QString> compact = reformatJson(text, false);
        QVERIFY(compact);
        QCOMPARE(*compact,
                 QStringLiteral("{\"z\":1,\"a\":{\"y\":[3,\"b, c\"],\"x\":{}},\"m\":\"q\\\"}\"}"));
        const std::optional<QString> pretty = reformatJson(*compact, true);
        QVERIFY(pretty);
        QCOMPARE(*pretty, QStringLiteral("{\n    \"z\": 1,\n    \"a\": {\n        \"y\": [\n"
                                         "            3,\n            \"b, c\"\n        ],\n"
                                         "        \"x\": {}\n    },\n    \"m\": \"q\\\"}\"\n}"));
        QCOMPARE(reformatJson(*pretty, false), compact);
        QVERIFY(!reformatJson(QStringLiteral("{\"a\": [1, 2"), true));
    }
};

QTEST_GUILESS_MAIN(TestTrafficLog)
#include "tst_ui_trafficlog.moc"
