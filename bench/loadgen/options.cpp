#include "options.h"

#include <arpa/inet.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>

namespace {

const char kUsage[] =
    R"(Usage: sse-loadgen --url http[s]://127.0.0.1:PORT/ [options]

Opens N SSE subscribers on loopback, publishes M events over HTTP POST and reports
deliveries/s, losses, ordering, publish-to-receive latency and the server's CPU and memory.
One JSON line goes to stdout, a human summary to stderr.

Target:
  --url URL                 server base URL (loopback only), e.g. http://127.0.0.1:8080/
  --sub-path PATH           subscriber path (default /events)
  --pub-path PATH           publish path (default /publish)
  --pub-body TEMPLATE       POST body; {{data}} is replaced by the event data
                            (default {"data":"{{data}}"}; for Nchan use '{{data}}')
  --pub-content-type TYPE   Content-Type of the POST (default application/json)
TLS (OpenSSL; subscribers and the publisher alike):
  --tls                     speak TLS 1.3 (implied by an https:// URL)
  --ca FILE                 PEM root(s) to verify the server's certificate and that it
                            names the URL's host (default: no verification)
  --tls-ciphersuites LIST   TLS 1.3 cipher suites, colon-separated
                            (default TLS_AES_128_GCM_SHA256, the same for every server)
HTTP/2 (nghttp2's client session; the publisher stays HTTP/1.1):
  --h2-streams M            subscribers speak HTTP/2, M streams per connection: h2 through
                            ALPN over TLS, h2c with prior knowledge otherwise
Load:
  -n, --subscribers N       subscribers (default 100)
  -m, --events M            events to publish (default 100; 0 = connect and measure only)
  --payload BYTES           size of each event's data (default 64, min 48)
  --rate EPS                publish at a fixed rate (default: closed loop, the next POST
                            when the previous one is answered)
  --connect-concurrency K   subscriber handshakes in flight at once (default 256)
  --per-source N            subscribers per source address 127.0.0.1, .2, ... (default 20000)
Measurement:
  --server-pid PID          server process to sample (repeatable: nginx master + worker)
  --settle-ms MS            wait after all subscribers connected before reading idle RSS
                            (default 1000)
  --drain-ms MS             after the last POST, wait at most this long without progress
                            for missing deliveries (default 5000)
  --connect-timeout S       connect phase limit (default 120)
  --timeout S               overall limit; the run ends by itself (default 300)
  --read-latency            measure latency at read() time instead of the kernel's arrival
                            time (SO_TIMESTAMPNS, the default; unaffected by this process's
                            own reading lag)
  --label TEXT              name of the server in the output
  -q, --quiet               no progress or summary on stderr
  -h, --help

Exit status: 0 all delivered in order, 1 losses/duplicates/reordering/failed subscribers or
publishes, 2 usage error, 3 setup failure or overall timeout.
)";

bool parseUnsigned(const char *text, uint64_t max, uint64_t &value)
{
    if (text == nullptr || *text == '\0') {
        return false;
    }
    errno = 0;
    char *end = nullptr;
    const unsigned long long parsed = std::strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || text[0] == '-' || parsed > max) {
        return false;
    }
    value = parsed;
    return true;
}

} // namespace

bool parseLoopbackUrl(const std::string &url, Endpoint &endpoint, std::string &error)
{
    const std::string plain = "http://";
    const std::string secure = "https://";
    const bool https = url.compare(0, secure.size(), secure) == 0;
    if (!https && url.compare(0, plain.size(), plain) != 0) {
        error = "URL must start with http:// or https:// (" + url + ")";
        return false;
    }
    const std::string rest = url.substr((https ? secure : plain).size());
    const std::string hostPort = rest.substr(0, rest.find('/'));
    const size_t colon = hostPort.rfind(':');
    const std::string named = hostPort.substr(0, colon);
    std::string host = named;
    uint64_t port = https ? 443 : 80;
    if (colon != std::string::npos &&
        !parseUnsigned(hostPort.substr(colon + 1).c_str(), 65535, port)) {
        error = "bad port in " + url;
        return false;
    }
    if (host == "localhost") {
        host = "127.0.0.1";
    }
    in_addr address{};
    if (inet_pton(AF_INET, host.c_str(), &address) != 1) {
        error = "host must be an IPv4 loopback address or localhost (" + url + ")";
        return false;
    }
    if ((ntohl(address.s_addr) >> 24) != 127) {
        error = "refusing non-loopback target " + host + ": only 127.0.0.0/8 is allowed";
        return false;
    }
    endpoint.address = sockaddr_in{};
    endpoint.address.sin_family = AF_INET;
    endpoint.address.sin_port = htons(static_cast<uint16_t>(port));
    endpoint.address.sin_addr = address;
    endpoint.host = named;
    endpoint.hostHeader = host + ":" + std::to_string(port);
    endpoint.https = https;
    return true;
}

