// View → Language switches the running window's language at once, with no restart and no
// message box: menus, dock titles, buttons, placeholders, tooltips and the tables' headers
// follow, while the server runs on with its clients connected.
#include "../testsupport.h"
#include "appearance.h"
#include "mainmenus.h"
#include "mainwindow.h"
#include "models/clientsmodel.h"
#include "models/trafficlogmodel.h"
#include "serverbar.h"
#include "servercontroller.h"
#include "windowfixture.h"

#include <QAbstractButton>
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QDockWidget>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTest>

#include <memory>

using namespace sse;
using namespace sse::ui;

namespace {

// The texts the test watches, as the window shows them, in this order: the File and Server
// menus, the Composer and Traffic log docks, Send, Start/Stop (running: Stop), the clients'
// Browser column and the traffic log's Summary column, two placeholders, the port's tooltip,
// the "System language" entry of View → Language.
using Texts = QStringList;

const Texts English{
    QStringLiteral("&File"),
    QStringLiteral("&Server"),
    QStringLiteral("Composer"),
    QStringLiteral("Traffic log"),
    QStringLiteral("Send (Ctrl+Enter)"),
    QStringLiteral("Stop"),
    QStringLiteral("Browser"),
    QStringLiteral("Summary"),
    QStringLiteral("Filter by address, browser, OS, channel…"),
    QStringLiteral("Search…"),
    QStringLiteral("TCP port; 0 picks a free one"),
    QStringLiteral("System language"),
};

const Texts Chinese{
    QStringLiteral("文件(&F)"),
    QStringLiteral("服务器(&S)"),
    QStringLiteral("事件编辑器"),
    QStringLiteral("流量日志"),
    QStringLiteral("发送（Ctrl+Enter）"),
    QStringLiteral("停止"),
    QStringLiteral("浏览器"),
    QStringLiteral("摘要"),
    QStringLiteral("按地址、浏览器、操作系统、频道筛选…"),
    QStringLiteral("搜索…"),
    QStringLiteral("TCP 端口；设为 0 时自动选择空闲端口"),
    QStringLiteral("系统语言"),
};

} // namespace

class TestLanguageSwitch : public QObject, private testsupport::DashboardWindowTest
{
    Q_OBJECT

private:
    QAction *languageAction(const QString &code) const
    {
        for (QAction *action : m_window->menus()->languages->actions()) {
            if (action->data().toString() == code)
                return action;
        }
        qFatal("no language action %s", qPrintable(code));
    }

    Texts shownTexts() const
    {
        const QList<QAction *> menus = m_window->menuBar()->actions();
        const QTableView *clients = child<QTableView>("clientsTable");
        const QTableView *traffic = child<QTableView>("trafficTable");
        return {
            menus.at(0)->text(),
            menus.at(1)->text(),
            m_window->dock("composerDock")->windowTitle(),
            m_window->dock("trafficDock")->windowTitle(),
            child<QPushButton>("sendButton")->text(),
            child<QPushButton>("startStopButton")->text(),
            // Through the views' proxies, as the header views ask.
            clients->model()->headerData(ClientsModel::BrowserColumn, Qt::Horizontal).toString(),
            traffic->model()->headerData(TrafficLogModel::SummaryColumn, Qt::Horizontal).toString(),
            child<QLineEdit>("clientsFilter")->placeholderText(),
            child<QLineEdit>("logTextFilter")->placeholderText(),
            child<QSpinBox>("portSpinBox")->toolTip(),
            languageAction(QString())->text(),
        };
    }

private slots:
    void initTestCase()
    {
        initSettings(QStringLiteral("tst_ui_language"));
        // English to begin with, whatever the machine's locale.
        installTranslations(qApp, QStringLiteral("en"));
    }

    void cleanup()
    {
        closeWindow();
        installTranslations(qApp, QStringLiteral("en"));
    }

