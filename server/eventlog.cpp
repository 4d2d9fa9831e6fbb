#include "eventlog.h"

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

} // namespace sse
