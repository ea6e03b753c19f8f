// SPDX-License-Identifier: Apache-2.0
// `macf scan`: load a market, enumerate its cycles, score them in one or all modes, print the
// exactly re-simulated opportunities and the MACF metrics.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "format.hpp"
#include "macf/dex/u256_text.hpp"
#include "macf/host/engine/engine.hpp"
#include "macf/host/io/json_text.hpp"
#include "macf/host/io/market_json.hpp"
#include "macf/host/io/opportunity_json.hpp"
#include "progress.hpp"

namespace macf::cli {
namespace {

using host::json_number;
using host::json_quote;

struct ScanOptions {
    std::string market;
    std::string mode = "parallel";
    std::vector<std::string> bases;
    unsigned max_hops = 4;
    std::size_t top = 10;
    unsigned repeat = 1;
    bool json = false;
    unsigned max_workers = 0;
    std::size_t batch_size = 4096;
    bool no_cache = false;
    double cache_ttl_s = 5.0;
    std::string min_profit = "0";
    double gas_price_gwei = 20.0;
    std::uint64_t base_gas = host::CostModel{}.base_gas;
    std::uint64_t v2_hop_gas = host::CostModel{}.v2_hop_gas;
    std::uint64_t v3_hop_gas = host::CostModel{}.v3_hop_gas;
    std::uint64_t curve_hop_gas = host::CostModel{}.curve_hop_gas;
    std::uint64_t balancer_hop_gas = host::CostModel{}.balancer_hop_gas;
    unsigned flash_fee_bps = 0;
    double min_liquidity = 0.0;
    std::vector<std::string> excluded;
};

struct Run {
    host::Mode mode;
    host::ScanResult result;
};

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string token_label(const host::Market& m, std::uint32_t t) { return m.tokens[t].symbol; }

std::string metrics_json(const host::Metrics& x) {
    std::ostringstream o;
    o << "{\"mode\":\"" << host::mode_name(x.mode) << "\""
      << ",\"opportunities_processed\":" << x.opportunities_processed
      << ",\"batch_count\":" << x.batch_count
      << ",\"parallel_executions\":" << x.parallel_executions << ",\"cache_hits\":" << x.cache_hits
      << ",\"cache_misses\":" << x.cache_misses << ",\"total_time\":" << json_number(x.total_time)
      << ",\"speedup_factor\":" << (x.speedup_factor ? json_number(*x.speedup_factor) : "null")
      << ",\"cache_hit_rate\":" << json_number(x.cache_hit_rate)
      << ",\"cycles_per_second\":" << json_number(x.cycles_per_second)
      << ",\"candidates\":" << x.candidates << ",\"opportunities_found\":" << x.opportunities_found
      << ",\"sizing_evaluations\":" << x.sizing_evaluations
      << ",\"sizing_evaluations_per_candidate\":"
      << json_number(x.candidates ? static_cast<double>(x.sizing_evaluations) /
                                        static_cast<double>(x.candidates)
                                  : 0.0)
      << ",\"sizing_proven\":" << x.sizing_proven
      << ",\"stages\":{\"load_states\":" << json_number(x.stages.load_states)
      << ",\"build_edges\":" << json_number(x.stages.build_edges)
      << ",\"score\":" << json_number(x.stages.score)
      << ",\"resimulate\":" << json_number(x.stages.resimulate)
      << ",\"select\":" << json_number(x.stages.select) << "}}";
    return o.str();
}

void print_text(const ScanOptions& opt, const host::Market& m, const host::TokenGraph& g,
                const host::CycleSet& cycles, const std::vector<std::uint32_t>& bases,
                const std::vector<Run>& runs, bool agree, double enumerate_s) {
    auto& out = std::cout;
    std::uint64_t by_kind[5] = {};
    for (const auto& p : m.pools) ++by_kind[static_cast<int>(p.kind)];
    out << "market: " << opt.market << "\n  " << thousands(m.tokens.size()) << " tokens, "
        << thousands(m.pools.size()) << " pools (";
    bool first = true;
    for (int k = 0; k < 5; ++k) {
        if (by_kind[k] == 0) continue;
        out << (first ? "" : ", ") << thousands(by_kind[k]) << " "
            << host::pool_kind_name(static_cast<host::PoolKind>(k));
        first = false;
    }
    out << ")\n";
    const auto& r = g.report();
    out << "graph: " << thousands(r.included) << " pools scored";
    out << "; left out: " << thousands(r.empty) << " empty";
    if (r.unsupported_kind != 0) {
        out << ", " << thousands(r.unsupported_kind) << " of kinds without exact math yet (";
        for (std::size_t i = 0; i < r.unsupported_kinds.size(); ++i) {
            out << (i ? ", " : "") << r.unsupported_kinds[i];
        }
        out << ")";
    }
    out << ", " << thousands(r.below_min_liquidity) << " by --min-liquidity "
        << (opt.min_liquidity > 0 ? std::to_string(opt.min_liquidity) + " units" : "(off)") << ", "
        << thousands(r.excluded_token) << " by --exclude-token"
        << (opt.excluded.empty() ? " (off)" : "") << "\n";
    out << "base tokens:";
    for (const auto b : bases)
        out << " " << m.tokens[b].symbol << " (" << m.tokens[b].address.to_hex() << ")";
    out << "\ncycles: " << thousands(cycles.size()) << " (";
    for (unsigned k = 2; k <= opt.max_hops; ++k) {
        out << (k > 2 ? ", " : "") << k << " hops: " << thousands(cycles.count_by_length[k]);
    }
    char buf[512];
    std::snprintf(buf, sizeof buf, ") enumerated in %.3f s, %.1f MB\n", enumerate_s,
                  static_cast<double>(cycles.memory_bytes()) / 1e6);
    out << buf;

    const auto& best = runs.front().result;
    out << "\nopportunities: " << thousands(best.opportunities.size()) << " confirmed exactly of "
        << thousands(best.metrics.candidates) << " candidates";
    if (runs.size() > 1) {
        out << (agree ? "; all modes returned the same opportunities"
                      : "; MODES DISAGREE (see the log)");
    }
    out << "\n";
    const std::size_t shown = std::min(opt.top, best.opportunities.size());
    for (std::size_t i = 0; i < shown; ++i) {
        const auto& o = best.opportunities[i];
        const auto& base = m.tokens[o.base_token];
        out << "#" << (i + 1) << "  net " << dex::to_units(o.net_profit, base.decimals) << " "
            << base.symbol << " (" << dex::to_string(o.net_profit) << " wei)  path "
            << token_label(m, o.base_token);
        for (const auto& h : o.hops) out << " -> " << token_label(m, h.token_out);
        out << "\n    input " << dex::to_string(o.input) << " wei ("
            << dex::to_units(o.input, base.decimals) << " " << base.symbol << "), output "
            << dex::to_string(o.output) << ", gas " << dex::to_string(o.gas_cost) << ", flash fee "
            << dex::to_string(o.flash_fee) << "\n";
        for (const auto& h : o.hops) {
            const auto& pool = m.pools[h.pool];
            out << "    " << pool.address.to_hex() << " " << (pool.dex.empty() ? "-" : pool.dex)
                << "  " << dex::to_string(h.amount_in) << " " << token_label(m, h.token_in)
                << " -> " << dex::to_string(h.amount_out) << " " << token_label(m, h.token_out)
                << "\n";
        }
    }
    out << "\nmetrics:\n";
    for (const auto& run : runs) {
        const auto& x = run.result.metrics;
        std::snprintf(buf, sizeof buf, "  %-10s ", std::string(host::mode_name(run.mode)).c_str());
        out << buf << "opportunities_processed=" << x.opportunities_processed
            << " batch_count=" << x.batch_count << " parallel_executions=" << x.parallel_executions
            << " cache_hits=" << x.cache_hits;
        std::snprintf(buf, sizeof buf,
                      " cache_hit_rate=%.1f%% total_time=%.4fs cycles_per_second=%.3g "
                      "stages[load=%.4f edges=%.4f score=%.4f resim=%.4f select=%.4f] "
                      "sizing[evaluations/candidate=%.1f proven=%llu]",
                      x.cache_hit_rate, x.total_time, x.cycles_per_second, x.stages.load_states,
                      x.stages.build_edges, x.stages.score, x.stages.resimulate, x.stages.select,
                      x.candidates ? static_cast<double>(x.sizing_evaluations) /
                                         static_cast<double>(x.candidates)
                                   : 0.0,
                      static_cast<unsigned long long>(x.sizing_proven));
        out << buf << "\n";
    }
    if (runs.size() > 1) {
        out << "\nMACF comparison (same market, same run; speedup = sequential time / time):\n";
        std::snprintf(buf, sizeof buf, "  %-10s %10s %9s %16s %14s %14s\n", "mode", "time (s)",
                      "speedup", "cycles/s (score)", "score speedup", "opportunities");
        out << buf;
        const double seq_rate = runs.front().result.metrics.cycles_per_second;
        for (const auto& run : runs) {
            const auto& x = run.result.metrics;
            std::snprintf(buf, sizeof buf, "  %-10s %10.4f %8.2fx %16.4g %13.2fx %14zu\n",
                          std::string(host::mode_name(run.mode)).c_str(), x.total_time,
                          x.speedup_factor.value_or(NAN), x.cycles_per_second,
                          seq_rate > 0 ? x.cycles_per_second / seq_rate : NAN,
                          run.result.opportunities.size());
            out << buf;
        }
    }
}

void print_json(const ScanOptions& opt, const host::Market& m, const host::TokenGraph& g,
                const host::CycleSet& cycles, const std::vector<std::uint32_t>& bases,
                const std::vector<Run>& runs, bool agree, double enumerate_s) {
    const auto& r = g.report();
    std::ostringstream o;
    o << "{\"market\":{\"file\":" << json_quote(opt.market) << ",\"tokens\":" << m.tokens.size()
      << ",\"pools\":" << m.pools.size() << "},\"graph\":{\"pools_included\":" << r.included
      << ",\"excluded_empty\":" << r.empty
      << ",\"excluded_unsupported_kind\":" << r.unsupported_kind
      << ",\"excluded_min_liquidity\":" << r.below_min_liquidity
      << ",\"excluded_token\":" << r.excluded_token
      << ",\"min_liquidity_units\":" << json_number(opt.min_liquidity) << "},\"base_tokens\":[";
    for (std::size_t i = 0; i < bases.size(); ++i) {
        o << (i ? "," : "") << "\"" << m.tokens[bases[i]].address.to_hex() << "\"";
    }
    o << "],\"cycles\":{\"total\":" << cycles.size();
    for (unsigned k = 2; k <= host::kMaxHops; ++k)
        o << ",\"hops_" << k << "\":" << cycles.count_by_length[k];
    o << ",\"enumerate_seconds\":" << json_number(enumerate_s)
      << ",\"memory_bytes\":" << cycles.memory_bytes() << "},";
    const auto& best = runs.front().result;
    o << "\"opportunities_total\":" << best.opportunities.size() << ",\"opportunities\":[";
    const std::size_t shown = std::min(opt.top, best.opportunities.size());
    for (std::size_t i = 0; i < shown; ++i)
        o << (i ? "," : "") << host::opportunity_json(m, best.opportunities[i]);
    o << "],\"modes_agree\":" << (agree ? "true" : "false") << ",\"runs\":[";
    for (std::size_t i = 0; i < runs.size(); ++i)
        o << (i ? "," : "") << metrics_json(runs[i].result.metrics);
    o << "]}\n";
    std::cout << o.str();
}

void run_scan(const ScanOptions& opt) {
    auto t = std::chrono::steady_clock::now();
    const host::Market market = host::load_market(opt.market);
    spdlog::info("loaded {}: {} tokens, {} pools in {:.3f} s", opt.market, market.tokens.size(),
                 market.pools.size(), seconds_since(t));

    host::TopologySettings ts;
    for (const auto& b : opt.bases.empty() ? std::vector<std::string>{"WETH"} : opt.bases)
        ts.base_tokens.push_back(market.resolve_token(b));
    ts.max_hops = opt.max_hops;
    ts.graph.min_liquidity_units = opt.min_liquidity;
    for (const auto& x : opt.excluded) ts.graph.excluded_tokens.push_back(market.resolve_token(x));
    std::shared_ptr<const host::Topology> topology;
    {
        Progress progress("enumerating cycles");
        topology = host::build_topology(market, ts, [&](double f) { progress.update(f); });
    }
    const host::TokenGraph& graph = topology->graph;
    const host::CycleSet& cycles = topology->cycles;
    const std::vector<std::uint32_t>& bases = topology->base_tokens;
    if (graph.report().unsupported_kind != 0) {
        spdlog::warn("{} pools of kinds without exact math in this version are not scored",
                     graph.report().unsupported_kind);
    }
    const double enumerate_s = topology->enumerate_seconds;
    spdlog::info("{} cycles enumerated in {:.3f} s", cycles.size(), enumerate_s);

    host::CostModel costs;
    costs.gas_price_wei = static_cast<std::uint64_t>(std::llround(opt.gas_price_gwei * 1e9));
    costs.base_gas = opt.base_gas;
    costs.v2_hop_gas = opt.v2_hop_gas;
    costs.v3_hop_gas = opt.v3_hop_gas;
    costs.curve_hop_gas = opt.curve_hop_gas;
    costs.balancer_hop_gas = opt.balancer_hop_gas;
    costs.flash_fee_bps = opt.flash_fee_bps;
    costs.native_token = market.resolve_token("WETH");
    dex::U256 min_profit;
    if (!dex::parse_u256(opt.min_profit, min_profit)) {
        throw std::invalid_argument("--min-profit: '" + opt.min_profit +
                                    "' is not a non-negative integer amount in wei");
    }

    std::vector<host::Mode> modes;
    if (opt.mode == "all") {
        modes = {host::Mode::kSequential, host::Mode::kBatch, host::Mode::kParallel,
                 host::Mode::kUltra};
    } else {
        modes = {*host::parse_mode(opt.mode)};
    }
    // The reserve cache starts warm with the snapshot's states, as after an initial sync.
    host::ReserveCache cache(std::chrono::milliseconds(std::llround(opt.cache_ttl_s * 1000)));
    {
        const auto states = host::market_states(market);
        cache.warm(states);
        spdlog::info("reserve cache warmed with {} pool states ({} memory)", states.size(),
                     cache.pinned() ? "pinned" : "pageable");
    }
    std::vector<Run> runs;
    std::optional<double> baseline;
    for (const auto mode : modes) {
        host::CoordinatorConfig cfg;
        cfg.mode = mode;
        cfg.max_workers = opt.max_workers;
        cfg.batch_size = opt.batch_size;
        cfg.enable_cache = !opt.no_cache;
        host::Engine engine(topology, cfg, {costs, min_profit});
        if (baseline) engine.coordinator().set_baseline(*baseline);
        // With --repeat N the round runs N times and the run of median total time is kept.
        std::vector<host::ScanResult> tries;
        for (unsigned i = 0; i < opt.repeat; ++i)
            tries.push_back(engine.score_all(market, &cache).scan);
        std::sort(tries.begin(), tries.end(), [](const auto& a, const auto& b) {
            return a.metrics.total_time < b.metrics.total_time;
        });
        host::ScanResult result = std::move(tries[tries.size() / 2]);
        if (mode == host::Mode::kSequential) {
            baseline = result.metrics.total_time /
                       static_cast<double>(std::max<std::uint64_t>(1, cycles.size()));
        }
        spdlog::info("{}: {} cycles scored in {:.4f} s, {} candidates, {} opportunities",
                     host::mode_name(mode), cycles.size(), result.metrics.total_time,
                     result.metrics.candidates, result.opportunities.size());
        runs.push_back({mode, std::move(result)});
    }
    bool agree = true;
    for (std::size_t i = 1; i < runs.size(); ++i) {
        if (!host::same_opportunities(runs[0].result.opportunities, runs[i].result.opportunities)) {
            agree = false;
            spdlog::error("mode {} returned different opportunities from {}",
                          host::mode_name(runs[i].mode), host::mode_name(runs[0].mode));
        }
    }
    if (opt.json) {
        print_json(opt, market, graph, cycles, bases, runs, agree, enumerate_s);
    } else {
        print_text(opt, market, graph, cycles, bases, runs, agree, enumerate_s);
    }
    if (!agree) requested_exit_code() = kExitModesDisagree;
}

}  // namespace

void add_scan_command(CLI::App& app) {
    auto opt = std::make_shared<ScanOptions>();
    CLI::App* cmd = app.add_subcommand(
        "scan",
        "Find arbitrage cycles in a market snapshot: enumerate every 2..N hop cycle from the base "
        "tokens, score all of them, re-simulate each candidate exactly (integer contract math) and "
        "print the best opportunities with the MACF metrics.");
    cmd->add_option("--market", opt->market, "Market snapshot (JSON, docs/market-format.md)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--mode", opt->mode,
                    "sequential | batch | parallel | ultra | all (all: run the four and compare; "
                    "ultra runs as parallel unless MACF_ULTRA_BACKEND=openmp (the device "
                    "pipeline on CPU threads) or =cuda (on a GPU, not yet verified on one))")
        ->check(CLI::IsMember({"sequential", "batch", "parallel", "ultra", "all"}))
        ->capture_default_str();
    cmd->add_option("--base", opt->bases,
                    "Start/end token of the cycles, by address or unique symbol; repeat for "
                    "several [default: WETH]");
    cmd->add_option("--max-hops", opt->max_hops, "Longest cycle, 2 to 4")
        ->check(CLI::Range(2, 4))
        ->capture_default_str();
    cmd->add_option("--top", opt->top, "Opportunities to print")->capture_default_str();
    cmd->add_option("--repeat", opt->repeat,
                    "Run each mode's round this many times and report the run of median time")
        ->check(CLI::Range(1U, 1000U))
        ->capture_default_str();
    cmd->add_flag("--json", opt->json, "Print one JSON document instead of text");
    cmd->add_option("--max-workers", opt->max_workers,
                    "Threads for parallel/ultra (0: one per hardware thread)")
        ->capture_default_str();
    cmd->add_option("--batch-size", opt->batch_size, "Cycles per batch (batch/parallel/ultra)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30))
        ->capture_default_str();
    cmd->add_flag("--no-cache", opt->no_cache,
                  "Read pool states from the market directly instead of through the reserve cache");
    cmd->add_option("--cache-ttl", opt->cache_ttl_s, "Reserve cache time to live, seconds")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--min-profit", opt->min_profit,
                    "Report only opportunities whose exact net profit exceeds this, in wei of the "
                    "base token")
        ->capture_default_str();
    cmd->add_option("--gas-price-gwei", opt->gas_price_gwei,
                    "Gas price in gwei of the native token (WETH); converted to other bases at the "
                    "deepest direct pool's price")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--base-gas", opt->base_gas, "Gas per transaction (intrinsic + executor)")
        ->capture_default_str();
    cmd->add_option("--v2-hop-gas", opt->v2_hop_gas, "Gas per Uniswap V2 style hop")
        ->capture_default_str();
    cmd->add_option("--v3-hop-gas", opt->v3_hop_gas, "Gas per Uniswap V3 hop (an estimate)")
        ->capture_default_str();
    cmd->add_option("--curve-hop-gas", opt->curve_hop_gas, "Gas per Curve hop (an estimate)")
        ->capture_default_str();
    cmd->add_option("--balancer-hop-gas", opt->balancer_hop_gas,
                    "Gas per Balancer Vault swap (an estimate)")
        ->capture_default_str();
    cmd->add_option("--flash-fee-bps", opt->flash_fee_bps,
                    "Flash-loan fee in basis points of the input (0: Balancer V2; 5: Aave V3)")
        ->check(CLI::Range(0, 10000))
        ->capture_default_str();
    cmd->add_option("--min-liquidity", opt->min_liquidity,
                    "Filter: leave out pools with any balance below this many whole tokens "
                    "(0: off)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--exclude-token", opt->excluded,
                    "Filter: leave out every pool trading this token (address or symbol); "
                    "repeatable");
    cmd->callback([opt] { run_scan(*opt); });
}

}  // namespace macf::cli
