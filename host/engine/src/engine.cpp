// SPDX-License-Identifier: Apache-2.0
#include "macf/host/engine/engine.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "macf/host/search/edge_table.hpp"

namespace macf::host {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

/// V2 and V3 pools have a fixed-size record in the reserve cache; Curve and Balancer pools
/// are read from the market.
bool has_record(PoolKind kind) noexcept {
    return kind == PoolKind::kUniswapV2 || kind == PoolKind::kUniswapV3;
}

}  // namespace

std::shared_ptr<const Topology> build_topology(const Market& market,
                                               const TopologySettings& settings,
                                               const ProgressFn& progress) {
    std::vector<std::uint32_t> bases;
    for (const auto b : settings.base_tokens) {
        if (b >= market.tokens.size())
            throw std::invalid_argument("base token index " + std::to_string(b) +
                                        " is not in the market (" +
                                        std::to_string(market.tokens.size()) + " tokens)");
        if (std::find(bases.begin(), bases.end(), b) == bases.end()) bases.push_back(b);
    }
    TokenGraph graph(market, settings.graph);
    const auto started = Clock::now();
    CycleSet cycles = enumerate_cycles(graph, bases, settings.max_hops, progress);
    return std::make_shared<const Topology>(Topology{std::move(graph), std::move(cycles),
                                                     std::move(bases), settings.max_hops,
                                                     market.pools.size(), seconds_since(started)});
}

Engine::Engine(std::shared_ptr<const Topology> topology, const CoordinatorConfig& coordinator,
               RoundSettings settings)
    : topology_(std::move(topology)),
      coordinator_(std::make_unique<MacfCoordinator>(coordinator)),
      settings_(std::move(settings)) {
    if (!topology_) throw std::invalid_argument("an engine needs a topology");
}

Engine::Engine(const CoordinatorConfig& coordinator, RoundSettings settings)
    : coordinator_(std::make_unique<MacfCoordinator>(coordinator)),
      settings_(std::move(settings)) {}

void Engine::set_topology(std::shared_ptr<const Topology> topology) {
    if (!topology) throw std::invalid_argument("an engine needs a topology");
    topology_ = std::move(topology);
    bound_ = false;
}

PoolState Engine::read_state(const Market& market, std::uint32_t pool, ReserveCache* cache) const {
    const Pool& p = market.pools[pool];
    if (!is_scorable(p.kind)) return {};
    if (cache == nullptr || !has_record(p.kind)) return pool_state_of(p);
    if (const auto cached = cache->get(p.address)) return *cached;
    const PoolState state = pool_state_of(p);
    cache->set(p.address, state);
    return state;
}

void Engine::read_states(const Market& market, std::span<const std::uint32_t> pools,
                         ReserveCache* cache, Metrics& m) {
    const auto step = Clock::now();
    const bool use_cache = coordinator_->config().enable_cache && cache != nullptr;
    const CacheStats before = use_cache ? cache->stats() : CacheStats{};
    for (const auto p : pools) states_[p] = read_state(market, p, use_cache ? cache : nullptr);
    if (use_cache) {
        const CacheStats after = cache->stats();
        m.cache_hits += after.hits - before.hits;
        m.cache_misses += after.misses - before.misses;
    }
    m.stages.load_states += seconds_since(step);
}

void Engine::bind_all(const Market& market, ReserveCache* cache, Metrics& m) {
    const Topology& t = *topology_;
    states_.assign(market.pools.size(), PoolState{});
    std::vector<std::uint32_t> all(market.pools.size());
    for (std::uint32_t p = 0; p < all.size(); ++p) all[p] = p;
    read_states(market, all, cache, m);

    const auto step = Clock::now();
    const auto edges = build_edge_table(market, t.graph, states_);
    coordinator_->scorer().bind(t.cycles, edges);
    gas_native_ = settings_.costs.native_token;
    gas_sources_.clear();
    for (const auto base : t.base_tokens)
        gas_sources_.push_back({base, gas_price_pools(market, gas_native_, base)});
    bound_ = true;
    m.stages.build_edges += seconds_since(step);
}

