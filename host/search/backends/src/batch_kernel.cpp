// SPDX-License-Identifier: Apache-2.0
// The structure-of-arrays scoring kernel of the batch and parallel modes. Built for AVX2 and
// for baseline x86-64 (GCC function multi-versioning picks one at load time); both compute
// the bits of dex::score_cycle, since neither contracts to FMA and sqrt/div are IEEE-exact.

#include <algorithm>

#include "macf/host/search/backends/cpu_scorers.hpp"

namespace macf::host {
namespace {

constexpr std::uint64_t kChunk = 512;  // cycles per inner pass: results stay in L1

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
                         std::uint64_t count, const dex::HopCoeffs* edges,
                         const SegmentParams& params, std::vector<Candidate>& out) {
    double a[kChunk];
    double c[kChunk];
    double input[kChunk];
    double profit[kChunk];
    for (std::uint64_t off = 0; off < count; off += kChunk) {
        const std::uint64_t n = count - off < kChunk ? count - off : kChunk;
        const std::uint64_t c0 = first + off;
        const std::uint32_t* ids = cycles.hops.data() + cycles.offsets[c0];
        compose_any(ids, n, segment.hops, edges, a, c);
        optimum_chunk(a, c, n, params.score, input, profit);
        for (std::uint64_t j = 0; j < n; ++j) {
            if (profit[j] > params.threshold) {
                out.push_back({static_cast<std::uint32_t>(c0 + j), input[j], profit[j]});
            }
        }
    }
}

void score_listed_batch(const CycleSet& cycles, const CycleSegment& segment,
                        std::span<const std::uint32_t> ids, const dex::HopCoeffs* edges,
                        const SegmentParams& params, std::vector<Candidate>& out) {
    double a[kChunk];
    double c[kChunk];
    double input[kChunk];
    double profit[kChunk];
    std::uint32_t hops[kChunk * kMaxHops];
    const unsigned k = segment.hops;
    // Within a segment a cycle's hops sit at a fixed stride: no read of `offsets` per cycle.
    const std::uint32_t* base = cycles.hops.data() + cycles.offsets[segment.first];
    const auto hops_of = [&](std::uint32_t id) { return base + (id - segment.first) * k; };
    constexpr std::size_t kAhead = 16;  // listed cycles are sparse: fetch their hops early
    for (std::size_t off = 0; off < ids.size(); off += kChunk) {
        const std::size_t n = std::min<std::size_t>(ids.size() - off, kChunk);
        for (std::size_t j = 0; j < n; ++j) {
            if (off + j + kAhead < ids.size()) __builtin_prefetch(hops_of(ids[off + j + kAhead]));
            const std::uint32_t* src = hops_of(ids[off + j]);
            std::copy(src, src + k, hops + j * k);
        }
        compose_any(hops, n, k, edges, a, c);
        optimum_chunk(a, c, n, params.score, input, profit);
        for (std::size_t j = 0; j < n; ++j) {
            if (profit[j] > params.threshold) out.push_back({ids[off + j], input[j], profit[j]});
        }
    }
}

}  // namespace macf::host
