#pragma once

#include <cstdint>
#include <string>
#include <vector>

// CPU time and resident memory of the server under test, summed over the given processes
// (for nginx: master and worker). Read from /proc, so only processes of this machine.
struct ProcSample
{
    bool ok = false;     // every pid could be read
    uint64_t cpuNs = 0;  // utime + stime of all threads, 10 ms tick resolution
    uint64_t rssKiB = 0; // VmRSS
    std::string error;   // what failed when !ok
};

ProcSample sampleProcesses(const std::vector<int> &pids);

// This process's own user + system CPU time.
uint64_t selfCpuNs();
