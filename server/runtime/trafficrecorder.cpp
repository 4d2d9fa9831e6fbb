#include "trafficrecorder.h"

#include <QCoreApplication>

namespace sse {

namespace {

// Between two snapshots; past it records are counted as dropped, so a flood cannot grow memory.
constexpr int MaxTrafficRecordsPending = 5000;

} // namespace

void TrafficRecorder::setEnabled(bool enabled, const QList<ClientInfo> &connectedNow)
{
    m_enabled = enabled;
    m_disconnected.clear();
    m_traffic.clear();
    m_dropped = 0;
    m_connected = enabled ? connectedNow : QList<ClientInfo>();
}

void TrafficRecorder::append(TrafficRecord entry)
{
    if (!m_enabled)
        return;
    if (m_traffic.size() >= MaxTrafficRecordsPending) {
        ++m_dropped;
        return;
    }
    entry.time = QDateTime::currentDateTime();
    m_traffic.append(std::move(entry));
}

qsizetype TrafficRecorder::beginRequest(const QString &method, const QString &target,
                                        const QString &peer,
                                        const QList<QPair<QByteArray, QByteArray>> &headers,
                                        const QByteArray &body, qint64 wireBytes,
                                        const QString &httpVersion)
{
    if (!m_enabled)
        return -1;
    const qsizetype ticket = m_traffic.size();
    TrafficRecord in;
    in.direction = TrafficDirection::In;
    in.method = method;
    in.path = target;
    in.httpVersion = httpVersion;
    qsizetype headerBytes = 0;
    for (const auto &header : headers) {
        headerBytes += header.first.size() + header.second.size() + 4;
        if (headerBytes > TrafficRecord::MaxHeaderBytes)
            break;
        in.requestHeaders.append(header);
    }
    in.size = wireBytes;
    in.raw = body.left(TrafficRecord::MaxRawBytes);
    // The version is said when it is not the HTTP/1.1 most requests use.
    in.summary = httpVersion == QLatin1String("HTTP/2")
                     ? QCoreApplication::translate("sse::TrafficLog", "%1 %2 from %3 over HTTP/2")
                           .arg(method, target, peer)
                     : QCoreApplication::translate("sse::TrafficLog", "%1 %2 from %3")
                           .arg(method, target, peer);
    append(std::move(in));
    return m_traffic.size() > ticket ? ticket : -1;
}

void TrafficRecorder::finishRequest(qsizetype ticket, const Answer &answer)
{
    if (ticket < 0 || ticket >= m_traffic.size())
        return;
    TrafficRecord &in = m_traffic[ticket];
    const int status = answer.status;
    in.status = status; // shown in a column of its own, with its reason phrase
    if (!answer.streamOpened) {
        in.responseType = answer.contentType;
        in.responseBody = answer.body.left(TrafficRecord::MaxRawBytes);
        return;
    }
    // The stream's connect notice was recorded while the request was handled, after it.
    for (qsizetype index = m_traffic.size() - 1; index > ticket; --index) {
        TrafficRecord &connected = m_traffic[index];
        if (connected.direction == TrafficDirection::System && connected.clientId != 0) {
            connected.method = in.method;
            connected.path = in.path;
            connected.httpVersion = in.httpVersion;
            connected.status = status;
            connected.requestHeaders = std::move(in.requestHeaders);
            break;
        }
    }
    m_traffic.removeAt(ticket);
}

void TrafficRecorder::clientConnected(const ClientInfo &info)
{
    if (m_enabled)
        m_connected.append(info);
}

void TrafficRecorder::clientDisconnected(quint64 clientId)
{
    if (m_enabled)
        m_disconnected.append(clientId);
}

ServerSnapshot TrafficRecorder::take()
{
    ServerSnapshot snapshot;
    snapshot.connected = std::exchange(m_connected, {});
    snapshot.disconnected = std::exchange(m_disconnected, {});
    snapshot.traffic = std::exchange(m_traffic, {});
    snapshot.trafficDropped = std::exchange(m_dropped, 0);
    return snapshot;
}

} // namespace sse
