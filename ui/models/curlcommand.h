#pragma once

#include "servertypes.h"
#include "sseevent.h"

#include <QString>

namespace sse::ui {

// A word the shell passes on unchanged: single-quoted, with any ' spelled '\''.
QString shellQuote(const QString &word);

// The curl command that publishes event through POST /publish on serverUrl ("http://host:port/").
// /publish reaches one channel; for other targets the command says so in a leading comment.
QString curlForPublish(const sse::SseEvent &event, const sse::PublishTarget &target,
                       const QString &serverUrl);

// The curl command that repeats a recorded request (direction In, or a stream's connect):
// its method, URL, headers and body. Headers curl sets itself (Host, Content-Length) are left out.
QString curlForRequest(const sse::TrafficRecord &record, const QString &serverUrl);

} // namespace sse::ui
