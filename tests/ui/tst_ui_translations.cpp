// The zh_CN translation, compiled into the program: loaded by locale, and the window is in
// Chinese with it, the traffic log's summaries included.
#include "appearance.h"
#include "mainwindow.h"
#include "models/trafficlogmodel.h"
#include "servercontroller.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QMenuBar>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace sse;
using namespace sse::ui;

class TestTranslations : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_settingsDir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
        QCoreApplication::setOrganizationName(QStringLiteral("SSE Dashboard Tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_ui_translations"));
    }

    void chineseIsLoadedForTheZhCnLocale()
    {
        auto *app = qobject_cast<QApplication *>(QCoreApplication::instance());
        QCOMPARE(installTranslations(app, QStringLiteral("zh_CN")), QStringLiteral("zh_CN"));
        QCOMPARE(QCoreApplication::translate("sse::ui::MainMenus", "&Quit"),
                 QStringLiteral("退出(&Q)"));
        // Plurals too: Chinese has one form.
        QCOMPARE(QCoreApplication::translate("sse::ui::ServerBar", "%n client(s)", nullptr, 3),
                 QStringLiteral("3 个客户端"));
        // The server's sentence on how events go out, a row of the traffic log.
        QCOMPARE(QCoreApplication::translate(
                     "sse::TrafficLog", "events go out with one send() per stream (--io epoll)"),
                 QStringLiteral("事件以每个流一次 send() 的方式发出（--io epoll）"));
        QCOMPARE(QCoreApplication::translate("sse::TrafficLog",
                                             "events go out through io_uring, %n ring(s) (--io %1)",
                                             nullptr, 2)
                     .arg(QStringLiteral("auto")),
                 QStringLiteral("事件经 io_uring 发出，共 2 个环（--io auto）"));
        // The traffic log's directions, and the new status column's title.
        QCOMPARE(TrafficLogModel::displayedDirection(TrafficDirection::In), QStringLiteral("入"));
        QCOMPARE(TrafficLogModel().headerData(TrafficLogModel::StatusColumn, Qt::Horizontal),
                 QVariant(QStringLiteral("状态")));

        ServerController controller;
        ServerConfig config;
        config.port = 0;
        config.bindAddress = QHostAddress(QHostAddress::LocalHost);
        // config.historyFile is empty: the history stays in memory.
        MainWindow window(
            &controller, config,
            {QStringLiteral("port"), QStringLiteral("bind"), QStringLiteral("history-file")});
        QStringList menus;
        for (QAction *action : window.menuBar()->actions())
            menus.append(action->text());
        QCOMPARE(menus.constFirst(), QStringLiteral("文件(&F)"));
        auto *composer = window.findChild<QDockWidget *>(QStringLiteral("composerDock"));
        QCOMPARE(composer->windowTitle(), QStringLiteral("事件编辑器"));

        // The traffic log's summaries, which the server writes, are in Chinese too.
        QTRY_VERIFY(window.trafficModel()->rowCount() > 0);
        const QString started =
            window.trafficModel()
                ->data(window.trafficModel()->index(0, TrafficLogModel::SummaryColumn))
                .toString();
        QVERIFY2(started.startsWith(QStringLiteral("服务器已在 http://127.0.0.1:")),
                 qPrintable(started));
    }

private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestTranslations)
#include "tst_ui_translations.moc"
