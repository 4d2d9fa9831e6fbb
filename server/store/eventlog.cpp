#include "eventlog.h"

namespace sse {

void EvictedIds::add(const QString &id, size_t limit)
{
    if (m_ids.contains(id))
        return;
    m_ids.insert(id);
    m_order.push_back(id);
    while (m_order.size() > limit) {
        m_ids.remove(m_order.front());
        m_order.pop_front();
    }
}

} // namespace sse
