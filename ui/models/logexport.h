#pragma once

#include "servertypes.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace sse::ui {

// Export formats of the traffic log, and their readers so an export can be checked and reloaded.
// NDJSON: one JSON object per record and line. HAR 1.2: one entry per record, with the SSE
// details in the "_sse" custom field and the raw bytes as the response content.
QByteArray exportNdjson(const QList<sse::TrafficRecord> &records);
QList<sse::TrafficRecord> importNdjson(const QByteArray &ndjson, QString *error = nullptr);

QByteArray exportHar(const QList<sse::TrafficRecord> &records, const QString &serverUrl);
QList<sse::TrafficRecord> importHar(const QByteArray &har, QString *error = nullptr);

} // namespace sse::ui
