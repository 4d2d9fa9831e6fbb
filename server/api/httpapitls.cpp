// HTTPS (docs/tls.md): the server's TLS context, what plain HTTP gets on the TLS port, and the
// local CA's download and install page.
#include "httpapi.h"

#include "httpexchange.h"
#include "httpserver.h"
#include "localca.h"
#include "serverconfig.h"
#include "serverlogging.h"
#include "tlscontext.h"
#include "trafficsink.h"

namespace sse {

namespace {

// The steps are short on purpose: the page is read on a phone, next to the dashboard.
constexpr const char *InstallPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trust the SSE Dashboard local CA</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 1em auto; padding: 0 1em">
<h1>Trust the SSE Dashboard local CA</h1>
<p>This computer serves its events over HTTPS with a certificate of its own authority,
<b>%1</b>. Install it once on this device, then open <a href="%2">%2</a>.</p>
<p><a href="/ca.crt"><b>Download the certificate</b></a> (SHA-256
<code style="word-break: break-all">%3</code>: compare it with the one the dashboard shows).</p>
<h2>iPhone, iPad</h2>
<ol><li>Download it, then open Settings › Profile Downloaded › Install.</li>
<li>Settings › General › About › Certificate Trust Settings: turn on full trust for it.</li></ol>
<h2>Android</h2>
<ol><li>Download it, then Settings › Security › Encryption &amp; credentials › Install a
certificate › CA certificate, and pick the file.</li>
<li>Chrome trusts it from then on; Firefox for Android does not by default (enable
"Use third party CA certificates" in its secret settings).</li></ol>
<h2>Debian, Ubuntu</h2>
<pre>sudo cp sse-dashboard-ca.crt /usr/local/share/ca-certificates/
sudo update-ca-certificates</pre>
<h2>Chromium and Firefox on Linux</h2>
<pre>certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n "SSE Dashboard" -i sse-dashboard-ca.crt</pre>
<p>Firefox keeps its own database in its profile folder: use that folder with <code>-d</code>,
or import the file in Settings › Privacy &amp; Security › Certificates.</p>
</body></html>
)";

} // namespace

bool HttpApi::setUpTls(QString *errorMessage)
{
    m_tls.reset();
    m_localCa.reset();
    if (!m_config.tlsEnabled())
        return true;
    if (m_config.tlsLocal) {
        std::optional<LocalCa> ca = LocalCa::ensure(
            LocalCa::defaultDirectory(), LocalCa::serverNames(m_config.allowedHosts), errorMessage);
        if (!ca) {
            *errorMessage = QStringLiteral("--tls-local: %1").arg(*errorMessage);
            return false;
        }
        if (ca->madeRoot())
            qCInfo(lcServer).noquote() << "made the local CA in" << LocalCa::defaultDirectory();
        if (ca->issuedServer())
            qCInfo(lcServer).noquote() << "issued a server certificate for" << ca->names();
        m_localCa = std::make_unique<LocalCa>(std::move(*ca));
        m_tls = TlsContext::fromFiles(m_localCa->serverCertFile(), m_localCa->serverKeyFile(),
                                      errorMessage, QStringLiteral("--tls-local"),
                                      QStringLiteral("--tls-local"));
    } else {
        m_tls = TlsContext::fromFiles(m_config.tlsCertFile, m_config.tlsKeyFile, errorMessage);
    }
    if (!m_tls)
        return false;
    if (const QString warning = m_tls->warning(); !warning.isEmpty()) {
        qCWarning(lcServer).noquote() << warning;
        m_recorder.record(TrafficDirection::System, 0, {}, {}, 0, warning);
    }
    return true;
}

TlsStatus HttpApi::tlsStatus() const
{
    TlsStatus status;
    if (!m_tls)
        return status;
    status.enabled = true;
    status.certificateFile = m_tls->certFile();
    status.subjectName = m_tls->subjectName();
    status.notAfter = m_tls->notAfter();
    status.warning = m_tls->warning();
    if (m_localCa) {
        status.localCaName = m_localCa->rootName();
        status.localCaFingerprint = m_localCa->rootFingerprint();
        status.localCaFile = m_localCa->rootCertFile();
    }
    return status;
}

bool HttpApi::redirectsToTls(HttpExchange &exchange, const QString &path)
{
    const Request &request = exchange.request();
    if (!m_tls || request.secure || path == QLatin1String("/ca") ||
        path == QLatin1String("/ca.crt")) {
        return false;
    }
    // Plain HTTP on the TLS port: the same path over https. 308 keeps the method and body,
    // and EventSource follows it. The Host was checked already.
    exchange.closeAfterAnswer();
    QByteArray host = request.value("host");
    const qsizetype colon = host.lastIndexOf(':');
    if (colon < 0 || colon < host.lastIndexOf(']')) // no port: the same one, over https
        host += ':' + QByteArray::number(port());
    const QByteArray location = "https://" + host + request.target;
    exchange.respond(308, QByteArrayLiteral("text/plain; charset=utf-8"),
                     "This server speaks HTTPS: " + location + '\n',
                     {{"Location", location}, {"Cache-Control", "no-cache"}});
    return true;
}

bool HttpApi::requireLocalCa(HttpExchange &exchange)
{
    if (!requireMethod(exchange, "GET"))
        return false;
    if (!m_localCa) {
        exchange.error(404, QStringLiteral("this server has no local CA: start it with "
                                           "--tls-local to serve one"));
        return false;
    }
    return true;
}

void HttpApi::handleCaPage(HttpExchange &exchange)
{
    if (!requireLocalCa(exchange))
        return;
    const QByteArray host = exchange.request().value("host");
    const QString httpsUrl = QStringLiteral("https://%1/").arg(QString::fromLatin1(host));
    const QString page = QString::fromUtf8(InstallPage)
                             .arg(m_localCa->rootName().toHtmlEscaped(), httpsUrl.toHtmlEscaped(),
                                  m_localCa->rootFingerprint());
    exchange.respond(200, QByteArrayLiteral("text/html; charset=utf-8"), page.toUtf8(),
                     {{"Cache-Control", "no-cache"}, {"X-Content-Type-Options", "nosniff"}});
}

void HttpApi::handleCaCertificate(HttpExchange &exchange)
{
    if (!requireLocalCa(exchange))
        return;
    // DER, the form iOS and Android install from a download.
    exchange.respond(200, QByteArrayLiteral("application/x-x509-ca-cert"), m_localCa->rootDer(),
                     {{"Content-Disposition", "attachment; filename=\"sse-dashboard-ca.crt\""},
                      {"Cache-Control", "no-cache"}});
}

} // namespace sse
