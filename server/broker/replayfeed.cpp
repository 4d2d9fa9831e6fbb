#include "replayfeed.h"

namespace sse {

ReplayFeed::ReplayFeed(const EventLog &log, EventLog::ReplayCursor cursor, QStringList channels,
                       QString lastEventId, bool control, Progress progress)
    : m_log(log)
    , m_cursor(cursor)
    , m_channels(std::move(channels))
    , m_lastEventId(std::move(lastEventId))
    , m_control(control)
    , m_progress(std::move(progress))
{}

bool ReplayFeed::next(qint64 maxBytes, std::deque<QByteArray> &out)
{
    if (m_cursor.done())
        return false;
    const EventLog::ReplayPage page = m_log.replayPage(m_cursor, m_channels, maxBytes);
    const size_t first = out.size();
    if (page.lost) {
        const HistoryGap gap{QStringLiteral("evicted"), m_lastEventId, page.oldestId};
        out.push_back(gap.comment());
        if (m_control)
            out.push_back(gap.controlEvent());
    }
    out.insert(out.end(), page.events.cbegin(), page.events.cend());
    qint64 bytes = 0;
    for (size_t i = first; i < out.size(); ++i)
        bytes += out[i].size();
    if (!page.events.isEmpty())
        m_lastEventId = page.lastId;
    if (bytes > 0)
        m_progress(bytes, int(page.events.size()), m_lastEventId);
    return !m_cursor.done();
}

} // namespace sse
