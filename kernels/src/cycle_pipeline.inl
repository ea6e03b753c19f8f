// SPDX-License-Identifier: Apache-2.0
// The Thrust implementation of CyclePipeline, included by cycle_pipeline_omp.cpp (g++, Thrust's
// OpenMP device system) and cycle_pipeline_cuda.cu (nvcc, CUDA), each with its own
// MACF_PIPELINE_NS so both can link into one binary. Per-element work is MACF_HD functors over
// dex/cycle_score.hpp: the same function the CPU modes run.

#include <thrust/copy.h>
#include <thrust/device_vector.h>
#include <thrust/host_vector.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/scatter.h>
#include <thrust/transform.h>

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

class ThrustPipeline final : public CyclePipeline {
  public:
    explicit ThrustPipeline(DeviceSystem system) : system_(system) {}
    DeviceSystem system() const noexcept override { return system_; }

    void bind(const std::vector<std::uint32_t>& hops, const std::vector<PipelineSegment>& segments,
              const std::vector<dex::HopCoeffs>& edges) override {
        hops_.assign(hops.begin(), hops.end());
        segments_.assign(segments.begin(), segments.end());
        edges_.assign(edges.begin(), edges.end());
        cycles_ = 0;
        for (const auto& s : segments) cycles_ += s.count;
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

  private:
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
    thrust::device_vector<std::uint32_t> passed_;  // candidates' ids of a round, compacted
    std::uint64_t cycles_ = 0;
};

}  // namespace

std::unique_ptr<CyclePipeline> make(DeviceSystem system) {
    return std::make_unique<ThrustPipeline>(system);
}

}  // namespace macf::kernels::MACF_PIPELINE_NS
