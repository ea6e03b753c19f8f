// SPDX-License-Identifier: Apache-2.0
// The Thrust implementation of CyclePipeline, included by cycle_pipeline_omp.cpp (g++, Thrust's
// OpenMP device system) and cycle_pipeline_cuda.cu (nvcc, CUDA), each with its own
// MACF_PIPELINE_NS so both can link into one binary. Per-element work is MACF_HD functors over
// dex/cycle_score.hpp: the same function the CPU modes run.

#include <thrust/copy.h>
#include <thrust/device_vector.h>
#include <thrust/host_vector.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/scan.h>
#include <thrust/scatter.h>
#include <thrust/sort.h>
#include <thrust/transform.h>
#include <thrust/unique.h>

#include <stdexcept>

#include "macf/dex/hd.hpp"
#include "macf/kernels/cycle_pipeline.hpp"

namespace macf::kernels::MACF_PIPELINE_NS {
namespace {

/// Scores cycle `c` from the resident arrays (raw device pointers, valid for one call).
struct CycleScorer {
    const std::uint32_t* hops;
    const PipelineSegment* segments;
    std::uint32_t segment_count;
    const dex::HopCoeffs* edges;
    const PipelineParams* params;

    /// The segment holding cycle `c` (segments ascending and few: a linear walk).
    MACF_HD std::uint32_t segment_of(std::uint32_t c) const noexcept {
        std::uint32_t s = 0;
        while (s + 1 < segment_count && c >= segments[s].first + segments[s].count) ++s;
        return s;
    }
    MACF_HD dex::CycleScore score(std::uint32_t c, std::uint32_t s) const noexcept {
        const PipelineSegment& seg = segments[s];
        const std::uint32_t* ids = hops + seg.hop_offset + (c - seg.first) * seg.hops;
        return dex::score_cycle(ids, seg.hops, edges, params[s].score);
    }
};

/// True when cycle `c` clears its segment's threshold.
struct IsCandidate {
    CycleScorer f;
    MACF_HD bool operator()(std::uint32_t c) const noexcept {
        const std::uint32_t s = f.segment_of(c);
        return dex::may_clear(f.score(c, s), f.params[s].score, f.params[s].threshold);
    }
};

/// Cycle `c`'s candidate record (recomputed for the few that passed).
struct ToCandidate {
    CycleScorer f;
    MACF_HD PipelineCandidate operator()(std::uint32_t c) const noexcept {
        const dex::CycleScore r = f.score(c, f.segment_of(c));
        return {c, r.input, r.net_profit};
    }
};

/// The length of a pool's list in the pool → cycles index.
struct PoolListLength {
    const std::uint64_t* offsets;
    MACF_HD std::uint64_t operator()(std::uint32_t pool) const noexcept {
        return offsets[pool + 1] - offsets[pool];
    }
};

/// Entry `j` of the concatenated lists of the selected pools: the list holding it found by a
/// binary search of the lists' starts (the last start ≤ j; empty lists share their start with
/// the next list, so the search lands on the list that covers j).
struct GatherEntry {
    const std::uint64_t* starts;   ///< exclusive scan of the lists' lengths
    const std::uint32_t* pools;    ///< the selected pools
    std::uint64_t lists;           ///< how many
    const std::uint64_t* offsets;  ///< the index's offsets
    const std::uint32_t* cycles;   ///< the index's cycle ids
    MACF_HD std::uint32_t operator()(std::uint64_t j) const noexcept {
        std::uint64_t lo = 0;
        std::uint64_t hi = lists;  // starts[lo] <= j < starts[hi] (starts[lists] = total)
        while (hi - lo > 1) {
            const std::uint64_t mid = lo + (hi - lo) / 2;
            if (starts[mid] <= j) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return cycles[offsets[pools[lo]] + (j - starts[lo])];
    }
};

class ThrustPipeline final : public CyclePipeline {
  public:
    explicit ThrustPipeline(DeviceSystem system) : system_(system) {}
    DeviceSystem system() const noexcept override { return system_; }

