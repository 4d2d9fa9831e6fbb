#pragma once

#include <QByteArray>

#include <cstdint>

namespace sse {

class StreamHub;

// What an HttpExchange answers through: an HTTP/1.1 connection (one request at a time) or an
// HTTP/2 connection (one of its streams, by id). Both take the answer as HTTP/1.1 bytes, which
// HTTP/2 turns into its frames, so every route answers the same way on both fronts.
class ExchangeTransport
{
public:
    virtual ~ExchangeTransport() = default;

    // The whole answer, status line to body. closeAfter: the connection closes once it is out
    // (an HTTP/2 connection carries other streams and stays).
    virtual void writeAnswer(int32_t streamId, const QByteArray &bytes, bool closeAfter) = 0;
    // Makes the request's connection (HTTP/1.1) or stream (HTTP/2) a stream of the hub, which
    // then writes its response head; returns the hub's handle, or -1 with errno set.
    virtual int adoptStream(int32_t streamId, StreamHub &hub) = 0;
    // The exchange is over: the hub has the stream, or it could not be adopted (opened false).
    virtual void handOver(int32_t streamId, bool opened) = 0;
};

} // namespace sse
