// SPDX-License-Identifier: Apache-2.0
// The structure-of-arrays scoring kernel of the batch and parallel modes. Built for AVX2 and
// for baseline x86-64 (GCC function multi-versioning picks one at load time); both compute
// the bits of dex::score_cycle, since neither contracts to FMA and sqrt/div are IEEE-exact.

#include "macf/host/scorer.hpp"

namespace macf::host {
namespace {

constexpr std::uint64_t kChunk = 256;  // cycles per inner pass: scratch stays in L1

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MACF_MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define MACF_MULTIVERSION
#endif

/// Scores `n` ≤ kChunk cycles of `hops` hops each whose edge ids are `ids[j*hops + h]`;
/// writes inputs and net profits.
MACF_MULTIVERSION
void score_chunk(const std::uint32_t* ids, unsigned hops, std::uint64_t n,
                 const dex::HopCoeffs* edges, dex::ScoreParams p, double* input,
                 double* profit) {
    double a[kChunk];
    double c[kChunk];
    double ga[kChunk];
    double gc[kChunk];
    for (std::uint64_t j = 0; j < n; ++j) {
        a[j] = 1.0;
        c[j] = 0.0;
    }
    for (unsigned h = 0; h < hops; ++h) {
        for (std::uint64_t j = 0; j < n; ++j) {  // gather
            const dex::HopCoeffs e = edges[ids[j * hops + h]];
            ga[j] = e.a;
            gc[j] = e.c;
        }
        for (std::uint64_t j = 0; j < n; ++j) {  // vectorised compose
            dex::compose_hop(a[j], c[j], {ga[j], gc[j]});
        }
    }
    for (std::uint64_t j = 0; j < n; ++j) {  // vectorised optimum
        const dex::CycleScore r = dex::optimal_trade(a[j], c[j], p);
        input[j] = r.input;
        profit[j] = r.net_profit;
    }
}

}  // namespace

void score_segment_batch(const CycleSet& cycles, const CycleSegment& segment, std::uint64_t first,
                         std::uint64_t count, const dex::HopCoeffs* edges,
                         const SegmentParams& params, std::vector<Candidate>& out) {
    double input[kChunk];
    double profit[kChunk];
    for (std::uint64_t off = 0; off < count; off += kChunk) {
        const std::uint64_t n = count - off < kChunk ? count - off : kChunk;
        const std::uint64_t c0 = first + off;
        score_chunk(cycles.hops.data() + cycles.offsets[c0], segment.hops, n, edges, params.score,
                    input, profit);
        for (std::uint64_t j = 0; j < n; ++j) {
            if (profit[j] > params.threshold) {
                out.push_back({static_cast<std::uint32_t>(c0 + j), input[j], profit[j]});
            }
        }
    }
}

}  // namespace macf::host
