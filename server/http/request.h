#pragma once

#include "httputil.h"

#include <QByteArray>
#include <QHostAddress>
#include <QUrl>
#include <QUrlQuery>

namespace sse {

// One HTTP request as every front hands it to the route handlers: parsed once, no socket.
// The HTTP/1.1 connection builds it from what RequestFramer read; tests build it by hand.
struct Request
{
    QByteArray method; // as sent: "GET", "POST", ...
    QByteArray target; // the request target as sent, path and query
    QUrl url;          // target, parsed once (setTarget)
    QByteArray httpVersion = QByteArrayLiteral("HTTP/1.1");
    http::HeaderList headers; // as sent, in order; names keep their case
    QByteArray body;          // decoded (chunked framing removed)
    QHostAddress peer;        // a.b.c.d for IPv4, also on a dual-stack socket
    bool keepAlive = true;    // false: the connection closes after the answer
    qint64 wireBytes = 0;     // what crossed the wire: request line, headers and body as sent
    bool secure = false;      // came over TLS

    // The first header with this name (case-insensitive), or an empty array.
    QByteArray value(QByteArrayView name) const;
    void setTarget(QByteArray requestTarget)
    {
        target = std::move(requestTarget);
        url = QUrl::fromEncoded(target);
    }
    QString path() const { return url.path(); }
    QUrlQuery query() const { return QUrlQuery(url); }
    bool isHead() const { return method == "HEAD"; }
    bool isHttp10() const { return httpVersion == "HTTP/1.0"; }
    bool isHttp2() const { return httpVersion == "HTTP/2"; }
};

// Methods the routes may be asked with; the rest (CONNECT, TRACE, WebDAV's) get 501.
bool isImplementedMethod(const QByteArray &method);

// IPv4 peers on a dual-stack socket show up as ::ffff:a.b.c.d; this gives a.b.c.d.
QHostAddress plainAddress(const QHostAddress &address);

} // namespace sse
