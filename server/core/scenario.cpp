#include "scenario.h"

#include "requestparsers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace sse {

namespace {

ScenarioError errorAt(int line, const QString &message)
{
    return ScenarioError{line, message};
}

std::optional<ScenarioError> readDelay(const QJsonObject &object, int line, qint64 *delayMs)
{
    const QJsonValue value = object.value(QStringLiteral("delay"));
    if (value.isUndefined())
        return std::nullopt;
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 0 || number != std::floor(number) ||
        number > double(MaxStepDelayMs)) {
        return errorAt(line, QStringLiteral("field 'delay': must be a whole number of "
                                            "milliseconds from 0 to %1")
                                 .arg(MaxStepDelayMs));
    }
    *delayMs = qint64(number);
    return std::nullopt;
}

std::variant<ScenarioStep, ScenarioError> parseStep(const QByteArray &text, int line)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(escapeByteOrderMarks(text), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return errorAt(line, QStringLiteral("invalid JSON at column %1: %2")
                                 .arg(parseError.offset + 1)
                                 .arg(jsonErrorText(parseError)));
    }
    if (!document.isObject())
        return errorAt(line, QStringLiteral("a step must be a JSON object"));
    const QJsonObject object = document.object();
    static const QStringList known{QStringLiteral("delay"),  QStringLiteral("event"),
                                   QStringLiteral("data"),   QStringLiteral("id"),
                                   QStringLiteral("retry"),  QStringLiteral("channel"),
                                   QStringLiteral("comment")};
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key())) {
            return errorAt(line, QStringLiteral("field '%1': unknown; a step may have delay, "
                                                "event, data, id, retry, channel and comment")
                                     .arg(it.key()));
        }
    }
    ScenarioStep step;
    if (auto failure = readDelay(object, line, &step.delayMs))
        return *failure;
    if (auto failure = readEventFields(object, &step.event))
        return errorAt(line, failure->message);
    const QJsonValue data = object.value(QStringLiteral("data"));
    step.hasData = !data.isUndefined();
    step.dataIsJson = step.hasData && !data.isString();
    if (data.isNull())
        step.event.data = jsonDataText(data);
    const QJsonValue comment = object.value(QStringLiteral("comment"));
    if (!comment.isUndefined() && !comment.isString())
        return errorAt(line, QStringLiteral("field 'comment': must be a string"));
    step.comment = comment.toString();
    if (!step.hasData && step.event.retry.isEmpty() &&
        (!step.event.event.isEmpty() || !step.event.id.isEmpty())) {
        return errorAt(line, QStringLiteral("field 'data': missing; a step with an event name "
                                            "or an id needs data"));
    }
    if (auto failure = validateEvent(step.event))
        return errorAt(line, failure->message());
    return step;
}

} // namespace

bool ScenarioStep::operator==(const ScenarioStep &other) const
{
    return delayMs == other.delayMs && event.event == other.event.event &&
           event.id == other.event.id && event.data == other.event.data &&
           event.retry == other.event.retry && event.channel == other.event.channel &&
           hasData == other.hasData && dataIsJson == other.dataIsJson && comment == other.comment;
}

qint64 Scenario::durationMs() const
{
    qint64 total = 0;
    for (const ScenarioStep &step : steps)
        total += step.delayMs;
    return total;
}

int Scenario::eventCount() const
{
    return int(std::count_if(steps.cbegin(), steps.cend(),
                             [](const ScenarioStep &step) { return step.sendsEvent(); }));
}

QString ScenarioError::text() const
{
    return line > 0 ? QStringLiteral("line %1: %2").arg(line).arg(message) : message;
}

std::variant<Scenario, ScenarioError> parseScenario(const QByteArray &jsonLines)
{
    Scenario scenario;
    QByteArrayView rest(jsonLines);
    if (rest.startsWith("\xEF\xBB\xBF"))
        rest = rest.sliced(3);
    int line = 0;
    while (!rest.isEmpty()) {
        ++line;
        const qsizetype end = rest.indexOf('\n');
        QByteArrayView text = end < 0 ? rest : rest.first(end);
        rest = end < 0 ? QByteArrayView() : rest.sliced(end + 1);
        text = text.trimmed();
        if (text.isEmpty())
            continue;
        if (scenario.steps.size() >= MaxScenarioSteps) {
            return errorAt(
                line,
                QStringLiteral("too many steps; a scenario has at most %1").arg(MaxScenarioSteps));
        }
        auto step = parseStep(text.toByteArray(), line);
        if (auto *failure = std::get_if<ScenarioError>(&step))
            return *failure;
        scenario.steps.append(std::get<ScenarioStep>(std::move(step)));
    }
    if (scenario.steps.isEmpty())
        return errorAt(0, QStringLiteral("the scenario has no steps"));
    return scenario;
}

QByteArray scenarioToJsonLines(const Scenario &scenario)
{
    // Written by hand: QJsonObject sorts its keys, and a file reads best with the delay first.
    QByteArray out;
    const auto field = [&out](const char *key, const QJsonValue &value) {
        const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
        out += out.endsWith('{') ? "\"" : ",\"";
        out += key;
        out += "\":";
        out += wrapped.sliced(1, wrapped.size() - 2);
    };
    for (const ScenarioStep &step : scenario.steps) {
        out += '{';
        if (step.delayMs > 0)
            field("delay", double(step.delayMs));
        if (!step.comment.isEmpty())
            field("comment", step.comment);
        if (!step.event.event.isEmpty())
            field("event", step.event.event);
        if (!step.event.id.isEmpty())
            field("id", step.event.id);
        if (!step.event.retry.isEmpty())
            field("retry", step.event.retry.toLongLong());
        if (!step.event.channel.isEmpty())
            field("channel", step.event.channel);
        if (step.hasData)
            field("data", step.dataIsJson ? stepDataJson(step) : QJsonValue(step.event.data));
        out += "}\n";
    }
    return out;
}

QJsonValue stepDataJson(const ScenarioStep &step)
{
    // Wrapped in an array, so scalars (numbers, true, null) parse too.
    const QByteArray wrapped = '[' + step.event.data.toUtf8() + ']';
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(wrapped, &parseError);
    if (parseError.error != QJsonParseError::NoError || document.array().size() != 1)
        return step.event.data;
    return document.array().first();
}

} // namespace sse
