#include "faultspec.h"

#include "requestparsers.h"
#include "sseevent.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QUrl>

#include <cmath>

namespace sse {

namespace {

struct KindName
{
    FaultKind kind;
    const char *name;
    const char *parameters; // the fields this kind takes besides the common ones
};

constexpr KindName Kinds[] = {
    {FaultKind::Close, "close", ""},
    {FaultKind::Reset, "reset", ""},
    {FaultKind::CutMidEvent, "cut-mid-event", ""},
    {FaultKind::Stall, "stall", "seconds"},
    {FaultKind::Drip, "drip", "bytesPerSecond"},
    {FaultKind::DropEvents, "drop-events", "every"},
    {FaultKind::Malformed, "malformed", "variant"},
    {FaultKind::Retry, "retry", "ms"},
    {FaultKind::Status, "status", "status,retryAfter,location"},
    {FaultKind::DelayAccept, "delay-accept", "ms"},
};

constexpr std::pair<MalformedVariant, const char *> Variants[] = {
    {MalformedVariant::CrLineEndings, "cr-line-endings"},
    {MalformedVariant::Bom, "bom"},
    {MalformedVariant::LoneCr, "lone-cr"},
    {MalformedVariant::InvalidUtf8, "invalid-utf8"},
    {MalformedVariant::NoColon, "no-colon"},
};

const QStringList CommonFields{QStringLiteral("kind"),    QStringLiteral("client"),
                               QStringLiteral("channel"), QStringLiteral("scope"),
                               QStringLiteral("oneShot"), QStringLiteral("durationSeconds")};

const KindName &kindEntry(FaultKind kind)
{
    for (const KindName &entry : Kinds) {
        if (entry.kind == kind)
            return entry;
    }
    return Kinds[0];
}

// A whole number in [minimum, maximum] from a JSON number, or a sentence naming the field.
std::variant<qint64, QString> wholeNumber(const QJsonObject &object, const QString &field,
                                          qint64 minimum, qint64 maximum)
{
    const QJsonValue value = object.value(field);
    const double number = value.toDouble(std::nan(""));
    if (!value.isDouble() || std::floor(number) != number || number < double(minimum) ||
        number > double(maximum)) {
        return QStringLiteral("%1: must be a whole number from %2 to %3")
            .arg(field)
            .arg(minimum)
            .arg(maximum);
    }
    return qint64(number);
}

QString readTarget(const QJsonObject &object, FaultSpec &spec)
{
    const bool hasClient = object.contains(QStringLiteral("client"));
    const bool hasChannel = object.contains(QStringLiteral("channel"));
    const bool hasScope = object.contains(QStringLiteral("scope"));
    if (int(hasClient) + int(hasChannel) + int(hasScope) > 1)
        return QStringLiteral("target: give one of client, channel or scope");
    if (spec.isAdmissionKind()) {
        if (hasClient || hasChannel) {
            return QStringLiteral("scope: %1 changes how new connections are answered; give "
                                  "\"scope\": \"new-connections\"")
                .arg(faultKindName(spec.kind));
        }
        spec.target.kind = FaultTarget::Kind::NewConnections;
    }
    if (hasScope) {
        if (object.value(QStringLiteral("scope")) != QStringLiteral("new-connections"))
            return QStringLiteral("scope: must be \"new-connections\"");
        spec.target.kind = FaultTarget::Kind::NewConnections;
    } else if (hasClient) {
        // Accepted as a number or as the string of one, as /api/clients' ids are given.
        const QJsonValue value = object.value(QStringLiteral("client"));
        bool ok = value.isString();
        const quint64 id = ok ? value.toString().toULongLong(&ok) : 0;
        const double number = value.toDouble(-1);
        spec.target.kind = FaultTarget::Kind::Client;
        if (ok && id > 0)
            spec.target.clientId = id;
        else if (value.isDouble() && number >= 1 && number < 9e15 && std::floor(number) == number)
            spec.target.clientId = quint64(number);
        else
            return QStringLiteral("client: must be a client id (a whole number from 1)");
    } else if (hasChannel) {
        const QString channel = object.value(QStringLiteral("channel")).toString();
        if (channel.isEmpty())
            return QStringLiteral("channel: must be a channel name");
        if (auto failure = validateChannel(channel))
            return QStringLiteral("%1: %2").arg(failure->field, failure->reason);
        spec.target.kind = FaultTarget::Kind::Channel;
        spec.target.channel = channel;
    } else if (!spec.isAdmissionKind()) {
        return QStringLiteral("target: give \"client\": ID, \"channel\": NAME or \"scope\": "
                              "\"new-connections\"");
    }
    return {};
}

// The whole number in field, within [minimum, maximum], into *target; or why not.
template<typename Number>
QString readRequiredNumber(const QJsonObject &object, const QString &field, qint64 minimum,
                           qint64 maximum, const FaultSpec &spec, Number *target)
{
    if (!object.contains(field))
        return QStringLiteral("%1: missing; %2 needs it").arg(field, faultKindName(spec.kind));
    auto parsed = wholeNumber(object, field, minimum, maximum);
    if (const auto *failure = std::get_if<QString>(&parsed))
        return *failure;
    *target = Number(std::get<qint64>(parsed));
    return {};
}

QString readStall(const QJsonObject &object, FaultSpec &spec)
{
    const QJsonValue seconds = object.value(QStringLiteral("seconds"));
    const double value = seconds.toDouble(-1);
    if (seconds.isUndefined())
        return QStringLiteral("seconds: missing; stall needs it");
    if (!seconds.isDouble() || !(value >= 0.001 && value <= MaxStallMs / 1000.0))
        return QStringLiteral("seconds: must be a number from 0.001 to %1").arg(MaxStallMs / 1000);
    spec.stallMs = qint64(std::llround(value * 1000));
    return {};
}

QString readMalformedVariant(const QJsonObject &object, FaultSpec &spec)
{
    const QString variant = object.value(QStringLiteral("variant")).toString();
    for (const auto &[value, name] : Variants) {
        if (variant == QLatin1String(name)) {
            spec.variant = value;
            return {};
        }
    }
    return QStringLiteral("variant: must be one of %1")
        .arg(malformedVariantNames().join(QStringLiteral(", ")));
}

QString readStatus(const QJsonObject &object, FaultSpec &spec)
{
    if (QString failure =
            readRequiredNumber(object, QStringLiteral("status"), 100, 599, spec, &spec.status);
        !failure.isEmpty()) {
        return failure;
    }
    const bool redirect = spec.status == 301 || spec.status == 302 || spec.status == 303 ||
                          spec.status == 307 || spec.status == 308;
    if (spec.status != 204 && !redirect && spec.status < 400)
        return QStringLiteral("status: must be 204, a redirect (301, 302, 303, 307, 308) or "
                              "an error from 400 to 599");
    if (object.contains(QStringLiteral("retryAfter"))) {
        if (QString failure = readRequiredNumber(object, QStringLiteral("retryAfter"), 0, 86400,
                                                 spec, &spec.retryAfterSeconds);
            !failure.isEmpty()) {
            return failure;
        }
    }
    const QString location = object.value(QStringLiteral("location")).toString();
    if (redirect) {
        const QUrl url(location, QUrl::StrictMode);
        if (location.isEmpty() || location.size() > 2048 || !url.isValid() ||
            location.contains(u'\r') || location.contains(u'\n') ||
            (url.isRelative() && !location.startsWith(u'/'))) {
            return QStringLiteral("location: a redirect needs an absolute URL or a path "
                                  "starting with '/'");
        }
        spec.location = location;
    } else if (object.contains(QStringLiteral("location"))) {
        return QStringLiteral("location: only a redirect (3xx) takes a location");
    }
    return {};
}

QString readParameters(const QJsonObject &object, FaultSpec &spec)
{
    switch (spec.kind) {
    case FaultKind::Close:
    case FaultKind::Reset:
    case FaultKind::CutMidEvent:
        return {};
    case FaultKind::Stall:
        return readStall(object, spec);
    case FaultKind::Drip:
        return readRequiredNumber(object, QStringLiteral("bytesPerSecond"), 1, 1000LL * 1000 * 1000,
                                  spec, &spec.bytesPerSecond);
    case FaultKind::DropEvents:
        return readRequiredNumber(object, QStringLiteral("every"), 1, 1000000, spec, &spec.every);
    case FaultKind::Malformed:
        return readMalformedVariant(object, spec);
    case FaultKind::Retry:
        return readRequiredNumber(object, QStringLiteral("ms"), 0, 86400000, spec, &spec.ms);
    case FaultKind::DelayAccept:
        return readRequiredNumber(object, QStringLiteral("ms"), 1, MaxDelayAcceptMs, spec,
                                  &spec.ms);
    case FaultKind::Status:
        return readStatus(object, spec);
    }
    return {};
}

QString readLifetime(const QJsonObject &object, FaultSpec &spec)
{
    const bool lastingOnly = spec.kind == FaultKind::Drip || spec.kind == FaultKind::DropEvents;
    spec.oneShot = isOneShotByDefault(spec.kind);
    const QJsonValue oneShot = object.value(QStringLiteral("oneShot"));
    if (!oneShot.isUndefined()) {
        if (!oneShot.isBool())
            return QStringLiteral("oneShot: must be true or false");
        if (oneShot.toBool() && lastingOnly) {
            return QStringLiteral("oneShot: %1 lasts until it is removed or for durationSeconds")
                .arg(faultKindName(spec.kind));
        }
        spec.oneShot = oneShot.toBool();
    }
    if (object.contains(QStringLiteral("durationSeconds"))) {
        if (oneShot.toBool(false))
            return QStringLiteral("durationSeconds: a one-shot fault has no duration; give "
                                  "\"oneShot\": false");
        auto parsed =
            wholeNumber(object, QStringLiteral("durationSeconds"), 1, MaxFaultDurationSeconds);
        if (const auto *failure = std::get_if<QString>(&parsed))
            return *failure;
        spec.durationSeconds = int(std::get<qint64>(parsed));
        spec.oneShot = false;
    }
    return {};
}

} // namespace

QString faultKindName(FaultKind kind)
{
    return QString::fromLatin1(kindEntry(kind).name);
}

QStringList faultKindNames()
{
    QStringList names;
    for (const KindName &entry : Kinds)
        names.append(QString::fromLatin1(entry.name));
    return names;
}

QString malformedVariantName(MalformedVariant variant)
{
    for (const auto &[value, name] : Variants) {
        if (value == variant)
            return QString::fromLatin1(name);
    }
    return {};
}

QStringList malformedVariantNames()
{
    QStringList names;
    for (const auto &entry : Variants)
        names.append(QString::fromLatin1(entry.second));
    return names;
}

bool isOneShotByDefault(FaultKind kind)
{
    switch (kind) {
    case FaultKind::Close:
    case FaultKind::Reset:
    case FaultKind::CutMidEvent:
    case FaultKind::Malformed:
    case FaultKind::Retry:
    case FaultKind::Stall:
        return true;
    case FaultKind::Drip:
    case FaultKind::DropEvents:
    case FaultKind::Status:
    case FaultKind::DelayAccept:
        return false;
    }
    return false;
}

std::variant<FaultSpec, QString> parseFaultSpec(const QJsonObject &object)
{
    FaultSpec spec;
    const QString kind = object.value(QStringLiteral("kind")).toString();
    const KindName *entry = nullptr;
    for (const KindName &candidate : Kinds) {
        if (kind == QLatin1String(candidate.name))
            entry = &candidate;
    }
    if (!entry) {
        return QStringLiteral("kind: %1; use one of %2")
            .arg(object.contains(QStringLiteral("kind"))
                     ? QStringLiteral("'%1' is not a fault kind").arg(kind.left(40))
                     : QStringLiteral("missing"),
                 faultKindNames().join(QStringLiteral(", ")));
    }
    spec.kind = entry->kind;
    const QStringList parameters =
        QString::fromLatin1(entry->parameters).split(u',', Qt::SkipEmptyParts);
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!CommonFields.contains(it.key()) && !parameters.contains(it.key())) {
            return QStringLiteral("%1: not a field of %2 (%3)")
                .arg(
                    it.key().left(40), kind,
                    parameters.isEmpty()
                        ? QStringLiteral("it takes no parameters")
                        : QStringLiteral("it takes %1").arg(parameters.join(QStringLiteral(", "))));
        }
    }
    if (QString failure = readTarget(object, spec); !failure.isEmpty())
        return failure;
    if (QString failure = readParameters(object, spec); !failure.isEmpty())
        return failure;
    if (QString failure = readLifetime(object, spec); !failure.isEmpty())
        return failure;
    return spec;
}

