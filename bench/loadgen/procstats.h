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

// CPU time of the kernel's softirq threads (ksoftirqd/N) together. On loopback the receive
// half of a send runs in the sender's system call, unless the kernel defers it to these
// threads; then it is in no process's figure, so a run reads them too.
uint64_t softirqThreadsCpuNs();

// This process's own user + system CPU time.
uint64_t selfCpuNs();
