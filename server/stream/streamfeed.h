#pragma once

#include <QByteArray>

#include <deque>

namespace sse {

// Bytes a stream sends before whatever is written to it after the feed began, pulled a
// bounded page at a time as the socket drains (StreamHub::feed): a Last-Event-ID replay
// read from the history, so that a replay of any size holds little memory and never makes
// the event loop wait.
class StreamFeed
{
public:
    virtual ~StreamFeed() = default;
    // Appends the next bytes to out, about maxBytes of them, whole events; false when the
    // feed is over (out may still have got a last page).
    virtual bool next(qint64 maxBytes, std::deque<QByteArray> &out) = 0;
};

} // namespace sse
