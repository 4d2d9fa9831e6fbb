#include "report.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace {

std::string jsonString(const std::string &text)
{
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
                out += escaped;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

std::string number(double value)
{
    if (!std::isfinite(value)) {
        return "null";
    }
    char text[64];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

class JsonObject
{
public:
    template<class T>
    JsonObject &add(const char *key, const T &value)
    {
        separator();
        m_out << '"' << key << "\":" << value;
        return *this;
    }
    JsonObject &addString(const char *key, const std::string &value)
    {
        separator();
        m_out << '"' << key << "\":" << jsonString(value);
        return *this;
    }
    JsonObject &addNumber(const char *key, double value)
    {
        separator();
        m_out << '"' << key << "\":" << number(value);
        return *this;
    }
    JsonObject &addBool(const char *key, bool value)
    {
        separator();
        m_out << '"' << key << "\":" << (value ? "true" : "false");
        return *this;
    }
    std::string str() const { return m_out.str() + "}"; }

private:
    void separator()
    {
        m_out << (m_first ? "{" : ",");
        m_first = false;
    }
    std::ostringstream m_out;
    bool m_first = true;
};

} // namespace

std::string toJson(const RunReport &r)
{
    JsonObject json;
    json.addString("label", r.label)
        .addString("mode", r.mode)
        .addNumber("targetRate", r.targetRate)
        .add("payloadBytes", r.payloadBytes)
        .add("subscribers", r.subscribersRequested)
        .add("connected", r.subscribersConnected)
        .add("connectFailures", r.connectFailures)
        .add("rejected", r.rejectedResponses)
        .add("firstRejectStatus", r.firstRejectStatus)
        .addString("firstConnectError", r.firstConnectError)
        .addString("tls", r.tls)
        .addBool("tlsVerified", r.tlsVerified)
        .add("h2StreamsPerConnection", r.h2StreamsPerConnection)
        .add("sourceAddresses", r.sourceAddresses)
        .addNumber("connectSeconds", r.connectSeconds)
        .add("events", r.eventsRequested)
        .add("published", r.eventsPublished)
        .add("publishErrors", r.publishErrors)
        .addString("firstPublishError", r.firstPublishError)
        .add("latePublishes", r.latePublishes)
        .add("serverDeliveredMin", r.serverDeliveredMin)
        .add("serverDeliveredMax", r.serverDeliveredMax)
        .add("expected", r.expectedDeliveries)
        .add("received", r.receivedDeliveries)
        .add("lost", r.lostDeliveries)
        .add("duplicates", r.duplicates)
        .add("outOfOrder", r.outOfOrder)
        .add("disconnects", r.disconnects)
        .add("protocolErrors", r.protocolErrors)
        .add("foreignEvents", r.foreignEvents)
        .add("unacknowledged", r.unacknowledged)
        .addNumber("publishSeconds", r.publishSeconds)
        .addNumber("deliveriesPerSec", r.deliveriesPerSecond)
        .addNumber("eventsPerSec", r.eventsPerSecond)
        .addNumber("latencyP50Us", r.latencyP50Us)
        .addNumber("latencyP90Us", r.latencyP90Us)
        .addNumber("latencyP99Us", r.latencyP99Us)
        .addNumber("latencyP999Us", r.latencyP999Us)
        .addNumber("latencyMaxUs", r.latencyMaxUs)
        .addNumber("latencyMeanUs", r.latencyMeanUs)
        .addString("latencySource", r.latencySource)
        .addNumber("readLatencyP50Us", r.readLatencyP50Us)
        .addNumber("readLatencyP99Us", r.readLatencyP99Us)
        .addNumber("readLatencyMaxUs", r.readLatencyMaxUs)
        .addNumber("publishRttP50Us", r.publishRttP50Us)
        .addNumber("publishRttP99Us", r.publishRttP99Us)
        .addBool("serverSampled", r.serverSampled)
        .addNumber("serverCpuSeconds", r.serverCpuSeconds)
        .addNumber("serverCpuNsPerDelivery", r.serverCpuNsPerDelivery)
        .addNumber("softirqThreadsCpuSeconds", r.softirqThreadsCpuSeconds)
        .addNumber("serverWithSoftirqNsPerDelivery", r.serverWithSoftirqNsPerDelivery)
        .add("serverRssBeforeKiB", r.serverRssBeforeKiB)
        .add("serverRssIdleKiB", r.serverRssIdleKiB)
        .add("serverRssAfterKiB", r.serverRssAfterKiB)
        .addNumber("idleBytesPerSubscriber", r.idleBytesPerSubscriber)
        .addNumber("loadgenCpuSeconds", r.loadgenCpuSeconds)
        .addNumber("loadgenCpuShare", r.loadgenCpuShare)
        .addBool("timedOut", r.timedOut)
        .addString("setupError", r.setupError)
        .add("exitCode", r.exitCode);
    return json.str();
}

std::string toHumanSummary(const RunReport &r)
{
    char line[512];
    std::string out;
    auto add = [&](const char *format, auto... args) {
        std::snprintf(line, sizeof line, format, args...);
        out += line;
    };
    const std::string label = r.label.empty() ? std::string("server") : r.label;
    if (r.mode == "rate") {
        add("== %s: %u subscribers x %u events at %.0f ev/s, payload %u B\n", label.c_str(),
            r.subscribersRequested, r.eventsRequested, r.targetRate, r.payloadBytes);
    } else {
        add("== %s: %u subscribers x %u events, closed loop, payload %u B\n", label.c_str(),
            r.subscribersRequested, r.eventsRequested, r.payloadBytes);
    }
    if (!r.setupError.empty()) {
        add("   setup error: %s\n", r.setupError.c_str());
    }
    add("   connect   %u/%u in %.2f s over %u source address(es); %u failed, %u rejected",
        r.subscribersConnected, r.subscribersRequested, r.connectSeconds, r.sourceAddresses,
        r.connectFailures, r.rejectedResponses);
    if (r.firstRejectStatus != 0) {
        add(" (first status %d)", r.firstRejectStatus);
    }
    if (!r.firstConnectError.empty()) {
        add(" (first error: %s)", r.firstConnectError.c_str());
    }
    out += "\n";
    if (r.h2StreamsPerConnection != 0) {
        add("   http/2    %u streams per connection\n", r.h2StreamsPerConnection);
    }
    if (!r.tls.empty()) {
        add("   tls       %s, server certificate %s\n", r.tls.c_str(),
            r.tlsVerified ? "verified (--ca)" : "not verified");
    }
    if (r.serverSampled) {
        add("   memory    RSS %.1f MiB before, %.1f MiB idle = %.2f KiB per idle subscriber;"
            " %.1f MiB after publishing\n",
            static_cast<double>(r.serverRssBeforeKiB) / 1024.0,
            static_cast<double>(r.serverRssIdleKiB) / 1024.0, r.idleBytesPerSubscriber / 1024.0,
            static_cast<double>(r.serverRssAfterKiB) / 1024.0);
    }
    const bool published = r.eventsPublished > 0 || r.publishErrors > 0;
    if (published) {
        add("   publish   %u/%u answered 2xx (%u errors%s%s), %.0f events/s", r.eventsPublished,
            r.eventsRequested, r.publishErrors, r.firstPublishError.empty() ? "" : ": ",
            r.firstPublishError.c_str(), r.eventsPerSecond);
        if (r.mode == "rate") {
            add(", %u late", r.latePublishes);
        }
        add("; POST round trip p50 %.0f us, p99 %.0f us\n", r.publishRttP50Us, r.publishRttP99Us);
        add("   delivery  %llu/%llu in %.3f s = %.0f deliveries/s; lost %lld, out of order "
            "%llu, duplicates %llu, disconnects %u, protocol errors %u\n",
            static_cast<unsigned long long>(r.receivedDeliveries),
            static_cast<unsigned long long>(r.expectedDeliveries), r.publishSeconds,
            r.deliveriesPerSecond, static_cast<long long>(r.lostDeliveries),
            static_cast<unsigned long long>(r.outOfOrder),
            static_cast<unsigned long long>(r.duplicates), r.disconnects, r.protocolErrors);
        if (r.unacknowledged != 0) {
            add("   (also received %llu deliveries of events whose POST failed; not counted)\n",
                static_cast<unsigned long long>(r.unacknowledged));
        }
        add("   latency   publish-to-receive p50 %.0f us, p90 %.0f us, p99 %.0f us, p99.9 %.0f "
            "us, max %.0f us, mean %.0f us (%s)\n",
            r.latencyP50Us, r.latencyP90Us, r.latencyP99Us, r.latencyP999Us, r.latencyMaxUs,
            r.latencyMeanUs, r.latencySource.c_str());
        add("             publish-to-read (includes load generator lag) p50 %.0f us, p99 %.0f us, "
            "max %.0f us\n",
            r.readLatencyP50Us, r.readLatencyP99Us, r.readLatencyMaxUs);
        if (r.serverSampled) {
            add("   cpu       server %.3f s = %.0f ns per delivery; load generator %.3f s (%.0f%% "
                "of a core)\n",
                r.serverCpuSeconds, r.serverCpuNsPerDelivery, r.loadgenCpuSeconds,
                r.loadgenCpuShare * 100.0);
            add("             ksoftirqd %.3f s; server + ksoftirqd = %.0f ns per delivery\n",
                r.softirqThreadsCpuSeconds, r.serverWithSoftirqNsPerDelivery);
        } else {
            add("   cpu       load generator %.3f s (%.0f%% of a core); no --server-pid given\n",
                r.loadgenCpuSeconds, r.loadgenCpuShare * 100.0);
        }
    }
    if (r.timedOut) {
        out += "   TIMED OUT (overall --timeout reached)\n";
    }
    add("   result    %s (exit %d)\n", r.exitCode == 0 ? "OK" : "FAILED", r.exitCode);
    return out;
}
