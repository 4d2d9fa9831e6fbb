#include "scenarioroute.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>

#include <optional>

namespace sse {

namespace {

constexpr qint64 MaxScenarioFileBytes = 64 * 1024 * 1024;

const QByteArray DoneSentinel = QByteArrayLiteral("[DONE]");

// The OpenAI chat completion a stream of chat.completion.chunk objects adds up to.
std::optional<QJsonObject> assembleChatCompletion(const QList<QJsonValue> &chunks)
{
    if (chunks.isEmpty())
        return std::nullopt;
    QJsonObject completion;
    QMap<int, QString> contents;
    QMap<int, QString> roles;
    QMap<int, QJsonValue> finishReasons;
    QJsonValue usage(QJsonValue::Undefined);
    for (const QJsonValue &value : chunks) {
        const QJsonObject chunk = value.toObject();
        if (chunk.value(QStringLiteral("object")).toString() !=
            QLatin1String("chat.completion.chunk")) {
            return std::nullopt;
        }
        for (const QString &key : {QStringLiteral("id"), QStringLiteral("created"),
                                   QStringLiteral("model"), QStringLiteral("system_fingerprint")}) {
            if (!completion.contains(key) && chunk.contains(key))
                completion.insert(key, chunk.value(key));
        }
        if (chunk.contains(QStringLiteral("usage")) &&
            !chunk.value(QStringLiteral("usage")).isNull())
            usage = chunk.value(QStringLiteral("usage"));
        for (const QJsonValue &choiceValue : chunk.value(QStringLiteral("choices")).toArray()) {
            const QJsonObject choice = choiceValue.toObject();
            const int index = choice.value(QStringLiteral("index")).toInt();
            const QJsonObject delta = choice.value(QStringLiteral("delta")).toObject();
            contents[index] += delta.value(QStringLiteral("content")).toString();
            if (delta.contains(QStringLiteral("role")))
                roles[index] = delta.value(QStringLiteral("role")).toString();
            const QJsonValue finish = choice.value(QStringLiteral("finish_reason"));
            if (!finish.isNull() && !finish.isUndefined())
                finishReasons[index] = finish;
            else if (!finishReasons.contains(index))
                finishReasons[index] = QJsonValue::Null;
        }
    }
    completion.insert(QStringLiteral("object"), QStringLiteral("chat.completion"));
    QJsonArray choices;
    for (auto it = finishReasons.cbegin(); it != finishReasons.cend(); ++it) {
        choices.append(QJsonObject{
            {QStringLiteral("index"), it.key()},
            {QStringLiteral("message"),
             QJsonObject{
                 {QStringLiteral("role"), roles.value(it.key(), QStringLiteral("assistant"))},
                 {QStringLiteral("content"), contents.value(it.key())}}},
            {QStringLiteral("finish_reason"), it.value()},
        });
    }
    completion.insert(QStringLiteral("choices"), choices);
    if (!usage.isUndefined())
        completion.insert(QStringLiteral("usage"), usage);
    return completion;
}

} // namespace

bool isServerPath(const QString &path)
{
    static const QStringList own{QStringLiteral("/"),          QStringLiteral("/app.js"),
                                 QStringLiteral("/style.css"), QStringLiteral("/events"),
                                 QStringLiteral("/publish"),   QStringLiteral("/send"),
                                 QStringLiteral("/metrics"),   QStringLiteral("/healthz")};
    return own.contains(path) || path == u"/api" || path.startsWith(u"/api/");
}

std::variant<ScenarioRoute, QString> loadScenarioRoute(const QString &spec)
{
    static const QRegularExpression pattern(
        QStringLiteral("^(GET|POST|PUT|PATCH|DELETE) (/[^\\s=?#]*)=(.+)$"));
    const QRegularExpressionMatch match = pattern.match(spec.trimmed());
    if (!match.hasMatch()) {
        return QStringLiteral("route '%1': expected \"METHOD PATH=FILE\" with METHOD one of GET, "
                              "POST, PUT, PATCH, DELETE and PATH starting with /")
            .arg(spec);
    }
    ScenarioRoute route;
    route.method = match.captured(1).toLatin1();
    route.path = match.captured(2);
    route.file = match.captured(3).trimmed();
    if (isServerPath(route.path)) {
        return QStringLiteral("route '%1': %2 is the server's own path; bind another")
            .arg(spec, route.path);
    }
    QFile file(route.file);
    if (!file.open(QIODevice::ReadOnly)) {
        return QStringLiteral("route '%1': cannot read %2: %3")
            .arg(spec, route.file, file.errorString());
    }
    if (file.size() > MaxScenarioFileBytes) {
        return QStringLiteral("route '%1': %2 is larger than %3 MiB")
            .arg(spec, route.file)
            .arg(MaxScenarioFileBytes >> 20);
    }
    auto parsed = parseScenario(file.readAll());
    if (const auto *failure = std::get_if<ScenarioError>(&parsed))
        return QStringLiteral("route '%1': %2 %3").arg(spec, route.file, failure->text());
    route.scenario = std::get<Scenario>(std::move(parsed));
    route.scenario.name = QFileInfo(route.file).completeBaseName();
    return route;
}

bool asksForNoStream(const QByteArray &contentType, const QByteArray &body)
{
    if (!contentType.toLower().startsWith("application/json"))
        return false;
    const QJsonDocument document = QJsonDocument::fromJson(body);
    return document.isObject() && document.object().value(QStringLiteral("stream")) == false;
}

QJsonDocument assembledAnswer(const Scenario &scenario)
{
    QList<QJsonValue> values;
    for (const ScenarioStep &step : scenario.steps) {
        if (step.hasData && step.event.data.toUtf8() != DoneSentinel)
            values.append(stepDataJson(step));
    }
    if (const std::optional<QJsonObject> completion = assembleChatCompletion(values))
        return QJsonDocument(*completion);
    QJsonArray array;
    for (const QJsonValue &value : std::as_const(values))
        array.append(value);
    return QJsonDocument(array);
}

} // namespace sse
