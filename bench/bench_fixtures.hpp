// SPDX-License-Identifier: Apache-2.0
#pragma once

// Markets the benchmarks share, built once per process outside the timed loops.

#include <filesystem>
#include <memory>
#include <string>

#include "macf/host/engine/engine.hpp"
#include "macf/host/io/market_gen.hpp"
#include "macf/host/io/univ2_import.hpp"
#include "macf/host/search/backends/cpu_scorers.hpp"
#include "macf/host/search/cycle_set.hpp"
#include "macf/host/search/edge_table.hpp"

namespace macf::bench {

/// A market with its topology (graph and cycles), pool states and edge table.
struct Prepared {
    host::Market market;
    std::shared_ptr<const host::Topology> topology;
    const host::TokenGraph* graph = nullptr;  ///< the topology's
    const host::CycleSet* cycles = nullptr;   ///< the topology's
    std::vector<host::PoolState> states;
    std::vector<dex::HopCoeffs> edges;
    std::vector<host::SegmentParams> params;
    std::string skip_reason;  ///< non-empty when the market could not be built
};

inline void prepare(Prepared& p) {
    const std::uint32_t weth = p.market.resolve_token("WETH");
    p.topology = host::build_topology(p.market, {{weth}, 4, {}});
    p.graph = &p.topology->graph;
    p.cycles = &p.topology->cycles;
    for (const auto& pool : p.market.pools) p.states.push_back(host::pool_state_of(pool));
    p.edges = host::build_edge_table(p.market, *p.graph, p.states);
    host::CostModel costs;
    costs.native_token = weth;
    for (const auto& seg : p.cycles->segments) {
        const double gas =
            dex::to_double(host::gas_cost_in(p.market, costs, seg.base_token, seg.hops));
        p.params.push_back({dex::make_score_params(0.0, gas), 0.0});
    }
}

/// The real 2020 Uniswap V2 + SushiSwap market (305,804 WETH cycles).
inline const Prepared& univ2_market() {
    static const Prepared p = [] {
        Prepared r;
        const std::filesystem::path dir =
            std::filesystem::path(MACF_SHARED_DATA) / "univ2-pairs-2020";
        if (!std::filesystem::exists(dir)) {
            r.skip_reason = "no " + dir.string();
            return r;
        }
        host::ImportReport report;
        r.market = host::import_pairs({{dir / "uniswap_v2_pairs.json", "uniswap_v2", 30},
                                       {dir / "sushiswap_pairs.json", "sushiswap", 30}},
                                      report);
        prepare(r);
        return r;
    }();
    return p;
}

/// The generated market of `macf gen --seed 42 --tokens 2000 --pools 14000` (10,147,274 cycles).
inline const Prepared& generated_10m_market() {
    static const Prepared p = [] {
        Prepared r;
        host::GeneratorOptions o;
        o.seed = 42;
        o.tokens = 2000;
        o.pools = 14000;
        r.market = host::generate_market(o);
        prepare(r);
        return r;
    }();
    return p;
}

}  // namespace macf::bench
