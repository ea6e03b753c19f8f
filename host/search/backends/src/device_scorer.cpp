// SPDX-License-Identifier: Apache-2.0
#include "macf/host/search/backends/device_scorer.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "macf/cuda/device.hpp"
#include "macf/host/search/backends/cpu_scorers.hpp"

namespace macf::host {
namespace {

class DeviceScorer final : public Scorer {
  public:
    explicit DeviceScorer(std::unique_ptr<kernels::CyclePipeline> pipeline)
        : pipeline_(std::move(pipeline)) {}
    Mode mode() const noexcept override { return Mode::kUltra; }

    void bind(const CycleSet& cycles, std::span<const dex::HopCoeffs> edges) override {
        std::vector<kernels::PipelineSegment> segments;
        segments.reserve(cycles.segments.size());
        for (const auto& s : cycles.segments)
            segments.push_back({s.first, s.count, cycles.offsets[s.first], s.hops});
        pipeline_->bind(cycles.hops, segments, {edges.begin(), edges.end()}, cycles.pool_offsets,
                        cycles.pool_cycles);
        cycles_ = cycles.size();
        segments_ = cycles.segments.size();
    }

    void update(const PoolDeltas& deltas) override {
        pipeline_->update_edges({deltas.edges.begin(), deltas.edges.end()},
                                {deltas.coeffs.begin(), deltas.coeffs.end()});
    }

    std::vector<Candidate> score_all(std::span<const SegmentParams> params,
                                     ScoreStats& stats) override {
        stats.cycles += cycles_;
        return candidates(pipeline_->score_all(pipeline_params(params)));
    }

    std::vector<Candidate> score_cycles(std::span<const std::uint32_t> ids,
                                        std::span<const SegmentParams> params,
                                        ScoreStats& stats) override {
        stats.cycles += ids.size();
        return candidates(
            pipeline_->score_listed({ids.begin(), ids.end()}, pipeline_params(params)));
    }

    std::vector<Candidate> score_through_pools(const CycleSet& /*cycles: resident*/,
                                               std::span<const std::uint32_t> pools,
                                               std::span<const SegmentParams> params,
                                               std::vector<std::uint32_t>& scored,
                                               ScoreStats& stats) override {
        auto out = candidates(pipeline_->score_through_pools({pools.begin(), pools.end()},
                                                             pipeline_params(params), scored));
        stats.cycles += scored.size();
        return out;
    }

  private:
    std::vector<kernels::PipelineParams> pipeline_params(
        std::span<const SegmentParams> params) const {
        if (params.size() != segments_)
            throw std::invalid_argument("device scoring: one parameter set per segment");
        std::vector<kernels::PipelineParams> out;
        out.reserve(params.size());
        for (const auto& p : params) out.push_back({p.score, p.threshold});
        return out;
    }
    static std::vector<Candidate> candidates(const std::vector<kernels::PipelineCandidate>& in) {
        std::vector<Candidate> out;
        out.reserve(in.size());
        for (const auto& c : in) out.push_back({c.cycle, c.input, c.net_profit});
        return out;
    }

    std::unique_ptr<kernels::CyclePipeline> pipeline_;
    std::uint64_t cycles_ = 0;
    std::size_t segments_ = 0;
};

}  // namespace

std::unique_ptr<Scorer> make_device_scorer(kernels::DeviceSystem system) {
    return std::make_unique<DeviceScorer>(kernels::make_pipeline(system));
}

UltraChoice choose_ultra_backend() {
    const char* env = std::getenv("MACF_ULTRA_BACKEND");
    const std::string_view choice = env == nullptr ? "" : env;
    std::string missing;
    if (choice == "openmp") {
        if (kernels::has_pipeline(kernels::DeviceSystem::kOpenMp, &missing)) {
            return {kernels::DeviceSystem::kOpenMp,
                    "ultra mode runs on the device pipeline's OpenMP build "
                    "(MACF_ULTRA_BACKEND=openmp)"};
        }
        return {std::nullopt,
                "ultra mode runs as parallel: MACF_ULTRA_BACKEND=openmp, but " + missing};
    }
    const cuda::DeviceStatus dev = cuda::probe_device();
    if (choice == "cuda") {
        if (!kernels::has_pipeline(kernels::DeviceSystem::kCuda, &missing))
            return {std::nullopt,
                    "ultra mode runs as parallel: MACF_ULTRA_BACKEND=cuda, but " + missing};
        if (!dev.usable)
            return {std::nullopt,
                    "ultra mode runs as parallel: MACF_ULTRA_BACKEND=cuda, but " + dev.reason};
        return {kernels::DeviceSystem::kCuda,
                "ultra mode runs on the device pipeline on GPU " + dev.name +
                    " (MACF_ULTRA_BACKEND=cuda; not yet verified on a GPU by macf's checks)"};
    }
    std::string why = dev.usable ? "ultra mode runs as parallel: GPU " + dev.name +
                                       " found; the device pipeline runs on it only with "
                                       "MACF_ULTRA_BACKEND=cuda until it is verified on a GPU"
                                 : "ultra mode runs as parallel: " + dev.reason;
    if (!choice.empty() && choice != "parallel")
        why += " (MACF_ULTRA_BACKEND='" + std::string(choice) +
               "' is not one of parallel, openmp, cuda)";
    return {std::nullopt, why};
}

UltraBackend make_ultra_scorer(std::size_t batch_size, ThreadPool* pool) {
    UltraChoice choice = choose_ultra_backend();
    if (choice.device) return {make_device_scorer(*choice.device), true, std::move(choice.why)};
    return {make_cpu_scorer(Mode::kUltra, batch_size, pool), false, std::move(choice.why)};
}

}  // namespace macf::host
