// Measures the worst stall of the dashboard window's event loop while the server it runs is
// saturated by loopback publishers and subscribers. A benchmark, not a test: it prints figures.
#include "composerwidget.h"
#include "loaddriver.h"
#include "mainwindow.h"
#include "models/clientsmodel.h"
#include "models/trafficfiltermodel.h"
#include "models/trafficlogmodel.h"
#include "servercontroller.h"
#include "trafficlogview.h"
#include <QTableView>

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QSettings>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>

namespace {

// Ticks every ProbeIntervalMs on the UI thread; a late tick is time the window could not
// react to input or repaint.
class StallProbe : public QObject
{
public:
    static constexpr int ProbeIntervalMs = 5;

    StallProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(ProbeIntervalMs);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 nowNs = m_clock.nsecsElapsed();
            m_stallsMs.append(double(nowNs - m_lastNs) / 1e6 - ProbeIntervalMs);
            m_lastNs = nowNs;
        });
    }
    void start()
    {
        m_stallsMs.clear();
        m_clock.start();
        m_lastNs = 0;
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    double maxMs() const
    {
        return m_stallsMs.isEmpty() ? 0 : *std::max_element(m_stallsMs.cbegin(), m_stallsMs.cend());
    }
    double percentileMs(double fraction) const
    {
        if (m_stallsMs.isEmpty())
            return 0;
        QList<double> sorted = m_stallsMs;
        std::sort(sorted.begin(), sorted.end());
        return sorted.at(
            std::min<qsizetype>(sorted.size() - 1, qsizetype(fraction * double(sorted.size()))));
    }
    qsizetype countOver(double ms) const
    {
        return std::count_if(m_stallsMs.cbegin(), m_stallsMs.cend(),
                             [ms](double s) { return s > ms; });
    }
    qsizetype ticks() const { return m_stallsMs.size(); }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    QList<double> m_stallsMs;
};

void runEventLoopUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!done() && timer.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
}

void runEventLoopFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

