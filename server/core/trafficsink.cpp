#include "trafficsink.h"

namespace sse {

QString summarize(const QString &text)
{
    constexpr int MaxSummary = 120;
    QString summary = text.left(MaxSummary);
    summary.replace(u'\r', u' ').replace(u'\n', u' ');
    return text.size() > MaxSummary ? summary + QStringLiteral("…") : summary;
}

void TrafficSink::record(TrafficDirection direction, quint64 clientId, const QString &eventType,
                         const QString &id, qint64 size, const QString &summary,
                         const QByteArray &raw)
{
    if (!enabled())
        return;
    TrafficRecord entry;
    entry.direction = direction;
    entry.clientId = clientId;
    entry.eventType = eventType;
    entry.id = id;
    entry.size = size;
    entry.summary = summary;
    entry.raw = raw.left(TrafficRecord::MaxRawBytes);
    append(std::move(entry));
}

} // namespace sse
