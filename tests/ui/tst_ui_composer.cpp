// The Composer panel in the dashboard window against a real server on a loopback port: what
// the operator sends reaches real subscribers, invalid fields and a stopped server say why,
// JSON mode, the next id, the remembered draft, templates.
#include "composerlibrary.h"
#include "composerwidget.h"
#include "mainwindow.h"
#include "models/clientsmodel.h"
#include "models/eventtemplatesmodel.h"
#include "models/sendhistorymodel.h"
#include "serverbar.h"
#include "servercontroller.h"
#include "sseevent.h"
#include "windowfixture.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QStringListModel>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace sse;
using namespace sse::ui;
using testsupport::Subscriber;

class TestComposerPanel : public QObject, private testsupport::DashboardWindowTest
{
    Q_OBJECT

private slots:
    void initTestCase() { initSettings(QStringLiteral("tst_ui_composer")); }
    void init() { QSettings().clear(); }
    void cleanup() { closeWindow(); }

    void sendButtonReachesALoopbackSubscriber()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        Subscriber subscriber(m_controller->port());
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        QCOMPARE(m_window->clientsModel()
                     ->data(m_window->clientsModel()->index(0, ClientsModel::BrowserColumn))
                     .toString(),
                 QStringLiteral("Firefox 120"));

