#pragma once

#include <QString>
#include <QStringList>

#include <functional>

class QObject;

// sse-dashboard --record URL --out FILE [--count N] [--duration S] [--header "K: V"]...
// Records a live SSE stream as a scenario file and exits: 0 when done, 1 when the URL cannot
// be reached, does not answer a stream or the file cannot be written.
struct RecordRequest
{
    QString url;
    QString outFile;
    int maxEvents = 0;
    int maxDurationSeconds = 0;
    QStringList headers;
};

// A usage error (exit 2) naming the option, or an empty string.
QString validateRecordRequest(const RecordRequest &request);
// Runs the recording on the QCoreApplication that exists by now; returns the exit code.
// watchSignals(context, handler) arranges for SIGINT/SIGTERM to call handler, which ends the
// recording and writes what was recorded.
int runRecord(const RecordRequest &request,
              const std::function<void(QObject *, std::function<void()>)> &watchSignals);
