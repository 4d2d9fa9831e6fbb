#pragma once

#include "eventstreamparser.h"
#include "scenario.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace sse {

// Records a live SSE endpoint as a scenario: it connects as an EventSource would (GET,
// Accept: text/event-stream), parses the stream with EventStreamParser and turns every event
// into a step whose delay is the time since the previous one arrived (the first: since the
// response began). Comments and heartbeats are not recorded. It does not reconnect.
class StreamRecorder : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QUrl url;
        QList<QPair<QByteArray, QByteArray>> headers; // sent as given, after Accept
        int maxEvents = 0;                            // 0: no limit
        int maxDurationSeconds = 0;                   // 0: no limit
    };

    explicit StreamRecorder(QObject *parent = nullptr);
    ~StreamRecorder() override;

    void start(const Options &options);
    // Ends the recording now; finished() follows with what was recorded.
    void stop();
    int eventCount() const { return m_scenario.eventCount(); }

    // "Name: value" → the pair, or an empty name when the text is not a header.
    static QPair<QByteArray, QByteArray> parseHeader(const QString &text);

signals:
    void eventRecorded(int count);
    // Done: the count or the duration was reached, stop() was called, or the server ended
    // the stream. reason says which.
    void finished(const sse::Scenario &scenario, const QString &reason);
    // Nothing to record: unreachable, not 200, or not text/event-stream.
    void failed(const QString &message);

private:
    void onReadyRead();
    void onFinished();
    bool checkResponse();
    void finish(const QString &reason);
    void dropReply();

    Options m_options;
    QNetworkAccessManager *m_network = nullptr; // child
    QPointer<QNetworkReply> m_reply;
    EventStreamParser m_parser;
    Scenario m_scenario;
    // Delays are differences of the time since the head, not restarts of a clock: a restart
    // drops the fraction of a millisecond each step, and the steps would add up short.
    QElapsedTimer m_sinceHead;
    qint64 m_lastStepMs = 0; // m_sinceHead at the last recorded step
    QTimer m_deadline;
    bool m_streaming = false; // the response was checked and is a stream
    bool m_done = false;
};

} // namespace sse
