#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// Incremental decoder for HTTP/1.1 chunked transfer coding. nginx streams responses of unknown
// length to HTTP/1.1 clients this way, so Nchan's EventSource streams arrive chunked.
// Chunk extensions and trailers are skipped.
class ChunkedDecoder
{
public:
    enum class Status { Ok, Finished, Error };

    // Feeds raw body bytes; calls sink(const char *, size_t) with the decoded payload.
    template<class Sink>
    Status feed(const char *p, size_t n, Sink &&sink)
    {
        size_t i = 0;
        while (i < n) {
            switch (m_state) {
            case State::Size: {
                const char c = p[i++];
                const int digit = hexValue(c);
                if (digit >= 0) {
                    if (m_size > (UINT64_MAX >> 4)) {
                        return Status::Error;
                    }
                    m_size = (m_size << 4) | static_cast<uint64_t>(digit);
                    m_sawDigit = true;
                } else if (c == ';') {
                    m_state = State::Extension;
                } else if (c == '\n') {
                    if (!m_sawDigit) {
                        return Status::Error;
                    }
                    startChunk();
                } else if (c != '\r' && c != ' ' && c != '\t') {
                    return Status::Error;
                }
                break;
            }
            case State::Extension:
                if (p[i++] == '\n') {
                    startChunk();
                }
                break;
            case State::Data: {
                const size_t take = static_cast<size_t>(std::min<uint64_t>(n - i, m_remaining));
                sink(p + i, take);
                i += take;
                m_remaining -= take;
                if (m_remaining == 0) {
                    m_state = State::DataEnd;
                }
                break;
            }
            case State::DataEnd: {
                const char c = p[i++];
                if (c == '\n') {
                    m_state = State::Size;
                    m_size = 0;
                    m_sawDigit = false;
                } else if (c != '\r') {
                    return Status::Error;
                }
                break;
            }
            case State::Trailer: {
                const char c = p[i++];
                if (c == '\n') {
                    if (m_trailerLineLength == 0) {
                        m_state = State::Done;
                        return Status::Finished;
                    }
                    m_trailerLineLength = 0;
                } else if (c != '\r') {
                    ++m_trailerLineLength;
                }
                break;
            }
            case State::Done:
                return Status::Finished;
            }
        }
        return m_state == State::Done ? Status::Finished : Status::Ok;
    }

    bool finished() const { return m_state == State::Done; }

private:
    enum class State : uint8_t { Size, Extension, Data, DataEnd, Trailer, Done };

    static int hexValue(char c)
    {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    void startChunk()
    {
        if (m_size == 0) {
            m_state = State::Trailer;
            m_trailerLineLength = 0;
        } else {
            m_remaining = m_size;
            m_state = State::Data;
        }
    }

    uint64_t m_size = 0;
    uint64_t m_remaining = 0;
    uint32_t m_trailerLineLength = 0;
    State m_state = State::Size;
    bool m_sawDigit = false;
};

// Incremental text/event-stream parser following the WHATWG algorithm for what the load
// generator needs: lines end with CRLF, LF or CR (also when split across reads), comments are
// skipped, `data:` lines are joined with LF and an event is dispatched on a blank line when
// its data buffer is non-empty. Other fields (event, id, retry) are ignored.
class SseParser
{
public:
    // Lines or events larger than this are a protocol error for the benchmark (bounds memory).
    static constexpr size_t kMaxLine = 1 << 20;

    // Calls onData(std::string_view data) for every dispatched event. Returns false when a
    // line or event exceeds kMaxLine.
    template<class OnData>
    bool feed(const char *p, size_t n, OnData &&onData)
    {
        const char *end = p + n;
        if (m_skipLf && p < end) {
            if (*p == '\n') {
                ++p;
            }
            m_skipLf = false;
        }
        while (p < end) {
            const char *eol = p;
            while (eol < end && *eol != '\n' && *eol != '\r') {
                ++eol;
            }
            if (eol == end) {
                m_line.append(p, end);
                return m_line.size() <= kMaxLine;
            }
            if (m_line.empty()) {
                processLine(std::string_view(p, static_cast<size_t>(eol - p)), onData);
            } else {
                m_line.append(p, eol);
                processLine(std::string_view(m_line), onData);
                m_line.clear();
            }
            if (m_data.size() > kMaxLine) {
                return false;
            }
            p = eol + 1;
            if (*eol == '\r') {
                // CRLF counts as one line end, even when the LF comes in the next read.
                if (p < end) {
                    if (*p == '\n') {
                        ++p;
                    }
                } else {
                    m_skipLf = true;
                }
            }
        }
        return true;
    }

private:
    template<class OnData>
    void processLine(std::string_view line, OnData &onData)
    {
        if (line.empty()) {
            if (m_hasData) {
                onData(std::string_view(m_data));
                m_data.clear();
                m_hasData = false;
            }
            return;
        }
        if (line.front() == ':') {
            return; // comment, e.g. heartbeat
        }
        const size_t colon = line.find(':');
        const std::string_view field = line.substr(0, colon);
        if (field != "data") {
            return;
        }
        std::string_view value;
        if (colon != std::string_view::npos) {
            value = line.substr(colon + 1);
            if (!value.empty() && value.front() == ' ') {
                value.remove_prefix(1);
            }
        }
        if (m_hasData) {
            m_data.push_back('\n');
        }
        m_data.append(value);
        m_hasData = true;
    }

    std::string m_line; // partial line carried over from the previous read
    std::string m_data; // data buffer of the event being parsed
    bool m_hasData = false;
    bool m_skipLf = false;
};
