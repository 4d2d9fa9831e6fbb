#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <variant>

namespace sse {

// The ways a fault can break a stream (docs/faults.md).
enum class FaultKind {
    Close,       // a clean FIN now
    Reset,       // an RST now
    CutMidEvent, // the next event only in part, then FIN
    Stall,       // nothing sent for a while; what is published queues meanwhile
    Drip,        // the stream throttled to some bytes per second
    DropEvents,  // every Nth event skipped
    Malformed,   // the next event sent with a framing flaw
    Retry,       // "retry: ms" sent now
    Status,      // new connections answered with another status
    DelayAccept, // new connections' response head held back
};

// The framing flaws of the malformed kind.
enum class MalformedVariant {
    CrLineEndings, // every LF of the event becomes CR
    Bom,           // a byte-order mark before the event (only the stream's first one is skipped)
    LoneCr,        // a CR in the middle of the first data line
    InvalidUtf8,   // bytes 0xFF 0xFE in the first data line
    NoColon,       // a "data" line with no colon before the event's fields
};

struct FaultTarget
{
    enum class Kind { Client, Channel, NewConnections };
    Kind kind = Kind::Client;
    quint64 clientId = 0; // for Client
    QString channel;      // for Channel
};

// One fault as it is asked for: the API, --fault, the Faults dock and the chaos preset all
// describe faults with this, and parseFaultSpec() is the one reader of its JSON form.
struct FaultSpec
{
    FaultKind kind = FaultKind::Close;
    FaultTarget target;
    // Parameters; each kind reads only its own.
    qint64 stallMs = 0;        // stall: "seconds" (fractions allowed)
    qint64 bytesPerSecond = 0; // drip
    int every = 0;             // drop-events
    MalformedVariant variant = MalformedVariant::CrLineEndings; // malformed
    int ms = 0;                                                 // retry, delay-accept
    int status = 0;                                             // status
    int retryAfterSeconds = -1; // status: the Retry-After header, -1 for none
    QString location;           // status 3xx: the Location header
    // One-shot: each target is hit once (for new connections: the next one), then the fault is
    // done. Otherwise it lasts until removed or durationSeconds (0: no end).
    bool oneShot = true;
    int durationSeconds = 0;

    // Applies to new connections only (the response head is what it changes).
    bool isAdmissionKind() const
    {
        return kind == FaultKind::Status || kind == FaultKind::DelayAccept;
    }
    bool endsStream() const
    {
        return kind == FaultKind::Close || kind == FaultKind::Reset ||
               kind == FaultKind::CutMidEvent;
    }
};

inline constexpr int MaxFaultDurationSeconds = 86400;
inline constexpr qint64 MaxStallMs = 3600 * 1000;
inline constexpr int MaxDelayAcceptMs = 300 * 1000;

QString faultKindName(FaultKind kind);
QStringList faultKindNames();
QString malformedVariantName(MalformedVariant variant);
QStringList malformedVariantNames();
// The kinds that hit a stream once by default and may be one-shot (the Faults dock and the
// clients' "Break this stream" menu offer these).
bool isOneShotByDefault(FaultKind kind);

// Reads a fault from its JSON object (docs/faults.md); on error a sentence naming the field.
std::variant<FaultSpec, QString> parseFaultSpec(const QJsonObject &object);
// The same from JSON text, as --fault and the request body give it.
std::variant<FaultSpec, QString> parseFaultSpec(const QByteArray &json);
QJsonObject faultSpecJson(const FaultSpec &spec);
// A --fault spec, installed before anyone connects: parseFaultSpec's sentence, or why a
// client target can't be used there; empty when it is fine.
QString checkStartFault(const QString &json);
// "drip 100 B/s", "malformed (bom)", "status 503, Retry-After 5"
QString faultLabel(const FaultSpec &spec);
// "client 7", "channel news", "new connections"
QString faultTargetText(const FaultTarget &target);

// A fault on the server, for GET /api/faults and the dashboard.
struct FaultInfo
{
    quint64 id = 0;
    FaultSpec spec;
    QString origin;          // "api", "dashboard", "command line", "chaos"
    QDateTime expiresAt;     // invalid when it has no duration
    qint64 remainingMs = -1; // until it expires; -1 when it has no duration
    quint64 applied = 0;     // streams or connections it has hit so far
    QList<quint64> affected; // clients it is acting on now
};

QJsonObject faultInfoJson(const FaultInfo &info);

// The chaos preset: random one-shot faults on random clients, bounded.
struct ChaosOptions
{
    int faultsPerMinute = 6;
    int maxFaults = 50; // then it stops by itself
    QList<FaultKind> kinds = defaultKinds();
    quint32 seed = 0; // 0: a random seed

    static constexpr int MaxFaultsPerMinute = 600;
    static constexpr int MaxTotalFaults = 10000;
    QString validate() const;
    // close, reset, cut-mid-event, malformed and stall.
    static QList<FaultKind> defaultKinds();
};

struct ChaosState
{
    bool running = false;
    ChaosOptions options;
    int faultsApplied = 0;
};

} // namespace sse

Q_DECLARE_METATYPE(sse::FaultSpec)
Q_DECLARE_METATYPE(sse::ChaosOptions)