QString probeSummary(const StallProbe &probe)
{
    return QStringLiteral("max stall %1 ms, p99 %2 ms, p99.9 %3 ms, %4 ticks, %5 stalls over 50 ms")
        .arg(probe.maxMs(), 0, 'f', 1)
        .arg(probe.percentileMs(0.99), 0, 'f', 1)
        .arg(probe.percentileMs(0.999), 0, 'f', 1)
        .arg(probe.ticks())
        .arg(probe.countOver(50));
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("SSE Dashboard Bench"));
    QCoreApplication::setApplicationName(QStringLiteral("sse-ui-stall"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Worst UI-thread event-loop stall of the dashboard during a flood."));
    parser.addHelpOption();
    const QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("Flood duration."),
                                     QStringLiteral("N"), QStringLiteral("20"));
    const QCommandLineOption subscribers(QStringLiteral("subscribers"),
                                         QStringLiteral("Loopback subscribers."),
                                         QStringLiteral("N"), QStringLiteral("200"));
    const QCommandLineOption publishers(QStringLiteral("publishers"),
                                        QStringLiteral("Keep-alive publishing connections."),
                                        QStringLiteral("N"), QStringLiteral("8"));
    const QCommandLineOption payload(QStringLiteral("payload"),
                                     QStringLiteral("Data bytes per event."),
                                     QStringLiteral("BYTES"), QStringLiteral("200"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral(
            "Instead of a flood: a few clients and events, then save the window to FILE."),
        QStringLiteral("FILE"));
    parser.addOptions({seconds, subscribers, publishers, payload, screenshot});
    parser.process(app);
    const bool screenshotMode = parser.isSet(screenshot);

    // The user's dashboard settings stay untouched.
    QStandardPaths::setTestModeEnabled(true);
    QTemporaryDir settingsDir;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());

    sse::ServerController controller;
    sse::ServerConfig config;
    config.port = 0;
    config.maxQueueBytes = 16 * 1024 * 1024;
    auto window = std::make_unique<sse::ui::MainWindow>(
        &controller, config,
        QStringList{QStringLiteral("port"), QStringLiteral("bind"), QStringLiteral("max-queue")});
    window->resize(1440, 900);
    window->show();
    runEventLoopUntil([&controller] { return controller.isRunning(); }, 10000);
    if (!controller.isRunning()) {
        std::fprintf(stderr, "sse-ui-stall: the server did not start\n");
        return 1;
    }

    sse::ServerStats lastStats;
    QObject::connect(
        &controller, &sse::ServerController::snapshotReady, &app,
        [&lastStats](const sse::ServerSnapshot &snapshot) { lastStats = snapshot.stats; });

    LoadDriver::Options options;
    options.port = controller.port();
    options.subscribers = parser.value(subscribers).toInt();
    options.publishers = parser.value(publishers).toInt();
    options.payloadBytes = parser.value(payload).toInt();
    int floodSeconds = parser.value(seconds).toInt();
    if (screenshotMode) {
        options.subscribers = 6;
        options.publishers = 2;
        options.publishesPerSecond = 12;
        options.channels = {"default", "prices", "default", "news", "prices", "default"};
        options.userAgents = {
            "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/119.0.0.0 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
            "like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/119.0.6045.163 Mobile Safari/537.36",
            "curl/7.88.1",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/119.0.0.0 Safari/537.36 Edg/119.0.2151.72"};
        options.body = "{\"event\":\"price\",\"channel\":\"prices\",\"data\":{\"symbol\":\"ACME\","
                       "\"price\":101.25}}";
        if (!parser.isSet(seconds))
            floodSeconds = 15;
    }

    QThread loadThread;
    loadThread.setObjectName(QStringLiteral("load"));
    auto *driver = new LoadDriver(options);
    driver->moveToThread(&loadThread);
    QObject::connect(&loadThread, &QThread::finished, driver, &QObject::deleteLater);
    loadThread.start();

    StallProbe connectProbe;
    connectProbe.start();
    QMetaObject::invokeMethod(driver, [driver] { driver->connectSubscribers(); });
    runEventLoopUntil(
        [&] {
            return driver->subscribersStreaming.load() >= options.subscribers &&
                   window->clientsModel()->rowCount() >= options.subscribers;
        },
        30000);
    connectProbe.stop();

    StallProbe floodProbe;
    QElapsedTimer floodClock;
    const sse::ServerStats before = lastStats;
    floodProbe.start();
    floodClock.start();
    QMetaObject::invokeMethod(driver, [driver] { driver->startPublishing(); });
    runEventLoopFor(floodSeconds * 1000);
    QMetaObject::invokeMethod(driver, [driver] { driver->stopPublishing(); });
    floodProbe.stop();
    const double elapsed = double(floodClock.elapsed()) / 1000.0;
    runEventLoopFor(300); // the last snapshot
    const sse::ServerStats after = lastStats;

    QTextStream out(stdout);
    if (screenshotMode) {
        // Something typed in the composer, one event sent by hand, one log row opened.
        sse::ui::ComposerWidget *composer = window->composer();
        composer->setJsonMode(true);
        composer->setTargetKind(sse::ui::ComposerWidget::TargetKind::All);
        composer->setEvent(sse::SseEvent{QStringLiteral("greeting"),
                                         {},
                                         QStringLiteral("{\"text\": \"Hello from the dashboard\"}"),
                                         {},
                                         {}});
        composer->send();
        runEventLoopFor(400);
        sse::ui::TrafficLogView *log = window->trafficView();
        log->table()->setCurrentIndex(
            log->filterModel()->index(log->filterModel()->rowCount() - 1, 0));
        runEventLoopFor(100);
        const QString path = parser.value(screenshot);
        const bool saved = window->grab().save(path);
        out << (saved ? "saved " : "could not save ") << path << Qt::endl;
        loadThread.quit();
        loadThread.wait();
        window.reset();
        return saved ? 0 : 1;
    }

    const double events = double(after.eventsPublished - before.eventsPublished);
    const double deliveries = double(after.deliveries - before.deliveries);
    out << "sse-ui-stall: " << QSysInfo::prettyProductName() << ", " << QThread::idealThreadCount()
        << " cores, Qt " << qVersion() << ", platform " << QGuiApplication::platformName()
        << Qt::endl;
    out << "load: " << options.subscribers << " subscribers, " << options.publishers
        << " keep-alive publishers, " << options.payloadBytes << "-byte data, " << elapsed << " s"
        << Qt::endl;
    out << "server: " << qint64(events / elapsed) << " events/s, " << qint64(deliveries / elapsed)
        << " deliveries/s, " << after.slowClientDrops << " slow-client drops" << Qt::endl;
    out << "window: " << window->clientsModel()->rowCount() << " client rows, "
        << window->trafficModel()->rowCount() << " log rows" << Qt::endl;
    out << "UI stall while " << options.subscribers
        << " clients connected: " << probeSummary(connectProbe) << Qt::endl;
    out << "UI stall during the flood: " << probeSummary(floodProbe) << Qt::endl;
    const bool met = floodProbe.maxMs() < 50 && connectProbe.maxMs() < 50;
    out << "target (< 50 ms): " << (met ? "met" : "NOT met") << Qt::endl;

    loadThread.quit();
    loadThread.wait();
    window.reset();
    return 0;
}
