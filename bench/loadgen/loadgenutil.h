#pragma once

// Helpers the files of LoadGenerator share (internal to the load generator).

#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>

namespace loadgen {

constexpr uint64_t kPublisherTag = UINT64_MAX;           // epoll data of the publisher connection
constexpr uint64_t kH2ConnectionTag = uint64_t{1} << 40; // | index: an HTTP/2 connection
constexpr size_t kMaxHeadBytes = 16 * 1024;              // of a response head

inline int64_t monotonicNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

inline std::string errnoText(int error)
{
    return std::strerror(error);
}

// Why a non-blocking connect() that epoll reported on failed ("connect: ..."), or empty when
// it did not.
inline std::string connectFailure(int fd, uint32_t events)
{
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error == 0 && (events & (EPOLLERR | EPOLLHUP)) == 0)
        return {};
    return "connect: " + errnoText(error != 0 ? error : ECONNRESET);
}

// Parses an unsigned decimal number at text[pos...], advancing pos. False when no digit.
inline bool parseDecimal(std::string_view text, size_t &pos, uint64_t &value)
{
    const size_t start = pos;
    value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        value = value * 10 + static_cast<uint64_t>(text[pos] - '0');
        ++pos;
    }
    return pos > start && pos - start <= 19;
}

} // namespace loadgen
