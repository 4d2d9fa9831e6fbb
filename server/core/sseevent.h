#pragma once

#include <QByteArray>
#include <QString>

class QJsonObject;

#include <optional>

namespace sse {

// One event as an operator or publisher describes it, before the server assigns an id.
struct SseEvent
{
    QString event;   // empty means the default type, "message"
    QString id;      // empty means "let the server assign one"
    QString data;    // any text; line breaks become several data: lines
    QString retry;   // empty or ASCII digits (milliseconds)
    QString channel; // empty means the default channel
};

// Names the offending field and says why, so every front end can show the same sentence.
struct ValidationError
{
    QString field;
    QString reason;

    QString message() const;
};

inline constexpr int MaxEventNameLength = 256;
inline constexpr int MaxIdLength = 256;
inline constexpr int MaxRetryDigits = 10;
inline constexpr int MaxChannelLength = 64;
inline const QString DefaultChannel = QStringLiteral("default");
inline const QString DefaultEventType = QStringLiteral("message");
// Control events the server itself sends; publishers may not use this prefix.
inline const QString ReservedEventPrefix = QStringLiteral("dashboard.");

// UTF-8 to text keeping a U+FEFF at the start, which QString::fromUtf8 drops: event data may
// begin with one, and must arrive as it was published.
QString utf8KeepingByteOrderMark(QByteArrayView utf8);

std::optional<ValidationError> validateEventName(const QString &event);
std::optional<ValidationError> validateId(const QString &id);
std::optional<ValidationError> validateRetry(const QString &retry);
std::optional<ValidationError> validateChannel(const QString &channel);
// Checks every field; the first failing one is reported.
std::optional<ValidationError> validateEvent(const SseEvent &event);

// Encodes a valid event as text/event-stream bytes, ending with the blank line that dispatches
// it. Data is split on CRLF, LF and lone CR so no line break can inject a field.
QByteArray encodeEvent(const SseEvent &event);
// The server's own events (dashboard.*): JSON data and no id, so a client's last event id is
// untouched.
QByteArray encodeControlEvent(const QString &name, const QJsonObject &data,
                              const QString &retry = {});
// Encodes a comment (": text"), itself split on line breaks, followed by a blank line.
QByteArray encodeComment(const QString &text);

} // namespace sse