std::variant<FaultSpec, QString> parseFaultSpec(const QByteArray &json)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return QStringLiteral("not JSON: %1 at offset %2")
            .arg(jsonErrorText(error))
            .arg(error.offset);
    if (!document.isObject())
        return QStringLiteral("must be a JSON object such as {\"kind\": \"reset\", \"client\": 3}");
    return parseFaultSpec(document.object());
}

QString checkStartFault(const QString &json)
{
    auto parsed = parseFaultSpec(json.toUtf8());
    if (const auto *failure = std::get_if<QString>(&parsed))
        return *failure;
    if (std::get<FaultSpec>(parsed).target.kind == FaultTarget::Kind::Client)
        return QStringLiteral("client: no client is connected at start; target a channel or "
                              "\"scope\": \"new-connections\"");
    return {};
}

QJsonObject faultSpecJson(const FaultSpec &spec)
{
    QJsonObject object{{QStringLiteral("kind"), faultKindName(spec.kind)}};
    switch (spec.target.kind) {
    case FaultTarget::Kind::Client:
        object.insert(QStringLiteral("client"), qint64(spec.target.clientId));
        break;
    case FaultTarget::Kind::Channel:
        object.insert(QStringLiteral("channel"), spec.target.channel);
        break;
    case FaultTarget::Kind::NewConnections:
        object.insert(QStringLiteral("scope"), QStringLiteral("new-connections"));
        break;
    }
    switch (spec.kind) {
    case FaultKind::Close:
    case FaultKind::Reset:
    case FaultKind::CutMidEvent:
        break;
    case FaultKind::Stall:
        object.insert(QStringLiteral("seconds"), double(spec.stallMs) / 1000.0);
        break;
    case FaultKind::Drip:
        object.insert(QStringLiteral("bytesPerSecond"), double(spec.bytesPerSecond));
        break;
    case FaultKind::DropEvents:
        object.insert(QStringLiteral("every"), spec.every);
        break;
    case FaultKind::Malformed:
        object.insert(QStringLiteral("variant"), malformedVariantName(spec.variant));
        break;
    case FaultKind::Retry:
    case FaultKind::DelayAccept:
        object.insert(QStringLiteral("ms"), spec.ms);
        break;
    case FaultKind::Status:
        object.insert(QStringLiteral("status"), spec.status);
        if (spec.retryAfterSeconds >= 0)
            object.insert(QStringLiteral("retryAfter"), spec.retryAfterSeconds);
        if (!spec.location.isEmpty())
            object.insert(QStringLiteral("location"), spec.location);
        break;
    }
    object.insert(QStringLiteral("oneShot"), spec.oneShot);
    if (spec.durationSeconds > 0)
        object.insert(QStringLiteral("durationSeconds"), spec.durationSeconds);
    return object;
}

