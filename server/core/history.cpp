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

namespace {

// An id as the client sent it may hold what no id the server gives out holds (NUL, CR, LF):
// such bytes are written %XX, so a comment never carries them raw.
QString printableId(const QString &id)
{
    QString out;
    out.reserve(id.size());
    for (const QChar c : id) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            out += u'%' + QString::number(c.unicode(), 16).rightJustified(2, u'0').toUpper();
        else
            out += c;
    }
    return out;
}

} // namespace

QByteArray HistoryGap::comment() const
{
    return encodeComment(QStringLiteral("history-gap reason=%1 lastEventId=%2 oldestId=%3")
                             .arg(reason, printableId(lastEventId), oldestId));
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
