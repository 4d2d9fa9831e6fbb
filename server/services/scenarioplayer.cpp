#include "scenarioplayer.h"

#include "eventbroker.h"
#include "serverlogging.h"

#include <QJsonObject>
#include <QPointer>

#include <cmath>

namespace sse {

namespace {

// A step this close to its time is played now rather than after one more timer round: the
// timer counts whole milliseconds, and early by under 1 ms beats late by up to 1 ms.
constexpr qint64 EarlyToleranceNs = 1000 * 1000;

QString describeTarget(const PlaybackOptions &options)
{
    switch (options.target.kind) {
    case PublishTarget::Kind::All:
        return QStringLiteral("all channels");
    case PublishTarget::Kind::Clients: {
        QStringList ids;
        for (const quint64 id : options.target.clientIds)
            ids.append(QString::number(id));
        return QStringLiteral("client %1").arg(ids.join(QStringLiteral(", ")));
    }
    case PublishTarget::Kind::Channel:
        break;
    }
    return options.channel.isEmpty() ? QStringLiteral("each step's channel")
                                     : QStringLiteral("channel %1").arg(options.channel);
}

} // namespace

QString PlaybackOptions::validate(const Scenario &scenario) const
{
    if (scenario.steps.isEmpty())
        return QStringLiteral("the scenario has no steps");
    if (!(speed >= MinSpeed && speed <= MaxSpeed))
        return QStringLiteral("speed: must be from %1 to %2").arg(MinSpeed).arg(MaxSpeed);
    if (loop && scenario.durationMs() == 0) {
        return QStringLiteral("loop: the scenario's delays add up to 0 ms, so it would repeat "
                              "without a pause; give a step a delay");
    }
    if (auto failure = validateChannel(channel))
        return failure->message();
    if (target.kind == PublishTarget::Kind::Clients && target.clientIds.isEmpty())
        return QStringLiteral("target: no client chosen");
    return {};
}

ScenarioPlayer::ScenarioPlayer(quint64 id, Scenario scenario, PlaybackOptions options,
                               EventBroker &broker, QObject *parent)
    : QObject(parent)
    , m_id(id)
    , m_scenario(std::move(scenario))
    , m_options(std::move(options))
    , m_broker(broker)
    , m_targetName(describeTarget(m_options))
{
    qint64 due = 0;
    m_dueMs.reserve(size_t(m_scenario.steps.size()));
    for (const ScenarioStep &step : m_scenario.steps) {
        due += step.delayMs;
        m_dueMs.push_back(due);
    }
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ScenarioPlayer::playDue);
}

void ScenarioPlayer::start()
{
    m_clock.start();
    m_originNs = 0;
    playDue(); // steps with no delay leave at once
}

void ScenarioPlayer::pause()
{
    if (m_finished || m_stopped || m_pausedAtNs >= 0)
        return;
    m_pausedAtNs = m_clock.nsecsElapsed();
    m_timer.stop();
}

void ScenarioPlayer::resume()
{
    if (m_pausedAtNs < 0)
        return;
    m_originNs += m_clock.nsecsElapsed() - m_pausedAtNs;
    m_pausedAtNs = -1;
    playDue();
}

void ScenarioPlayer::stop()
{
    m_stopped = true;
    m_timer.stop();
}

void ScenarioPlayer::setSpeed(double speed)
{
    const qint64 now = m_pausedAtNs >= 0 ? m_pausedAtNs : m_clock.nsecsElapsed();
    const double position = double(now - m_originNs) * m_options.speed; // scenario ns
    m_options.speed = speed;
    m_originNs = now - qint64(position / speed);
    if (m_pausedAtNs < 0 && !m_finished && !m_stopped)
        arm();
}

qint64 ScenarioPlayer::dueNs(int step) const
{
    return m_originNs + qint64(std::llround(double(m_dueMs[size_t(step)]) * 1e6 / m_options.speed));
}

void ScenarioPlayer::playDue()
{
    if (m_stopped || m_finished || m_pausedAtNs >= 0)
        return;
    const qint64 now = m_clock.nsecsElapsed();
    while (dueNs(m_next) <= now + EarlyToleranceNs) {
        play(m_scenario.steps.at(m_next));
        if (m_stopped)
            return; // the broker's callbacks may end a route's playback
        if (++m_next < m_scenario.steps.size())
            continue;
        if (!m_options.loop) {
            m_finished = true;
            emit finished(m_id);
            return;
        }
        // The next pass starts where this one was due to end, not where it did.
        m_originNs = dueNs(m_next - 1);
        m_next = 0;
        ++m_pass;
    }
    arm();
}

void ScenarioPlayer::arm()
{
    const qint64 waitNs = dueNs(m_next) - m_clock.nsecsElapsed();
    m_timer.start(int(std::clamp<qint64>(waitNs / 1000000, 0, std::numeric_limits<int>::max())));
}

void ScenarioPlayer::play(const ScenarioStep &step)
{
    QString channel = m_options.channel.isEmpty() ? step.event.channel : m_options.channel;
    if (channel.isEmpty())
        channel = DefaultChannel;
    if (!step.comment.isEmpty())
        m_broker.sendComment(step.comment, channel, m_options.target);
    if (!step.sendsEvent())
        return;
    SseEvent event = step.event;
    event.channel = channel;
    ++m_eventsPublished;
    m_broker.publish(std::move(event), m_options.target,
                     [self = QPointer<ScenarioPlayer>(this)](const PublishResult &result) {
                         if (self && !result.error.isEmpty()) {
                             self->m_lastError = result.error;
                             qCWarning(lcBroker).noquote()
                                 << "scenario" << self->m_id << "step refused:" << result.error;
                         }
                     });
}

PlaybackProgress ScenarioPlayer::progress() const
{
    PlaybackProgress progress;
    progress.id = m_id;
    progress.name = m_scenario.name;
    progress.state = m_finished          ? PlaybackProgress::State::Finished
                     : m_pausedAtNs >= 0 ? PlaybackProgress::State::Paused
                                         : PlaybackProgress::State::Playing;
    progress.step = m_finished ? int(m_scenario.steps.size()) : m_next;
    progress.steps = int(m_scenario.steps.size());
    progress.pass = m_pass;
    progress.totalMs = m_scenario.durationMs();
    if (m_finished) {
        progress.elapsedMs = progress.totalMs;
    } else if (m_clock.isValid()) {
        const qint64 now = m_pausedAtNs >= 0 ? m_pausedAtNs : m_clock.nsecsElapsed();
        progress.elapsedMs = std::clamp<qint64>(
            qint64(double(now - m_originNs) * m_options.speed / 1e6), 0, progress.totalMs);
    }
    progress.speed = m_options.speed;
    progress.loop = m_options.loop;
    progress.target = m_targetName;
    progress.eventsPublished = m_eventsPublished;
    progress.lastError = m_lastError;
    return progress;
}

} // namespace sse
