#pragma once

#include "servertypes.h"

#include <QList>

namespace sse {

// What the server tells the dashboard: connects and disconnects, requests with the status they
// were answered, and the traffic of the streams. Every layer records through this one
// interface; TrafficRecorder (runtime) is the dashboard's. With no dashboard (headless) it is
// never enabled, and every call returns at once: callers that would build a costly summary
// check enabled() first.
class TrafficSink
{
public:
    virtual ~TrafficSink() = default;

    virtual bool enabled() const = 0;
    virtual void append(TrafficRecord entry) = 0;
    // A record made of its parts.
    void record(TrafficDirection direction, quint64 clientId, const QString &eventType,
                const QString &id, qint64 size, const QString &summary, const QByteArray &raw = {});

    // A request comes in before what it causes (an event out, a connect). wireBytes counts
    // what crossed the wire: request line, headers and body. httpVersion: "HTTP/1.1",
    // "HTTP/2". Returns a ticket for finishRequest(), or -1 when not recording.
    virtual qsizetype beginRequest(const QString &method, const QString &target,
                                   const QString &peer,
                                   const QList<QPair<QByteArray, QByteArray>> &headers,
                                   const QByteArray &body, qint64 wireBytes,
                                   const QString &httpVersion) = 0;
    // What a request was answered with.
    struct Answer
    {
        int status = 0;
        bool streamOpened = false;
        QByteArray contentType; // of a body answered (not of a stream)
        QByteArray body;        // capped at TrafficRecord::MaxRawBytes
    };
    // Fills in the answer. The request of a stream that opened is moved into the stream's
    // connect record, which then says it all.
    virtual void finishRequest(qsizetype ticket, const Answer &answer) = 0;

    virtual void clientConnected(const ClientInfo &info) = 0;
    virtual void clientDisconnected(quint64 clientId) = 0;
};

// The first characters of text on one line, for summaries.
QString summarize(const QString &text);

} // namespace sse
