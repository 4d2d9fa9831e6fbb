#include "redisconnection.h"

#include "serverlogging.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

namespace sse {

namespace {

// How often the watchdog looks at the deadlines while anything is outstanding.
constexpr int WatchdogTickMs = 100;

} // namespace

RedisReply RedisReply::copy(const redisReply *reply)
{
    RedisReply out;
    switch (reply->type) {
    case REDIS_REPLY_STATUS:
        out.type = Type::Status;
        break;
    case REDIS_REPLY_ERROR:
        out.type = Type::Error;
        break;
    case REDIS_REPLY_INTEGER:
        out.type = Type::Integer;
        out.integer = reply->integer;
        return out;
    case REDIS_REPLY_STRING:
        out.type = Type::String;
        break;
    case REDIS_REPLY_ARRAY:
        out.type = Type::Array;
        out.elements.reserve(reply->elements);
        for (size_t i = 0; i < reply->elements; ++i)
            out.elements.push_back(copy(reply->element[i]));
        return out;
    default:
        return out;
    }
    out.string = QByteArray(reply->str, int(reply->len));
    return out;
}

RedisConnection::RedisConnection(QString name, QObject *parent)
    : QObject(parent)
    , m_name(std::move(name))
{
    m_clock.start();
    m_watchdog.setInterval(WatchdogTickMs);
    connect(&m_watchdog, &QTimer::timeout, this, &RedisConnection::checkDeadlines);
}

RedisConnection::~RedisConnection()
{
    close();
}

void RedisConnection::open(const RedisEndpoint &endpoint, int timeoutMs)
{
    close();
    ++m_generation;
    redisAsyncContext *context =
        redisAsyncConnect(endpoint.host.toUtf8().constData(), endpoint.port);
    if (!context) {
        reportLost(QStringLiteral("out of memory"));
        return;
    }
    if (context->err) {
        const QString reason = QString::fromLocal8Bit(context->errstr);
        redisAsyncFree(context);
        reportLost(reason);
        return;
    }
    m_context = context;
    m_context->data = this;
    m_context->ev.data = this;
    m_context->ev.addRead = &RedisConnection::addRead;
    m_context->ev.delRead = &RedisConnection::delRead;
    m_context->ev.addWrite = &RedisConnection::addWrite;
    m_context->ev.delWrite = &RedisConnection::delWrite;
    m_context->ev.cleanup = &RedisConnection::cleanup;
    redisAsyncSetConnectCallback(m_context, &RedisConnection::onConnect);
    redisAsyncSetDisconnectCallback(m_context, &RedisConnection::onDisconnect);
    m_connectDeadline = m_clock.elapsed() + timeoutMs;
    m_watchdog.start();
    // Queued now, sent first once connected: every later command runs authenticated and on
    // the chosen database.
    const auto mustSucceed = [this](const char *what) {
        return [this, what](const RedisReply *reply) {
            if (reply && reply->isError())
                fail(QStringLiteral("%1 refused: %2").arg(QLatin1String(what), reply->text()));
        };
    };
    if (!endpoint.password.isEmpty())
        command({"AUTH", endpoint.password.toUtf8()}, mustSucceed("AUTH"), timeoutMs);
    if (endpoint.db != 0)
        command({"SELECT", QByteArray::number(endpoint.db)}, mustSucceed("SELECT"), timeoutMs);
}

void RedisConnection::close()
{
    if (redisAsyncContext *context = detach())
        redisAsyncFree(context); // pending callbacks get nullptr
}

redisAsyncContext *RedisConnection::detach()
{
    redisAsyncContext *context = std::exchange(m_context, nullptr);
    m_connected = false;
    m_deadlines.clear();
    m_watchdog.stop();
    // Notifiers may be inside their own activated() signal: disabled now, deleted later.
    for (QSocketNotifier **notifier : {&m_read, &m_write}) {
        if (*notifier) {
            (*notifier)->setEnabled(false);
            (*notifier)->deleteLater();
            *notifier = nullptr;
        }
    }
    if (context) {
        context->data = nullptr;
        context->ev.data = nullptr;
    }
    return context;
}

void RedisConnection::fail(const QString &reason)
{
    if (redisAsyncContext *context = detach()) {
        m_lastError = reason;    // before the pending callbacks hear of it
        redisAsyncFree(context); // deferred by hiredis when inside one of its callbacks
        reportLost(reason);
    }
}

void RedisConnection::reportLost(const QString &reason)
{
    m_lastError = reason;
    qCInfo(lcLog).noquote() << "redis" << m_name << "connection lost:" << reason;
    // Queued: whoever listens may reopen, which must not happen inside a hiredis callback.
    QMetaObject::invokeMethod(
        this,
        [this, reason, generation = m_generation] {
            if (generation == m_generation && !m_context)
                emit lost(reason);
        },
        Qt::QueuedConnection);
}

bool RedisConnection::command(const QList<QByteArray> &args, Callback callback, int timeoutMs)
{
    if (!m_context)
        return false;
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    argv.reserve(size_t(args.size()));
    lengths.reserve(size_t(args.size()));
    for (const QByteArray &arg : args) {
        argv.push_back(arg.constData());
        lengths.push_back(size_t(arg.size()));
    }
    auto *owned = new Callback(std::move(callback));
    if (redisAsyncCommandArgv(m_context, &RedisConnection::onReply, owned, int(args.size()),
                              argv.data(), lengths.data()) != REDIS_OK) {
        delete owned;
        return false;
    }
    m_deadlines.push_back(m_clock.elapsed() + timeoutMs);
    if (!m_watchdog.isActive())
        m_watchdog.start();
    return true;
}

void RedisConnection::checkDeadlines()
{
    const qint64 now = m_clock.elapsed();
    if (!m_connected && m_context && now > m_connectDeadline) {
        fail(QStringLiteral("no connection within %1 ms").arg(now - m_connectDeadline));
        return;
    }
    for (const qint64 deadline : m_deadlines) {
        if (now > deadline) {
            fail(QStringLiteral("Redis did not answer in time"));
            return;
        }
    }
    if (m_connected && m_deadlines.empty())
        m_watchdog.stop();
}

void RedisConnection::onConnect(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisConnection *>(context->data);
    if (!self)
        return;
    if (status != REDIS_OK) {
        // hiredis frees the context after this returns.
        const QString reason = QString::fromLocal8Bit(context->errstr);
        self->detach();
        self->reportLost(reason);
        return;
    }
    self->m_connected = true;
    emit self->connected();
}

void RedisConnection::onDisconnect(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisConnection *>(context->data);
    if (!self)
        return; // we asked for it
    // hiredis frees the context after this returns.
    const QString reason = status == REDIS_OK ? QStringLiteral("closed")
                           : context->errstr  ? QString::fromLocal8Bit(context->errstr)
                                              : QStringLiteral("connection closed by Redis");
    self->detach();
    self->reportLost(reason.isEmpty() ? QStringLiteral("connection closed by Redis") : reason);
}

void RedisConnection::onReply(redisAsyncContext *context, void *reply, void *privdata)
{
    std::unique_ptr<Callback> callback(static_cast<Callback *>(privdata));
    if (auto *self = static_cast<RedisConnection *>(context->data); self && reply) {
        if (!self->m_deadlines.empty())
            self->m_deadlines.pop_front();
    } else if (self && context->err) {
        // The connection broke: hiredis cuts the pending replies before it reports why.
        self->m_lastError = QString::fromLocal8Bit(context->errstr);
    }
    if (!*callback)
        return;
    if (reply) {
        const RedisReply copied = RedisReply::copy(static_cast<const redisReply *>(reply));
        (*callback)(&copied);
    } else {
        (*callback)(nullptr);
    }
}

void RedisConnection::addRead(void *data)
{
    if (auto *self = static_cast<RedisConnection *>(data))
        self->watch(self->m_read, QSocketNotifier::Read, &redisAsyncHandleRead);
}

void RedisConnection::delRead(void *data)
{
    auto *self = static_cast<RedisConnection *>(data);
    if (self && self->m_read)
        self->m_read->setEnabled(false);
}

void RedisConnection::addWrite(void *data)
{
    if (auto *self = static_cast<RedisConnection *>(data))
        self->watch(self->m_write, QSocketNotifier::Write, &redisAsyncHandleWrite);
}

void RedisConnection::watch(QSocketNotifier *&notifier, QSocketNotifier::Type type,
                            void (*handle)(redisAsyncContext *))
{
    if (!m_context)
        return;
    if (!notifier) {
        notifier = new QSocketNotifier(m_context->c.fd, type, this);
        connect(notifier, &QSocketNotifier::activated, this, [this, handle] {
            if (m_context)
                handle(m_context);
        });
    }
    notifier->setEnabled(true);
}

void RedisConnection::delWrite(void *data)
{
    auto *self = static_cast<RedisConnection *>(data);
    if (self && self->m_write)
        self->m_write->setEnabled(false);
}

void RedisConnection::cleanup(void *data)
{
    delRead(data);
    delWrite(data);
}

} // namespace sse
