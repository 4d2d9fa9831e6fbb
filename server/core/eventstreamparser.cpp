#include "eventstreamparser.h"

namespace sse {

namespace {

bool isDigits(const QString &text)
{
    if (text.isEmpty())
        return false;
    for (const QChar c : text) {
        if (c < u'0' || c > u'9')
            return false;
    }
    return true;
}

} // namespace

bool EventStreamParser::feed(QByteArrayView bytes)
{
    if (!m_started) {
        // The BOM may itself arrive split: wait for three bytes before deciding.
        m_pending.append(bytes.data(), bytes.size());
        if (m_pending.size() < 3 && QByteArrayView("\xEF\xBB\xBF").startsWith(m_pending))
            return true;
        m_started = true;
        if (m_pending.startsWith("\xEF\xBB\xBF"))
            m_pending.remove(0, 3);
        const QByteArray first = std::exchange(m_pending, {});
        return feed(first);
    }
    qsizetype start = 0;
    if (m_skipLineFeed && !bytes.isEmpty()) {
        m_skipLineFeed = false;
        if (bytes.front() == '\n')
            start = 1;
    }
    for (qsizetype i = start; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (c != '\r' && c != '\n')
            continue;
        if (m_pending.isEmpty()) {
            processLine(bytes.sliced(start, i - start));
        } else {
            m_pending.append(bytes.data() + start, i - start);
            processLine(m_pending);
            m_pending.clear();
        }
        if (c == '\r') {
            if (i + 1 == bytes.size())
                m_skipLineFeed = true; // a LF may start the next chunk
            else if (bytes[i + 1] == '\n')
                ++i;
        }
        start = i + 1;
    }
    m_pending.append(bytes.data() + start, bytes.size() - start);
    return m_pending.size() <= MaxLineBytes && m_data.size() <= MaxLineBytes;
}

void EventStreamParser::processLine(QByteArrayView line)
{
    if (line.isEmpty()) {
        dispatch();
        return;
    }
    if (line.front() == ':') {
        ++m_comments;
        return;
    }
    const qsizetype colon = line.indexOf(':');
    const QByteArrayView field = colon < 0 ? line : line.first(colon);
    QByteArrayView value = colon < 0 ? QByteArrayView() : line.sliced(colon + 1);
    if (value.startsWith(' '))
        value = value.sliced(1);
    const QString text = QString::fromUtf8(value); // invalid UTF-8 becomes U+FFFD
    if (field == "event") {
        m_type = text;
    } else if (field == "data") {
        if (m_hasData)
            m_data += u'\n';
        m_data += text;
        m_hasData = true;
    } else if (field == "id") {
        if (!text.contains(QChar(0))) {
            m_id = text;
            m_hasId = true;
            m_lastEventId = text;
        }
    } else if (field == "retry") {
        if (isDigits(text))
            m_retry = text;
    }
}

void EventStreamParser::dispatch()
{
    if (m_hasData) {
        m_events.append(Event{m_type, m_data, m_id, m_hasId, m_retry, m_lastEventId});
    } else if (!m_retry.isEmpty()) {
        m_loneRetry = m_retry;
    }
    m_type.clear();
    m_data.clear();
    m_hasData = false;
    m_id.clear();
    m_hasId = false;
    m_retry.clear();
}

std::optional<ScenarioStep> scenarioStepFor(const EventStreamParser::Event &event)
{
    ScenarioStep step;
    step.hasData = true;
    step.event.data = event.data;
    step.event.event = event.type == DefaultEventType ? QString() : event.type;
    step.event.id = event.hasId ? event.id : QString();
    step.event.retry = event.retry;
    if (validateEvent(step.event))
        return std::nullopt;
    return step;
}

} // namespace sse
