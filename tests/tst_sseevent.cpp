#include "sseevent.h"
#include "testsupport.h"

#include <QTest>

using sse::SseEvent;
using testsupport::SseParser;

class TestSseEvent : public QObject
{
    Q_OBJECT

private slots:
    void encodesFieldsInOrder()
    {
        const SseEvent event{QStringLiteral("price"),
                             QStringLiteral("7"),
                             QStringLiteral("42"),
                             QStringLiteral("1500"),
                             {}};
        QCOMPARE(sse::encodeEvent(event),
                 QByteArray("id: 7\nevent: price\nretry: 1500\ndata: 42\n\n"));
    }

    void omitsDefaultTypeAndEmptyFields()
    {
        QCOMPARE(sse::encodeEvent(SseEvent{{}, {}, QStringLiteral("hi"), {}, {}}),
                 QByteArray("data: hi\n\n"));
        QCOMPARE(
            sse::encodeEvent(SseEvent{QStringLiteral("message"), {}, QStringLiteral("hi"), {}, {}}),
            QByteArray("data: hi\n\n"));
    }

    void splitsEveryKindOfLineBreak_data()
    {
        QTest::addColumn<QString>("data");
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<QString>("received");
        QTest::newRow("LF") << QStringLiteral("a\nb") << QByteArray("data: a\ndata: b\n\n")
                            << QStringLiteral("a\nb");
        QTest::newRow("CRLF") << QStringLiteral("a\r\nb") << QByteArray("data: a\ndata: b\n\n")
                              << QStringLiteral("a\nb");
        // A lone CR left in place would end the line for the client and inject a field.
        QTest::newRow("lone CR") << QStringLiteral("a\rid: evil")
                                 << QByteArray("data: a\ndata: id: evil\n\n")
                                 << QStringLiteral("a\nid: evil");
        QTest::newRow("CR CR LF") << QStringLiteral("a\r\r\nb")
                                  << QByteArray("data: a\ndata: \ndata: b\n\n")
                                  << QStringLiteral("a\n\nb");
        QTest::newRow("trailing LF")
            << QStringLiteral("a\n") << QByteArray("data: a\ndata: \n\n") << QStringLiteral("a\n");
        QTest::newRow("empty") << QString() << QByteArray("data: \n\n") << QString();
        QTest::newRow("blank line inside")
            << QStringLiteral("a\n\nb") << QByteArray("data: a\ndata: \ndata: b\n\n")
            << QStringLiteral("a\n\nb");
        QTest::newRow("leading space kept")
            << QStringLiteral(" x") << QByteArray("data:  x\n\n") << QStringLiteral(" x");
        QTest::newRow("colon") << QStringLiteral(":not a comment")
                               << QByteArray("data: :not a comment\n\n")
                               << QStringLiteral(":not a comment");
    }

    void splitsEveryKindOfLineBreak()
    {
        QFETCH(QString, data);
        QFETCH(QByteArray, wire);
        QFETCH(QString, received);
        const QByteArray encoded = sse::encodeEvent(SseEvent{{}, {}, data, {}, {}});
        QCOMPARE(encoded, wire);
        QVERIFY(!encoded.contains('\r'));
        SseParser parser;
        parser.feed(encoded);
        QCOMPARE(parser.events().size(), 1);
        QCOMPARE(parser.events().constFirst().data, received);
        QCOMPARE(parser.events().constFirst().type, QStringLiteral("message"));
    }

    void encodesUtf8()
    {
        const QString data = QStringLiteral("héllo → 世界 🎉");
        const QByteArray encoded =
            sse::encodeEvent(SseEvent{QStringLiteral("ünï"), {}, data, {}, {}});
        QVERIFY(encoded.contains(data.toUtf8()));
        SseParser parser;
        parser.feed(encoded);
        QCOMPARE(parser.events().constFirst().data, data);
        QCOMPARE(parser.events().constFirst().type, QStringLiteral("ünï"));
    }

