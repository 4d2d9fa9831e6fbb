#include "rediseventlog.h"

#include "serverlogging.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QRandomGenerator>

#include <hiredis/hiredis.h>

#include <algorithm>
#include <memory>
#include <optional>

namespace sse {

namespace {

constexpr int ConnectTimeoutMs = 2000;
// A write that takes longer means Redis is gone or stuck: the publisher hears 503 well within
// the 5 s the issue allows.
constexpr int CommandTimeoutMs = 2000;
constexpr int ReadBlockMs = 5000;
constexpr int ReadBatch = 1000;
constexpr int FirstBackoffMs = 100;
constexpr int MaxBackoffMs = 2000;
// A lagging server can still catch up from the stream when it is behind by fewer entries.
constexpr int MinStreamLength = 10000;
constexpr int ControlStreamLength = 1000;

// KEYS: stream, counter. ARGV: maxlen, floor, keep, id, event, data, retry, scope, time.
// The counter never goes below the floor (the highest number the caller has seen), so a
// counter lost with an emptied Redis is never reused.
const QByteArray AppendScript = QByteArrayLiteral(R"lua(
local n = redis.call('INCR', KEYS[2])
local floor = tonumber(ARGV[2])
if n <= floor then n = floor + 1; redis.call('SET', KEYS[2], n) end
if ARGV[3] == '1' then
  local id = ARGV[4]
  if id == '' then id = string.format('%d', n) end
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], string.format('%d-0', n),
             'i', id, 'e', ARGV[5], 'd', ARGV[6], 'r', ARGV[7], 's', ARGV[8], 't', ARGV[9])
end
return n
)lua");

// KEYS: epoch, counter, stream. ARGV: a new epoch, floor. Returns the epoch (the new one when
// the store had none: it is new or came back empty), the counter and the highest entry id the
// stream trimmed.
const QByteArray ResumeScript = QByteArrayLiteral(R"lua(
local e = redis.call('GET', KEYS[1])
if not e then redis.call('SET', KEYS[1], ARGV[1]); e = ARGV[1] end
local n = tonumber(redis.call('GET', KEYS[2]) or '0')
if n < tonumber(ARGV[2]) then n = tonumber(ARGV[2]); redis.call('SET', KEYS[2], n) end
local deleted = '0-0'
if redis.call('EXISTS', KEYS[3]) == 1 then
  local info = redis.call('XINFO', 'STREAM', KEYS[3])
  for i = 1, #info, 2 do
    if info[i] == 'max-deleted-entry-id' then deleted = info[i + 1] end
  end
end
return {e, string.format('%d', n), deleted}
)lua");

// One stream entry as the servers read it back.
struct StreamEvent
{
    HistoryEntry entry;
    QString data;
};

StreamEvent parseEntry(const RedisReply &fields)
{
    SseEvent event;
    StreamEvent parsed;
    for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
        const QByteArray &name = fields.elements[i].string;
        const QByteArray &value = fields.elements[i + 1].string;
        if (name == "i")
            event.id = utf8KeepingByteOrderMark(value);
        else if (name == "e")
            event.event = utf8KeepingByteOrderMark(value);
        else if (name == "d")
            event.data = utf8KeepingByteOrderMark(value);
        else if (name == "r")
            event.retry = utf8KeepingByteOrderMark(value);
        else if (name == "s")
            parsed.entry.scope = QString::fromUtf8(value);
        else if (name == "t")
            parsed.entry.timeMs = value.toLongLong();
    }
    parsed.entry.id = event.id;
    parsed.entry.type = event.event;
    parsed.entry.encoded = encodeEvent(event);
    parsed.data = std::move(event.data);
    return parsed;
}

quint64 entryNumber(const QByteArray &streamId)
{
    return streamId.left(streamId.indexOf('-')).toULongLong();
}

QByteArray newEpoch()
{
    return QByteArray::number(QRandomGenerator::system()->generate64(), 16);
}

// The blocking client for open(): one short conversation before the server listens.
class SyncRedis
{
public:
    explicit SyncRedis(const RedisEndpoint &endpoint)
    {
        const timeval timeout{ConnectTimeoutMs / 1000, (ConnectTimeoutMs % 1000) * 1000};
        m_context =
            redisConnectWithTimeout(endpoint.host.toUtf8().constData(), endpoint.port, timeout);
        if (!m_context || m_context->err) {
            m_error = m_context ? QString::fromLocal8Bit(m_context->errstr)
                                : QStringLiteral("out of memory");
            return;
        }
        redisSetTimeout(m_context, timeout);
        if (!endpoint.password.isEmpty())
            run({"AUTH", endpoint.password.toUtf8()});
        if (endpoint.db != 0)
            run({"SELECT", QByteArray::number(endpoint.db)});
    }
    ~SyncRedis()
    {
        if (m_context)
            redisFree(m_context);
    }
    SyncRedis(const SyncRedis &) = delete;
    SyncRedis &operator=(const SyncRedis &) = delete;

