#include "history.h"

#include "sseevent.h"

#include <QJsonObject>

namespace sse {

bool HistoryFilter::matches(const HistoryEntry &entry) const
{
    if (!scope.isEmpty() && entry.scope != scope)
        return false;
    if (!type.isEmpty() && entry.type != type &&
        !(type == DefaultEventType && entry.type.isEmpty())) {
        return false;
    }
    return text.isEmpty() || entry.encoded.contains(text.toUtf8());
}

QByteArray HistoryGap::comment() const
{
    return encodeComment(QStringLiteral("history-gap reason=%1 lastEventId=%2 oldestId=%3")
                             .arg(reason, lastEventId, oldestId));
}

QByteArray HistoryGap::controlEvent() const
{
    return encodeControlEvent(QStringLiteral("dashboard.history-gap"),
                              QJsonObject{
                                  {QStringLiteral("lastEventId"), lastEventId},
                                  {QStringLiteral("oldestId"), oldestId},
                                  {QStringLiteral("reason"), reason},
                              });
}

} // namespace sse
