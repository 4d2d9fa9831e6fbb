#include "curlcommand.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

namespace sse::ui {

namespace {

QUrl baseUrl(const QString &serverUrl)
{
    return QUrl(serverUrl.isEmpty() ? QStringLiteral("http://127.0.0.1/") : serverUrl);
}

} // namespace

QString shellQuote(const QString &word)
{
    QString quoted = word;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString curlForPublish(const SseEvent &event, const PublishTarget &target, const QString &serverUrl)
{
    QJsonObject fields{{QStringLiteral("data"), event.data}};
    if (!event.event.isEmpty())
        fields.insert(QStringLiteral("event"), event.event);
    if (!event.id.isEmpty())
        fields.insert(QStringLiteral("id"), event.id);
    if (!event.retry.isEmpty())
        fields.insert(QStringLiteral("retry"), event.retry);
    if (!event.channel.isEmpty())
        fields.insert(QStringLiteral("channel"), event.channel);
    const QString body = QString::fromUtf8(QJsonDocument(fields).toJson(QJsonDocument::Compact));
    QString command;
    if (target.kind != PublishTarget::Kind::Channel) {
        command = QStringLiteral("# /publish sends to the subscribers of one channel (%1); "
                                 "only the dashboard sends to all clients or chosen ones.\n")
                      .arg(event.channel.isEmpty() ? DefaultChannel : event.channel);
    }
    command +=
        QStringLiteral("curl -X POST %1 -H 'Content-Type: application/json' --data-binary %2")
            .arg(shellQuote(
                     baseUrl(serverUrl).resolved(QUrl(QStringLiteral("/publish"))).toString()),
                 shellQuote(body));
    return command;
}

QString curlForRequest(const TrafficRecord &record, const QString &serverUrl)
{
    const QUrl url = baseUrl(serverUrl).resolved(QUrl(record.path));
    QString command = QStringLiteral("curl");
    const QString method = record.method.isEmpty() ? QStringLiteral("GET") : record.method;
    if (method == QLatin1String("HEAD"))
        command += QStringLiteral(" --head");
    else if (method != QLatin1String("GET") ||
             (record.direction == TrafficDirection::In && !record.raw.isEmpty()))
        command += QStringLiteral(" -X ") + method;
    command += QLatin1Char(' ') + shellQuote(url.toString(QUrl::FullyEncoded));
    for (const auto &[name, value] : record.requestHeaders) {
        const QByteArray lower = name.toLower();
        if (lower == "host" || lower == "content-length")
            continue;
        command +=
            QStringLiteral(" -H ") +
            shellQuote(QString::fromLatin1(name) + QStringLiteral(": ") + QString::fromUtf8(value));
    }
    // A stream's raw bytes are what it received, not a body it sent.
    if (record.direction == TrafficDirection::In && !record.raw.isEmpty())
        command += QStringLiteral(" --data-binary ") + shellQuote(QString::fromUtf8(record.raw));
    if (record.direction != TrafficDirection::In)
        command += QStringLiteral(" --no-buffer");
    return command;
}

} // namespace sse::ui
