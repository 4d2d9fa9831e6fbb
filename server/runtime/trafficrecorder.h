#pragma once

#include "servertypes.h"
#include "trafficsink.h"

#include <QList>

namespace sse {

// The dashboard's TrafficSink: gathers what the UI is shown between two snapshots (connects,
// disconnects and traffic records). Headless mode never enables it.
class TrafficRecorder : public TrafficSink
{
public:
    bool enabled() const override { return m_enabled; }
    // Turning it on starts from the clients connected now; turning it off drops what is held.
    void setEnabled(bool enabled, const QList<ClientInfo> &connectedNow = {});

    void append(TrafficRecord entry) override;

    qsizetype beginRequest(const QString &method, const QString &target, const QString &peer,
                           const QList<QPair<QByteArray, QByteArray>> &headers,
                           const QByteArray &body, qint64 wireBytes,
                           const QString &httpVersion) override;
    void finishRequest(qsizetype ticket, const Answer &answer) override;
    void clientConnected(const ClientInfo &info) override;
    void clientDisconnected(quint64 clientId) override;

    // Hands over and forgets what accumulated; the caller adds counters and stats.
    ServerSnapshot take();

private:
    bool m_enabled = false;
    QList<ClientInfo> m_connected;
    QList<quint64> m_disconnected;
    QList<TrafficRecord> m_traffic;
    quint64 m_dropped = 0;
};

} // namespace sse
