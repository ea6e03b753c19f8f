// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "macf/host/search/token_graph.hpp"

namespace macf::host {

/// Longest cycle macf enumerates.
inline constexpr unsigned kMaxHops = 4;

/// A run of cycles with the same start token and length, stored back to back: the edge ids of
/// cycle `first + i` are `CycleSet::hops[offsets[first] + i·hops ..]` (`hops` of them).
struct CycleSegment {
    std::uint32_t base_token;  ///< start and end token of every cycle here
    std::uint32_t hops;        ///< 2, 3 or 4
    std::uint64_t first;       ///< first cycle id
    std::uint64_t count;       ///< number of cycles
};

/// Each segment's first edge id sits at an index of `CycleSet::hops` that is a multiple of
/// this (16 bytes): no cycle of 2 or 4 hops straddles a 64-byte cache line.
inline constexpr std::uint64_t kSegmentAlignHops = 4;

/// Every simple cycle of 2..max_hops hops from each base token back to it, through distinct
/// pools, each direction counted separately. Cycles are grouped in segments by base token, then
/// by length; cycle i's edge ids start at `hops[offsets[i]]`, its segment's `hops` of them, and
/// within a segment the hops of cycle i start at offsets[first] + (i − first)·length. Between
/// segments `hops` holds up to three unused entries (kSegmentAlignHops); `offsets[size()]` is
/// `hops.size()`.
struct CycleSet {
    std::vector<std::uint64_t> offsets;  ///< size() + 1 entries
    std::vector<std::uint32_t> hops;     ///< edge ids (and the padding between segments)
    std::vector<CycleSegment> segments;
    std::array<std::uint64_t, kMaxHops + 1> count_by_length{};  ///< [2], [3], [4] used
    /// Pool → cycles index (CSR over pools): cycles using pool p are
    /// `pool_cycles[pool_offsets[p] .. pool_offsets[p + 1])`, ascending.
    std::vector<std::uint64_t> pool_offsets;
    std::vector<std::uint32_t> pool_cycles;

    /// Number of cycles.
    std::uint64_t size() const noexcept { return offsets.empty() ? 0 : offsets.size() - 1; }
    /// The segment holding cycle `i` (i < size()); a binary search over the segments.
    const CycleSegment& segment_of(std::uint64_t i) const noexcept {
        const auto after =
            std::upper_bound(segments.begin(), segments.end(), i,
                             [](std::uint64_t id, const CycleSegment& s) { return id < s.first; });
        return *(after - 1);
    }
    /// Edge ids of cycle `i`.
    std::span<const std::uint32_t> cycle(std::uint64_t i) const noexcept {
        return {hops.data() + offsets[i], segment_of(i).hops};
    }
    /// Cycles that use pool `p`.
    std::span<const std::uint32_t> cycles_of_pool(std::uint32_t p) const noexcept {
        return {pool_cycles.data() + pool_offsets[p], pool_cycles.data() + pool_offsets[p + 1]};
    }
    /// Bytes held by the arrays.
    std::uint64_t memory_bytes() const noexcept;
};

/// Called with the fraction of the enumeration done (0..1), from the calling thread.
using ProgressFn = std::function<void(double)>;

/// Enumerates the cycles of `graph` from each of `base_tokens` (in that order), of 2 to
/// `max_hops` hops (2 ≤ max_hops ≤ 4). Throws std::length_error when the set would exceed
/// 2^32 cycles (cycle ids are 32-bit in the pool index).
[[nodiscard]] CycleSet enumerate_cycles(const TokenGraph& graph,
                                        std::span<const std::uint32_t> base_tokens,
                                        unsigned max_hops, const ProgressFn& progress = {});

/// cycle_ids_through merges the changed pools' lists while their entries times this stay
/// below the cycle count, and marks a bitmap past it (measured on the 10M-cycle market,
/// `macf_bench --benchmark_filter=SelectListed`: the merge ~8 ns a cycle at 10 pools, the
/// bitmap 5–6 ns a cycle at 100 to 1,000 pools).
inline constexpr std::uint64_t kMergeSelectionRatio = 128;

/// Cycle ids whose bits cycle_ids_through's bitmap holds at a time (32 KiB: one L1 cache).
inline constexpr std::uint64_t kSelectionBlockCycles = std::uint64_t{1} << 18;

/// The ids of the cycles of `all` that use at least one of `pools` (pool indices; those
/// outside the index are ignored), ascending, each once. Work in proportion to the index
/// entries of those pools (a pairwise merge of their ascending lists) while they are few (see
/// kMergeSelectionRatio), then a bitmap over all cycles. What an incremental round scores.
[[nodiscard]] std::vector<std::uint32_t> cycle_ids_through(const CycleSet& all,
                                                           std::span<const std::uint32_t> pools);

}  // namespace macf::host