    // The reply, or nothing and error() says why (a refusal counts as an error).
    std::optional<RedisReply> run(const QList<QByteArray> &args)
    {
        if (!m_error.isEmpty())
            return std::nullopt;
        std::vector<const char *> argv;
        std::vector<size_t> lengths;
        for (const QByteArray &arg : args) {
            argv.push_back(arg.constData());
            lengths.push_back(size_t(arg.size()));
        }
        auto *reply = static_cast<redisReply *>(
            redisCommandArgv(m_context, int(args.size()), argv.data(), lengths.data()));
        if (!reply) {
            m_error = QString::fromLocal8Bit(m_context->errstr);
            return std::nullopt;
        }
        RedisReply copied = RedisReply::copy(reply);
        freeReplyObject(reply);
        if (copied.isError()) {
            m_error = QStringLiteral("%1: %2").arg(QString::fromUtf8(args.first()), copied.text());
            return std::nullopt;
        }
        return copied;
    }
    const QString &error() const { return m_error; }

private:
    redisContext *m_context = nullptr;
    QString m_error;
};

} // namespace

RedisEventLog::RedisEventLog(RedisEndpoint endpoint, int capacity, QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_capacity(capacity)
    , m_streamLength(std::max(capacity, MinStreamLength))
    , m_mirror(capacity)
    , m_commands(QStringLiteral("commands"))
    , m_reader(QStringLiteral("reader"))
    , m_backoffMs(FirstBackoffMs)
{
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &RedisEventLog::connectAgain);
    for (RedisConnection *connection : {&m_commands, &m_reader}) {
        connect(connection, &RedisConnection::connected, this, &RedisEventLog::onConnected);
        connect(connection, &RedisConnection::lost, this, &RedisEventLog::onLost);
    }
}

RedisEventLog::~RedisEventLog()
{
    close();
}

void RedisEventLog::close()
{
    m_available = false;
    m_resuming = false;
    m_error = QStringLiteral("the server is stopping");
    m_reconnectTimer.stop();
    m_commands.close(); // pending appends are answered (as unavailable) now
    m_reader.close();
}

QByteArray RedisEventLog::key(const char *name) const
{
    return '{' + m_endpoint.prefix.toUtf8() + "}:" + name;
}

QString RedisEventLog::open()
{
    SyncRedis redis(m_endpoint);
    const auto epochEtc = redis.run(
        {"EVAL", ResumeScript, "3", key("epoch"), key("seq"), key("events"), newEpoch(), "0"});
    if (!epochEtc) {
        return QStringLiteral("cannot use Redis at %1: %2")
            .arg(m_endpoint.displayUrl(), redis.error());
    }
    m_epoch = epochEtc->elements.at(0).string;
    m_highestNumber = epochEtc->elements.at(1).string.toULongLong();
    // The scripts survive in Redis until it restarts; resume() loads them again then.
    redis.run({"SCRIPT", "LOAD", AppendScript});
    // At least one entry, even with no history kept: reading starts after the newest.
    const auto newest = redis.run({"XREVRANGE", key("events"), "+", "-", "COUNT",
                                   QByteArray::number(std::max(m_capacity, 1))});
    const auto lastControl = redis.run({"XREVRANGE", key("control"), "+", "-", "COUNT", "1"});
    if (!newest || !lastControl) {
        return QStringLiteral("cannot use Redis at %1: %2")
            .arg(m_endpoint.displayUrl(), redis.error());
    }
    m_lastEventsId = "0-0";
    // Filled without delivering: these went out before this server started.
    for (auto it = newest->elements.rbegin(); it != newest->elements.rend(); ++it) {
        m_lastEventsId = it->elements.at(0).string;
        const StreamEvent event = parseEntry(it->elements.at(1));
        m_mirror.store(event.entry.id, event.entry.scope, event.entry.encoded, event.entry.type,
                       event.entry.timeMs);
    }
    m_lastControlId =
        lastControl->elements.empty() ? "0-0" : lastControl->elements.front().elements.at(0).string;
    m_available = true;
    m_commands.open(m_endpoint, ConnectTimeoutMs);
    m_reader.open(m_endpoint, ConnectTimeoutMs);
    readNext(); // queued by hiredis until the connection is made
    qCInfo(lcLog).noquote() << "event log on Redis at" << m_endpoint.displayUrl() << "with"
                            << m_mirror.size() << "events, epoch" << m_epoch;
    return {};
}

