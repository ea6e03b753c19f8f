// SPDX-License-Identifier: Apache-2.0
// Micro-benchmarks of the exact integer math used by re-simulation, and of cycle enumeration.

#include <benchmark/benchmark.h>

#include <random>

#include "bench_fixtures.hpp"
#include "macf/dex/uniswap_v2.hpp"

namespace {

using macf::dex::U256;

void BM_U256Divide(benchmark::State& state) {
    std::mt19937_64 rng(1);
    std::vector<U256> num(1024);
    std::vector<U256> den(1024);
    for (std::size_t i = 0; i < num.size(); ++i) {
        num[i] = U256{rng(), rng(), rng(), rng() >> 24};  // ~232-bit numerators, as in getAmountOut
        den[i] = U256{rng(), rng() >> 6, 0, 0};           // ~122-bit denominators
    }
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(num[i & 1023] / den[i & 1023]);
        ++i;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_U256Divide);

void BM_V2GetAmountOut(benchmark::State& state) {
    const U256 r_in = U256{1'000'000'000'000'000'000ULL} * U256{12345};
    const U256 r_out = U256{1'000'000'000'000'000'000ULL} * U256{54321};
    U256 in{1'000'000'000'000'000'000ULL};
    for (auto _ : state) {
        U256 out;
        benchmark::DoNotOptimize(
            macf::dex::v2_get_amount_out(in, r_in, r_out, macf::dex::v2_fee_from_bps(30), out));
        benchmark::DoNotOptimize(out);
        in = in + U256{1};
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_V2GetAmountOut);

void BM_EnumerateUniv2Cycles(benchmark::State& state) {
    const auto& p = macf::bench::univ2_market();
    if (!p.skip_reason.empty()) {
        state.SkipWithError(p.skip_reason.c_str());
        return;
    }
    const std::uint32_t weth = p.market.resolve_token("WETH");
    for (auto _ : state) {
        auto set = macf::host::enumerate_cycles(*p.graph, std::vector<std::uint32_t>{weth}, 4);
        benchmark::DoNotOptimize(set.hops.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * p.cycles->size()));
}
BENCHMARK(BM_EnumerateUniv2Cycles)->Unit(benchmark::kMillisecond);

}  // namespace