void Engine::push_changes(const Market& market, std::span<const std::uint32_t> changed,
                          ReserveCache* cache, Metrics& m) {
    const Topology& t = *topology_;
    std::vector<std::uint32_t> pools;
    pools.reserve(changed.size());
    for (const auto p : changed)
        if (p < states_.size()) pools.push_back(p);
    std::sort(pools.begin(), pools.end());
    pools.erase(std::unique(pools.begin(), pools.end()), pools.end());
    read_states(market, pools, cache, m);
    std::vector<PoolState> states;
    states.reserve(pools.size());
    for (const auto p : pools) states.push_back(states_[p]);

    const auto step = Clock::now();
    std::vector<std::uint32_t> edge_ids;
    std::vector<dex::HopCoeffs> coeffs;
    for (const auto p : pools) {
        const auto [first, last] = t.graph.pool_edges(p);
        for (std::uint32_t e = first; e < last; ++e) {
            edge_ids.push_back(e);
            coeffs.push_back(edge_coeffs(t.graph.edges()[e], market.pools[p], states_[p]));
        }
    }
    coordinator_->scorer().update({pools, states, edge_ids, coeffs});
    m.stages.build_edges += seconds_since(step);
}

std::vector<SegmentParams> Engine::segment_params(const Market& market,
                                                  std::vector<GasPrice>& gas_by_segment) {
    const Topology& t = *topology_;
    const CostModel& costs = settings_.costs;
    if (costs.native_token != gas_native_) {  // the native token changed between rounds
        gas_native_ = costs.native_token;
        for (auto& g : gas_sources_) g.pools = gas_price_pools(market, gas_native_, g.base);
    }
    // One price per base token, at this round's reserves of its few pools.
    std::vector<GasPrice> by_base;
    by_base.reserve(gas_sources_.size());
    for (const auto& g : gas_sources_)
        by_base.push_back(gas_price_over(market, costs, g.base, g.pools));
    const double flash_fee = static_cast<double>(costs.flash_fee_bps) / 10000.0;
    std::vector<SegmentParams> params;
    params.reserve(t.cycles.segments.size());
    gas_by_segment.clear();
    for (const auto& seg : t.cycles.segments) {
        std::size_t b = 0;
        while (gas_sources_[b].base != seg.base_token) ++b;
        gas_by_segment.push_back(by_base[b]);
        // Scoring nets the cheapest hop's gas per hop; exact sizing nets each hop's own.
        const dex::U256 screen_gas =
            by_base[b].cost(costs.base_gas + min_hop_gas(costs) * seg.hops);
        params.push_back({dex::make_score_params(flash_fee, dex::to_double(screen_gas)),
                          dex::to_double(settings_.min_profit)});
    }
    return params;
}