QString RedisEventLog::unavailableError(const QString &reason) const
{
    return QStringLiteral("event log unavailable: Redis at %1: %2")
        .arg(m_endpoint.displayUrl(), !reason.isEmpty()    ? reason
                                      : !m_error.isEmpty() ? m_error
                                                           : QStringLiteral("not connected"));
}

void RedisEventLog::append(SseEvent event, const QString &scope, bool keep, AppendDone done)
{
    if (!m_available) {
        done(Appended{{}, {}, unavailableError(), true});
        return;
    }
    QList<QByteArray> args{"EVALSHA",
                           {},
                           "2",
                           key("events"),
                           key("seq"),
                           QByteArray::number(m_streamLength),
                           QByteArray::number(m_highestNumber),
                           keep ? "1" : "0",
                           event.id.toUtf8(),
                           event.event.toUtf8(),
                           event.data.toUtf8(),
                           event.retry.toUtf8(),
                           scope.toUtf8(),
                           QByteArray::number(QDateTime::currentMSecsSinceEpoch())};
    static const QByteArray appendSha =
        QCryptographicHash::hash(AppendScript, QCryptographicHash::Sha1).toHex();
    args[1] = appendSha;
    sendAppend(std::move(args), std::move(event), keep, std::move(done));
}

void RedisEventLog::sendAppend(QList<QByteArray> args, SseEvent event, bool keep, AppendDone done)
{
    const auto unavailable = [this](const AppendDone &answer) {
        answer(Appended{{}, {}, unavailableError(), true});
    };
    auto onReply = [this, args, event = std::move(event), keep, done,
                    unavailable](const RedisReply *reply) mutable {
        if (!reply) {
            // Cut by a lost connection; Redis may still have run it (docs/scaling.md).
            done(Appended{{}, {}, unavailableError(m_commands.lastError()), true});
        } else if (reply->isError() && reply->string.startsWith("NOSCRIPT") &&
                   args[0] == "EVALSHA") {
            // Redis restarted or its scripts were flushed: send the script itself this time.
            args[0] = "EVAL";
            args[1] = AppendScript;
            sendAppend(std::move(args), std::move(event), keep, std::move(done));
        } else if (reply->isError()) {
            done(Appended{{},
                          {},
                          QStringLiteral("event log unavailable: Redis refused the event: %1")
                              .arg(reply->text()),
                          true});
        } else {
            const quint64 number = quint64(reply->integer);
            m_highestNumber = std::max(m_highestNumber, number);
            if (event.id.isEmpty())
                event.id = QString::number(number);
            Appended appended{event.id, encodeEvent(event), {}};
            appended.deliveredByLog = keep;
            done(appended);
        }
    };
    if (!m_commands.command(args, std::move(onReply), CommandTimeoutMs))
        unavailable(done);
}

EventLog::ReplayStart RedisEventLog::replayStart(const QString &lastEventId, bool inclusive) const
{
    ReplayStart start = m_mirror.replayStart(lastEventId, inclusive);
    // A number the cluster handed out before the oldest event held was trimmed, not unknown.
    bool isNumber = false;
    const quint64 number = lastEventId.toULongLong(&isNumber);
    if (start.gap == Gap::Unknown && isNumber && number > 0 && number <= m_highestNumber)
        start.gap = Gap::Evicted;
    return start;
}

HistoryPage RedisEventLog::history(const HistoryFilter &filter, int offset, int limit) const
{
    return m_mirror.history(filter, offset, limit);
}

void RedisEventLog::clear()
{
    run({"XTRIM", key("events"), "MAXLEN", "0"}, {});
    sendControl(QJsonObject{{QStringLiteral("op"), QStringLiteral("clear")}});
}

EventLog::Status RedisEventLog::status() const
{
    Status status;
    status.backend = QStringLiteral("redis");
    status.location = m_endpoint.displayUrl();
    status.available = m_available;
    status.error = m_available ? QString() : m_error;
    status.reconnects = m_reconnects;
    status.gaps = m_gaps;
    return status;
}

bool RedisEventLog::run(const QList<QByteArray> &args, RedisConnection::Callback callback)
{
    if (!m_available)
        return false;
    return m_commands.command(args, std::move(callback), CommandTimeoutMs);
}

void RedisEventLog::sendControl(const QJsonObject &message)
{
    run({"XADD", key("control"), "MAXLEN", "~", QByteArray::number(ControlStreamLength), "*", "m",
         QJsonDocument(message).toJson(QJsonDocument::Compact)},
        {});
}

