// SPDX-License-Identifier: Apache-2.0
// The structure-of-arrays scoring kernel of the batch and parallel modes. Built for AVX2 and
// for baseline x86-64 (GCC function multi-versioning picks one at load time); both compute
// the bits of dex::score_cycle, since neither contracts to FMA and sqrt/div are IEEE-exact.
// A chunk is first screened on the cycles' marginal rates at zero input (one product per
// cycle): only those above the flash factor, a few percent, are composed and optimised.

#include <algorithm>

#include "macf/host/search/backends/cpu_scorers.hpp"

namespace macf::host {
namespace {

constexpr std::uint64_t kChunk = 512;        // cycles per inner pass: results stay in L1
constexpr std::uint64_t kDenseFraction = 4;  // a chunk is dense when over 1/4 pass the screen
constexpr std::uint64_t kRescreen = 16;      // after a dense chunk, screen again every 16th

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MACF_MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define MACF_MULTIVERSION
#endif

/// Composes the hops of `n` cycles of K hops (edge ids `ids[j*K + h]`) into a[j], c[j].
/// Gather-bound; K is a compile-time constant so the hop loop unrolls.
template <unsigned K>
void compose_chunk(const std::uint32_t* __restrict ids, std::uint64_t n,
                   const dex::HopCoeffs* __restrict edges, double* __restrict a,
                   double* __restrict c) {
    for (std::uint64_t j = 0; j < n; ++j) {
        double aj = 1.0;
        double cj = 0.0;
        for (unsigned h = 0; h < K; ++h) dex::compose_hop(aj, cj, edges[ids[j * K + h]]);
        a[j] = aj;
        c[j] = cj;
    }
}

/// The marginal rates at zero input of `n` cycles of K hops: a[j] = Π a_h, multiplied in hop
/// order as compose_hop does, so the bits are score_cycle's. A cycle is profitable at the
/// margin only when a exceeds the flash factor: most are rejected on this product alone.
template <unsigned K>
void rate_chunk(const std::uint32_t* __restrict ids, std::uint64_t n,
                const double* __restrict rates, double* __restrict a) {
    for (std::uint64_t j = 0; j < n; ++j) {
        double aj = 1.0;
        for (unsigned h = 0; h < K; ++h) aj = aj * rates[ids[j * K + h]];
        a[j] = aj;
    }
}

/// rate_chunk for `hops` hops.
void rate_any(const std::uint32_t* ids, std::uint64_t n, unsigned hops, const double* rates,
              double* a) {
    switch (hops) {
        case 2:
            rate_chunk<2>(ids, n, rates, a);
            break;
        case 3:
            rate_chunk<3>(ids, n, rates, a);
            break;
        default:
            rate_chunk<4>(ids, n, rates, a);
            break;
    }
}

/// The optimum of `n` composed cycles: the division and square root, vectorised (4 lanes with
/// AVX2, 2 with SSE2).
MACF_MULTIVERSION void optimum_chunk(const double* __restrict a, const double* __restrict c,
                                     std::uint64_t n, dex::ScoreParams p, double* __restrict input,
                                     double* __restrict profit) {
    for (std::uint64_t j = 0; j < n; ++j) {
        const dex::CycleScore r = dex::optimal_trade(a[j], c[j], p);
        input[j] = r.input;
        profit[j] = r.net_profit;
    }
}

/// Composes `n` cycles of `hops` hops laid out back to back at `ids` into a, c.
void compose_any(const std::uint32_t* ids, std::uint64_t n, unsigned hops,
                 const dex::HopCoeffs* edges, double* a, double* c) {
    switch (hops) {
        case 2:
            compose_chunk<2>(ids, n, edges, a, c);
            break;
        case 3:
            compose_chunk<3>(ids, n, edges, a, c);
            break;
        default:
            compose_chunk<4>(ids, n, edges, a, c);
            break;
    }
}

}  // namespace

void score_segment_batch(const CycleSet& cycles, const CycleSegment& segment, std::uint64_t first,
                         std::uint64_t count, const BatchEdges& table, const SegmentParams& params,
                         std::vector<Candidate>& out) {
    const dex::HopCoeffs* edges = table.coeffs;
    // A cycle unprofitable at the margin scores {0, −gas}; when that cannot clear the
    // threshold (always, for a threshold ≥ 0), such cycles are rejected on their rate alone and
    // only the rest are composed in full: the same candidates, bit for bit, as score_cycle.
    const bool reject_on_rate =
        !dex::may_clear({0.0, -params.score.gas_cost}, params.score, params.threshold);
    const unsigned k = segment.hops;
    double a[kChunk];
    double c[kChunk];
    double input[kChunk];
    double profit[kChunk];
    std::uint32_t kept[kChunk];
    std::uint32_t hops[kChunk * kMaxHops];
    // Where most cycles pass the rate (dust pools make whole segments look profitable), the
    // screen costs more than it saves: chunks after a dense one are composed in full, and the
    // screen is tried again every kRescreen chunks.
    bool dense = false;
    std::uint64_t chunk = 0;
    for (std::uint64_t off = 0; off < count; off += kChunk, ++chunk) {
        const std::uint64_t n = count - off < kChunk ? count - off : kChunk;
        const std::uint64_t c0 = first + off;
        const std::uint32_t* ids = cycles.hops.data() + cycles.offsets[c0];
        if (!reject_on_rate || (dense && chunk % kRescreen != 0)) {
            compose_any(ids, n, k, edges, a, c);
            optimum_chunk(a, c, n, params.score, input, profit);
            for (std::uint64_t j = 0; j < n; ++j) {
                if (dex::may_clear({input[j], profit[j]}, params.score, params.threshold)) {
                    out.push_back({static_cast<std::uint32_t>(c0 + j), input[j], profit[j]});
                }
            }
            continue;
        }
        rate_any(ids, n, k, table.rates, a);
        std::uint64_t m = 0;
        for (std::uint64_t j = 0; j < n; ++j) {
            kept[m] = static_cast<std::uint32_t>(j);
            m += a[j] * params.score.inv_flash_factor > 1.0 ? 1 : 0;
        }
        dense = m * kDenseFraction > n;
        if (m == 0) continue;
        for (std::uint64_t i = 0; i < m; ++i) {
            std::copy(ids + kept[i] * k, ids + (kept[i] + 1) * k, hops + i * k);
        }
        compose_any(hops, m, k, edges, a, c);
        optimum_chunk(a, c, m, params.score, input, profit);
        for (std::uint64_t i = 0; i < m; ++i) {
            if (dex::may_clear({input[i], profit[i]}, params.score, params.threshold)) {
                out.push_back({static_cast<std::uint32_t>(c0 + kept[i]), input[i], profit[i]});
            }
        }
    }
}

void score_listed_batch(const CycleSet& cycles, const CycleSegment& segment,
                        std::span<const std::uint32_t> ids, const BatchEdges& table,
                        const SegmentParams& params, std::vector<Candidate>& out) {
    const dex::HopCoeffs* edges = table.coeffs;
    const bool reject_on_rate =
        !dex::may_clear({0.0, -params.score.gas_cost}, params.score, params.threshold);
    double a[kChunk];
    double c[kChunk];
    double input[kChunk];
    double profit[kChunk];
    std::uint32_t kept[kChunk];
    std::uint32_t hops[kChunk * kMaxHops];
    const unsigned k = segment.hops;
    // Within a segment a cycle's hops sit at a fixed stride: no read of `offsets` per cycle.
    const std::uint32_t* base = cycles.hops.data() + cycles.offsets[segment.first];
    const auto hops_of = [&](std::uint32_t id) { return base + (id - segment.first) * k; };
    constexpr std::size_t kAhead = 32;  // listed cycles are sparse: fetch their hops early
    for (std::size_t off = 0; off < ids.size(); off += kChunk) {
        const std::size_t n = std::min<std::size_t>(ids.size() - off, kChunk);
        for (std::size_t j = 0; j < n; ++j) {
            if (off + j + kAhead < ids.size()) {
                const std::uint32_t* ahead = hops_of(ids[off + j + kAhead]);
                __builtin_prefetch(ahead);
                __builtin_prefetch(ahead + k - 1);  // a 3-hop cycle may straddle two lines
            }
            const std::uint32_t* src = hops_of(ids[off + j]);
            std::copy(src, src + k, hops + j * k);
        }
        // As in score_segment_batch: reject on the rate, compose the rest (compacted in place).
        std::size_t m = n;
        if (reject_on_rate) {
            rate_any(hops, n, k, table.rates, a);
            m = 0;
            for (std::size_t j = 0; j < n; ++j) {
                kept[m] = static_cast<std::uint32_t>(j);
                m += a[j] * params.score.inv_flash_factor > 1.0 ? 1 : 0;
            }
            for (std::size_t i = 0; i < m; ++i) {  // kept[i] ≥ i: never overlapping
                if (kept[i] != i)
                    std::copy(hops + kept[i] * k, hops + (kept[i] + 1) * k, hops + i * k);
            }
        } else {
            for (std::size_t j = 0; j < n; ++j) kept[j] = static_cast<std::uint32_t>(j);
        }
        compose_any(hops, m, k, edges, a, c);
        optimum_chunk(a, c, m, params.score, input, profit);
        for (std::size_t i = 0; i < m; ++i) {
            if (dex::may_clear({input[i], profit[i]}, params.score, params.threshold)) {
                out.push_back({ids[off + kept[i]], input[i], profit[i]});
            }
        }
    }
}

}  // namespace macf::host