Round Engine::finish_round(const Market& market, Round round, std::vector<Candidate> candidates,
                           const std::vector<GasPrice>& gas_by_segment, Metrics m,
                           Clock::time_point started) {
    const Topology& t = *topology_;
    m.candidates = candidates.size();

    // Exact sizing of every candidate (on the thread pool in the parallel modes).
    auto step = Clock::now();
    std::vector<std::size_t> segment_of(candidates.size());
    for (std::size_t i = 0, s = 0; i < candidates.size(); ++i) {
        while (candidates[i].cycle >= t.cycles.segments[s].first + t.cycles.segments[s].count) ++s;
        segment_of[i] = s;
    }
    std::vector<std::optional<Opportunity>> exact(candidates.size());
    std::vector<std::uint32_t> evaluations(candidates.size(), 0);
    const auto size_range = [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            exact[i] = resimulate(market, t.cycles, t.graph, states_, candidates[i],
                                  gas_by_segment[segment_of[i]], settings_.costs,
                                  settings_.min_profit, &evaluations[i]);
        }
    };
    const Mode mode = coordinator_->config().mode;
    if (mode == Mode::kParallel || mode == Mode::kUltra) {
        ThreadPool& pool = coordinator_->pool();
        const std::size_t tasks = std::min<std::size_t>(candidates.size(), pool.size() * 4);
        pool.parallel_for(tasks, [&](std::size_t k) {
            size_range(candidates.size() * k / tasks, candidates.size() * (k + 1) / tasks);
        });
        m.parallel_executions += tasks;
    } else {
        size_range(0, candidates.size());
    }
    m.stages.resimulate = seconds_since(step);

    // Rank.
    step = Clock::now();
    for (const auto n : evaluations) m.sizing_evaluations += n;
    for (auto& o : exact) {
        if (!o) continue;
        m.sizing_proven += o->sizing_proven ? 1 : 0;
        round.scan.opportunities.push_back(std::move(*o));
    }
    std::sort(round.scan.opportunities.begin(), round.scan.opportunities.end(), ranks_before);
    m.opportunities_found = round.scan.opportunities.size();
    m.stages.select = seconds_since(step);

    m.cycles_per_second =
        m.stages.score > 0 ? static_cast<double>(round.cycles_scored) / m.stages.score : 0.0;
    coordinator_->record_metrics(m, seconds_since(started), round.cycles_scored);
    round.scan.metrics = coordinator_->metrics();
    return round;
}

Round Engine::score_all(const Market& market, ReserveCache* cache) {
    if (!topology_) throw std::logic_error("a scoring round needs a topology");
    const auto started = Clock::now();
    Metrics m;
    m.mode = coordinator_->config().mode;
    bind_all(market, cache, m);
    std::vector<GasPrice> gas_by_segment;
    const auto params = segment_params(market, gas_by_segment);
    auto step = Clock::now();
    ScoreStats stats;
    auto candidates = coordinator_->scorer().score_all(params, stats);
    m.stages.score = seconds_since(step);
    m.batch_count = stats.batches;
    m.parallel_executions = stats.tasks;
    Round round;
    round.full = true;
    round.cycles_scored = stats.cycles;
    return finish_round(market, std::move(round), std::move(candidates), gas_by_segment, m,
                        started);
}

Round Engine::score_changed(const Market& market, std::span<const std::uint32_t> changed,
                            ReserveCache* cache) {
    if (!topology_) throw std::logic_error("a scoring round needs a topology");
    if (!bound_ || states_.size() != market.pools.size()) return score_all(market, cache);
    const Topology& t = *topology_;
    const auto started = Clock::now();
    Metrics m;
    m.mode = coordinator_->config().mode;
    push_changes(market, changed, cache, m);
    std::vector<GasPrice> gas_by_segment;
    const auto params = segment_params(market, gas_by_segment);

    Round round;
    std::uint64_t touched = 0;
    for (const auto p : changed)
        if (static_cast<std::size_t>(p) + 1 < t.cycles.pool_offsets.size())
            touched += t.cycles.cycles_of_pool(p).size();
    const auto limit = static_cast<std::uint64_t>(static_cast<double>(t.cycles.size()) *
                                                  settings_.full_round_fraction);
    round.full = touched > limit;
    ScoreStats stats;
    std::vector<Candidate> candidates;
    if (round.full) {
        const auto step = Clock::now();
        candidates = coordinator_->scorer().score_all(params, stats);
        m.stages.score = seconds_since(step);
    } else {
        // The backend selects the cycles through the changed pools (the CPU modes on the host
        // from the topology's index, the device pipeline on the device from its copy).
        const auto step = Clock::now();
        candidates = coordinator_->scorer().score_through_pools(t.cycles, changed, params,
                                                                round.scored, stats);
        round.select_seconds = stats.select_seconds;
        m.stages.score = seconds_since(step) - stats.select_seconds;
    }
    m.batch_count = stats.batches;
    m.parallel_executions = stats.tasks;
    round.cycles_scored = stats.cycles;
    return finish_round(market, std::move(round), std::move(candidates), gas_by_segment, m,
                        started);
}

}  // namespace macf::host
