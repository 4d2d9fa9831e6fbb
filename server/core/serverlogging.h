#pragma once

#include <QLoggingCategory>

// One category per layer; QT_LOGGING_RULES="sse.*.debug=true" shows everything. Information
// (start, stop, refusals, slow-consumer drops) is off by default, warnings and errors are on.
Q_DECLARE_LOGGING_CATEGORY(lcServer) // sse.server: start, stop, configuration
Q_DECLARE_LOGGING_CATEGORY(lcHttp)   // sse.http: requests, refusals, the connection guard
Q_DECLARE_LOGGING_CATEGORY(lcBroker) // sse.broker: publishing, subscribers, slow consumers
Q_DECLARE_LOGGING_CATEGORY(lcHub)    // sse.hub: the stream descriptors
Q_DECLARE_LOGGING_CATEGORY(lcLog)    // sse.log: the event log
