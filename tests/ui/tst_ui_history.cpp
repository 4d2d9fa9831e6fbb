// The History panel: its paged model under QAbstractItemModelTester, the export as a scenario,
// and the panel against a real server keeping its history in a file: filters, pages, resend,
// replay to one client, clear with confirmation, a refused file and the offer to run in memory.
#include "historydock.h"
#include "mainwindow.h"
#include "models/historymodel.h"
#include "serverbar.h"
#include "servercontroller.h"
#include "settingsdialog.h"

#include "../testsupport.h"
#include "windowfixture.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace sse;
using namespace sse::ui;

namespace {

HistoryEntry entry(const QString &id, qint64 timeMs, const QString &scope, const QString &type,
                   const QByteArray &encoded)
{
    return HistoryEntry{id, timeMs, scope, type, encoded};
}

QByteArray publishBody(int n, const char *type = nullptr)
{
    QByteArray body = "{\"data\": \"event " + QByteArray::number(n) + "\"";
    if (type)
        body += ", \"event\": \"" + QByteArray(type) + "\"";
    return body + "}";
}

} // namespace

class TestHistoryPanel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir;
    QTemporaryDir m_dataDir;
    std::unique_ptr<ServerController> m_controller;
    std::unique_ptr<MainWindow> m_window;

    QString historyPath() const { return m_dataDir.filePath(QStringLiteral("history.sqlite")); }

    void openWindowOnFile()
    {
        QSettings().setValue(QStringLiteral("server/historyFile"), historyPath());
        QVERIFY(testsupport::openRunningWindow(m_controller, m_window));
    }

    HistoryDock *dock() const { return m_window->historyDock(); }
    quint16 port() const { return m_controller->port(); }

    void publish(int from, int to, const char *type = nullptr)
    {
        for (int n = from; n <= to; ++n)
            QCOMPARE(testsupport::postJson(port(), publishBody(n, type)).status, 202);
    }

