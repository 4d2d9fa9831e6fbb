#pragma once

#include "subscriberregistry.h"

#include <QByteArray>
#include <QString>

namespace sse {

// An event the broker accepted and has not sent yet: its bytes, encoded once for everyone.
struct PendingEvent
{
    QByteArray encoded;
    QString lastEventId;
    Audience audience;
    int eventCount = 1; // 0 for control events, which neither count nor carry an id
};

} // namespace sse
