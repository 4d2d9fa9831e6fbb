// The fault spec's JSON form (docs/faults.md): what parses, what each kind defaults to, and the
// field every refusal names.
#include "faultspec.h"

#include <QJsonObject>
#include <QTest>

namespace {

// JSON written with single quotes, so moc (which does not read raw strings) and people both can.
QByteArray jsonText(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

} // namespace

class TestFaultSpec : public QObject
{
    Q_OBJECT

private:
    static sse::FaultSpec parsed(const QByteArray &json)
    {
        auto result = sse::parseFaultSpec(json);
        if (const auto *failure = std::get_if<QString>(&result))
            qWarning().noquote() << json << "was refused:" << *failure;
        return std::get<sse::FaultSpec>(result);
    }

private slots:
    void kindsAndTargets()
    {
        sse::FaultSpec spec = parsed(jsonText("{'kind':'reset','client':7}"));
        QCOMPARE(spec.kind, sse::FaultKind::Reset);
        QCOMPARE(spec.target.kind, sse::FaultTarget::Kind::Client);
        QCOMPARE(spec.target.clientId, 7u);
        QVERIFY(spec.oneShot);

        spec = parsed(jsonText("{'kind':'drip','channel':'news','bytesPerSecond':100}"));
        QCOMPARE(spec.target.kind, sse::FaultTarget::Kind::Channel);
        QCOMPARE(spec.target.channel, QStringLiteral("news"));
        QCOMPARE(spec.bytesPerSecond, 100);
        QVERIFY(!spec.oneShot); // a drip lasts until removed

        spec = parsed(jsonText("{'kind':'stall','scope':'new-connections','seconds':1.5}"));
        QCOMPARE(spec.target.kind, sse::FaultTarget::Kind::NewConnections);
        QCOMPARE(spec.stallMs, 1500);

        // Client ids come as numbers or as the strings /api/clients' users may copy.
        QCOMPARE(parsed(jsonText("{'kind':'close','client':'12'}")).target.clientId, 12u);
    }

    void statusFaultsAreForNewConnections()
    {
        sse::FaultSpec spec = parsed(jsonText("{'kind':'status','status':503,'retryAfter':5}"));
        QCOMPARE(spec.target.kind, sse::FaultTarget::Kind::NewConnections);
        QCOMPARE(spec.status, 503);
        QCOMPARE(spec.retryAfterSeconds, 5);
        QVERIFY(!spec.oneShot);
        spec = parsed(
            jsonText("{'kind':'status','status':307,'location':'http://other.test/events'}"));
        QCOMPARE(spec.location, QStringLiteral("http://other.test/events"));
        QCOMPARE(parsed(jsonText("{'kind':'delay-accept','ms':250,'oneShot':true}")).ms, 250);
    }

    void lifetime()
    {
        sse::FaultSpec spec = parsed(jsonText("{'kind':'malformed','client':1,'variant':'bom'}"));
        QVERIFY(spec.oneShot);
        QCOMPARE(spec.variant, sse::MalformedVariant::Bom);
        spec = parsed(jsonText(
            "{'kind':'malformed','channel':'a','variant':'no-colon','durationSeconds':30}"));
        QVERIFY(!spec.oneShot);
        QCOMPARE(spec.durationSeconds, 30);
        QVERIFY(
            !parsed(jsonText("{'kind':'cut-mid-event','channel':'a','oneShot':false}")).oneShot);
    }

    void roundTripsThroughJson()
    {
        const sse::FaultSpec spec =
            parsed(jsonText("{'kind':'drop-events','channel':'a','every':3,'durationSeconds':9}"));
        const sse::FaultSpec again =
            std::get<sse::FaultSpec>(sse::parseFaultSpec(sse::faultSpecJson(spec)));
        QCOMPARE(again.every, 3);
        QCOMPARE(again.durationSeconds, 9);
        QCOMPARE(again.target.channel, QStringLiteral("a"));
        QCOMPARE(sse::faultLabel(again), QStringLiteral("drop 1 event in 3"));
    }

