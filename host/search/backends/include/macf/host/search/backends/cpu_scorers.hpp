// SPDX-License-Identifier: Apache-2.0
#pragma once

// The CPU scoring backends: sequential (one cycle at a time, the reference), batch (the
// structure-of-arrays kernel over batches) and parallel (the batches on a thread pool).

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "macf/host/search/cycle_set.hpp"
#include "macf/host/search/mode.hpp"
#include "macf/host/search/scorer.hpp"
#include "macf/host/search/thread_pool.hpp"

namespace macf::host {

/// The edge table as the batch kernel reads it: every edge's coefficients, and their rates
/// `a` alone in a second array (indexed by edge id, the same values).
struct BatchEdges {
    const dex::HopCoeffs* coeffs;
    const double* rates;
};

/// The CPU backend of `mode` (sequential, batch or parallel). `pool` is used by parallel
/// mode and must outlive the scorer; `batch_size` ≥ 1 cycles per batch. Throws
/// std::invalid_argument for a zero batch size or a parallel mode without a pool.
[[nodiscard]] std::unique_ptr<Scorer> make_cpu_scorer(Mode mode, std::size_t batch_size,
                                                      ThreadPool* pool);

/// Scores cycles [first, first + count) of one segment with the structure-of-arrays kernel,
/// appending candidates in cycle order. Any `count`; the kernel works in L1-sized chunks.
/// Shared by the batch and parallel scorers.
void score_segment_batch(const CycleSet& cycles, const CycleSegment& segment, std::uint64_t first,
                         std::uint64_t count, const BatchEdges& edges, const SegmentParams& params,
                         std::vector<Candidate>& out);

/// Scores the cycles `ids` (ascending, all of `segment`) with the same kernel, gathering their
/// hops chunk by chunk; appends candidates in id order. The incremental rounds' kernel.
void score_listed_batch(const CycleSet& cycles, const CycleSegment& segment,
                        std::span<const std::uint32_t> ids, const BatchEdges& edges,
                        const SegmentParams& params, std::vector<Candidate>& out);

}  // namespace macf::host
