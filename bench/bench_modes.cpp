// SPDX-License-Identifier: Apache-2.0
// The MACF mode comparison: the scoring stage alone (every cycle, approximate closed form) and
// the whole scan round (score + exact re-simulation + ranking), per mode, on the real 2020
// market and on a generated 10M-cycle market. bench/run-modes.sh turns the output into ratios
// against sequential measured in the same run.

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>
#include <string_view>

#include "bench_fixtures.hpp"
#include "macf/host/search/backends/device_scorer.hpp"

namespace {

using macf::bench::Prepared;
using macf::host::Mode;

/// The market of argument 1 with the label "mode/market", or nullptr after skipping the
/// benchmark when the market cannot be built.
const Prepared* prepare_run(benchmark::State& state) {
    const bool univ2 = state.range(1) == 0;
    const Prepared& p = univ2 ? macf::bench::univ2_market() : macf::bench::generated_10m_market();
    if (!p.skip_reason.empty()) {
        state.SkipWithError(p.skip_reason.c_str());
        return nullptr;
    }
    state.SetLabel(std::string(macf::host::mode_name(static_cast<Mode>(state.range(0)))) +
                   (univ2 ? "/univ2" : "/gen10m"));
    return &p;
}

/// Scoring only: the backend bound to the cycles and edges once; the timed call scores every
/// cycle once.
void BM_Score(benchmark::State& state) {
    const Prepared* run = prepare_run(state);
    if (run == nullptr) return;
    const Prepared& p = *run;
    const auto mode = static_cast<Mode>(state.range(0));
    macf::host::ThreadPool pool(std::max(1U, std::thread::hardware_concurrency()));
    // Ultra here is the device pipeline: its OpenMP build (the GPU's source on CPU threads), or
    // with MACF_ULTRA_BACKEND=cuda its CUDA build (scripts/gpu-check.sh).
    const char* env = std::getenv("MACF_ULTRA_BACKEND");
    const auto system = env != nullptr && std::string_view(env) == "cuda"
                            ? macf::kernels::DeviceSystem::kCuda
                            : macf::kernels::DeviceSystem::kOpenMp;
    std::string why;
    if (mode == Mode::kUltra && !macf::kernels::has_pipeline(system, &why)) {
        state.SkipWithError(why.c_str());
        return;
    }
    const auto scorer = mode == Mode::kUltra ? macf::host::make_device_scorer(system)
                                             : macf::host::make_cpu_scorer(mode, 4096, &pool);
    scorer->bind(*p.cycles, p.edges);
    for (auto _ : state) {
        macf::host::ScoreStats stats;
        auto found = scorer->score_all(p.params, stats);
        benchmark::DoNotOptimize(found.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * p.cycles->size()));
}

/// The whole round through the engine, as `macf scan` runs it: every state read, edges built
/// and bound, scored, sized exactly, ranked.
void BM_ScanRound(benchmark::State& state) {
    const Prepared* run = prepare_run(state);
    if (run == nullptr) return;
    const Prepared& p = *run;
    const auto mode = static_cast<Mode>(state.range(0));
    macf::host::RoundSettings settings;
    settings.costs.native_token = p.market.resolve_token("WETH");
    macf::host::Engine engine(p.topology, {mode, 0, 4096, false}, settings);
    for (auto _ : state) {
        auto r = engine.score_all(p.market, nullptr);
        benchmark::DoNotOptimize(r.scan.opportunities.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * p.cycles->size()));
}

/// `count` distinct pools of the generated 10M-cycle market, the same for every mode (seed 7).
std::vector<std::uint32_t> changed_pools(const Prepared& p, std::size_t count) {
    std::mt19937_64 rng(7);
    std::vector<std::uint32_t> all(p.market.pools.size());
    for (std::uint32_t i = 0; i < all.size(); ++i) all[i] = i;
    std::shuffle(all.begin(), all.end(), rng);
    all.resize(std::min(count, all.size()));
    return all;
}

/// An incremental round's selection alone: the ids of the cycles through argument 0 changed
/// pools of the 10M-cycle market (items: the cycles selected).
void BM_SelectListed(benchmark::State& state) {
    const Prepared& p = macf::bench::generated_10m_market();
    const auto pools = changed_pools(p, static_cast<std::size_t>(state.range(0)));
    std::size_t selected = 0;
    for (auto _ : state) {
        const auto ids = macf::host::cycle_ids_through(*p.cycles, pools);
        selected = ids.size();
        benchmark::DoNotOptimize(ids.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * selected));
    state.counters["cycles"] = static_cast<double>(selected);
}

/// An incremental round's scoring alone: the cycles through argument 1 changed pools, listed,
/// in mode argument 0 (items: the cycles scored; against BM_Score's items/s on gen10m, what a
/// listed cycle costs over a streamed one).
void BM_ScoreListed(benchmark::State& state) {
    const Prepared& p = macf::bench::generated_10m_market();
    const auto mode = static_cast<Mode>(state.range(0));
    const auto ids = macf::host::cycle_ids_through(
        *p.cycles, changed_pools(p, static_cast<std::size_t>(state.range(1))));
    macf::host::ThreadPool pool(std::max(1U, std::thread::hardware_concurrency()));
    const auto scorer = macf::host::make_cpu_scorer(mode, 4096, &pool);
    scorer->bind(*p.cycles, p.edges);
    state.SetLabel(std::string(macf::host::mode_name(mode)) + "/gen10m");
    for (auto _ : state) {
        macf::host::ScoreStats stats;
        auto found = scorer->score_cycles(ids, p.params, stats);
        benchmark::DoNotOptimize(found.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * ids.size()));
    state.counters["cycles"] = static_cast<double>(ids.size());
}

void listed_args(benchmark::internal::Benchmark* b) {
    for (const Mode m : {Mode::kSequential, Mode::kBatch})
        for (const int k : {1, 10, 100, 200, 1000}) b->Args({static_cast<int>(m), k});
}

void mode_args(benchmark::internal::Benchmark* b) {
    for (const int market : {0, 1}) {
        for (const Mode m : {Mode::kSequential, Mode::kBatch, Mode::kParallel}) {
            b->Args({static_cast<int>(m), market});
        }
    }
}

void score_args(benchmark::internal::Benchmark* b) {
    mode_args(b);
    for (const int market : {0, 1}) b->Args({static_cast<int>(Mode::kUltra), market});
}

BENCHMARK(BM_Score)->Apply(score_args)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);
BENCHMARK(BM_SelectListed)->Arg(1)->Arg(10)->Arg(100)->Arg(200)->Arg(1000)->UseRealTime();
BENCHMARK(BM_ScoreListed)->Apply(listed_args)->UseRealTime();
BENCHMARK(BM_ScanRound)
    ->Apply(mode_args)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(1.0);

}  // namespace
