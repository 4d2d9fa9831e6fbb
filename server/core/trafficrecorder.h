#pragma once

#include "servertypes.h"

#include <QList>

namespace sse {

// Gathers what the UI is shown between two snapshots: connects, disconnects and traffic
// records. Headless mode never enables it, and then every call returns at once: callers that
// would build a costly summary check enabled() first.
class TrafficRecorder
{
public:
    bool enabled() const { return m_enabled; }
    // Turning it on starts from the clients connected now; turning it off drops what is held.
    void setEnabled(bool enabled, const QList<ClientInfo> &connectedNow = {});

    void record(TrafficDirection direction, quint64 clientId, const QString &eventType,
                const QString &id, qint64 size, const QString &summary, const QByteArray &raw = {});
    void append(TrafficRecord entry);

    // A request comes in before what it causes (an event out, a connect). Returns a ticket for
    // finishRequest(), or -1 when not recording.
    qsizetype beginRequest(const QString &method, const QString &target, const QString &peer,
                           const QList<QPair<QByteArray, QByteArray>> &headers,
                           const QByteArray &body);
    // Fills in the status answered. The request of a stream that opened is moved into the
    // stream's connect record, which then says it all.
    void finishRequest(qsizetype ticket, int status, bool streamOpened);

    void clientConnected(const ClientInfo &info);
    void clientDisconnected(quint64 clientId);

    // Hands over and forgets what accumulated; the caller adds counters and stats.
    ServerSnapshot take();

private:
    bool m_enabled = false;
    QList<ClientInfo> m_connected;
    QList<quint64> m_disconnected;
    QList<TrafficRecord> m_traffic;
    quint64 m_dropped = 0;
};

// The first characters of text on one line, for summaries.
QString summarize(const QString &text);

} // namespace sse
