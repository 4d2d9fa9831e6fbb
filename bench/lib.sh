# Shell helpers shared by bench/compare.sh and bench/cluster.sh; source it.

# stop_processes PID...: SIGTERM to each, up to 5 s to go, then SIGKILL; reaps them (they must
# be children of the sourcing shell).
stop_processes() {
    local pid
    for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "$@"; do
        for _ in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}

# A free loopback TCP port below the ephemeral range (so no subscriber socket can hold it).
free_port() {
    local port
    for _ in $(seq 200); do
        port=$((20000 + RANDOM % 12000))
        if ! ss -Htln "sport = :$port" | grep -q .; then
            echo "$port"
            return 0
        fi
    done
    return 1
}