    void refusalsNameTheField_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("start");
        QTest::newRow("not json") << QByteArray("{") << "not JSON";
        QTest::newRow("array") << QByteArray("[]") << "must be a JSON object";
        QTest::newRow("no kind") << QByteArray(jsonText("{'client':1}")) << "kind: missing";
        QTest::newRow("unknown kind") << QByteArray(jsonText("{'kind':'explode','client':1}"))
                                      << "kind: 'explode' is not a fault kind";
        QTest::newRow("no target") << QByteArray(jsonText("{'kind':'reset'}")) << "target:";
        QTest::newRow("two targets")
            << QByteArray(jsonText("{'kind':'reset','client':1,'channel':'a'}"))
            << "target: give one of";
        QTest::newRow("bad client")
            << QByteArray(jsonText("{'kind':'reset','client':0}")) << "client:";
        QTest::newRow("bad channel")
            << QByteArray(jsonText("{'kind':'reset','channel':'a b'}")) << "channel:";
        QTest::newRow("bad scope")
            << QByteArray(jsonText("{'kind':'reset','scope':'everyone'}")) << "scope:";
        QTest::newRow("stall without seconds")
            << QByteArray(jsonText("{'kind':'stall','client':1}")) << "seconds: missing";
        QTest::newRow("stall too long")
            << QByteArray(jsonText("{'kind':'stall','client':1,'seconds':99999}")) << "seconds:";
        QTest::newRow("drip zero")
            << QByteArray(jsonText("{'kind':'drip','client':1,'bytesPerSecond':0}"))
            << "bytesPerSecond:";
        QTest::newRow("drip one-shot")
            << QByteArray(jsonText("{'kind':'drip','client':1,'bytesPerSecond':9,'oneShot':true}"))
            << "oneShot:";
        QTest::newRow("every fraction")
            << QByteArray(jsonText("{'kind':'drop-events','client':1,'every':1.5}")) << "every:";
        QTest::newRow("variant") << QByteArray(
                                        jsonText("{'kind':'malformed','client':1,'variant':'x'}"))
                                 << "variant: must be one of";
        QTest::newRow("retry text")
            << QByteArray(jsonText("{'kind':'retry','client':1,'ms':'5'}")) << "ms:";
        QTest::newRow("status 200")
            << QByteArray(jsonText("{'kind':'status','status':200}")) << "status:";
        QTest::newRow("status on a client")
            << QByteArray(jsonText("{'kind':'status','status':503,'client':1}")) << "scope:";
        QTest::newRow("redirect without location")
            << QByteArray(jsonText("{'kind':'status','status':301}")) << "location:";
        QTest::newRow("location on 503")
            << QByteArray(jsonText("{'kind':'status','status':503,'location':'/x'}"))
            << "location:";
        QTest::newRow("delay zero")
            << QByteArray(jsonText("{'kind':'delay-accept','ms':0}")) << "ms:";
        QTest::newRow("field of another kind")
            << QByteArray(jsonText("{'kind':'reset','client':1,'seconds':3}"))
            << "seconds: not a field";
        QTest::newRow("one-shot with duration")
            << QByteArray(
                   jsonText("{'kind':'reset','client':1,'oneShot':true,'durationSeconds':3}"))
            << "durationSeconds:";
        QTest::newRow("duration zero")
            << QByteArray(
                   jsonText("{'kind':'drip','client':1,'bytesPerSecond':3,'durationSeconds':0}"))
            << "durationSeconds:";
    }

    void refusalsNameTheField()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, start);
        auto result = sse::parseFaultSpec(json);
        QVERIFY2(std::holds_alternative<QString>(result), json.constData());
        QVERIFY2(std::get<QString>(result).startsWith(start),
                 qPrintable(std::get<QString>(result)));
    }

    void startFaultsCannotTargetClients()
    {
        QVERIFY(sse::checkStartFault(QString::fromUtf8(jsonText("{'kind':'status','status':204}")))
                    .isEmpty());
        QVERIFY(sse::checkStartFault(QString::fromUtf8(jsonText("{'kind':'reset','client':1}")))
                    .startsWith(QStringLiteral("client:")));
    }

    void chaosOptionsAreBounded()
    {
        sse::ChaosOptions options;
        QVERIFY(options.validate().isEmpty());
        options.faultsPerMinute = 0;
        QVERIFY(options.validate().startsWith(QStringLiteral("rate:")));
        options.faultsPerMinute = 10;
        options.kinds = {sse::FaultKind::Drip};
        QVERIFY(options.validate().startsWith(QStringLiteral("kinds:")));
    }
};

QTEST_GUILESS_MAIN(TestFaultSpec)
#include "tst_faultspec.moc"
