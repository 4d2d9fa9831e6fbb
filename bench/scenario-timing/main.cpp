// How closely scenario playback keeps its schedule: plays a scenario of evenly spaced steps on
// a server running on its own thread (as in the dashboard and headless mode), reads the
// stream on a plain socket and compares each event's arrival with its due time. Arrival is
// what a subscriber sees, so the figures include delivery over loopback (tens of µs).
//
//   sse-scenario-timing [--rate STEPS_PER_SECOND] [--seconds S] [--subscribers N]
//   sse-scenario-timing --gap MS --steps N        (N steps, MS apart)
//
// Prints the deviation from the schedule (arrival − due, taking the first step as time zero):
// median, p99, max of |deviation|, and the drift (the last step's deviation).
#include "scenario.h"
#include "scenarioplayer.h"
#include "servercontroller.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

int connectSubscriber(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        std::perror("connect");
        std::exit(1);
    }
    const char request[] = "GET /events?channel=timing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    if (::send(fd, request, sizeof request - 1, 0) < 0)
        std::exit(1);
    return fd;
}

// Reads the stream until `count` events have arrived; an event ends with a blank line.
std::vector<Clock::time_point> readArrivals(int fd, int count)
{
    std::vector<Clock::time_point> arrivals;
    arrivals.reserve(size_t(count));
    std::string buffer;
    char chunk[65536];
    bool headDone = false;
    while (int(arrivals.size()) < count) {
        pollfd ready{fd, POLLIN, 0};
        if (::poll(&ready, 1, 30000) <= 0) {
            std::fprintf(stderr, "timed out after %zu events\n", arrivals.size());
            std::exit(1);
        }
        const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
        const Clock::time_point now = Clock::now();
        if (got <= 0)
            std::exit(1);
        buffer.append(chunk, size_t(got));
        if (!headDone) {
            const size_t end = buffer.find("\r\n\r\n");
            if (end == std::string::npos)
                continue;
            buffer.erase(0, end + 4);
            headDone = true;
        }
        size_t end;
        while ((end = buffer.find("\n\n")) != std::string::npos) {
            const bool isEvent = buffer.compare(0, 5, "data:") == 0 ||
                                 buffer.find("\ndata:") < end || buffer.compare(0, 3, "id:") == 0;
            buffer.erase(0, end + 2);
            if (isEvent)
                arrivals.push_back(now);
        }
    }
    return arrivals;
}

double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    const size_t index =
        std::min(values.size() - 1, size_t(std::ceil(p * double(values.size())) - 1));
    return values[index];
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption rate(QStringLiteral("rate"), QStringLiteral("Steps per second."),
                                  QStringLiteral("N"), QStringLiteral("100"));
    const QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("Run length."),
                                     QStringLiteral("S"), QStringLiteral("10"));
    const QCommandLineOption gap(QStringLiteral("gap"),
                                 QStringLiteral("Milliseconds between steps (instead of --rate)."),
                                 QStringLiteral("MS"));
    const QCommandLineOption steps(QStringLiteral("steps"),
                                   QStringLiteral("Number of steps with --gap."),
                                   QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption subscribers(
        QStringLiteral("subscribers"),
        QStringLiteral("Other subscribers of the channel, so each step is a fan-out."),
        QStringLiteral("N"), QStringLiteral("0"));
    parser.addOptions({rate, seconds, gap, steps, subscribers});
    parser.process(app);

    double gapMs = 0;
    int count = 0;
    if (parser.isSet(gap)) {
        gapMs = parser.value(gap).toDouble();
        count = parser.value(steps).toInt();
    } else {
        gapMs = 1000.0 / parser.value(rate).toDouble();
        count = int(parser.value(seconds).toDouble() * parser.value(rate).toDouble());
    }
    if (gapMs < 1 || gapMs != std::floor(gapMs) || count < 2) {
        std::fprintf(stderr, "the gap must be a whole number of ms ≥ 1, with at least 2 steps\n");
        return 2;
    }

    sse::ServerController controller;
    sse::ServerConfig config;
    config.port = 0;
    config.historySize = 0;
    quint16 port = 0;
    QEventLoop waitStart;
    QObject::connect(&controller, &sse::ServerController::started, &waitStart,
                     [&](const QString &, const QString &, quint16 listening) {
                         port = listening;
                         waitStart.quit();
                     });
    QObject::connect(&controller, &sse::ServerController::startFailed, &waitStart,
                     [&](const QString &message) {
                         std::fprintf(stderr, "%s\n", qPrintable(message));
                         std::exit(1);
                     });
    controller.start(config, 0);
    waitStart.exec();

    std::vector<int> others;
    for (int i = 0; i < parser.value(subscribers).toInt(); ++i)
        others.push_back(connectSubscriber(port));
    const int fd = connectSubscriber(port);

    sse::Scenario scenario;
    for (int i = 0; i < count; ++i) {
        sse::ScenarioStep step;
        step.delayMs = i == 0 ? 0 : qint64(gapMs);
        step.hasData = true;
        step.event.data = QString::number(i);
        step.event.channel = QStringLiteral("timing");
        scenario.steps.append(step);
    }
    // Let the subscribers' requests reach the server before the first step leaves.
    ::usleep(200 * 1000);
    controller.playScenario(1, scenario, {});
    const std::vector<Clock::time_point> arrivals = readArrivals(fd, count);

    std::vector<double> deviations;
    for (int i = 0; i < count; ++i) {
        const double arrivedMs =
            std::chrono::duration<double, std::milli>(arrivals[size_t(i)] - arrivals[0]).count();
        deviations.push_back(arrivedMs - gapMs * i);
    }
    std::vector<double> absolute;
    for (const double deviation : deviations)
        absolute.push_back(std::fabs(deviation));
    std::vector<double> gaps;
    for (int i = 1; i < count; ++i) {
        gaps.push_back(
            std::chrono::duration<double, std::milli>(arrivals[size_t(i)] - arrivals[size_t(i - 1)])
                .count());
    }
    const auto within2 =
        std::count_if(absolute.begin(), absolute.end(), [](double value) { return value <= 2.0; });
    std::printf("steps %d, %.0f ms apart (%.0f steps/s), %zu other subscribers\n", count, gapMs,
                1000.0 / gapMs, others.size());
    std::printf("|arrival - due| ms: p50 %.3f, p99 %.3f, max %.3f; within 2 ms: %.2f %%\n",
                percentile(absolute, 0.5), percentile(absolute, 0.99),
                *std::max_element(absolute.begin(), absolute.end()),
                100.0 * double(within2) / double(count));
    std::printf("drift (last step's deviation) ms: %.3f over %.1f s\n", deviations.back(),
                gapMs * (count - 1) / 1000.0);
    std::printf("gaps ms: min %.3f, max %.3f\n", *std::min_element(gaps.begin(), gaps.end()),
                *std::max_element(gaps.begin(), gaps.end()));
    for (const int other : others)
        ::close(other);
    ::close(fd);
    controller.stop();
    return 0;
}