        compose(QStringLiteral("greeting"), QStringLiteral("hello\nworld"));
        const QByteArray expected = "event: greeting\ndata: hello\ndata: world\n\n";
        QVERIFY(child<QPlainTextEdit>("wirePreview")
                    ->toPlainText()
                    .contains(QStringLiteral("data: world")));
        QTest::mouseClick(child<QPushButton>("sendButton"), Qt::LeftButton);
        QTRY_VERIFY(subscriber.received().contains(expected));
        QTRY_COMPARE(m_window->composer()->historyModel()->entry(0).delivered, 1);
        // The type is remembered for next time.
        QCOMPARE(m_window->composer()->recentTypesModel()->stringList().constFirst(),
                 QStringLiteral("greeting"));
    }

    void ctrlEnterSends()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        Subscriber subscriber(m_controller->port());
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        compose(QStringLiteral("keyboard"), QStringLiteral("sent with ctrl+enter"));
        auto *data = child<QPlainTextEdit>("eventData");
        data->setFocus();
        QTest::keyClick(data, Qt::Key_Return, Qt::ControlModifier);
        QTRY_VERIFY(
            subscriber.received().contains("event: keyboard\ndata: sent with ctrl+enter\n\n"));
        // The shortcut did not also type a line break into the data.
        QCOMPARE(data->toPlainText(), QStringLiteral("sent with ctrl+enter"));
    }

    void invalidEventNameIsRejectedInline()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        ComposerWidget *composer = m_window->composer();
        auto *send = child<QPushButton>("sendButton");
        auto *type = child<QComboBox>("eventType");
        QCOMPARE(composer->message(), QString());
        QVERIFY(send->isEnabled());

        const QString reserved = QStringLiteral("dashboard.mine");
        compose(reserved, QStringLiteral("x"));
        // Word for word what POST /publish would answer, on the field and under the fields.
        QCOMPARE(composer->message(), validateEventName(reserved)->message());
        QCOMPARE(type->toolTip(), validateEventName(reserved)->message());
        QVERIFY(!send->isEnabled());
        QVERIFY(!composer->send());
        QCOMPARE(composer->historyModel()->rowCount(), 0);

        compose(QStringLiteral("fine"), QStringLiteral("x"));
        child<QLineEdit>("eventRetry")->setText(QStringLiteral("12a"));
        QVERIFY(composer->message().contains(QStringLiteral("retry")));
        child<QLineEdit>("eventRetry")->clear();
        QCOMPARE(composer->message(), QString());
        QVERIFY(send->isEnabled());
    }

    void messageLinesKeepTheirSpace()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        auto *send = child<QPushButton>("sendButton");
        QTRY_VERIFY(send->isVisible());
        QCoreApplication::sendPostedEvents();
        m_window->composer()->layout()->activate(); // the layout settled, as after the error
        const QPoint before = send->mapTo(m_window.get(), QPoint());
        compose(QStringLiteral("dashboard.bad"), QStringLiteral("x"));
        QVERIFY(!m_window->composer()->message().isEmpty());
        QCoreApplication::sendPostedEvents();
        m_window->composer()->layout()->activate();
        // The error takes the line kept for it: the Send button does not move.
        QCOMPARE(send->mapTo(m_window.get(), QPoint()), before);
    }

    void jsonModeValidatesAndFormats()
    {
        openWindow();
        ComposerWidget *composer = m_window->composer();
        composer->setJsonMode(true);
        compose(QStringLiteral("json"), QStringLiteral("{\"a\": [1, 2"));
        QVERIFY(composer->message().contains(QStringLiteral("not valid JSON")));
        QVERIFY(!composer->validationError().isEmpty());
        // Keys out of alphabetical order stay where they were.
        compose(QStringLiteral("json"), QStringLiteral("{\"b\": [1, 2], \"a\": true}"));
        QVERIFY(composer->validationError().isEmpty());
        QTest::mouseClick(child<QPushButton>("prettyJson"), Qt::LeftButton);
        QCOMPARE(
            child<QPlainTextEdit>("eventData")->toPlainText(),
            QStringLiteral("{\n    \"b\": [\n        1,\n        2\n    ],\n    \"a\": true\n}"));
        QTest::mouseClick(child<QPushButton>("compactJson"), Qt::LeftButton);
        QCOMPARE(child<QPlainTextEdit>("eventData")->toPlainText(),
                 QStringLiteral("{\"b\":[1,2],\"a\":true}"));
        QCOMPARE(
            composer->previewBytes(),
            encodeEvent(SseEvent{
                QStringLiteral("json"), {}, QStringLiteral("{\"b\":[1,2],\"a\":true}"), {}, {}}));
    }

    void commentGoesOutNow()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        Subscriber subscriber(m_controller->port());
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        child<QLineEdit>("commentText")->setText(QStringLiteral("ping from the operator"));
        QTest::mouseClick(child<QPushButton>("sendCommentButton"), Qt::LeftButton);
        QTRY_VERIFY(subscriber.received().contains(": ping from the operator\n\n"));
    }

    void stoppedServerSaysWhyNothingIsSent()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        ComposerWidget *composer = m_window->composer();
        auto *repeat = child<QCheckBox>("repeat");
        child<QSpinBox>("repeatInterval")->setValue(3600000); // no tick during the test
        repeat->setChecked(true);
        m_controller->stop();
        QTRY_COMPARE(m_window->serverBar()->state(), ServerBar::State::Stopped);
        // Repeating stops with the server: a restart must not resume sending by surprise.
        QVERIFY(!repeat->isChecked());

        QSignalSpy failed(composer, &ComposerWidget::sendFailed);
        compose(QStringLiteral("late"), QStringLiteral("x"));
        QVERIFY(!composer->send());
        QCOMPARE(failed.size(), 1);
        QVERIFY(composer->message().contains(QStringLiteral("stopped")));
        QVERIFY(m_window->statusBar()->currentMessage().contains(QStringLiteral("stopped")));
        QCOMPARE(composer->historyModel()->rowCount(), 0);

        // Running again, the reason goes away with the next send.
        m_window->startServer();
        QVERIFY(waitUntilRunning());
        QCOMPARE(composer->message(), QString());
        QVERIFY(composer->send());
    }

    void nextIdComesFromTheServerAfterARestart()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        ComposerWidget *composer = m_window->composer();
        compose(QStringLiteral("numbered"), QStringLiteral("x"));
        QVERIFY(composer->send());
        QVERIFY(composer->send());
        QTRY_VERIFY(composer->previewBytes().startsWith("id: 3\n"));
        // The in-memory log starts over with the server: so does the id the window shows.
        m_controller->stop();
        QTRY_COMPARE(m_window->serverBar()->state(), ServerBar::State::Stopped);
        m_window->startServer();
        QVERIFY(waitUntilRunning());
        QTRY_VERIFY(composer->previewBytes().startsWith("id: 1\n"));
    }

    void composerDefaultsAndDraftAreRemembered()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        ComposerWidget *composer = m_window->composer();
        QCOMPARE(composer->currentTarget().kind, PublishTarget::Kind::All);
        compose(QStringLiteral("draft"), QStringLiteral("half written"));
        child<QLineEdit>("eventChannel")->setText(QStringLiteral("news"));
        composer->setTargetKind(ComposerWidget::TargetKind::Channel);
        const QString curl = composer->curlCommand();
        QVERIFY2(curl.contains(QStringLiteral("/publish'")), qPrintable(curl));
        QVERIFY(curl.contains(QStringLiteral("\"data\":\"half written\"")));
        QVERIFY(curl.contains(QStringLiteral("\"channel\":\"news\"")));
        m_window->close();
        cleanup();

        openWindow();
        composer = m_window->composer();
        QCOMPARE(child<QPlainTextEdit>("eventData")->toPlainText(), QStringLiteral("half written"));
        QCOMPARE(child<QLineEdit>("eventChannel")->text(), QStringLiteral("news"));
        QCOMPARE(composer->currentTarget().kind, PublishTarget::Kind::Channel);
    }

    void channelFieldSaysWhenTheTargetIgnoresItAndTheConfirmationNamesTheAudience()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        ComposerWidget *composer = m_window->composer();
        Subscriber subscriber(m_controller->port()); // on the default channel
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        auto *channel = child<QLineEdit>("eventChannel");
        channel->setText(QStringLiteral("news"));
        // "All subscribers" reaches every channel: the field is not used, and says so.
        composer->setTargetKind(ComposerWidget::TargetKind::All);
        QVERIFY(!channel->isEnabled());
        QVERIFY(channel->toolTip().startsWith(QStringLiteral("Not used")));
        compose(QStringLiteral("message"), QStringLiteral("to all"));
        QVERIFY(composer->send());
        QTRY_COMPARE(m_window->statusBar()->currentMessage(),
                     QStringLiteral("Sent event 1 to all 1 subscriber(s), every channel"));
        composer->setTargetKind(ComposerWidget::TargetKind::Channel);
        QVERIFY(channel->isEnabled());
        QVERIFY(composer->send());
        QTRY_COMPARE(m_window->statusBar()->currentMessage(),
                     QStringLiteral("Sent event 2 to 0 subscriber(s) of news"));
        composer->setTargetKind(ComposerWidget::TargetKind::SelectedClients);
        QVERIFY(!channel->isEnabled());
    }

    void savingATemplateWithoutANameSaysSo()
    {
        openWindow();
        ComposerLibrary *library = m_window->composer()->library();
        child<QComboBox>("templateName")->setCurrentText(QString());
        QTest::mouseClick(child<QPushButton>("saveTemplate"), Qt::LeftButton);
        QVERIFY(library->templateMessage().contains(QStringLiteral("name")));
        QCOMPARE(library->templates()->rowCount(), 0);
        child<QComboBox>("templateName")->setCurrentText(QStringLiteral("named"));
        QTest::mouseClick(child<QPushButton>("saveTemplate"), Qt::LeftButton);
        QCOMPARE(library->templates()->rowCount(), 1);

        // A templates file out and back in.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("templates.json"));
        QCOMPARE(library->exportTemplates(path), QString());
        library->templates()->removeTemplate(0);
        QCOMPARE(library->importTemplates(path), QString());
        QCOMPARE(library->templates()->rowOfName(QStringLiteral("named")), 0);
        QVERIFY(!library->importTemplates(dir.filePath(QStringLiteral("missing.json"))).isEmpty());
    }
};

QTEST_MAIN(TestComposerPanel)
#include "tst_ui_composer.moc"
