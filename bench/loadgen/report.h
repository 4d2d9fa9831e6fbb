#pragma once

#include <cstdint>
#include <string>

// Everything one run measured. Latencies in microseconds, memory in KiB.
struct RunReport
{
    std::string label;
    std::string mode; // "closed-loop" or "rate"
    double targetRate = 0.0;
    uint32_t payloadBytes = 0;

    uint32_t subscribersRequested = 0;
    uint32_t subscribersConnected = 0;
    uint32_t connectFailures = 0;   // socket/connect errors, resets, timeouts
    uint32_t rejectedResponses = 0; // non-200 answers to the subscribe request
    int firstRejectStatus = 0;
    std::string firstConnectError;
    std::string tls;                     // "TLSv1.3 TLS_AES_128_GCM_SHA256"; empty = plain HTTP
    bool tlsVerified = false;            // the server's certificate was checked against --ca
    uint32_t h2StreamsPerConnection = 0; // 0: HTTP/1.1, one connection per subscriber
    uint32_t sourceAddresses = 0;
    double connectSeconds = 0.0;

    uint32_t eventsRequested = 0;
    uint32_t eventsPublished = 0; // answered with 2xx
    uint32_t publishErrors = 0;
    std::string firstPublishError;
    uint32_t latePublishes = 0;      // rate mode: sent over 1 ms after their slot
    int64_t serverDeliveredMin = -1; // as reported in the publish answers, when parseable
    int64_t serverDeliveredMax = -1;

    uint64_t expectedDeliveries = 0;
    uint64_t receivedDeliveries = 0;
    int64_t lostDeliveries = 0;
    uint64_t duplicates = 0;
    uint64_t outOfOrder = 0;
    uint32_t disconnects = 0;    // subscribers the server closed after they were connected
    uint32_t protocolErrors = 0; // malformed streams
    uint64_t foreignEvents = 0;  // load-generator events of another run (stale history)
    uint64_t unacknowledged = 0; // received events whose POST failed (not in `received`)

    double publishSeconds = 0.0; // first POST to last delivery
    double deliveriesPerSecond = 0.0;
    double eventsPerSecond = 0.0;
    double latencyP50Us = 0, latencyP90Us = 0, latencyP99Us = 0, latencyP999Us = 0;
    double latencyMaxUs = 0, latencyMeanUs = 0;
    std::string latencySource; // "kernel-arrival" (SO_TIMESTAMPNS) or "read"
    double readLatencyP50Us = 0, readLatencyP99Us = 0, readLatencyMaxUs = 0;
    double publishRttP50Us = 0, publishRttP99Us = 0;

    bool serverSampled = false;
    double serverCpuSeconds = 0.0;
    double serverCpuNsPerDelivery = 0.0;
    // ksoftirqd/N during the publish phase, and the server's figure with all of it added: an
    // upper bound, since the threads also serve the load generator's sockets.
    double softirqThreadsCpuSeconds = 0.0;
    double serverWithSoftirqNsPerDelivery = 0.0;
    uint64_t serverRssBeforeKiB = 0;
    uint64_t serverRssIdleKiB = 0;
    uint64_t serverRssAfterKiB = 0;
    double idleBytesPerSubscriber = 0.0;

    double loadgenCpuSeconds = 0.0; // during the publish phase
    double loadgenCpuShare = 0.0;   // of one core

    bool timedOut = false;
    std::string setupError;
    int exitCode = 0;
};

std::string toJson(const RunReport &report);
std::string toHumanSummary(const RunReport &report);
