#pragma once

#include <cstdint>
#include <string_view>

// The parts of an HTTP/1.x response head the load generator acts on.
struct ResponseHead
{
    int status = 0;
    bool chunked = false;
    bool connectionClose = false;
    int64_t contentLength = -1; // -1: not given
};

// Parses a response head (status line and header lines, without the final blank line).
// Returns false when the status line is malformed.
bool parseResponseHead(std::string_view head, ResponseHead &out);

// Position just past the blank line ending the head in buffer, or 0 when it is not complete
// yet. searchFrom lets callers skip bytes already searched.
size_t findHeadEnd(std::string_view buffer, size_t searchFrom);
