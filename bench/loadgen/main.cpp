// sse-loadgen: SSE fan-out load generator for sse-dashboard and nginx + Nchan.
// See bench/README.md.

#include "loadgenerator.h"
#include "options.h"
#include "report.h"

#include <csignal>
#include <cstdio>

int main(int argc, char **argv)
{
    Options options;
    int exitCode = 0;
    if (!parseOptions(argc, argv, options, exitCode)) {
        return exitCode;
    }
    std::signal(SIGPIPE, SIG_IGN);

    LoadGenerator generator(options);
    const RunReport report = generator.run();
    if (!options.quiet) {
        std::fputs(toHumanSummary(report).c_str(), stderr);
    }
    std::printf("%s\n", toJson(report).c_str());
    std::fflush(stdout);
    return report.exitCode;
}