QString faultLabel(const FaultSpec &spec)
{
    const QString name = faultKindName(spec.kind);
    switch (spec.kind) {
    case FaultKind::Close:
    case FaultKind::Reset:
    case FaultKind::CutMidEvent:
        return name;
    case FaultKind::Stall:
        return QStringLiteral("stall %1 s").arg(double(spec.stallMs) / 1000.0);
    case FaultKind::Drip:
        return QStringLiteral("drip %1 B/s").arg(spec.bytesPerSecond);
    case FaultKind::DropEvents:
        return QStringLiteral("drop 1 event in %1").arg(spec.every);
    case FaultKind::Malformed:
        return QStringLiteral("malformed (%1)").arg(malformedVariantName(spec.variant));
    case FaultKind::Retry:
        return QStringLiteral("retry %1 ms").arg(spec.ms);
    case FaultKind::DelayAccept:
        return QStringLiteral("delay-accept %1 ms").arg(spec.ms);
    case FaultKind::Status: {
        QString label = QStringLiteral("status %1").arg(spec.status);
        if (spec.retryAfterSeconds >= 0)
            label += QStringLiteral(", Retry-After %1").arg(spec.retryAfterSeconds);
        if (!spec.location.isEmpty())
            label += QStringLiteral(" → %1").arg(spec.location);
        return label;
    }
    }
    return name;
}