bool parseOptions(int argc, char **argv, Options &options, int &exitCode)
{
    auto fail = [&](const std::string &message) {
        std::fprintf(stderr, "sse-loadgen: %s (see --help)\n", message.c_str());
        exitCode = 2;
        return false;
    };
    bool haveUrl = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : nullptr;
        auto needValue = [&]() {
            if (value == nullptr) {
                return false;
            }
            ++i;
            return true;
        };
        auto number = [&](uint64_t max, auto &target) {
            uint64_t parsed = 0;
            if (!needValue() || !parseUnsigned(value, max, parsed)) {
                return false;
            }
            target = static_cast<std::remove_reference_t<decltype(target)>>(parsed);
            return true;
        };

        if (arg == "-h" || arg == "--help") {
            std::fputs(kUsage, stdout);
            exitCode = 0;
            return false;
        } else if (arg == "--url") {
            std::string error;
            if (!needValue() || !parseLoopbackUrl(value, options.server, error)) {
                return fail(error.empty() ? "--url needs a value" : error);
            }
            haveUrl = true;
        } else if (arg == "--sub-path" || arg == "--pub-path") {
            if (!needValue() || value[0] != '/') {
                return fail(arg + " needs a path starting with /");
            }
            (arg == "--sub-path" ? options.subscribePath : options.publishPath) = value;
        } else if (arg == "--pub-body") {
            if (!needValue() || std::strstr(value, "{{data}}") == nullptr) {
                return fail("--pub-body needs a template containing {{data}}");
            }
            options.publishBody = value;
        } else if (arg == "--pub-content-type") {
            if (!needValue()) {
                return fail("--pub-content-type needs a value");
            }
            options.publishContentType = value;
        } else if (arg == "-n" || arg == "--subscribers") {
            if (!number(1'000'000, options.subscribers) || options.subscribers == 0) {
                return fail("--subscribers needs a number 1..1000000");
            }
        } else if (arg == "-m" || arg == "--events") {
            if (!number(100'000'000, options.events)) {
                return fail("--events needs a number 0..100000000");
            }
        } else if (arg == "--payload") {
            if (!number(1'000'000, options.payloadBytes) || options.payloadBytes < 48) {
                return fail("--payload needs a number 48..1000000");
            }
        } else if (arg == "--rate") {
            char *end = nullptr;
            if (!needValue() || (options.rate = std::strtod(value, &end), *end != '\0') ||
                !(options.rate > 0.0 && options.rate <= 10'000'000.0)) {
                return fail("--rate needs events per second > 0");
            }
        } else if (arg == "--connect-concurrency") {
            if (!number(100'000, options.connectConcurrency) || options.connectConcurrency == 0) {
                return fail("--connect-concurrency needs a number 1..100000");
            }
        } else if (arg == "--per-source") {
            if (!number(60'000, options.perSourceAddress) || options.perSourceAddress == 0) {
                return fail("--per-source needs a number 1..60000");
            }
        } else if (arg == "--server-pid") {
            int pid = 0;
            if (!number(4'194'304, pid) || pid <= 0) {
                return fail("--server-pid needs a process id");
            }
            options.serverPids.push_back(pid);
        } else if (arg == "--settle-ms") {
            if (!number(600'000, options.settleMs)) {
                return fail("--settle-ms needs a number 0..600000");
            }
        } else if (arg == "--drain-ms") {
            if (!number(600'000, options.drainMs)) {
                return fail("--drain-ms needs a number 0..600000");
            }
        } else if (arg == "--connect-timeout") {
            if (!number(3600, options.connectTimeoutS) || options.connectTimeoutS == 0) {
                return fail("--connect-timeout needs seconds 1..3600");
            }
        } else if (arg == "--timeout") {
            if (!number(24 * 3600, options.timeoutS) || options.timeoutS == 0) {
                return fail("--timeout needs seconds 1..86400");
            }
        } else if (arg == "--label") {
            if (!needValue()) {
                return fail("--label needs a value");
            }
            options.label = value;
        } else if (arg == "--h2-streams") {
            if (!number(100'000, options.h2Streams) || options.h2Streams == 0) {
                return fail("--h2-streams needs a number 1..100000");
            }
        } else if (arg == "--tls") {
            options.tls = true;
        } else if (arg == "--ca") {
            if (!needValue() || *value == '\0') {
                return fail("--ca needs a PEM file");
            }
            options.caFile = value;
        } else if (arg == "--tls-ciphersuites") {
            if (!needValue() || *value == '\0') {
                return fail("--tls-ciphersuites needs a list such as TLS_AES_128_GCM_SHA256");
            }
            options.tlsCiphersuites = value;
        } else if (arg == "--read-latency") {
            options.kernelTimestamps = false;
        } else if (arg == "-q" || arg == "--quiet") {
            options.quiet = true;
        } else {
            return fail("unknown option " + arg);
        }
    }
    if (!haveUrl) {
        return fail("--url is required");
    }
    options.tls = options.tls || options.server.https;
    if (!options.tls && !options.caFile.empty()) {
        return fail("--ca needs --tls or an https:// URL");
    }
    // Source addresses 127.0.0.1 + k must stay inside 127.0.0.0/8.
    const uint64_t sources =
        (uint64_t{options.subscribers} + options.perSourceAddress - 1) / options.perSourceAddress;
    if (sources > 250) {
        return fail("too many source addresses needed; raise --per-source");
    }
    exitCode = 0;
    return true;
}