    void languageSwitchesAtOnceAndTheServerRunsOn()
    {
        QVERIFY(testsupport::openRunningWindow(m_controller, m_window));
        const quint16 port = m_controller->port();
        testsupport::SseReader reader(port, "/events?channel=news");
        QTRY_VERIFY(reader.isStreaming());
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        const quint64 clientId = m_window->clientsModel()->client(0).id;
        QCOMPARE(shownTexts(), English);
        QSignalSpy clientHeaders(m_window->clientsModel(), &QAbstractItemModel::headerDataChanged);

        languageAction(QStringLiteral("zh_CN"))->trigger();
        QTRY_COMPARE(shownTexts(), Chinese);
        QVERIFY(clientHeaders.count() > 0); // the header view was told to ask again
        QVERIFY(languageAction(QStringLiteral("zh_CN"))->isChecked());
        QCOMPARE(QSettings().value(QStringLiteral("ui/language")).toString(),
                 QStringLiteral("zh_CN"));
        // Nothing asks the user to restart.
        QVERIFY(m_window->findChildren<QMessageBox *>().isEmpty());
        QVERIFY(!QApplication::activeModalWidget());

        // The same server, on the same port, with the same client still connected and served.
        QCOMPARE(m_window->serverBar()->state(), ServerBar::State::Running);
        QVERIFY(m_controller->isRunning());
        QCOMPARE(m_controller->port(), port);
        QVERIFY(reader.isConnected());
        QCOMPARE(m_window->clientsModel()->rowCount(), 1);
        QCOMPARE(m_window->clientsModel()->client(0).id, clientId);
        child<QPlainTextEdit>("eventData")->setPlainText(QStringLiteral("after the switch"));
        child<QPushButton>("sendButton")->click();
        QTRY_COMPARE(reader.userEvents().size(), 1);
        QCOMPARE(reader.userEvents().constFirst().data, QStringLiteral("after the switch"));

        // Back to English: the Chinese translator is gone, not merely covered by another one.
        clientHeaders.clear();
        languageAction(QStringLiteral("en"))->trigger();
        QTRY_COMPARE(shownTexts(), English);
        QVERIFY(clientHeaders.count() > 0);
        QCOMPARE(QCoreApplication::translate("sse::ui::MainMenus", "&Quit"),
                 QStringLiteral("&Quit"));
        QVERIFY(reader.isConnected());
        QCOMPARE(m_controller->port(), port);
        QCOMPARE(m_window->clientsModel()->client(0).id, clientId);
    }

    void stateDependentTextsAreSaidAgain()
    {
        // Texts made from the window's state (the server's status, the traffic log's count)
        // are rebuilt in the new language, not left as they were.
        QVERIFY(testsupport::openRunningWindow(m_controller, m_window));
        const QString url = m_controller->url();
        QCOMPARE(m_window->serverBar()->statusText().left(11), QStringLiteral("Running at "));
        languageAction(QStringLiteral("zh_CN"))->trigger();
        QTRY_VERIFY2(!m_window->serverBar()->statusText().startsWith(u"Running"),
                     qPrintable(m_window->serverBar()->statusText()));
        QVERIFY(m_window->serverBar()->statusText().contains(url));
        const QString stopMenu = QCoreApplication::translate("sse::ui::MainMenus", "&Stop");
        QVERIFY(stopMenu != QStringLiteral("&Stop"));
        QCOMPARE(m_window->menus()->startStop->text(), stopMenu);
        QCOMPARE(m_window->menus()->about->text(),
                 QCoreApplication::translate("sse::ui::MainMenus", "&About SSE Dashboard"));
        // The window's own export actions in File → Export log follow too.
        const QList<QAction *> exports = m_window->menus()->exportLogMenu->actions();
        QVERIFY(!exports.isEmpty());
        QCOMPARE(exports.constFirst()->text(),
                 QCoreApplication::translate("sse::ui::TrafficLogView", "Whole log as NDJSON…"));
        QVERIFY(exports.constFirst()->text() != QStringLiteral("Whole log as NDJSON…"));
    }
};

QTEST_MAIN(TestLanguageSwitch)
#include "tst_ui_language.moc"
