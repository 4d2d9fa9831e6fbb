#pragma once

#include "servertypes.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace sse::ui {

// Export formats of the traffic log, and their readers so an export can be checked and reloaded.
// NDJSON: one JSON object per record and line. HAR 1.2: one entry per HTTP request, a stream
// being one entry whose response content is every event it received; the records themselves
// are kept whole in the custom "log._sseRecords" field, which importHar reads back.
QByteArray exportNdjson(const QList<sse::TrafficRecord> &records);
QList<sse::TrafficRecord> importNdjson(const QByteArray &ndjson, QString *error = nullptr);

QByteArray exportHar(const QList<sse::TrafficRecord> &records, const QString &serverUrl);
QList<sse::TrafficRecord> importHar(const QByteArray &har, QString *error = nullptr);

} // namespace sse::ui
