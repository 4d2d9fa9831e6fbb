#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

// Log-linear histogram of non-negative nanosecond values with under 1% relative error
// (128 sub-buckets per power of two) and a fixed 60 KiB footprint, so millions of latency
// samples cost no memory growth.
class LatencyHistogram
{
public:
    void add(int64_t valueNs)
    {
        const uint64_t v = valueNs < 0 ? 0 : static_cast<uint64_t>(valueNs);
        ++m_buckets[bucketOf(v)];
        ++m_count;
        m_sum += static_cast<double>(v);
        if (v > m_max) {
            m_max = v;
        }
        if (v < m_min) {
            m_min = v;
        }
    }

    uint64_t count() const { return m_count; }
    uint64_t max() const { return m_count ? m_max : 0; }
    uint64_t min() const { return m_count ? m_min : 0; }
    double mean() const { return m_count ? m_sum / static_cast<double>(m_count) : 0.0; }

    // Value at quantile q (0..1): the upper edge of the bucket holding that rank, capped by
    // the exact maximum.
    uint64_t quantile(double q) const
    {
        if (m_count == 0) {
            return 0;
        }
        uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(m_count) + 0.5);
        if (rank < 1) {
            rank = 1;
        }
        if (rank > m_count) {
            rank = m_count;
        }
        uint64_t seen = 0;
        for (size_t i = 0; i < kBuckets; ++i) {
            seen += m_buckets[i];
            if (seen >= rank) {
                const uint64_t upper = upperEdge(i);
                return upper < m_max ? upper : m_max;
            }
        }
        return m_max;
    }

private:
    static constexpr unsigned kSubBits = 7;
    static constexpr uint64_t kSub = uint64_t{1} << kSubBits;
    static constexpr size_t kBuckets = kSub + (64 - kSubBits) * kSub;

    static size_t bucketOf(uint64_t v)
    {
        if (v < kSub) {
            return static_cast<size_t>(v);
        }
        const unsigned exponent = 63u - static_cast<unsigned>(__builtin_clzll(v));
        const unsigned shift = exponent - kSubBits;
        const uint64_t mantissa = (v >> shift) & (kSub - 1);
        return static_cast<size_t>(kSub + shift * kSub + mantissa);
    }

    static uint64_t upperEdge(size_t bucket)
    {
        if (bucket < kSub) {
            return bucket;
        }
        const uint64_t shift = (bucket - kSub) / kSub;
        const uint64_t mantissa = (bucket - kSub) % kSub;
        return (((kSub + mantissa + 1) << shift) - 1);
    }

    std::array<uint64_t, kBuckets> m_buckets{};
    uint64_t m_count = 0;
    uint64_t m_max = 0;
    uint64_t m_min = std::numeric_limits<uint64_t>::max();
    double m_sum = 0.0;
};
