#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <vector>

// A loopback HTTP(S) endpoint: the load generator refuses anything outside 127.0.0.0/8.
struct Endpoint
{
    sockaddr_in address{};
    std::string host;       // as the URL names it: "127.0.0.1" or "localhost"
    std::string hostHeader; // "127.0.0.1:8080"
    bool https = false;     // the URL said https://
};

struct Options
{
    Endpoint server;
    std::string subscribePath = "/events";
    std::string publishPath = "/publish";
    std::string publishBody = R"({"data":"{{data}}"})";
    std::string publishContentType = "application/json";
    uint32_t subscribers = 100;
    uint32_t events = 100;
    uint32_t payloadBytes = 64;
    double rate = 0.0; // events per second; 0 = closed loop
    uint32_t connectConcurrency = 256;
    uint32_t perSourceAddress = 20000;
    std::vector<int> serverPids;
    uint32_t settleMs = 1000;
    uint32_t drainMs = 5000;
    uint32_t connectTimeoutS = 120;
    uint32_t timeoutS = 300;
    std::string label;
    bool kernelTimestamps = true; // SO_TIMESTAMPNS arrival times for the latency figures
    bool tls = false;             // --tls or an https:// URL: every connection speaks TLS
    std::string caFile;           // --ca: verify the server against these roots
    std::string tlsCiphersuites = "TLS_AES_128_GCM_SHA256";
    uint32_t h2Streams = 0; // --h2-streams: HTTP/2, this many subscribers per connection
    bool quiet = false;
};

// Parses the command line. Returns true to go on; false when the program should exit with
// exitCode (0 after --help, 2 after a usage error, which is printed).
bool parseOptions(int argc, char **argv, Options &options, int &exitCode);

// Parses "http://127.0.0.1:PORT[/...]" or "https://..." (or localhost). Only 127.0.0.0/8 is
// accepted: the load generator is a benchmark tool for this machine, never a traffic source for
// others.
bool parseLoopbackUrl(const std::string &url, Endpoint &endpoint, std::string &error);
