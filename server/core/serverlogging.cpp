#include "serverlogging.h"

Q_LOGGING_CATEGORY(lcServer, "sse.server", QtWarningMsg)
Q_LOGGING_CATEGORY(lcHttp, "sse.http", QtWarningMsg)
Q_LOGGING_CATEGORY(lcBroker, "sse.broker", QtWarningMsg)
Q_LOGGING_CATEGORY(lcHub, "sse.hub", QtWarningMsg)
Q_LOGGING_CATEGORY(lcLog, "sse.log", QtWarningMsg)
