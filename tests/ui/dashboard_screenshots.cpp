// Makes the screenshots in docs/: the dashboard with a few browsers connected and some traffic,
// grabbed at common laptop and desktop sizes. Not a test; run by scripts/screenshots.sh.
//   dashboard_screenshots OUTPUT_DIR [LOCALE]
#include "appearance.h"
#include "composerwidget.h"
#include "mainwindow.h"
#include "models/clientsmodel.h"
#include "serverbar.h"
#include "servercontroller.h"
#include "trafficlogview.h"

#include <QApplication>
#include <QDir>
#include <QSettings>
#include <QTableView>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

using namespace sse;
using namespace sse::ui;

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (argc < 2) {
        qCritical("usage: dashboard_screenshots OUTPUT_DIR [LOCALE]");
        return 2;
    }
    const QDir output(QString::fromLocal8Bit(argv[1]));
    const QString locale = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QStringLiteral("en");
    QTemporaryDir settingsDir;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());
    QCoreApplication::setOrganizationName(QStringLiteral("SSE Dashboard Screenshots"));
    installTranslations(&app, locale);
    app.setFont(QFont(QStringLiteral("DejaVu Sans"), 9));

    ServerController controller;
    ServerConfig config;
    config.port = 0;
    config.bindAddress = QHostAddress(QHostAddress::LocalHost);
    // The history in memory: screenshots leave no file behind.
    MainWindow window(
        &controller, config,
        {QStringLiteral("port"), QStringLiteral("bind"), QStringLiteral("history-file")});
    window.resize(1280, 720);
    window.show();
    if (!QTest::qWaitFor([&] { return window.serverBar()->state() == ServerBar::State::Running; }))
        return 1;

    const char *agents[] = {
        "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/119.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/119.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.1 Safari/605.1.15",
        "curl/7.88.1"};
    std::vector<std::unique_ptr<QTcpSocket>> subscribers;
    int index = 0;
    for (const char *agent : agents) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress(QHostAddress::LocalHost), controller.port());
        const QByteArray channel = index++ % 2 ? "prices" : "news";
        socket->write("GET /events?channel=" + channel +
                      " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "User-Agent: " +
                      QByteArray(agent) + "\r\nAccept: text/event-stream\r\n\r\n");
        QObject::connect(socket.get(), &QTcpSocket::readyRead, socket.get(),
                         [s = socket.get()] { s->readAll(); });
        subscribers.push_back(std::move(socket));
    }
    if (!QTest::qWaitFor([&] { return window.clientsModel()->rowCount() == 6; }))
        return 1;
    for (int i = 0; i < 8; ++i) {
        SseEvent event;
        event.event = QStringLiteral("price");
        event.channel = QStringLiteral("prices");
        event.data = QStringLiteral("{\"symbol\":\"ACME\",\"price\":%1}").arg(101.25 + i * 0.5);
        controller.publish(event, {});
    }
    window.composer()->setEvent(SseEvent{QStringLiteral("price"),
                                         {},
                                         QStringLiteral("{\"symbol\":\"ACME\",\"price\":105.25}"),
                                         {},
                                         QStringLiteral("prices")});
    QTest::qWait(1500); // a few snapshots, so the charts have points
    QTableView *log = window.trafficView()->table();
    log->selectRow(log->model()->rowCount() - 1);

    const QString suffix = locale == QLatin1String("en") ? QString() : QLatin1Char('-') + locale;
    for (const QSize size :
         {QSize(1024, 640), QSize(1280, 720), QSize(1366, 768), QSize(1920, 1080)}) {
        window.resize(size);
        QTest::qWait(300);
        const QString name = QStringLiteral("screenshot-%1x%2%3.png")
                                 .arg(size.width())
                                 .arg(size.height())
                                 .arg(suffix);
        if (!window.grab().save(output.filePath(name)))
            return 1;
    }
    return 0;
}
