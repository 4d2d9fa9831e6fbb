#include "recordcommand.h"

#include "streamrecorder.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSaveFile>
#include <QTextStream>
#include <QUrl>

QString validateRecordRequest(const RecordRequest &request)
{
    const QUrl url(request.url, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") ||
        url.host().isEmpty()) {
        return QStringLiteral("--record: '%1' is not an http:// or https:// URL").arg(request.url);
    }
    if (request.outFile.isEmpty())
        return QStringLiteral("--record needs --out FILE, the scenario file to write");
    if (request.maxEvents < 0)
        return QStringLiteral("--count: must be a whole number of events, 0 for no limit");
    if (request.maxDurationSeconds < 0)
        return QStringLiteral("--duration: must be a whole number of seconds, 0 for no limit");
    for (const QString &header : request.headers) {
        if (sse::StreamRecorder::parseHeader(header).first.isEmpty())
            return QStringLiteral("--header: '%1' is not \"Name: value\"").arg(header);
    }
    return {};
}

int runRecord(const RecordRequest &request,
              const std::function<void(QObject *, std::function<void()>)> &watchSignals)
{
    QTextStream err(stderr);
    sse::StreamRecorder::Options options;
    options.url = QUrl(request.url);
    options.maxEvents = request.maxEvents;
    options.maxDurationSeconds = request.maxDurationSeconds;
    for (const QString &header : request.headers)
        options.headers.append(sse::StreamRecorder::parseHeader(header));

    sse::StreamRecorder recorder;
    QElapsedTimer recording; // the time the recording took, for the summary line
    int exitCode = 0;
    QObject::connect(&recorder, &sse::StreamRecorder::failed, &recorder,
                     [&](const QString &message) {
                         err << "sse-dashboard: " << message << Qt::endl;
                         exitCode = 1;
                         QCoreApplication::exit(1);
                     });
    QObject::connect(&recorder, &sse::StreamRecorder::finished, &recorder,
                     [&](const sse::Scenario &scenario, const QString &reason) {
                         // Written whole or not at all: an interrupted write leaves no half file
                         // behind.
                         QSaveFile file(request.outFile);
                         if (!file.open(QIODevice::WriteOnly) ||
                             file.write(sse::scenarioToJsonLines(scenario)) < 0 || !file.commit()) {
                             err << "sse-dashboard: cannot write " << request.outFile << ": "
                                 << file.errorString() << Qt::endl;
                             exitCode = 1;
                             QCoreApplication::exit(1);
                             return;
                         }
                         err << "Recorded " << scenario.steps.size() << " events over "
                             << QString::number(double(scenario.durationMs()) / 1000.0, 'f', 1)
                             << " s to " << request.outFile << " (" << reason << ")" << Qt::endl;
                         QCoreApplication::exit(0);
                     });
    err << "Recording " << options.url.toDisplayString() << " to " << request.outFile << Qt::endl;
    watchSignals(&recorder, [&recorder] { recorder.stop(); });
    recording.start();
    recorder.start(options);
    const int loopCode = QCoreApplication::exec();
    return exitCode ? exitCode : loopCode;
}