    void roundTripsThroughAConformingParser()
    {
        SseParser parser;
        const QList<SseEvent> events{
            {QStringLiteral("a"),
             QStringLiteral("1"),
             QStringLiteral("one\r\ntwo\rthree\nfour"),
             {},
             {}},
            {{},
             QStringLiteral("2"),
             QStringLiteral("{\"json\": [1, 2]}"),
             QStringLiteral("10"),
             {}},
            {QStringLiteral("Case"), QStringLiteral("3"), QStringLiteral("x"), {}, {}},
        };
        for (const SseEvent &event : events)
            parser.feed(sse::encodeEvent(event));
        QCOMPARE(parser.events().size(), 3);
        QCOMPARE(parser.events().at(0).data, QStringLiteral("one\ntwo\nthree\nfour"));
        QCOMPARE(parser.events().at(0).lastEventId, QStringLiteral("1"));
        QCOMPARE(parser.events().at(1).type, QStringLiteral("message"));
        QCOMPARE(parser.retry(), QStringLiteral("10"));
        QCOMPARE(parser.events().at(2).type, QStringLiteral("Case"));
    }

    void encodesComments()
    {
        QCOMPARE(sse::encodeComment(QStringLiteral("heartbeat")), QByteArray(": heartbeat\n\n"));
        // A line break in a comment must not turn its second line into a field.
        QCOMPARE(sse::encodeComment(QStringLiteral("a\rdata: x")),
                 QByteArray(": a\n: data: x\n\n"));
        SseParser parser;
        parser.feed(sse::encodeComment(QStringLiteral("a\ndata: x")));
        QVERIFY(parser.events().isEmpty());
    }

    void rejectsInvalidFields_data()
    {
        QTest::addColumn<QString>("event");
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("retry");
        QTest::addColumn<QString>("channel");
        QTest::addColumn<QString>("field");
        QTest::newRow("event LF") << QStringLiteral("a\nb") << QString() << QString() << QString()
                                  << "event";
        QTest::newRow("event CR") << QStringLiteral("a\rb") << QString() << QString() << QString()
                                  << "event";
        QTest::newRow("event reserved")
            << QStringLiteral("dashboard.hello") << QString() << QString() << QString() << "event";
        QTest::newRow("event too long")
            << QString(300, u'x') << QString() << QString() << QString() << "event";
        QTest::newRow("id LF") << QString() << QStringLiteral("1\n2") << QString() << QString()
                               << "id";
        QTest::newRow("id CR") << QString() << QStringLiteral("1\r") << QString() << QString()
                               << "id";
        QTest::newRow("id NUL") << QString() << (QStringLiteral("a") + QChar(0)) << QString()
                                << QString() << "id";
        QTest::newRow("retry sign")
            << QString() << QString() << QStringLiteral("-1") << QString() << "retry";
        QTest::newRow("retry letters")
            << QString() << QString() << QStringLiteral("12a") << QString() << "retry";
        QTest::newRow("retry space")
            << QString() << QString() << QStringLiteral(" 12") << QString() << "retry";
        QTest::newRow("retry non-ASCII digits")
            << QString() << QString() << QStringLiteral("١٢") << QString() << "retry";
        QTest::newRow("retry too long")
            << QString() << QString() << QStringLiteral("12345678901") << QString() << "retry";
        QTest::newRow("channel space")
            << QString() << QString() << QString() << QStringLiteral("a b") << "channel";
        QTest::newRow("channel too long")
            << QString() << QString() << QString() << QString(65, u'c') << "channel";
    }

    void rejectsInvalidFields()
    {
        QFETCH(QString, event);
        QFETCH(QString, id);
        QFETCH(QString, retry);
        QFETCH(QString, channel);
        QFETCH(QString, field);
        const auto failure =
            sse::validateEvent(SseEvent{event, id, QStringLiteral("data"), retry, channel});
        QVERIFY(failure.has_value());
        QCOMPARE(failure->field, field);
        QVERIFY(failure->message().startsWith(QStringLiteral("field '%1': ").arg(field)));
        QVERIFY(!failure->reason.isEmpty());
    }

    void acceptsValidFields()
    {
        QVERIFY(!sse::validateEvent(SseEvent{
            QStringLiteral("price-update"), QStringLiteral("abc-1"), QStringLiteral("line\nline"),
            QStringLiteral("3000"), QStringLiteral("room:1/news")}));
        QVERIFY(!sse::validateEvent(SseEvent{}));
    }
};

QTEST_GUILESS_MAIN(TestSseEvent)
#include "tst_sseevent.moc"
