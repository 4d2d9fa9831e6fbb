# shellcheck shell=bash disable=SC2154 # the globals are compare.sh's
# bench/compare.sh's summary tables: the medians of the runs' result.json files, against the
# targets, as Markdown (plain, --tls and --h2). Sourced by compare.sh; the functions read its
# globals (out, repeat, scenarios, servers, floor_bin, tls_suite, h2_streams).

jget() { # file key -> value of a flat JSON line
    grep -o "\"$2\":[^,}]*" "$1" 2>/dev/null | head -n 1 | cut -d: -f2- | tr -d '"' || true
}
# Median of a metric over the repeats of one scenario and server ("" when absent).
metric() {
    local scenario=$1 server=$2 key=$3 rep values=()
    for ((rep = 1; rep <= repeat; rep++)); do
        local file="$out/$scenario.$server.$rep/result.json"
        [[ -f $file ]] || continue
        local v
        v=$(jget "$file" "$key")
        [[ -n $v && $v != null ]] && values+=("$v")
    done
    ((${#values[@]})) || return 0
    printf '%s\n' "${values[@]}" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
fmt() { # number formatting: fmt VALUE SCALE DECIMALS
    [[ -z $1 ]] && { echo "-"; return; }
    awk -v v="$1" -v s="$2" -v d="$3" 'BEGIN { printf "%.*f", d, v / s }'
}
ratio() {
    [[ -z $1 || -z $2 ]] && { echo "-"; return; }
    awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2f", a / b }'
}
# verdict RATIO OP LIMIT -> yes/NO/-
verdict() {
    [[ $1 == - ]] && { echo "-"; return; }
    awk -v r="$1" -v op="$2" -v l="$3" 'BEGIN {
        ok = (op == ">=") ? (r >= l) : (r <= l); print ok ? "yes" : "NO" }'
}
has() { [[ ,$scenarios, == *,$1,* ]]; }
# "19,000 held, 0 lost" for SERVER in hold19k
cell() {
    local c l
    c=$(metric hold19k "$1" connected)
    l=$(metric hold19k "$1" lost)
    [[ -z $c ]] && { echo "-"; return; }
    echo "$(fmt "$c" 1 0) held, $(fmt "$l" 1 0) lost"
}

# The table without --tls: ours against the floor and Nchan.
plain_table() {
    echo "floor: $floor_bin"
    echo
    echo "| metric | sse-dashboard | floor | nginx + Nchan | ours / floor | ours / Nchan | target | met |"
    echo "|---|---:|---:|---:|---:|---:|---|---|"
    # both VERDICT VERDICT -> NO if either is NO, yes if one is yes, else -
    both() {
        if [[ $1 == NO || $2 == NO ]]; then echo NO
        elif [[ $1 == yes || $2 == yes ]]; then echo yes
        else echo -; fi
    }
    row() { # label scale decimals key scenario op floor-limit nchan-limit target-text
        local a f b rf rb met
        a=$(metric "$5" ours "$4")
        f=$(metric "$5" floor "$4")
        b=$(metric "$5" nchan "$4")
        rf=$(ratio "$a" "$f")
        rb=$(ratio "$a" "$b")
        met=$(both "$(verdict "$rf" "$6" "$7")" "$(verdict "$rb" "$6" "$8")")
        [[ $9 == "(info)" ]] && met="-"
        echo "| $1 | $(fmt "$a" "$2" "$3") | $(fmt "$f" "$2" "$3") | $(fmt "$b" "$2" "$3") | $rf | $rb | $9 | $met |"
    }
    if has fanout1k; then
        row "deliveries/s, 1k subscribers, closed loop" 1 0 deliveriesPerSec fanout1k ">=" 1.05 1.25 "≥ 1.05× floor, ≥ 1.25× Nchan"
        row "server CPU ns/delivery, 1k" 1 0 serverCpuNsPerDelivery fanout1k "<=" 0.9 0.8 "≤ 0.9× floor, ≤ 0.8× Nchan"
        row "server + ksoftirqd CPU ns/delivery, 1k" 1 0 serverWithSoftirqNsPerDelivery fanout1k "<=" 0.9 0.8 "≤ 0.9× floor, ≤ 0.8× Nchan"
        row "latency p99 µs, 1k, closed loop (saturated)" 1 0 latencyP99Us fanout1k "<=" 1.0 1.0 "≤ 1.0× both"
    fi
    if has latency1k; then
        row "latency p50 µs, 1k at 50 ev/s" 1 0 latencyP50Us latency1k "<=" 1.0 1.0 "(info)"
        row "latency p99 µs, 1k at 50 ev/s" 1 0 latencyP99Us latency1k "<=" 1.0 1.0 "≤ 1.0× both"
    fi
    if has fanout10k; then
        row "deliveries/s, 10k subscribers, closed loop" 1 0 deliveriesPerSec fanout10k ">=" 1.05 1.25 "≥ 1.05× floor, ≥ 1.25× Nchan"
        row "server CPU ns/delivery, 10k" 1 0 serverCpuNsPerDelivery fanout10k "<=" 0.9 0.8 "≤ 0.9× floor, ≤ 0.8× Nchan"
        row "server + ksoftirqd CPU ns/delivery, 10k" 1 0 serverWithSoftirqNsPerDelivery fanout10k "<=" 0.9 0.8 "≤ 0.9× floor, ≤ 0.8× Nchan"
        row "latency p99 µs, 10k, closed loop (saturated)" 1 0 latencyP99Us fanout10k "<=" 1.0 1.0 "≤ 1.0× floor"
    fi
    for s in fanout1k fanout10k hold19k; do
        has "$s" || continue
        a=$(metric "$s" ours idleBytesPerSubscriber)
        f=$(metric "$s" floor idleBytesPerSubscriber)
        b=$(metric "$s" nchan idleBytesPerSubscriber)
        n=$(metric "$s" ours connected)
        [[ -z $n ]] && n=$(metric "$s" nchan connected)
        met="-"
        [[ -n $a ]] && met=$(awk -v a="$a" -v b="${b:-1e18}" 'BEGIN { print (a <= 1536 && a < b) ? "yes" : "NO" }')
        echo "| idle memory KiB/subscriber at $(fmt "$n" 1 0) ($s) | $(fmt "$a" 1024 2) | $(fmt "$f" 1024 2) | $(fmt "$b" 1024 2) | $(ratio "$a" "$f") | $(ratio "$a" "$b") | ≤ 1.5 KiB and < Nchan | $met |"
    done
    if has hold19k; then
        c=$(metric hold19k ours connected)
        l=$(metric hold19k ours lost)
        met="-"
        [[ -n $c ]] && met=$(awk -v c="$c" -v l="$l" 'BEGIN { print (c >= 19000 && l == 0) ? "yes" : "NO" }')
        echo "| 19k subscribers x 10 events | $(cell ours) | $(cell floor) | $(cell nchan) | - | - | 19,000 held, 0 lost | $met |"
        row "deliveries/s, 19k" 1 0 deliveriesPerSec hold19k ">=" 0 0 "(info)"
    fi
}

# The --tls table: ours against Nchan, both over TLS, and ours over TLS against ours in
# plaintext (ours-plain).
tls_table() {
    local negotiated
    negotiated=$(for f in "$out"/*.ours.*/result.json "$out"/*.nchan.*/result.json; do
        jget "$f" tls
    done | awk NF | sort -u | paste -sd / -)
    echo "TLS mode: TLS 1.3 only, cipher suite $tls_suite (negotiated: ${negotiated:-nothing});" \
        "ECDSA P-256 server certificate for IP:127.0.0.1 made for this run and verified by the" \
        "load generator; a full handshake for every connection; $(openssl version | cut -d' ' -f1-2)." \
        "ours-plain: the same sse-dashboard in plaintext."
    echo
    echo "| metric | sse-dashboard over TLS | nginx + Nchan over TLS | sse-dashboard plaintext | ours / Nchan | TLS / plaintext | target | met |"
    echo "|---|---:|---:|---:|---:|---:|---|---|"
    # trow LABEL SCALE DECIMALS KEY SCENARIO CHECK OP LIMIT TARGET-TEXT; CHECK is nchan (ours
    # over TLS against Nchan), plain (against ours in plaintext) or info
    trow() {
        local a b p rb rp met=-
        a=$(metric "$5" ours "$4")
        b=$(metric "$5" nchan "$4")
        p=$(metric "$5" ours-plain "$4")
        rb=$(ratio "$a" "$b")
        rp=$(ratio "$a" "$p")
        case $6 in
        nchan) met=$(verdict "$rb" "$7" "$8") ;;
        plain) met=$(verdict "$rp" "$7" "$8") ;;
        esac
        echo "| $1 | $(fmt "$a" "$2" "$3") | $(fmt "$b" "$2" "$3") | $(fmt "$p" "$2" "$3") | $rb | $rp | $9 | $met |"
    }
    local s a b p n met
    for s in fanout1k fanout10k; do
        has "$s" || continue
        n=${s#fanout}
        trow "deliveries/s over TLS, $n subscribers, closed loop" 1 0 deliveriesPerSec "$s" nchan ">=" 1.5 "≥ 1.5× Nchan"
        trow "server CPU ns/delivery over TLS, $n" 1 0 serverCpuNsPerDelivery "$s" plain "<=" 1.3 "≤ 1.3× ours in plaintext"
        trow "server + ksoftirqd CPU ns/delivery over TLS, $n" 1 0 serverWithSoftirqNsPerDelivery "$s" info - - "(info)"
        trow "latency p99 µs over TLS, $n, closed loop (saturated)" 1 0 latencyP99Us "$s" info - - "(info)"
        trow "load generator CPU, share of a core, $n" 1 2 loadgenCpuShare "$s" info - - "(info; near 1 = it set the pace)"
    done
    if has latency1k; then
        trow "latency p50 µs over TLS, 1k at 50 ev/s" 1 0 latencyP50Us latency1k info - - "(info)"
        trow "latency p99 µs over TLS, 1k at 50 ev/s" 1 0 latencyP99Us latency1k info - - "(info)"
    fi
    for s in fanout1k fanout10k hold19k; do
        has "$s" || continue
        a=$(metric "$s" ours idleBytesPerSubscriber)
        b=$(metric "$s" nchan idleBytesPerSubscriber)
        p=$(metric "$s" ours-plain idleBytesPerSubscriber)
        n=$(metric "$s" ours connected)
        [[ -z $n ]] && n=$(metric "$s" nchan connected)
        met="-"
        [[ -n $a ]] && met=$(awk -v a="$a" -v b="${b:-1e18}" 'BEGIN { print (a <= 8192 && a < b) ? "yes" : "NO" }')
        echo "| idle memory KiB per TLS subscriber at $(fmt "$n" 1 0) ($s) | $(fmt "$a" 1024 2) | $(fmt "$b" 1024 2) | $(fmt "$p" 1024 2) | $(ratio "$a" "$b") | $(ratio "$a" "$p") | ≤ 8 KiB and < Nchan | $met |"
    done
    if has hold19k; then
        a=$(metric hold19k ours connected)
        b=$(metric hold19k ours lost)
        met="-"
        [[ -n $a ]] && met=$(awk -v c="$a" -v l="$b" 'BEGIN { print (c >= 19000 && l == 0) ? "yes" : "NO" }')
        echo "| 19k TLS subscribers x 10 events | $(cell ours) | $(cell nchan) | $(cell ours-plain) | - | - | 19,000 held, 0 lost | $met |"
        trow "deliveries/s over TLS, 19k" 1 0 deliveriesPerSec hold19k info - - "(info)"
    fi
    if [[ ,$servers, != *,ours-plain,* ]]; then
        echo
        echo "No ours-plain in --servers: the CPU target against plaintext is not judged."
    fi
}

# The --h2 table: ours against Nchan, both over HTTP/2 on TLS 1.3.
h2_table() {
    echo "HTTP/2 mode: subscribers open $h2_streams streams per connection (h2 through ALPN, nghttp2's" \
        "client session in the load generator); TLS 1.3 only, cipher suite $tls_suite; the ECDSA" \
        "P-256 certificate of the run; nginx with http2 on; the publisher speaks HTTP/1.1."
    echo
    echo "| metric | sse-dashboard over h2 | nginx + Nchan over h2 | ours / Nchan | target | met |"
    echo "|---|---:|---:|---:|---|---|"
    hrow() { # LABEL SCALE DECIMALS KEY SCENARIO OP LIMIT TARGET-TEXT
        local a b r met=-
        a=$(metric "$5" ours "$4")
        b=$(metric "$5" nchan "$4")
        r=$(ratio "$a" "$b")
        [[ $6 != - ]] && met=$(verdict "$r" "$6" "$7")
        echo "| $1 | $(fmt "$a" "$2" "$3") | $(fmt "$b" "$2" "$3") | $r | $8 | $met |"
    }
    local s n a b met
    for s in fanout1k fanout10k hold19k; do
        has "$s" || continue
        n=$(metric "$s" ours connected)
        hrow "deliveries/s over h2, $(fmt "$n" 1 0) streams, closed loop" 1 0 deliveriesPerSec "$s" ">=" 1.5 "≥ 1.5× Nchan"
        hrow "server CPU ns/delivery over h2, $s" 1 0 serverCpuNsPerDelivery "$s" - - "(info)"
        hrow "load generator CPU, share of a core, $s" 1 2 loadgenCpuShare "$s" - - "(info; near 1 = it set the pace)"
        a=$(metric "$s" ours idleBytesPerSubscriber)
        b=$(metric "$s" nchan idleBytesPerSubscriber)
        met="-"
        [[ -n $a ]] && met=$(awk -v a="$a" 'BEGIN { print (a <= 2048) ? "yes" : "NO" }')
        echo "| idle memory KiB per stream, $h2_streams streams per connection ($s) | $(fmt "$a" 1024 2) | $(fmt "$b" 1024 2) | $(ratio "$a" "$b") | ≤ 2 KiB | $met |"
    done
    if has latency1k; then
        hrow "latency p50 µs over h2, 1k at 50 ev/s" 1 0 latencyP50Us latency1k - - "(info)"
        hrow "latency p99 µs over h2, 1k at 50 ev/s" 1 0 latencyP99Us latency1k "<=" 1.0 "below Nchan's"
    fi
}
