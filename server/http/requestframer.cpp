#include "requestframer.h"

#include "requestsyntax.h"

#include <http_parser.h>

#include <algorithm>

namespace sse {

// The C callbacks of http_parser, forwarding to the framer in parser->data.
struct FramerCallbacks
{
    static RequestFramer &framer(http_parser *parser)
    {
        return *static_cast<RequestFramer *>(parser->data);
    }

    static int onMessageBegin(http_parser *parser)
    {
        RequestFramer &f = framer(parser);
        f.m_messageBegun = true;
        f.m_headComplete = false;
        f.m_headOffered = false;
        f.m_headChecked = false;
        f.m_head = RequestHead{};
        f.m_field.clear();
        f.m_value.clear();
        f.m_inValue = false;
        f.m_pendingError.reset();
        f.m_headStart = -1;
        f.m_scanPos = 0;
        f.m_targetStart = -1;
        f.m_targetEnd = -1;
        f.m_requestLineDone = false;
        f.m_bodyBytes = 0;
        f.m_body.clear();
        return 0;
    }

    static int onUrl(http_parser *parser, const char *at, size_t length)
    {
        RequestFramer &f = framer(parser);
        f.m_head.target.append(at, qsizetype(length));
        return 0;
    }

    static int onHeaderField(http_parser *parser, const char *at, size_t length)
    {
        RequestFramer &f = framer(parser);
        if (parser->flags & F_TRAILING) {
            // Trailer fields would be headers a route never sees: refused rather than dropped.
            f.failLater(400, QStringLiteral("chunked body: trailer fields are not supported"));
            return -1;
        }
        if (f.m_inValue)
            f.finishHeaderLine();
        f.m_field.append(at, qsizetype(length));
        return 0;
    }

    static int onHeaderValue(http_parser *parser, const char *at, size_t length)
    {
        RequestFramer &f = framer(parser);
        f.m_inValue = true;
        f.m_value.append(at, qsizetype(length));
        return 0;
    }

    static int onHeadersComplete(http_parser *parser)
    {
        RequestFramer &f = framer(parser);
        if (f.m_inValue)
            f.finishHeaderLine();
        f.m_head.method = http_method_str(http_method(parser->method));
        f.m_head.httpMinor = parser->http_minor;
        f.m_headComplete = true;
        // Decided after the size checks on the raw bytes (see feed()), so a verdict here
        // waits in m_pendingError rather than becoming the error at once.
        std::optional<HttpError> error;
        std::swap(error, f.m_error);
        const bool ok = f.checkHead(parser->http_major);
        std::swap(error, f.m_error);
        if (ok) {
            // Stop here, so feed() learns where the head ends and checks it before the body.
            http_parser_pause(parser, 1);
            return 0;
        }
        f.m_pendingError = error;
        return -1;
    }

    static int onBody(http_parser *parser, const char *at, size_t length)
    {
        RequestFramer &f = framer(parser);
        f.m_bodyBytes += qint64(length);
        if (f.m_bodyBytes > f.m_limits.maxBodyBytes) {
            f.failLater(413, QStringLiteral("request body: larger than the limit of %1 bytes")
                                 .arg(f.m_limits.maxBodyBytes));
            return -1;
        }
        f.m_body.append(at, qsizetype(length)); // decoded: chunk framing is not passed here
        return 0;
    }

    static int onMessageComplete(http_parser *parser)
    {
        // Pausing makes http_parser_execute return right after this message's last byte,
        // which is how the framer learns where one request ends and the next begins.
        http_parser_pause(parser, 1);
        return 0;
    }

