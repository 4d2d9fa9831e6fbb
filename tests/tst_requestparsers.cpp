// The pure request parsers: every refusal names its field, and nothing needs a socket.
#include "requestparsers.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QLibraryInfo>
#include <QLocale>
#include <QTest>
#include <QTranslator>

using sse::HttpError;
using sse::Parsed;
using sse::SseEvent;
using sse::Subscription;

namespace {

template<typename T>
HttpError errorOf(const Parsed<T> &parsed)
{
    const auto *error = std::get_if<HttpError>(&parsed);
    return error ? *error : HttpError{0, {}, {}, false};
}

Parsed<SseEvent> publishJson(const QByteArray &body)
{
    return sse::parsePublish(
        {"application/json", QByteArray::number(body.size()), body, {}, 1024 * 1024});
}

Parsed<Subscription> subscribe(const QString &query, const QByteArray &lastEventId = {})
{
    return sse::parseSubscribe({QUrlQuery(query), lastEventId, "Agent/1"});
}

} // namespace

class TestRequestParsers : public QObject
{
    Q_OBJECT

private slots:
    void jsonErrorsAreEnglishWhateverTheLocale()
    {
        // The dashboard installs Qt's own translation for its language, and Qt translates the
        // JSON parser's messages with it; the HTTP API's errors must not change with it.
        QTranslator chinese;
        if (!chinese.load(QLocale(QStringLiteral("zh_CN")), QStringLiteral("qtbase"),
                          QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
            QSKIP("Qt's Chinese translation (qt6-translations-l10n) is not installed");
        QCoreApplication::installTranslator(&chinese);
        QJsonParseError parseError;
        QJsonDocument::fromJson("{\"data\": nope}", &parseError);
        QVERIFY2(parseError.errorString() != QStringLiteral("illegal value"),
                 "Qt's message is not translated: the test would prove nothing");
        const HttpError failure = errorOf(publishJson("{\"data\": nope}"));
        QCoreApplication::removeTranslator(&chinese);
        QCOMPARE(failure.status, 400);
        QCOMPARE(failure.message, QStringLiteral("body: invalid JSON at offset 11: illegal value"));
    }

    void publishJsonFields()
    {
        const Parsed<SseEvent> parsed =
            publishJson(R"({"event":"price","data":{"v":1},"id":7,"retry":"500","channel":"c"})");
        QVERIFY(std::holds_alternative<SseEvent>(parsed));
        const SseEvent &event = std::get<SseEvent>(parsed);
        QCOMPARE(event.event, QStringLiteral("price"));
        QCOMPARE(event.data, QStringLiteral(R"({"v":1})"));
        QCOMPARE(event.id, QStringLiteral("7"));
        QCOMPARE(event.retry, QStringLiteral("500"));
        QCOMPARE(event.channel, QStringLiteral("c"));
    }

    void publishRefusalsNameTheField_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("contentLength");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("mentions");
        QTest::addColumn<bool>("closes");
        const QByteArray json = "application/json";
        QTest::newRow("bad json") << json << QByteArray() << QByteArray("{") << 400
                                  << QStringLiteral("invalid JSON") << false;
        QTest::newRow("not an object") << json << QByteArray() << QByteArray("[1]") << 400
                                       << QStringLiteral("JSON object") << false;
        QTest::newRow("unknown field") << json << QByteArray() << QByteArray(R"({"data":1,"x":2})")
                                       << 400 << QStringLiteral("'x'") << false;
        QTest::newRow("no data") << json << QByteArray() << QByteArray(R"({"event":"a"})") << 400
                                 << QStringLiteral("'data'") << false;
        QTest::newRow("empty event")
            << json << QByteArray() << QByteArray(R"({"data":"x","event":""})") << 400
            << QStringLiteral("'event'") << false;
        QTest::newRow("event not a string")
            << json << QByteArray() << QByteArray(R"({"data":"x","event":3})") << 400
            << QStringLiteral("'event'") << false;
        QTest::newRow("negative id")
            << json << QByteArray() << QByteArray(R"({"data":"x","id":-1})") << 400
            << QStringLiteral("'id'") << false;
        QTest::newRow("huge id") << json << QByteArray() << QByteArray(R"({"data":"x","id":1e300})")
                                 << 400 << QStringLiteral("'id'") << false;
        QTest::newRow("fractional retry")
            << json << QByteArray() << QByteArray(R"({"data":"x","retry":1.5})") << 400
            << QStringLiteral("'retry'") << false;
        QTest::newRow("retry object")
            << json << QByteArray() << QByteArray(R"({"data":"x","retry":{}})") << 400
            << QStringLiteral("'retry'") << false;
        QTest::newRow("bad length") << json << QByteArray("12x") << QByteArray("{}") << 400
                                    << QStringLiteral("Content-Length") << true;
        QTest::newRow("too large") << json << QByteArray() << QByteArray(2048, 'x') << 413
                                   << QStringLiteral("limit of 1024") << false;
        QTest::newRow("no type") << QByteArray() << QByteArray() << QByteArray("x") << 415
                                 << QStringLiteral("Content-Type: missing") << false;
        QTest::newRow("xml") << QByteArray("text/xml") << QByteArray() << QByteArray("x") << 415
                             << QStringLiteral("'text/xml'") << false;
        QTest::newRow("text not utf-8")
            << QByteArray("text/plain") << QByteArray() << QByteArray("\xff\xfe") << 400
            << QStringLiteral("UTF-8") << false;
    }

    void publishRefusalsNameTheField()
    {
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, contentLength);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, mentions);
        QFETCH(bool, closes);
        const HttpError error =
            errorOf(sse::parsePublish({contentType, contentLength, body, {}, 1024}));
        QCOMPARE(error.status, status);
        QVERIFY2(error.message.contains(mentions), qPrintable(error.message));
        QCOMPARE(error.closeConnection, closes);
    }

    void publishTextTakesFieldsFromTheQuery()
    {
        const Parsed<SseEvent> parsed =
            sse::parsePublish({"text/plain; charset=utf-8",
                               {},
                               "\xEF\xBB\xBFline",
                               QUrlQuery(QStringLiteral("event=e&id=i&retry=5&channel=c")),
                               100});
        QVERIFY(std::holds_alternative<SseEvent>(parsed));
        const SseEvent &event = std::get<SseEvent>(parsed);
        QCOMPARE(event.data, QString(QChar(0xFEFF)) + QStringLiteral("line"));
        QCOMPARE(event.event, QStringLiteral("e"));
        QCOMPARE(event.id, QStringLiteral("i"));
        QCOMPARE(event.retry, QStringLiteral("5"));
        QCOMPARE(event.channel, QStringLiteral("c"));
    }

    void sendNeedsM()
    {
        QCOMPARE(errorOf(sse::parseSend(QUrlQuery(QStringLiteral("x=1")))).status, 400);
        const Parsed<SseEvent> parsed = sse::parseSend(QUrlQuery(QStringLiteral("m=hi%20there")));
        QCOMPARE(std::get<SseEvent>(parsed).data, QStringLiteral("hi there"));
        QCOMPARE(std::get<SseEvent>(sse::parseSend(QUrlQuery(QStringLiteral("m=%E2%9C%93")))).data,
                 QStringLiteral("✓"));
        QVERIFY(errorOf(sse::parseSend(QUrlQuery(QStringLiteral("m=%FF%FE"))))
                    .message.contains(QStringLiteral("UTF-8")));
    }

    void subscribeDefaultsAndBounds()
    {
        const Parsed<Subscription> plain = subscribe({});
        const Subscription &subscription = std::get<Subscription>(plain);
        QCOMPARE(subscription.channels, QStringList{sse::DefaultChannel});
        QVERIFY(!subscription.control);
        QCOMPARE(subscription.userAgent, QStringLiteral("Agent/1"));

        const Subscription both =
            std::get<Subscription>(subscribe(QStringLiteral("channel=a&channel=b&channel=a&"
                                                            "control=1&lastEventId=q"),
                                             "h"));
        QCOMPARE(both.channels, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QVERIFY(both.control);
        QCOMPARE(both.lastEventId, QStringLiteral("h")); // the header wins over the query

        QString many;
        for (int i = 0; i <= sse::MaxChannelsPerSubscriber; ++i)
            many += QStringLiteral("channel=c%1&").arg(i);
        QVERIFY(errorOf(subscribe(many)).message.contains(QStringLiteral("'channel'")));
        QVERIFY(errorOf(subscribe(QStringLiteral("channel=has%20space"))).status == 400);
        QVERIFY(errorOf(subscribe(QStringLiteral("control=2")))
                    .message.contains(QStringLiteral("'control'")));
        const Subscription longId = std::get<Subscription>(subscribe({}, QByteArray(1000, '7')));
        QCOMPARE(longId.lastEventId.size(), sse::MaxIdLength);
    }
};

QTEST_GUILESS_MAIN(TestRequestParsers)
#include "tst_requestparsers.moc"
