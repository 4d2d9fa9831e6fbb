#include "redisendpoint.h"

#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

namespace sse {

QString RedisEndpoint::displayUrl() const
{
    QString url = QStringLiteral("redis://%1:%2/%3").arg(host).arg(port).arg(db);
    if (prefix != QLatin1String("sse"))
        url += QStringLiteral("?prefix=%1").arg(prefix);
    return url;
}

std::variant<RedisEndpoint, QString> RedisEndpoint::parse(const QString &text)
{
    const auto refuse = [&text](const QString &why) {
        return QStringLiteral("--redis %1: %2").arg(text, why);
    };
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QLatin1String("redis"))
        return refuse(QStringLiteral("not a redis://HOST:PORT[/DB][?prefix=P] URL"));
    RedisEndpoint endpoint;
    if (url.host().isEmpty())
        return refuse(QStringLiteral("the host is missing"));
    endpoint.host = url.host();
    const int port = url.port(6379);
    if (port < 1 || port > 65535)
        return refuse(QStringLiteral("the port must be 1–65535"));
    endpoint.port = quint16(port);
    endpoint.password = url.password();
    const QString path = url.path();
    if (!path.isEmpty() && path != QLatin1String("/")) {
        bool ok = false;
        endpoint.db = path.mid(1).toInt(&ok);
        if (!ok || endpoint.db < 0 || endpoint.db > 15)
            return refuse(
                QStringLiteral("the database must be a number 0–15, not '%1'").arg(path.mid(1)));
    }
    const QUrlQuery query(url);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key != QLatin1String("prefix"))
            return refuse(QStringLiteral("unknown parameter '%1' (only prefix)").arg(key));
        if (value.isEmpty() || value.size() > 64 ||
            value.contains(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]"))))
            return refuse(QStringLiteral("the prefix must be 1–64 of A–Z, a–z, 0–9, _ . -"));
        endpoint.prefix = value;
    }
    return endpoint;
}

} // namespace sse
