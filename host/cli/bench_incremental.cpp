// SPDX-License-Identifier: Apache-2.0
#include "bench_incremental.hpp"

#include <algorithm>
#include <chrono>
#include <random>

#include "macf/host/engine/engine.hpp"
#include "macf/host/model/pool_state.hpp"
#include "macf/host/state/reserve_cache.hpp"

namespace macf::cli {

std::vector<IncrementalRow> bench_incremental(const host::Market& market,
                                              std::span<const std::uint32_t> changed_counts,
                                              unsigned rounds, unsigned max_hops,
                                              unsigned max_workers, std::size_t batch_size,
                                              std::uint64_t seed) {
    host::Market m = market;  // reserves move round by round
    host::TopologySettings ts;
    ts.base_tokens = {m.resolve_token("WETH")};
    ts.max_hops = max_hops;
    const auto topology = host::build_topology(m, ts);
    host::RoundSettings rs;
    rs.costs.native_token = ts.base_tokens[0];
    std::vector<std::uint32_t> v2;
    for (std::uint32_t p = 0; p < m.pools.size(); ++p)
        if (m.pools[p].kind == host::PoolKind::kUniswapV2) v2.push_back(p);
    host::ReserveCache cache(std::chrono::hours(1));
    cache.warm(host::market_states(m));
    std::vector<IncrementalRow> rows;
    std::mt19937_64 rng(seed);
    for (const auto mode : {host::Mode::kSequential, host::Mode::kParallel, host::Mode::kUltra}) {
        host::CoordinatorConfig cfg;
        cfg.mode = mode;
        cfg.max_workers = max_workers;
        cfg.batch_size = batch_size;
        host::Engine engine(topology, cfg, rs);
        (void)engine.score_all(m, &cache);  // binds the topology; not timed
        for (const auto k : changed_counts) {
            IncrementalRow row;
            row.changed = std::min<std::uint32_t>(k, static_cast<std::uint32_t>(v2.size()));
            row.mode = mode;
            std::vector<double> ms;
            double cycles = 0;
            double select_ms = 0;
            double score_ms = 0;
            double resimulate_ms = 0;
            double candidates = 0;
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
                const host::Round round = engine.score_changed(m, changed, &cache);
                ms.push_back(
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                        .count());
                select_ms += 1e3 * round.select_seconds;
                score_ms += 1e3 * round.scan.metrics.stages.score;
                resimulate_ms += 1e3 * round.scan.metrics.stages.resimulate;
                candidates += static_cast<double>(round.scan.metrics.candidates);
                cycles += static_cast<double>(round.cycles_scored);
            }
            std::sort(ms.begin(), ms.end());
            row.cycles_avg = cycles / rounds;
            row.select_ms = select_ms / rounds;
            row.score_ms = score_ms / rounds;
            row.resimulate_ms = resimulate_ms / rounds;
            row.candidates = candidates / rounds;
            row.median_ms = ms[ms.size() / 2];
            row.p99_ms = ms[std::min(ms.size() - 1, (ms.size() * 99) / 100)];
            rows.push_back(row);
        }
    }
    return rows;
}

}  // namespace macf::cli