private slots:
    void initTestCase()
    {
        testsupport::useTemporarySettings(m_settingsDir, QStringLiteral("tst_ui_history"));
    }

    void init()
    {
        QSettings().clear();
        QFile::remove(historyPath());
    }
    void cleanup()
    {
        m_window.reset();
        m_controller.reset();
    }

    void panelFitsTheSmallestWindow()
    {
        QVERIFY(testsupport::openRunningWindow(m_controller, m_window));
        m_window->resize(MainWindow::MinimumSize);
        QDockWidget *panel = m_window->dock("historyDock");
        panel->raise();
        QTRY_VERIFY(dock()->isVisible());
        testsupport::verifyFitsMinimumWindow(*m_window, panel);
    }

    void modelShowsAPageOfKeptEvents()
    {
        HistoryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString longData(500, u'x');
        HistoryPage page;
        page.offset = 200;
        page.matching = 203;
        page.entries = {
            entry(QStringLiteral("9"), 1700000000123, QStringLiteral("news"),
                  QStringLiteral("price"), "id: 9\nevent: price\ndata: 42\ndata: 43\n\n"),
            entry(QStringLiteral("8"), 0, EventLog::AllChannels, {},
                  "id: 8\ndata: " + longData.toUtf8() + "\n\n"),
            entry(QStringLiteral("7"), 1700000000000, QStringLiteral("default"), {},
                  "id: 7\ndata: seven\n\n"),
        };
        model.setPage(page);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.offset(), 200);
        QCOMPARE(model.matching(), 203);
        QCOMPARE(model.index(0, HistoryModel::IdColumn).data().toString(), QStringLiteral("9"));
        QCOMPARE(model.index(0, HistoryModel::TypeColumn).data().toString(),
                 QStringLiteral("price"));
        QCOMPARE(model.index(0, HistoryModel::ChannelColumn).data().toString(),
                 QStringLiteral("news"));
        QCOMPARE(model.index(0, HistoryModel::DataColumn).data().toString(),
                 QStringLiteral("42 43"));
        QVERIFY(model.index(0, HistoryModel::TimeColumn).data().toString().endsWith(u".123"));
        QCOMPARE(model.index(0, HistoryModel::SizeColumn).data(HistoryModel::SortRole).toInt(), 38);
        QCOMPARE(model.index(1, HistoryModel::ChannelColumn).data().toString(),
                 QStringLiteral("all channels"));
        QCOMPARE(model.index(1, HistoryModel::TypeColumn).data().toString(),
                 QStringLiteral("message"));
        QCOMPARE(model.index(1, HistoryModel::TimeColumn).data().toString(), QString());
        const QString preview = model.index(1, HistoryModel::DataColumn).data().toString();
        QCOMPARE(preview.size(), HistoryModel::MaxPreviewChars + 1);
        QVERIFY(preview.endsWith(QChar(0x2026)));
        QCOMPARE(model.index(2, 0).data(HistoryModel::EncodedRole).toByteArray(),
                 QByteArray("id: 7\ndata: seven\n\n"));

        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setPage(HistoryPage{{page.entries.first()}, 0, 1});
        QCOMPARE(reset.size(), 1);
        QCOMPARE(model.rowCount(), 1);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void exportedScenarioIsOldestFirstWithDelaysAndChannels()
    {
        // As the panel lists them: newest first.
        const QList<HistoryEntry> entries{
            entry(QStringLiteral("3"), 1500, EventLog::AllChannels, {}, "id: 3\ndata: c\n\n"),
            entry(QStringLiteral("2"), 1250, QStringLiteral("news"), QStringLiteral("price"),
                  "id: 2\nevent: price\ndata: b\n\n"),
            entry(QStringLiteral("1"), 1000, QStringLiteral("news"), {}, "id: 1\ndata: a\n\n"),
        };
        const Scenario scenario = scenarioFromHistory(entries);
        QCOMPARE(scenario.steps.size(), 3);
        QCOMPARE(scenario.steps.at(0).event.data, QStringLiteral("a"));
        QCOMPARE(scenario.steps.at(0).delayMs, 0);
        QCOMPARE(scenario.steps.at(1).delayMs, 250);
        QCOMPARE(scenario.steps.at(1).event.event, QStringLiteral("price"));
        QCOMPARE(scenario.steps.at(1).event.channel, QStringLiteral("news"));
        QCOMPARE(scenario.steps.at(2).delayMs, 250);
        QCOMPARE(scenario.steps.at(2).event.channel, QString()); // the playback's channel
        QCOMPARE(scenario.steps.at(2).event.id, QStringLiteral("3"));
        // What is written reads back as the same scenario.
        const auto parsed = parseScenario(scenarioToJsonLines(scenario));
        QVERIFY(std::holds_alternative<Scenario>(parsed));
        QCOMPARE(std::get<Scenario>(parsed).steps, scenario.steps);
    }

    void panelListsFiltersAndPagesTheFile()
    {
        openWindowOnFile();
        QVERIFY(QFile::exists(historyPath()));
        publish(1, 205);
        publish(206, 207, "price");
        dock()->refresh();
        auto *label = dock()->findChild<QLabel *>(QStringLiteral("historyPageLabel"));
        QTRY_COMPARE(label->text(), QStringLiteral("1–200 of 207"));
        QCOMPARE(dock()->model()->rowCount(), 200);
        QCOMPARE(dock()->model()->row(0).entry.id, QStringLiteral("207"));
        auto *older = dock()->findChild<QPushButton *>(QStringLiteral("historyOlder"));
        auto *newer = dock()->findChild<QPushButton *>(QStringLiteral("historyNewer"));
        QVERIFY(older->isEnabled());
        QVERIFY(!newer->isEnabled());
        older->click();
        QTRY_COMPARE(label->text(), QStringLiteral("201–207 of 207"));
        QCOMPARE(dock()->model()->row(6).entry.id, QStringLiteral("1"));
        QVERIFY(!older->isEnabled());
        newer->click();
        QTRY_COMPARE(dock()->model()->rowCount(), 200);

        dock()
            ->findChild<QLineEdit *>(QStringLiteral("historyType"))
            ->setText(QStringLiteral("price"));
        QTRY_COMPARE(dock()->model()->rowCount(), 2);
        QCOMPARE(label->text(), QStringLiteral("1–2 of 2"));
        dock()
            ->findChild<QLineEdit *>(QStringLiteral("historyText"))
            ->setText(QStringLiteral("event 206"));
        QTRY_COMPARE(dock()->model()->rowCount(), 1);
        QCOMPARE(dock()->model()->row(0).entry.id, QStringLiteral("206"));
    }

    void resendsReplaysExportsAndClears()
    {
        openWindowOnFile();
        testsupport::SseReader reader(port(), "/events?control=1");
        QTRY_VERIFY(reader.clientId() != 0);
        publish(1, 3);
        QTRY_COMPARE(reader.userEvents().size(), 3);
        dock()->refresh();
        QTRY_COMPARE(dock()->model()->rowCount(), 3);

        // Resend the two oldest: new events with new ids, in their first order.
        dock()->resendRows({1, 2});
        QTRY_COMPARE(reader.userEvents().size(), 5);
        QCOMPARE(reader.userEvents().at(3).data, QStringLiteral("event 1"));
        QCOMPARE(reader.userEvents().at(3).lastEventId, QStringLiteral("4"));
        QCOMPARE(reader.userEvents().at(4).data, QStringLiteral("event 2"));

        // Replay from event 2 to that client: 2, 3, and the two resent, byte for byte.
        dock()->refresh();
        QTRY_COMPARE(dock()->model()->rowCount(), 5);
        auto *clients = dock()->findChild<QComboBox *>(QStringLiteral("historyReplayClient"));
        QTRY_COMPARE(clients->count(), 1);
        QCOMPARE(clients->currentText(), QString::number(reader.clientId()));
        auto *table = dock()->findChild<QTableView *>(QStringLiteral("historyTable"));
        table->selectRow(3); // event 2
        auto *replay = dock()->findChild<QPushButton *>(QStringLiteral("historyReplay"));
        QTRY_VERIFY(replay->isEnabled());
        replay->click();
        QTRY_COMPARE(reader.userEvents().size(), 9);
        QStringList replayedIds;
        for (int n = 5; n < 9; ++n)
            replayedIds.append(reader.userEvents().at(n).lastEventId);
        QCOMPARE(replayedIds, (QStringList{QStringLiteral("2"), QStringLiteral("3"),
                                           QStringLiteral("4"), QStringLiteral("5")}));
        QTRY_VERIFY(dock()->status().contains(QStringLiteral("Replayed 4 event")));

        // Export the page as a scenario.
        const QString scenarioPath = m_dataDir.filePath(QStringLiteral("export.jsonl"));
        QCOMPARE(dock()->exportRows({0, 1, 2, 3, 4}, scenarioPath), QString());
        QFile exported(scenarioPath);
        QVERIFY(exported.open(QIODevice::ReadOnly));
        const auto parsed = parseScenario(exported.readAll());
        QVERIFY(std::holds_alternative<Scenario>(parsed));
        QCOMPARE(std::get<Scenario>(parsed).steps.size(), 5);
        QCOMPARE(std::get<Scenario>(parsed).steps.first().event.data, QStringLiteral("event 1"));

        // Clearing asks first; "no" keeps everything.
        bool asked = false;
        dock()->setConfirmClear([&asked] {
            asked = true;
            return false;
        });
        dock()->findChild<QPushButton *>(QStringLiteral("historyClear"))->click();
        QVERIFY(asked);
        dock()->refresh();
        QTRY_COMPARE(dock()->model()->rowCount(), 5);
        dock()->setConfirmClear([] { return true; });
        dock()->findChild<QPushButton *>(QStringLiteral("historyClear"))->click();
        QTRY_COMPARE(dock()->model()->rowCount(), 0);
        QTRY_COMPARE(dock()->findChild<QLabel *>(QStringLiteral("historyPageLabel"))->text(),
                     QStringLiteral("No kept events"));
        // Ids go on after a clear and after a restart on the same file.
        m_window.reset();
        m_controller.reset();
        QVERIFY(testsupport::openRunningWindow(m_controller, m_window));
        const testsupport::HttpResponse next = testsupport::postJson(port(), publishBody(6));
        QCOMPARE(next.status, 202);
        QCOMPARE(next.json().object().value(QStringLiteral("id")).toString(), QStringLiteral("6"));
    }

    void aRefusedFileOffersToRunInMemory()
    {
        QFile foreign(historyPath());
        QVERIFY(foreign.open(QIODevice::WriteOnly));
        const QByteArray content = QByteArray("not a database\n").repeated(40);
        foreign.write(content);
        foreign.close();
        QSettings().setValue(QStringLiteral("server/historyFile"), historyPath());
        m_controller = std::make_unique<ServerController>();
        ServerConfig commandLine;
        commandLine.port = 0;
        m_window = std::make_unique<MainWindow>(m_controller.get(), commandLine,
                                                QStringList{QStringLiteral("port")});
        m_window->show();
        QMessageBox *question = nullptr;
        QTRY_VERIFY((question = m_window->findChild<QMessageBox *>(
                         QStringLiteral("historyFallback"))) != nullptr);
        QVERIFY(question->text().contains(historyPath()));
        QCOMPARE(m_window->serverBar()->state(), ServerBar::State::Stopped);
        question->findChild<QPushButton *>(QStringLiteral("runInMemory"))->click();
        QTRY_COMPARE(m_window->serverBar()->state(), ServerBar::State::Running);
        QCOMPARE(testsupport::postJson(port(), publishBody(1)).status, 202);
        QVERIFY(foreign.open(QIODevice::ReadOnly));
        QCOMPARE(foreign.readAll(), content);
        // Memory was for this run: the setting still names the file.
        QCOMPARE(m_window->settings().server.historyFile, historyPath());
    }

    void settingsTurnTheFileOffAndOn()
    {
        DashboardSettings settings;
        settings.server.historyFile = historyPath();
        SettingsDialog dialog(settings);
        auto *inFile = dialog.findChild<QCheckBox *>(QStringLiteral("historyInFile"));
        auto *path = dialog.findChild<QLineEdit *>(QStringLiteral("historyFile"));
        QVERIFY(inFile->isChecked());
        QCOMPARE(path->text(), historyPath());
        inFile->setChecked(false);
        QVERIFY(!path->isEnabled());
        QCOMPARE(dialog.settings().server.historyFile, QString());
        inFile->setChecked(true);
        path->setText(m_dataDir.filePath(QStringLiteral("moved.sqlite")));
        QCOMPARE(dialog.settings().server.historyFile,
                 m_dataDir.filePath(QStringLiteral("moved.sqlite")));
        path->clear();
        QCOMPARE(dialog.settings().server.historyFile, DashboardSettings::defaultHistoryFile());
    }

    void theDashboardKeepsAFileByDefault()
    {
        QSettings settings;
        settings.clear();
        const DashboardSettings loaded = DashboardSettings::load(settings);
        QCOMPARE(loaded.server.historyFile, DashboardSettings::defaultHistoryFile());
        QVERIFY(loaded.server.historyFile.endsWith(QStringLiteral("/history.sqlite")));
        settings.setValue(QStringLiteral("server/historyFile"), QString());
        QCOMPARE(DashboardSettings::load(settings).server.historyFile, QString());
    }
};

QTEST_MAIN(TestHistoryPanel)
#include "tst_ui_history.moc"
