#pragma once

#include "scenario.h"
#include "servertypes.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <vector>

namespace sse {

class EventBroker;

// How one playback runs: where its events go and how fast.
struct PlaybackOptions
{
    double speed = 1.0;   // MinSpeed..MaxSpeed; delays are divided by it
    bool loop = false;    // start over after the last step, until stopped
    QString channel;      // when set, overrides every step's channel
    PublishTarget target; // Channel: the step's (or the override) channel; All; chosen clients

    static constexpr double MinSpeed = 0.1;
    static constexpr double MaxSpeed = 10.0;
    // A sentence naming the bad option, or empty.
    QString validate(const Scenario &scenario) const;
};

// Plays a scenario through the broker, every step at its own time: step i is due at the sum of
// the delays up to i (divided by the speed) after the start, so late steps do not push the
// later ones back and a long run does not drift. Steps due at the same moment go out in one
// turn of the event loop. One precise timer per playback, armed for the next due step only.
class ScenarioPlayer : public QObject
{
    Q_OBJECT

public:
    ScenarioPlayer(quint64 id, Scenario scenario, PlaybackOptions options, EventBroker &broker,
                   QObject *parent = nullptr);

    quint64 id() const { return m_id; }
    void start();
    void pause();
    void resume();
    void stop(); // no further steps; finished() is not emitted
    // Keeps the position in the scenario and plays the rest at the new speed.
    void setSpeed(double speed);
    PlaybackProgress progress() const;
    bool isFinished() const { return m_finished; }
    // Names the target in progress reports (routes name their stream).
    void setTargetName(const QString &name) { m_targetName = name; }

signals:
    void finished(quint64 id);

private:
    qint64 dueNs(int step) const;
    void playDue();
    void play(const ScenarioStep &step);
    void arm();

    const quint64 m_id;
    const Scenario m_scenario;
    PlaybackOptions m_options;
    EventBroker &m_broker;
    std::vector<qint64> m_dueMs; // each step's time from the start of a pass, at speed 1
    QElapsedTimer m_clock;
    qint64 m_originNs = 0; // clock time at which the current pass started (shifted by pauses)
    qint64 m_pausedAtNs = -1;
    int m_next = 0; // the next step to play in this pass
    int m_pass = 1;
    bool m_finished = false;
    bool m_stopped = false;
    quint64 m_eventsPublished = 0;
    QString m_lastError;
    QString m_targetName;
    QTimer m_timer;
};

} // namespace sse

Q_DECLARE_METATYPE(sse::PlaybackOptions)
