#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>

namespace sse {

// A connection that carries several of the hub's streams at once: an HTTP/2 connection, whose
// streams the StreamHub drives like sockets. What the mux takes is framed and sent as the
// peer's flow-control windows and the connection's socket allow; what it does not take waits
// in the hub's queue for the stream, under the same limits, pacing and faults as a socket's.
class StreamMux
{
public:
    virtual ~StreamMux() = default;

    static constexpr qsizetype Gone = -1; // the stream or its connection is gone

    // Takes at most maxBytes of bytes from offset on for the stream, as much as it has room
    // for now; returns how many (0: none now, the mux calls StreamHub::muxWritable later), or
    // Gone. The first bytes of a stream are its response head, as an HTTP/1.1 head: a mux
    // turns it into its own (a HEADERS frame).
    virtual qsizetype offer(int32_t streamId, const QByteArray &bytes, qsizetype offset,
                            qsizetype maxBytes) = 0;
    // Ends the stream once what the mux took has left (END_STREAM), or at once and without it
    // (reset: RST_STREAM). The hub lets go of the stream.
    virtual void end(int32_t streamId, bool reset) = 0;
    // What the Clients table shows for the stream's connection: "h2 · TLSv1.3", "h2c".
    virtual QString protocol() const = 0;
    // Ends the whole connection (GOAWAY, then close), every stream of it included.
    virtual void closeConnection() = 0;
    // "TLSv1.3" over TLS, else empty.
    virtual QString tlsVersion() const = 0;
    // Which connection the stream shares (unique while it is open).
    virtual quint64 connectionId() const = 0;
};

} // namespace sse
