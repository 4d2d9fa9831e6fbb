#include "procstats.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <sstream>

namespace {

bool readCpuTicks(int pid, uint64_t &ticks)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string content;
    if (!in || !std::getline(in, content)) {
        return false;
    }
    // The command name (field 2) may contain spaces and parentheses: skip to the last ')'.
    const size_t close = content.rfind(')');
    if (close == std::string::npos) {
        return false;
    }
    std::istringstream fields(content.substr(close + 1));
    std::string field;
    uint64_t utime = 0;
    uint64_t stime = 0;
    // After ')': field 3 (state) is the first; utime is field 14, stime field 15.
    for (int index = 3; index <= 15 && (fields >> field); ++index) {
        if (index == 14) {
            utime = std::strtoull(field.c_str(), nullptr, 10);
        } else if (index == 15) {
            stime = std::strtoull(field.c_str(), nullptr, 10);
            ticks = utime + stime;
            return true;
        }
    }
    return false;
}

bool readRssKiB(int pid, uint64_t &kib)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.compare(0, 6, "VmRSS:") == 0) {
            kib = std::strtoull(line.c_str() + 6, nullptr, 10);
            return true;
        }
    }
    return false;
}

} // namespace

ProcSample sampleProcesses(const std::vector<int> &pids)
{
    ProcSample sample;
    sample.ok = !pids.empty();
    static const long ticksPerSecond = sysconf(_SC_CLK_TCK);
    for (const int pid : pids) {
        uint64_t ticks = 0;
        uint64_t kib = 0;
        if (!readCpuTicks(pid, ticks) || !readRssKiB(pid, kib)) {
            sample.ok = false;
            sample.error = "cannot read /proc/" + std::to_string(pid);
            continue;
        }
        sample.cpuNs += ticks * (1'000'000'000ull / static_cast<uint64_t>(ticksPerSecond));
        sample.rssKiB += kib;
    }
    return sample;
}

uint64_t softirqThreadsCpuNs()
{
    static const std::vector<int> threads = [] {
        std::vector<int> pids;
        DIR *proc = opendir("/proc");
        while (dirent *entry = proc ? readdir(proc) : nullptr) {
            const int pid = std::atoi(entry->d_name);
            if (pid <= 0)
                continue;
            std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
            std::string name;
            if (std::getline(in, name) && name.compare(0, 10, "ksoftirqd/") == 0)
                pids.push_back(pid);
        }
        if (proc)
            closedir(proc);
        return pids;
    }();
    static const long ticksPerSecond = sysconf(_SC_CLK_TCK);
    uint64_t ns = 0;
    for (const int pid : threads) {
        uint64_t ticks = 0;
        if (readCpuTicks(pid, ticks))
            ns += ticks * (1'000'000'000ull / static_cast<uint64_t>(ticksPerSecond));
    }
    return ns;
}

uint64_t selfCpuNs()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto toNs = [](const timeval &tv) {
        return static_cast<uint64_t>(tv.tv_sec) * 1'000'000'000ull +
               static_cast<uint64_t>(tv.tv_usec) * 1000ull;
    };
    return toNs(usage.ru_utime) + toNs(usage.ru_stime);
}
