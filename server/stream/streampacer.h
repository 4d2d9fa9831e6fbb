#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>
#include <unordered_map>

namespace sse {

class StreamHub;

// Time for the streams that faults slow down: holds that end at a deadline (a stall, a delayed
// response head) and throttles (drip). One timer serves every paced stream, and the bytes wait
// in the hub's own queues, so a paced stream costs a map entry and no thread or timer of its
// own. Streams that are not paced never meet this class.
class StreamPacer : public QObject
{
    Q_OBJECT

public:
    explicit StreamPacer(StreamHub &hub, QObject *parent = nullptr);
    ~StreamPacer() override;

    // Holds the stream for ms, then calls onDue (once; never after cancel()). A stream has at
    // most one deadline: a new one replaces the old without calling it.
    void holdFor(int handle, qint64 ms, std::function<void()> onDue);
    // Ends a hold now without calling its onDue.
    void endHold(int handle);
    // Lets at most bytesPerSecond of the stream out; 0 lifts the throttle.
    void throttle(int handle, qint64 bytesPerSecond);
    // Forgets the stream and lets it go: its queue leaves at full speed. Call it before the
    // hub closes or reuses the handle.
    void cancel(int handle);
    void clear();
    bool isPaced(int handle) const { return m_streams.count(handle) != 0; }

private:
    struct Paced
    {
        qint64 dueMs = -1; // on m_clock; -1 when not held
        std::function<void()> onDue;
        qint64 bytesPerSecond = 0; // 0 when not throttled
        double credit = 0;         // bytes it may send now
        qint64 creditedAtMs = 0;   // when the credit was last topped up
    };

    void update(int handle); // the hub's hold, the entry's life, the timer
    void schedule();
    void onTimer();

    StreamHub &m_hub;
    std::unordered_map<int, Paced> m_streams;
    QTimer m_timer;
    QElapsedTimer m_clock;
};

} // namespace sse
