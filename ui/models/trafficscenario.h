#pragma once

#include "scenario.h"
#include "servertypes.h"

#include <QByteArray>
#include <QList>

namespace sse::ui {

// True when the first line of a file is a traffic-log record (File → Export log, NDJSON)
// rather than a scenario step.
bool looksLikeTrafficLog(const QByteArray &contents);
// The events a traffic log shows going out, as a scenario: each event's wire bytes read back
// with the WHATWG parser, delays from the record times, the channel from the record's scope.
// Comments, requests and notices are left out. Empty when the log holds no events.
Scenario scenarioFromTrafficLog(const QList<sse::TrafficRecord> &records);

} // namespace sse::ui