    static const http_parser_settings &settings()
    {
        static const http_parser_settings settings = [] {
            http_parser_settings s;
            http_parser_settings_init(&s);
            s.on_message_begin = onMessageBegin;
            s.on_url = onUrl;
            s.on_header_field = onHeaderField;
            s.on_header_value = onHeaderValue;
            s.on_headers_complete = onHeadersComplete;
            s.on_body = onBody;
            s.on_message_complete = onMessageComplete;
            return s;
        }();
        return settings;
    }
};

QByteArray RequestHead::value(QByteArrayView name) const
{
    return http::headerValue(headers, name);
}

RequestFramer::RequestFramer(Limits limits)
    : m_limits(limits)
    , m_parser(std::make_unique<http_parser>())
{
    http_parser_init(m_parser.get(), HTTP_REQUEST);
    m_parser->data = this;
}

RequestFramer::~RequestFramer() = default;

void RequestFramer::feed(QByteArrayView bytes)
{
    if (m_probingMethod) {
        failFromParser(bytes);
        return;
    }
    const char *data = bytes.data();
    size_t left = size_t(bytes.size());
    while (left > 0 && !m_error && !m_finished) {
        const size_t parsed =
            http_parser_execute(m_parser.get(), &FramerCallbacks::settings(), data, left);
        // Bytes before a request begins are the CRLFs http_parser skips (RFC 9112 2.2); Qt
        // skips them too, so they may travel with the request.
        m_bytes.append(data, qsizetype(parsed));
        if (!m_messageBegun)
            m_bytes.clear(); // only the blank lines before a request: not kept, not forwarded
        const QByteArrayView unparsed(data + parsed, qsizetype(left - parsed));
        data += parsed;
        left -= parsed;
        const http_errno status = HTTP_PARSER_ERRNO(m_parser.get());
        // The order of the checks does not depend on how the bytes were split into reads:
        // sizes first (on the raw bytes, as they arrive), then the head's syntax once it is
        // complete, then the rules found while parsing.
        if (m_headComplete && !m_headChecked) {
            // http_parser stopped on the head's last byte (paused in on_headers_complete, or
            // refused there); that byte is still unparsed.
            m_headChecked = true;
            const QByteArray head = m_bytes.sliced(headStart()) + unparsed.first(1).toByteArray();
            m_bodyStart = m_bytes.size() + 1;
            if (!checkHeadSize(head.size()) || !checkHeadSyntax(head))
                break;
            if (!m_pendingError && status == HPE_PAUSED) {
                http_parser_pause(m_parser.get(), 0);
                continue; // on to the body, from that last byte
            }
        } else if (m_messageBegun && !m_headComplete &&
                   !checkHeadSize(m_bytes.size() - headStart())) {
            break;
        }
        if (m_pendingError) {
            m_error = m_pendingError;
            break;
        }
        if (status == HPE_PAUSED) {
            if (m_head.chunked && !checkChunkedBody())
                break;
            FramedRequest request{std::move(m_head), std::move(m_bytes), std::move(m_body),
                                  http_should_keep_alive(m_parser.get()) != 0};
            m_bytes.clear();
            m_body.clear();
            m_head = RequestHead{};
            m_messageBegun = false;
            m_headComplete = false;
            m_finished = !request.keepAlive;
            m_complete.push_back(std::move(request));
            // An Upgrade this server ignores (h2c, say) leaves the connection in HTTP/1.1.
            m_parser->upgrade = 0;
            http_parser_pause(m_parser.get(), 0);
        } else if (status != HPE_OK) {
            failFromParser(unparsed);
            break;
        } else if (parsed == 0) {
            fail(400, QStringLiteral("the request could not be parsed"));
        }
    }
}

FramedRequest RequestFramer::takeRequest()
{
    FramedRequest request = std::move(m_complete.front());
    m_complete.pop_front();
    return request;
}

std::optional<RequestHead> RequestFramer::takeHeadAwaitingBody()
{
    if (!m_messageBegun || !m_headComplete || m_headOffered || m_error)
        return std::nullopt;
    m_headOffered = true;
    return m_head;
}

void RequestFramer::failLater(int status, const QString &message)
{
    if (!m_pendingError)
        m_pendingError = HttpError{status, message, {}, true};
}

void RequestFramer::fail(int status, const QString &message)
{
    if (m_error)
        return;
    m_error = HttpError{status, message, {}, true};
}

qsizetype RequestFramer::headStart()
{
    if (m_headStart < 0) {
        m_headStart = 0;
        while (m_headStart < m_bytes.size() &&
               (m_bytes.at(m_headStart) == '\r' || m_bytes.at(m_headStart) == '\n')) {
            ++m_headStart;
        }
        m_scanPos = m_headStart;
    }
    return m_headStart;
}

bool RequestFramer::checkHeadSize(qsizetype headBytes)
{
    // Incremental: each byte of the request line is looked at once, however slowly the
    // client sends it (a head fed byte by byte must not cost quadratic time).
    while (!m_requestLineDone && m_scanPos < m_bytes.size()) {
        const char c = m_bytes.at(m_scanPos++);
        if (m_targetStart < 0) {
            if (c == ' ')
                m_targetStart = m_scanPos;
            else if (c == '\n')
                m_requestLineDone = true;
        } else if (c == ' ' || c == '\r' || c == '\n') {
            m_targetEnd = m_scanPos - 1;
            m_requestLineDone = true;
        }
    }
    if (m_targetStart >= 0) {
        const qsizetype targetEnd = m_targetEnd >= 0 ? m_targetEnd : m_bytes.size();
        if (targetEnd - m_targetStart > m_limits.maxTargetBytes) {
            fail(414, QStringLiteral("request target: longer than the limit of %1 bytes")
                          .arg(m_limits.maxTargetBytes));
            return false;
        }
    }
    if (headBytes > m_limits.maxHeaderBytes) {
        fail(431, QStringLiteral("header section: larger than the limit of %1 bytes")
                      .arg(m_limits.maxHeaderBytes));
        return false;
    }
    return true;
}

void RequestFramer::finishHeaderLine()
{
    m_head.headers.append(qMakePair(m_field, m_value.trimmed()));
    m_field.clear();
    m_value.clear();
    m_inValue = false;
}

bool RequestFramer::checkHeadSyntax(QByteArrayView head)
{
    if (const std::optional<QString> error = headSyntaxError(head)) {
        fail(400, *error);
        return false;
    }
    return true;
}

bool RequestFramer::checkChunkedBody()
{
    if (const std::optional<QString> error =
            chunkedBodyError(QByteArrayView(m_bytes).sliced(m_bodyStart))) {
        fail(400, *error);
        return false;
    }
    return true;
}

void RequestFramer::failFromParser(QByteArrayView unparsed)
{
    const http_errno code = HTTP_PARSER_ERRNO(m_parser.get());
    if (m_messageBegun && !m_headComplete && !checkHeadSize(m_bytes.size() - headStart()))
        return; // the bytes up to the fault were already too many
    if (m_inValue && !m_probingMethod)
        finishHeaderLine();
    switch (code) {
    case HPE_INVALID_METHOD: {
        // Decided on the request line's first bytes, however they were split into reads.
        if (!m_probingMethod)
            m_methodProbe = m_bytes;
        m_methodProbe += unparsed.first(std::min<qsizetype>(MaxMethodLength + 8, unparsed.size()));
        const std::optional<QByteArray> method = unknownMethodToken(m_methodProbe);
        if (!method) {
            m_probingMethod = true; // the next bytes decide
            return;
        }
        m_probingMethod = false;
        if (!method->isEmpty()) {
            fail(501, QStringLiteral("method %1 is not implemented; use GET, HEAD, POST, DELETE "
                                     "or OPTIONS")
                          .arg(quoted(*method)));
        } else {
            fail(400, QStringLiteral("request line: the method is not a valid token"));
        }
        return;
    }
    case HPE_INVALID_VERSION:
        fail(400, QStringLiteral("request line: the HTTP version is malformed (expected "
                                 "HTTP/1.1)"));
        return;
    case HPE_INVALID_URL:
        fail(400, QStringLiteral("request line: the target is not a valid URL (spaces and "
                                 "control characters must be percent-encoded)"));
        return;
    case HPE_INVALID_HEADER_TOKEN:
        fail(400, QStringLiteral("header: invalid character in a field name or value"));
        return;
    case HPE_INVALID_CONSTANT:
    case HPE_LF_EXPECTED:
    case HPE_STRICT:
        fail(400, QStringLiteral("line ending: every line must end with CRLF"));
        return;
    case HPE_HEADER_OVERFLOW:
        fail(431, QStringLiteral("header section: larger than the limit of %1 bytes")
                      .arg(m_limits.maxHeaderBytes));
        return;
    case HPE_INVALID_CONTENT_LENGTH:
        fail(400, QStringLiteral("Content-Length: not a single decimal number"));
        return;
    case HPE_UNEXPECTED_CONTENT_LENGTH:
        if (!m_head.value("transfer-encoding").isEmpty()) {
            fail(400, QStringLiteral("Transfer-Encoding and Content-Length together: the body "
                                     "length is ambiguous (request smuggling)"));
        } else {
            fail(400, QStringLiteral("Content-Length: given more than once"));
        }
        return;
    case HPE_INVALID_CHUNK_SIZE:
        fail(400, QStringLiteral("chunked body: invalid chunk size (hexadecimal digits, then "
                                 "CRLF)"));
        return;
    case HPE_INVALID_TRANSFER_ENCODING:
        fail(501, QStringLiteral("Transfer-Encoding: only 'chunked' is implemented"));
        return;
    default:
        fail(400, QStringLiteral("malformed request: %1")
                      .arg(QString::fromLatin1(http_errno_description(code))));
        return;
    }
}

bool RequestFramer::checkHead(int httpMajor)
{
    if (httpMajor != 1) {
        fail(505, QStringLiteral("HTTP/%1.%2 is not supported; use HTTP/1.1")
                      .arg(httpMajor)
                      .arg(m_head.httpMinor));
        return false;
    }
    if (m_parser->method == HTTP_CONNECT) {
        fail(501, QStringLiteral("method 'CONNECT' is not implemented: this is not a proxy"));
        return false;
    }
    return checkBodyFraming() && checkExpectation() && checkUpgrade();
}

bool RequestFramer::checkBodyFraming()
{
    RequestHead &head = m_head;
    QList<QByteArray> codings;
    bool hasContentLength = false;
    int hostCount = 0;
    for (const auto &[field, value] : std::as_const(head.headers)) {
        if (field.compare("transfer-encoding", Qt::CaseInsensitive) == 0) {
            for (const QByteArray &coding : value.split(','))
                codings.append(coding.trimmed().toLower());
        } else if (field.compare("content-length", Qt::CaseInsensitive) == 0) {
            hasContentLength = true;
        } else if (field.compare("host", Qt::CaseInsensitive) == 0) {
            ++hostCount;
        }
    }
    if (hostCount > 1) {
        fail(400, QStringLiteral("Host: given more than once"));
        return false;
    }
    if (!codings.isEmpty())
        return checkTransferCodings(codings, hasContentLength);
    if (hasContentLength) {
        head.contentLength = qint64(m_parser->content_length);
        if (head.contentLength > m_limits.maxBodyBytes) {
            fail(413, QStringLiteral("request body: Content-Length %1 is larger than the limit "
                                     "of %2 bytes")
                          .arg(head.contentLength)
                          .arg(m_limits.maxBodyBytes));
            return false;
        }
    }
    return true;
}

bool RequestFramer::checkTransferCodings(const QList<QByteArray> &codings, bool hasContentLength)
{
    if (m_head.httpMinor == 0) {
        fail(400, QStringLiteral("Transfer-Encoding: not allowed in an HTTP/1.0 request"));
        return false;
    }
    if (hasContentLength) {
        fail(400, QStringLiteral("Transfer-Encoding and Content-Length together: the body "
                                 "length is ambiguous (request smuggling)"));
        return false;
    }
    for (const QByteArray &coding : codings) {
        if (coding != "chunked") {
            fail(501, QStringLiteral("Transfer-Encoding: only 'chunked' is implemented, not %1")
                          .arg(quoted(coding)));
            return false;
        }
    }
    if (codings.size() > 1) {
        fail(400, QStringLiteral("Transfer-Encoding: 'chunked' may be applied only once"));
        return false;
    }
    m_head.chunked = true;
    return true;
}

bool RequestFramer::checkExpectation()
{
    const QByteArray expect = m_head.value("expect");
    if (expect.isEmpty())
        return true;
    if (expect.compare("100-continue", Qt::CaseInsensitive) != 0) {
        fail(
            417,
            QStringLiteral("Expect: only '100-continue' is supported, not %1").arg(quoted(expect)));
        return false;
    }
    m_head.expectContinue = m_head.httpMinor >= 1;
    return true;
}

bool RequestFramer::checkUpgrade()
{
    // This server does not speak WebSocket: a handshake gets one clear answer, not a stream.
    // Every Connection and Upgrade line counts, not only the first of each.
    QByteArray connection;
    QByteArray upgrade;
    for (const auto &[field, value] : std::as_const(m_head.headers)) {
        if (field.compare("connection", Qt::CaseInsensitive) == 0)
            connection += value.toLower() + ',';
        else if (field.compare("upgrade", Qt::CaseInsensitive) == 0)
            upgrade += value.toLower() + ',';
    }
    if (connection.contains("upgrade") && upgrade.contains("websocket")) {
        fail(501, QStringLiteral("Upgrade: WebSocket is not implemented; open /events with "
                                 "EventSource (a plain GET)"));
        return false;
    }
    return true;
}

} // namespace sse
