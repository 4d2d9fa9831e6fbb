#include "httphead.h"

#include <cctype>
#include <string>

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

bool containsIgnoreCase(std::string_view haystack, std::string_view needle)
{
    if (needle.size() > haystack.size()) {
        return false;
    }
    for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
        if (equalsIgnoreCase(haystack.substr(i, needle.size()), needle)) {
            return true;
        }
    }
    return false;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

} // namespace

bool parseResponseHead(std::string_view head, ResponseHead &out)
{
    out = ResponseHead{};
    size_t lineEnd = head.find('\n');
    std::string_view statusLine = trim(head.substr(0, lineEnd));
    // "HTTP/1.1 200 OK"
    if (statusLine.size() < 12 || statusLine.substr(0, 5) != "HTTP/" || statusLine[8] != ' ') {
        return false;
    }
    int status = 0;
    for (size_t i = 9; i < 12; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(statusLine[i]))) {
            return false;
        }
        status = status * 10 + (statusLine[i] - '0');
    }
    out.status = status;
    if (statusLine.substr(5, 3) == "1.0") {
        out.connectionClose = true;
    }

    while (lineEnd != std::string_view::npos) {
        const size_t start = lineEnd + 1;
        lineEnd = head.find('\n', start);
        const std::string_view line = head.substr(
            start, lineEnd == std::string_view::npos ? head.size() - start : lineEnd - start);
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos) {
            continue;
        }
        const std::string_view name = trim(line.substr(0, colon));
        const std::string_view value = trim(line.substr(colon + 1));
        if (equalsIgnoreCase(name, "transfer-encoding")) {
            out.chunked = containsIgnoreCase(value, "chunked");
        } else if (equalsIgnoreCase(name, "content-length")) {
            int64_t length = 0;
            for (const char c : value) {
                if (!std::isdigit(static_cast<unsigned char>(c)) || length > (INT64_MAX / 10)) {
                    return false;
                }
                length = length * 10 + (c - '0');
            }
            out.contentLength = length;
        } else if (equalsIgnoreCase(name, "connection")) {
            if (containsIgnoreCase(value, "close")) {
                out.connectionClose = true;
            } else if (containsIgnoreCase(value, "keep-alive")) {
                out.connectionClose = false;
            }
        }
    }
    return true;
}

size_t findHeadEnd(std::string_view buffer, size_t searchFrom)
{
    const size_t from = searchFrom > 3 ? searchFrom - 3 : 0;
    const size_t pos = buffer.find("\r\n\r\n", from);
    return pos == std::string_view::npos ? 0 : pos + 4;
}