    void bind(const std::vector<std::uint32_t>& hops, const std::vector<PipelineSegment>& segments,
              const std::vector<dex::HopCoeffs>& edges,
              const std::vector<std::uint64_t>& pool_offsets,
              const std::vector<std::uint32_t>& pool_cycles) override {
        std::uint64_t cycles = 0;
        for (const auto& s : segments) cycles += s.count;
        check_index(pool_offsets, pool_cycles, cycles);
        hops_.assign(hops.begin(), hops.end());
        segments_.assign(segments.begin(), segments.end());
        edges_.assign(edges.begin(), edges.end());
        pool_offsets_.assign(pool_offsets.begin(), pool_offsets.end());
        pool_cycles_.assign(pool_cycles.begin(), pool_cycles.end());
        pools_ = pool_offsets.empty() ? 0 : pool_offsets.size() - 1;
        cycles_ = cycles;
        passed_.resize(cycles_);  // once per topology: rounds compact into it
    }

    void update_edges(const std::vector<std::uint32_t>& ids,
                      const std::vector<dex::HopCoeffs>& coeffs) override {
        if (ids.size() != coeffs.size())
            throw std::invalid_argument("edge update: ids and coefficients differ in count");
        for (const auto id : ids) {
            if (id >= edges_.size())
                throw std::out_of_range("edge update: edge id outside the resident table");
        }
        if (ids.empty()) return;
        const thrust::device_vector<std::uint32_t> d_ids(ids.begin(), ids.end());
        const thrust::device_vector<dex::HopCoeffs> d_coeffs(coeffs.begin(), coeffs.end());
        thrust::scatter(d_coeffs.begin(), d_coeffs.end(), d_ids.begin(), edges_.begin());
    }

    std::vector<PipelineCandidate> score_all(const std::vector<PipelineParams>& params) override {
        const auto f = scorer(params);
        const auto end = thrust::copy_if(
            thrust::counting_iterator<std::uint32_t>(0),
            thrust::counting_iterator<std::uint32_t>(static_cast<std::uint32_t>(cycles_)),
            passed_.begin(), IsCandidate{f});
        return candidates(static_cast<std::size_t>(end - passed_.begin()), f);
    }

    std::vector<PipelineCandidate> score_listed(
        const std::vector<std::uint32_t>& ids, const std::vector<PipelineParams>& params) override {
        for (const auto id : ids) {
            if (id >= cycles_) throw std::out_of_range("listed cycle outside the resident set");
        }
        if (ids.empty()) return {};
        const auto f = scorer(params);
        const thrust::device_vector<std::uint32_t> d_ids(ids.begin(), ids.end());
        const auto end =
            thrust::copy_if(d_ids.begin(), d_ids.end(), passed_.begin(), IsCandidate{f});
        return candidates(static_cast<std::size_t>(end - passed_.begin()), f);
    }

