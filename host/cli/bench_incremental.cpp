// SPDX-License-Identifier: Apache-2.0
#include "bench_incremental.hpp"

#include <algorithm>
#include <chrono>
#include <random>

#include "macf/host/coordinator.hpp"
#include "macf/host/cycle_set.hpp"
#include "macf/host/pool_state.hpp"
#include "macf/host/reserve_cache.hpp"
#include "macf/host/token_graph.hpp"

namespace macf::cli {

std::vector<IncrementalRow> bench_incremental(const host::Market& market,
                                              std::span<const std::uint32_t> changed_counts,
                                              unsigned rounds, unsigned max_hops,
                                              unsigned max_workers, std::size_t batch_size,
                                              std::uint64_t seed) {
    host::Market m = market;  // reserves move round by round
    const host::TokenGraph graph(m, {});
    const std::uint32_t bases[] = {m.resolve_token("WETH")};
    const auto all = host::enumerate_cycles(graph, bases, max_hops);
    host::CostModel costs;
    costs.native_token = bases[0];
    std::vector<std::uint32_t> v2;
    for (std::uint32_t p = 0; p < m.pools.size(); ++p)
        if (m.pools[p].kind == host::PoolKind::kUniswapV2) v2.push_back(p);
    host::ReserveCache cache(std::chrono::hours(1));
    {
        std::vector<std::pair<host::Address, host::PoolState>> states;
        for (const auto& p : m.pools)
            if (const auto s = host::pool_state_of(p); s.valid) states.emplace_back(p.address, s);
        cache.warm(states);
    }
    std::vector<IncrementalRow> rows;
    std::mt19937_64 rng(seed);
    for (const auto mode : {host::Mode::kSequential, host::Mode::kParallel}) {
        host::CoordinatorConfig cfg;
        cfg.mode = mode;
        cfg.max_workers = max_workers;
        cfg.batch_size = batch_size;
        host::MacfCoordinator coordinator(cfg);
        for (const auto k : changed_counts) {
            IncrementalRow row;
            row.changed = std::min<std::uint32_t>(k, static_cast<std::uint32_t>(v2.size()));
            row.mode = mode;
            std::vector<double> ms;
            double cycles = 0;
            double select_ms = 0;
            for (unsigned r = 0; r < rounds; ++r) {
                std::shuffle(v2.begin(), v2.end(), rng);
                std::vector<std::uint32_t> changed(v2.begin(), v2.begin() + row.changed);
                for (const auto p : changed) {  // the block's Sync: ±0.1 % on reserve0
                    auto& s = std::get<host::UniswapV2State>(m.pools[p].state);
                    const dex::U256 step = s.reserve0 / dex::U256{1000};
                    s.reserve0 = (r % 2 == 0) ? s.reserve0 + step : s.reserve0 - step;
                }
                const auto t0 = std::chrono::steady_clock::now();
                for (const auto p : changed)
                    cache.set(m.pools[p].address, host::pool_state_of(m.pools[p]));
                std::vector<std::uint32_t> original;
                const auto subset = host::cycles_through(all, changed, original);
                select_ms +=
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                        .count();
                if (subset.size() != 0)
                    (void)coordinator.scan({m, graph, subset, &cache, costs, dex::U256{}});
                ms.push_back(
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                        .count());
                cycles += static_cast<double>(subset.size());
            }
            std::sort(ms.begin(), ms.end());
            row.cycles_avg = cycles / rounds;
            row.select_ms = select_ms / rounds;
            row.median_ms = ms[ms.size() / 2];
            row.p99_ms = ms[std::min(ms.size() - 1, (ms.size() * 99) / 100)];
            rows.push_back(row);
        }
    }
    return rows;
}

}  // namespace macf::cli