QString faultTargetText(const FaultTarget &target)
{
    switch (target.kind) {
    case FaultTarget::Kind::Client:
        return QStringLiteral("client %1").arg(target.clientId);
    case FaultTarget::Kind::Channel:
        return QStringLiteral("channel %1").arg(target.channel);
    case FaultTarget::Kind::NewConnections:
        return QStringLiteral("new connections");
    }
    return {};
}

QJsonObject faultInfoJson(const FaultInfo &info)
{
    QJsonObject object = faultSpecJson(info.spec);
    object.insert(QStringLiteral("id"), QString::number(info.id));
    object.insert(QStringLiteral("label"), faultLabel(info.spec));
    object.insert(QStringLiteral("origin"), info.origin);
    object.insert(QStringLiteral("applied"), double(info.applied));
    if (info.remainingMs >= 0)
        object.insert(QStringLiteral("remainingSeconds"), double(info.remainingMs) / 1000.0);
    QJsonArray affected;
    for (const quint64 clientId : info.affected)
        affected.append(qint64(clientId));
    object.insert(QStringLiteral("clients"), affected);
    return object;
}

QList<FaultKind> ChaosOptions::defaultKinds()
{
    return {FaultKind::Close, FaultKind::Reset, FaultKind::CutMidEvent, FaultKind::Malformed,
            FaultKind::Stall};
}

QString ChaosOptions::validate() const
{
    if (faultsPerMinute < 1 || faultsPerMinute > MaxFaultsPerMinute)
        return QStringLiteral("rate: must be from 1 to %1 faults a minute").arg(MaxFaultsPerMinute);
    if (maxFaults < 1 || maxFaults > MaxTotalFaults)
        return QStringLiteral("limit: must be from 1 to %1 faults").arg(MaxTotalFaults);
    if (kinds.isEmpty())
        return QStringLiteral("kinds: choose at least one");
    for (const FaultKind kind : kinds) {
        if (!isOneShotByDefault(kind))
            return QStringLiteral("kinds: %1 is not a one-shot kind").arg(faultKindName(kind));
    }
    return {};
}

} // namespace sse
