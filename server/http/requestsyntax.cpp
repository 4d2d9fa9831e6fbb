#include "requestsyntax.h"

#include <QList>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace sse {

bool isTokenChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

std::optional<QByteArray> unknownMethodToken(QByteArrayView requestStart)
{
    while (requestStart.startsWith('\r') || requestStart.startsWith('\n'))
        requestStart = requestStart.sliced(1);
    for (qsizetype i = 0; i < requestStart.size() && i <= MaxMethodLength; ++i) {
        const char c = requestStart.at(i);
        if (!isTokenChar(c))
            return c == ' ' && i > 0 ? requestStart.first(i).toByteArray() : QByteArray();
    }
    if (requestStart.size() > MaxMethodLength)
        return QByteArray();
    return std::nullopt;
}

namespace {

// METHOD SP request-target SP HTTP/D.D, with a target of visible ASCII (RFC 9112 3).
bool isValidRequestLine(const QByteArray &line)
{
    const QList<QByteArray> parts = line.split(' ');
    if (parts.size() != 3 || parts.at(0).isEmpty() || parts.at(1).isEmpty())
        return false;
    if (!std::all_of(parts.at(0).cbegin(), parts.at(0).cend(), isTokenChar))
        return false;
    if (!std::all_of(parts.at(1).cbegin(), parts.at(1).cend(),
                     [](char c) { return uchar(c) > 0x20 && uchar(c) < 0x7f; })) {
        return false;
    }
    const QByteArray &version = parts.at(2);
    return version.size() == 8 && version.startsWith("HTTP/") && std::isdigit(uchar(version[5])) &&
           version[6] == '.' && std::isdigit(uchar(version[7]));
}

} // namespace

QString quoted(const QByteArray &text)
{
    return QStringLiteral("'%1'").arg(QString::fromLatin1(text.left(100)));
}

std::optional<QString> headSyntaxError(QByteArrayView head)
{
    // Debian builds libhttp-parser with HTTP_PARSER_STRICT=0 (its "library" target), which
    // lets "HTTX/1.1", spaces in field names, bare CRs and raw non-ASCII targets through.
    // The parser still frames the message; the line syntax of RFC 9112 is checked here.
    // Lines end with CRLF, or a bare LF (RFC 9112 2.2 allows either); an empty line ends it.
    qsizetype blankLine = 0;
    if (head.endsWith("\r\n\r\n") || head.endsWith("\n\r\n"))
        blankLine = 2;
    else if (head.endsWith("\n\n"))
        blankLine = 1;
    if (blankLine == 0) {
        return QStringLiteral("line ending: the header section must end with an empty line "
                              "(CRLF)");
    }
    QByteArray content = head.chopped(blankLine + 1).toByteArray(); // and the last line's LF
    if (content.endsWith('\r'))
        content.chop(1);
    const QList<QByteArray> lines = content.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QByteArray line = lines.at(i);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.contains('\r')) {
            return QStringLiteral("line ending: a CR must be followed by LF");
        }
        if (i == 0) {
            if (!isValidRequestLine(line)) {
                return QStringLiteral("request line: expected 'METHOD TARGET HTTP/1.1', "
                                      "single spaces, a target of visible ASCII");
            }
            continue;
        }
        if (line.startsWith(' ') || line.startsWith('\t')) {
            // http_parser joins such a line to the one before (obs-fold); another reader may
            // read it differently, and the two must never disagree on a header. RFC 9112 5.2.
            return QStringLiteral("header: a line starts with whitespace (obsolete line "
                                  "folding)");
        }
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = line.left(colon);
        if (colon <= 0 || !std::all_of(name.cbegin(), name.cend(), isTokenChar)) {
            return QStringLiteral("header: field name %1 is not a token (no spaces, no "
                                  "separators, then a colon)")
                .arg(quoted(name.left(40)));
        }
        const QByteArray value = line.mid(colon + 1);
        if (std::any_of(value.cbegin(), value.cend(), [](char c) {
                return (uchar(c) < 0x20 && c != '\t') || uchar(c) == 0x7f;
            })) {
            return QStringLiteral("header: field %1 has a control character in its value")
                .arg(quoted(name));
        }
    }
    return std::nullopt;
}

std::optional<QString> chunkedBodyError(QByteArrayView body)
{
    qsizetype at = 0;
    for (;;) {
        const qsizetype lineEnd = body.indexOf("\r\n", at);
        const QByteArrayView line = lineEnd < 0 ? QByteArrayView() : body.sliced(at, lineEnd - at);
        const qsizetype semicolon = line.indexOf(';');
        const QByteArrayView digits = semicolon < 0 ? line : line.first(semicolon);
        bool ok = !digits.isEmpty() && digits.size() <= 15 &&
                  std::all_of(digits.cbegin(), digits.cend(),
                              [](char c) { return std::isxdigit(uchar(c)) != 0; }) &&
                  std::none_of(line.cbegin(), line.cend(), [](char c) {
                      return (uchar(c) < 0x20 && c != '\t') || uchar(c) == 0x7f;
                  });
        const qint64 size = ok ? digits.toByteArray().toLongLong(&ok, 16) : 0;
        if (!ok) {
            return QStringLiteral("chunked body: invalid chunk size line (hexadecimal digits, "
                                  "then CRLF)");
        }
        at = lineEnd + 2;
        if (size == 0) {
            if (body.sliced(at) == "\r\n")
                return std::nullopt;
            return QStringLiteral("chunked body: the last chunk must end with CRLF CRLF");
        }
        at += size;
        if (at + 2 > body.size() || body.sliced(at, 2) != "\r\n") {
            return QStringLiteral("chunked body: chunk data must be followed by CRLF");
        }
        at += 2;
    }
}

} // namespace sse
