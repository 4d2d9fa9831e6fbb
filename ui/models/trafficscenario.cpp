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
            std::optional<ScenarioStep> step = scenarioStepFor(event);
            const QString channel =
                record.scope == TrafficRecord::AllScope ? QString() : record.scope;
            if (!step || validateChannel(channel))
                continue; // what a scenario could not send
            step->delayMs =
                previous.isValid() ? std::max<qint64>(0, previous.msecsTo(record.time)) : 0;
            previous = record.time;
            step->event.channel = channel;
            scenario.steps.append(*step);
        }
    }
    return scenario;
}

} // namespace sse::ui
