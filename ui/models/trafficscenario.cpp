#include "trafficscenario.h"

#include "eventstreamparser.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace sse::ui {

bool looksLikeTrafficLog(const QByteArray &contents)
{
    const qsizetype end = contents.indexOf('\n');
    const QJsonObject first =
        QJsonDocument::fromJson(end < 0 ? contents : contents.left(end)).object();
    return first.contains(QStringLiteral("direction")) && first.contains(QStringLiteral("time"));
}

Scenario scenarioFromTrafficLog(const QList<TrafficRecord> &records)
{
    Scenario scenario;
    QDateTime previous;
    for (const TrafficRecord &record : records) {
        if (record.direction != TrafficDirection::Out || record.raw.isEmpty())
            continue;
        EventStreamParser parser;
        parser.feed(record.raw);
        const QList<EventStreamParser::Event> events = parser.takeEvents();
        for (const EventStreamParser::Event &event : events) {
            ScenarioStep step;
            step.delayMs =
                previous.isValid() ? std::max<qint64>(0, previous.msecsTo(record.time)) : 0;
            previous = record.time;
            step.hasData = true;
            step.event.data = event.data;
            step.event.event = event.type == DefaultEventType ? QString() : event.type;
            step.event.id = event.hasId ? event.id : QString();
            step.event.retry = event.retry;
            if (!record.scope.isEmpty() && record.scope != TrafficRecord::AllScope)
                step.event.channel = record.scope;
            if (validateEvent(step.event))
                continue; // what a scenario could not send
            scenario.steps.append(step);
        }
    }
    return scenario;
}

} // namespace sse::ui