    std::vector<PipelineCandidate> score_through_pools(
        const std::vector<std::uint32_t>& pools, const std::vector<PipelineParams>& params,
        std::vector<std::uint32_t>& scored) override {
        const auto f = scorer(params);
        scored.clear();
        std::vector<std::uint32_t> known;  // a handful of ids: filtered here, as the host does
        known.reserve(pools.size());
        for (const auto p : pools)
            if (p < pools_) known.push_back(p);
        if (known.empty()) return {};
        const thrust::device_vector<std::uint32_t> d_pools(known.begin(), known.end());
        const std::uint64_t* offsets = thrust::raw_pointer_cast(pool_offsets_.data());
        thrust::device_vector<std::uint64_t> starts(known.size() + 1, 0);
        thrust::transform(d_pools.begin(), d_pools.end(), starts.begin(), PoolListLength{offsets});
        thrust::exclusive_scan(starts.begin(), starts.end(), starts.begin());
        const std::uint64_t total = starts.back();  // the last element was 0: the total
        if (total == 0) return {};
        thrust::device_vector<std::uint32_t> selected(total);
        thrust::transform(thrust::counting_iterator<std::uint64_t>(0),
                          thrust::counting_iterator<std::uint64_t>(total), selected.begin(),
                          GatherEntry{thrust::raw_pointer_cast(starts.data()),
                                      thrust::raw_pointer_cast(d_pools.data()), known.size(),
                                      offsets, thrust::raw_pointer_cast(pool_cycles_.data())});
        thrust::sort(selected.begin(), selected.end());
        const auto last = thrust::unique(selected.begin(), selected.end());
        const auto count = last - selected.begin();
        scored.resize(static_cast<std::size_t>(count));
        thrust::copy(selected.begin(), last, scored.begin());
        const auto end = thrust::copy_if(selected.begin(), last, passed_.begin(), IsCandidate{f});
        return candidates(static_cast<std::size_t>(end - passed_.begin()), f);
    }

  private:
    /// Refuses a pool → cycles index that is not ascending offsets within `pool_cycles`, or
    /// that names a cycle outside the `cycles` bound.
    static void check_index(const std::vector<std::uint64_t>& offsets,
                            const std::vector<std::uint32_t>& ids, std::uint64_t cycles) {
        if (offsets.empty()) {
            if (!ids.empty()) throw std::invalid_argument("pool index: cycle ids without offsets");
            return;
        }
        if (offsets.front() != 0 || offsets.back() != ids.size())
            throw std::invalid_argument("pool index: offsets do not span the cycle ids");
        for (std::size_t p = 0; p + 1 < offsets.size(); ++p)
            if (offsets[p] > offsets[p + 1])
                throw std::invalid_argument("pool index: offsets not ascending");
        for (const auto id : ids)
            if (id >= cycles) throw std::invalid_argument("pool index: cycle id outside the set");
    }

    CycleScorer scorer(const std::vector<PipelineParams>& params) {
        if (params.size() != segments_.size())
            throw std::invalid_argument("scoring: one parameter set per segment is needed");
        params_.assign(params.begin(), params.end());
        return {thrust::raw_pointer_cast(hops_.data()), thrust::raw_pointer_cast(segments_.data()),
                static_cast<std::uint32_t>(segments_.size()),
                thrust::raw_pointer_cast(edges_.data()), thrust::raw_pointer_cast(params_.data())};
    }

    /// The records of the first `count` cycles of passed_, copied back in cycle order.
    std::vector<PipelineCandidate> candidates(std::size_t count, const CycleScorer& f) {
        thrust::device_vector<PipelineCandidate> records(count);
        const auto first = passed_.begin();
        thrust::transform(first, first + static_cast<std::ptrdiff_t>(count), records.begin(),
                          ToCandidate{f});
        const thrust::host_vector<PipelineCandidate> host(records);
        return std::vector<PipelineCandidate>(host.begin(), host.end());
    }

    DeviceSystem system_;
    thrust::device_vector<std::uint32_t> hops_;
    thrust::device_vector<PipelineSegment> segments_;
    thrust::device_vector<dex::HopCoeffs> edges_;
    thrust::device_vector<PipelineParams> params_;
    thrust::device_vector<std::uint64_t> pool_offsets_;  // the pool → cycles index
    thrust::device_vector<std::uint32_t> pool_cycles_;
    std::uint64_t pools_ = 0;
    thrust::device_vector<std::uint32_t> passed_;  // candidates' ids of a round, compacted
    std::uint64_t cycles_ = 0;
};

}  // namespace

std::unique_ptr<CyclePipeline> make(DeviceSystem system) {
    return std::make_unique<ThrustPipeline>(system);
}

}  // namespace macf::kernels::MACF_PIPELINE_NS
