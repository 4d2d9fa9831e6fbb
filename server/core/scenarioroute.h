#pragma once

#include "scenario.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QString>

#include <variant>

namespace sse {

// A scenario bound to a route ("POST /v1/chat/completions=FILE"): every request to it gets a
// stream of its own that plays the scenario from the start and then ends.
struct ScenarioRoute
{
    QByteArray method; // GET, POST, PUT, PATCH or DELETE
    QString path;      // starts with '/', not one of the server's own
    QString file;      // where the scenario came from (a path or a :/scenarios/ resource)
    Scenario scenario;

    QString name() const { return QString::fromLatin1(method) + u' ' + path; }
};

// Reads "METHOD PATH=FILE" and the scenario in FILE; a sentence naming the spec, the file and
// the line when anything is wrong.
std::variant<ScenarioRoute, QString> loadScenarioRoute(const QString &spec);
// True for the paths the server answers itself, which a route may not take.
bool isServerPath(const QString &path);

// The answer to a route request that asks for no stream ("stream": false): the scenario's data
// assembled into one JSON document (docs/scenarios.md, "One answer instead of a stream").
QJsonDocument assembledAnswer(const Scenario &scenario);
// True when a route request's JSON body says "stream": false.
bool asksForNoStream(const QByteArray &contentType, const QByteArray &body);

} // namespace sse
