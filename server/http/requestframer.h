#pragma once

#include "httputil.h"
#include "requestparsers.h"

#include <QByteArray>
#include <QList>

#include <deque>
#include <memory>
#include <optional>
#include <utility>

struct http_parser;

namespace sse {

// What the connection learns once a request's header section is complete.
struct RequestHead
{
    QByteArray method;
    QByteArray target;
    int httpMinor = 1;
    http::HeaderList headers; // as sent, in order; names keep their case
    qint64 contentLength = -1;
    bool chunked = false;
    bool expectContinue = false;

    // The first header with this name (case-insensitive), or an empty array.
    QByteArray value(QByteArrayView name) const;
};

// One complete request: its head, its bytes as they arrived (for the fuzzer's framing checks)
// and its decoded body.
struct FramedRequest
{
    RequestHead head;
    QByteArray bytes;
    QByteArray body;
    bool keepAlive = true; // false: HTTP/1.0 without keep-alive, or Connection: close
};

// Frames HTTP/1.1 requests out of a connection's byte stream with Debian's libhttp-parser,
// plus the line syntax checks its non-strict build leaves out: bad chunk sizes, unknown transfer
// codings, Transfer-Encoding with Content-Length, and the size limits. Each request is parsed
// here once; whatever this framer does not accept reaches no handler (docs/protocol.md has
// each rule and its status). No sockets here, so unit tests and the fuzzer
// drive it directly.
class RequestFramer
{
public:
    struct Limits
    {
        qint64 maxHeaderBytes = 16 * 1024; // request line and header fields: 431 beyond
        qint64 maxTargetBytes = 8 * 1024;  // the request target: 414 beyond
        qint64 maxBodyBytes = 1024 * 1024; // decoded body: 413 beyond
    };

    explicit RequestFramer(Limits limits);
    ~RequestFramer();
    RequestFramer(const RequestFramer &) = delete;
    RequestFramer &operator=(const RequestFramer &) = delete;

    // Parses the next bytes of the connection. Stops for good at the first error, and after
    // a request that ends the connection (what follows it is dropped).
    void feed(QByteArrayView bytes);

    // Complete requests not yet taken, oldest first.
    bool hasRequest() const { return !m_complete.empty(); }
    qsizetype queuedRequests() const { return qsizetype(m_complete.size()); }
    FramedRequest takeRequest();

    // The head of the request being received, once its header section is complete and its
    // body is still to come; given once per request (for Expect: 100-continue).
    std::optional<RequestHead> takeHeadAwaitingBody();

    // Set when the stream stopped being valid HTTP/1.1; requests completed before the fault
    // stay available. The connection must be closed after answering it.
    const std::optional<HttpError> &error() const { return m_error; }
    // A request has begun and is not complete (408 at the idle timeout, not a silent close).
    bool isMidRequest() const { return m_messageBegun || m_probingMethod; }
    // After a request that ends the connection, nothing more is framed.
    bool isFinished() const { return m_finished; }

private:
    friend struct FramerCallbacks;

    void fail(int status, const QString &message);
    void failLater(int status, const QString &message);
    void failFromParser(QByteArrayView unparsed);
    void finishHeaderLine();
    // Where the request being received starts in m_bytes, after the blank lines before it.
    qsizetype headStart();                     // computed once per request
    bool checkHeadSize(qsizetype headBytes);   // false (and 414 or 431 set) past a limit
    bool checkHeadSyntax(QByteArrayView head); // false (and 400 set) unless each line is right
    bool checkChunkedBody();       // false (and 400 set) unless the body's chunk framing is exact
    bool checkHead(int httpMajor); // false (and error set) when the head breaks a rule
    bool checkBodyFraming();       // Host once; Content-Length or chunked, within the limit
    bool checkTransferCodings(const QList<QByteArray> &codings, bool hasContentLength);
    bool checkExpectation(); // 100-continue or 417
    bool checkUpgrade();     // a WebSocket handshake gets 501

    Limits m_limits;
    std::unique_ptr<http_parser> m_parser;
    std::deque<FramedRequest> m_complete;
    std::optional<HttpError> m_error;
    bool m_finished = false;

    // The request being received.
    QByteArray m_bytes;
    RequestHead m_head;
    QByteArray m_field;
    QByteArray m_value;
    bool m_inValue = false;
    bool m_messageBegun = false;
    bool m_headComplete = false;
    bool m_headOffered = false;
    bool m_headChecked = false;
    bool m_probingMethod = false; // an unknown method: 400 or 501 once more bytes tell
    QByteArray m_methodProbe;
    std::optional<HttpError>
        m_pendingError;        // found in a callback, applied after the size and syntax checks
    qsizetype m_bodyStart = 0; // in m_bytes, after the blank line
    // The request line, scanned once for the target's length (checkHeadSize).
    qsizetype m_headStart = -1;
    qsizetype m_scanPos = 0;
    qsizetype m_targetStart = -1;
    qsizetype m_targetEnd = -1;
    bool m_requestLineDone = false;
    qint64 m_bodyBytes = 0;
    QByteArray m_body;
};

} // namespace sse