void RedisEventLog::onLost(const QString &reason)
{
    const bool wasAvailable = m_available;
    m_available = false;
    m_resuming = false;
    m_error = reason;
    // Both go: the reader resumes only once appends can be made again, and vice versa.
    m_commands.close();
    m_reader.close();
    if (wasAvailable) {
        ++m_reconnects;
        m_backoffMs = FirstBackoffMs;
        qCWarning(lcLog).noquote() << "lost Redis at" << m_endpoint.displayUrl() << ":" << reason
                                   << "; publishing is refused until it is back";
        emit statusChanged();
    }
    if (!m_reconnectTimer.isActive()) {
        m_reconnectTimer.start(m_backoffMs);
        m_backoffMs = std::min(m_backoffMs * 2, MaxBackoffMs);
    }
}

void RedisEventLog::connectAgain()
{
    m_commands.open(m_endpoint, ConnectTimeoutMs);
    m_reader.open(m_endpoint, ConnectTimeoutMs);
}

void RedisEventLog::onConnected()
{
    if (!m_available && !m_resuming && m_commands.isConnected() && m_reader.isConnected())
        resume();
}

void RedisEventLog::resume()
{
    m_resuming = true;
    m_commands.command({"SCRIPT", "LOAD", AppendScript}, {}, CommandTimeoutMs);
    m_commands.command(
        {"EVAL", ResumeScript, "3", key("epoch"), key("seq"), key("events"), newEpoch(),
         QByteArray::number(m_highestNumber)},
        [this](const RedisReply *reply) {
            if (!reply || !m_resuming)
                return; // lost again: onLost starts over
            m_resuming = false;
            if (reply->isError() || reply->elements.size() != 3) {
                onLost(QStringLiteral("resuming failed: %1").arg(reply->text()));
                return;
            }
            const QByteArray epoch = reply->elements[0].string;
            const quint64 trimmedUpTo = entryNumber(reply->elements[2].string);
            if (epoch != m_epoch) {
                // The store is not the one this server read from: what it accepted after the
                // last entry read is gone. Read the new store from its start.
                m_epoch = epoch;
                m_lastEventsId = "0-0";
                m_lastControlId = "0-0";
                signalGap(QStringLiteral("redis-reset"));
            } else if (trimmedUpTo > entryNumber(m_lastEventsId)) {
                signalGap(QStringLiteral("trimmed"));
            }
            m_available = true;
            m_error.clear();
            m_backoffMs = FirstBackoffMs;
            qCWarning(lcLog).noquote() << "Redis at" << m_endpoint.displayUrl()
                                       << "is back; reading after" << m_lastEventsId;
            emit statusChanged();
            readNext();
        },
        CommandTimeoutMs);
}

void RedisEventLog::signalGap(const QString &reason)
{
    ++m_gaps;
    const HistoryGap gap{reason, m_mirror.newestId(), m_mirror.oldestId()};
    qCWarning(lcLog).noquote() << "history gap on Redis at" << m_endpoint.displayUrl() << ":"
                               << reason << "after" << gap.lastEventId;
    if (m_listener)
        m_listener->logGap(gap);
}

void RedisEventLog::readNext()
{
    m_reader.command(
        {"XREAD", "COUNT", QByteArray::number(ReadBatch), "BLOCK", QByteArray::number(ReadBlockMs),
         "STREAMS", key("events"), key("control"), m_lastEventsId, m_lastControlId},
        [this](const RedisReply *reply) {
            if (!reply)
                return; // the connection ended: onLost takes over
            if (reply->isError()) {
                m_reader.close();
                onLost(QStringLiteral("XREAD: %1").arg(reply->text()));
                return;
            }
            for (const RedisReply &stream : reply->elements) {
                if (stream.elements.size() == 2)
                    readEntries(stream.elements[1], stream.elements[0].string == key("control"));
            }
            readNext();
        },
        ReadBlockMs + CommandTimeoutMs);
}

void RedisEventLog::readEntries(const RedisReply &entries, bool control)
{
    for (const RedisReply &entry : entries.elements) {
        if (entry.elements.size() != 2)
            continue;
        const QByteArray &streamId = entry.elements[0].string;
        const RedisReply &fields = entry.elements[1];
        if (control) {
            m_lastControlId = streamId;
            if (fields.elements.size() != 2)
                continue;
            const QJsonObject message = QJsonDocument::fromJson(fields.elements[1].string).object();
            if (message.value(QStringLiteral("op")).toString() == QLatin1String("clear"))
                m_mirror.clear();
            emit controlMessage(message);
            continue;
        }
        m_lastEventsId = streamId;
        m_highestNumber = std::max(m_highestNumber, entryNumber(streamId));
        const StreamEvent event = parseEntry(fields);
        m_mirror.store(event.entry.id, event.entry.scope, event.entry.encoded, event.entry.type,
                       event.entry.timeMs);
        if (m_listener)
            m_listener->logDelivered(event.entry, event.data);
    }
}

} // namespace sse
