#include "request.h"

namespace sse {

QByteArray Request::value(QByteArrayView name) const
{
    return http::headerValue(headers, name);
}

QHostAddress plainAddress(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : address;
}

bool isImplementedMethod(const QByteArray &method)
{
    static const QList<QByteArray> methods{"GET",    "HEAD",  "POST",   "PUT",
                                           "DELETE", "PATCH", "OPTIONS"};
    return methods.contains(method);
}

} // namespace sse
