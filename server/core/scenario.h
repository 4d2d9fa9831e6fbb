#pragma once

#include "sseevent.h"

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QMetaType>
#include <QString>

#include <variant>

namespace sse {

// One line of a scenario file (docs/scenarios.md): wait delayMs, then send a comment and/or an
// event. A step with neither is a pause.
struct ScenarioStep
{
    qint64 delayMs = 0;
    SseEvent event;          // data as text; channel empty means the playback's channel
    bool hasData = false;    // data was given (an event is sent even when it is "")
    bool dataIsJson = false; // data was a JSON value other than a string: written back as JSON
    QString comment;         // sent as ": comment" before the event

    // Something reaches the stream: an event (data or retry) or a comment.
    bool sendsEvent() const { return hasData || !event.retry.isEmpty(); }
    bool isPause() const { return !sendsEvent() && comment.isEmpty(); }
    bool operator==(const ScenarioStep &other) const;
};

struct Scenario
{
    QString name; // the file's base name or the template's, for lists and tabs
    QList<ScenarioStep> steps;

    // The sum of the delays: how long one pass takes at speed 1.
    qint64 durationMs() const;
    int eventCount() const;
};

// Why a scenario was refused: the 1-based line and a sentence naming the field and the reason.
struct ScenarioError
{
    int line = 0; // 0: about the whole file
    QString message;

    QString text() const; // "line 3: field 'delay': must be ..."
};

inline constexpr int MaxScenarioSteps = 100000;
inline constexpr qint64 MaxStepDelayMs = 24 * 3600 * 1000;

// Parses JSON Lines, one step per line; blank lines are ignored, a leading BOM and CRLF line
// ends are accepted. Every step is validated as /publish would validate it, so a scenario
// that parses plays without refusals. The first bad line is reported.
std::variant<Scenario, ScenarioError> parseScenario(const QByteArray &jsonLines);
// The reverse: one compact JSON object per step, fields in the documented order, so a
// parsed file written back reads the same.
QByteArray scenarioToJsonLines(const Scenario &scenario);

// The data values of a scenario's events as JSON: text that is JSON becomes that value, other
// text stays a string. For answers that assemble a stream into one document.
QJsonValue stepDataJson(const ScenarioStep &step);

} // namespace sse

Q_DECLARE_METATYPE(sse::Scenario)
