#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace sse {

// The line syntax of RFC 9112 that Debian's libhttp-parser (built non-strict) leaves unchecked,
// as pure functions of the bytes, for RequestFramer. Each error is the sentence a 400 carries.

constexpr qsizetype MaxMethodLength = 32;

// tchar of RFC 9110 5.6.2.
bool isTokenChar(char c);
// "FOO /x HTTP/1.1": a well-formed method http_parser does not know gets 501, not 400. Returns
// the method, an empty array for 400, or nullopt while the bytes so far cannot tell.
std::optional<QByteArray> unknownMethodToken(QByteArrayView requestStart);
// Text from the request for an error message: quoted, and at most 100 bytes of it.
QString quoted(const QByteArray &text);

// A complete header section, blank line included: nullopt when every line is well formed.
std::optional<QString> headSyntaxError(QByteArrayView head);
// A whole chunked body: HEXDIG+ [; ext] CRLF, the data, CRLF, ..., then "0" CRLF CRLF
// (trailers are refused while parsing). The non-strict parser takes any byte where a chunk's
// CRLF belongs ("5\r\x80hello"), so the framing is checked once the body is complete.
std::optional<QString> chunkedBodyError(QByteArrayView body);

} // namespace sse
