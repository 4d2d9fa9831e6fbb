#pragma once

#include <QString>

#include <variant>

namespace sse {

// Where a Redis is and which keys are ours: redis://[:PASSWORD@]HOST[:PORT][/DB][?prefix=P].
struct RedisEndpoint
{
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 6379;
    int db = 0;
    QString password;
    QString prefix = QStringLiteral("sse");

    // The URL without the password, for messages.
    QString displayUrl() const;
    // The endpoint, or a sentence naming what is wrong with the URL.
    static std::variant<RedisEndpoint, QString> parse(const QString &url);
};

} // namespace sse
