#pragma once

#include "redisendpoint.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QSocketNotifier>
#include <QString>
#include <QTimer>

#include <deque>
#include <functional>
#include <variant>
#include <vector>

struct redisAsyncContext;
struct redisReply;

namespace sse {

// A reply copied out of hiredis inside its callback: hiredis frees its own when the callback
// returns.
struct RedisReply
{
    enum class Type { Nil, Status, Error, Integer, String, Array };
    Type type = Type::Nil;
    qint64 integer = 0;
    QByteArray string; // for Status, Error and String
    std::vector<RedisReply> elements;

    static RedisReply copy(const redisReply *reply);
    bool isError() const { return type == Type::Error; }
    bool isNil() const { return type == Type::Nil; }
    QString text() const { return QString::fromUtf8(string); }
};

// One asynchronous hiredis connection driven by the Qt event loop: QSocketNotifiers for its
// socket (hiredis's own Qt adapter needs moc on a system header), and a watchdog QTimer that
// ends the connection when Redis does not answer in time (hiredis 0.14 has no async timeout).
// Commands are pipelined and answered in order.
class RedisConnection : public QObject
{
    Q_OBJECT

public:
    // reply is nullptr when the connection ended before the answer came.
    using Callback = std::function<void(const RedisReply *reply)>;

    explicit RedisConnection(QString name, QObject *parent = nullptr);
    ~RedisConnection() override;

    // Connects, authenticates and selects the database; connected() or lost(reason) follows.
    void open(const RedisEndpoint &endpoint, int timeoutMs);
    // Ends the connection; pending callbacks get nullptr. No lost() signal.
    void close();
    bool isOpen() const { return m_context != nullptr; }
    bool isConnected() const { return m_connected; }
    // Why the connection last ended; a callback that got nullptr was cut by it.
    QString lastError() const { return m_lastError; }

    // Sends a command; callback gets the reply. timeoutMs is how long this reply may take
    // (a blocking read waits longer than a write). False when not open (callback not called).
    bool command(const QList<QByteArray> &args, Callback callback, int timeoutMs);

signals:
    void connected();
    // The connection failed or ended: refused, reset, timed out, or a reply arrived late.
    void lost(const QString &reason);

private:
    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void onReply(redisAsyncContext *context, void *reply, void *privdata);
    static void addRead(void *data);
    static void delRead(void *data);
    static void addWrite(void *data);
    static void delWrite(void *data);
    static void cleanup(void *data);
    // hiredis wants the socket watched for reading or writing: notifier is made once, then
    // enabled; handle is hiredis's read or write handler.
    void watch(QSocketNotifier *&notifier, QSocketNotifier::Type type,
               void (*handle)(redisAsyncContext *));

    void fail(const QString &reason);
    // Lets go of the hiredis context: hooks and callbacks no longer reach this object.
    redisAsyncContext *detach();
    void reportLost(const QString &reason);
    void checkDeadlines();

    QString m_name;
    redisAsyncContext *m_context = nullptr;
    QSocketNotifier *m_read = nullptr; // owned (parent this), live while hiredis wants them
    QSocketNotifier *m_write = nullptr;
    bool m_connected = false;
    QString m_lastError;
    quint64 m_generation = 0; // of the context: a late lost() of an older one is dropped
    qint64 m_connectDeadline = 0;
    std::deque<qint64> m_deadlines; // one per command awaiting its reply, in order
    QElapsedTimer m_clock;
    QTimer m_watchdog;
};

} // namespace sse
