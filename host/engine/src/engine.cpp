// SPDX-License-Identifier: Apache-2.0
#include "macf/host/engine/engine.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace macf::host {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
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
}

Round Engine::score_all(const Market& market, ReserveCache* cache) {
    if (!topology_) throw std::logic_error("a scoring round needs a topology");
    const Topology& t = *topology_;
    Round round;
    round.full = true;
    round.cycles_scored = t.cycles.size();
    round.scan.metrics.mode = coordinator_->config().mode;
    if (t.cycles.size() != 0)
        round.scan = coordinator_->scan(
            {market, t.graph, t.cycles, cache, settings_.costs, settings_.min_profit});
    return round;
}

Round Engine::score_changed(const Market& market, std::span<const std::uint32_t> changed,
                            ReserveCache* cache) {
    if (!topology_) throw std::logic_error("a scoring round needs a topology");
    const Topology& t = *topology_;
    std::uint64_t touched = 0;
    for (const auto p : changed)
        if (static_cast<std::size_t>(p) + 1 < t.cycles.pool_offsets.size())
            touched += t.cycles.cycles_of_pool(p).size();
    const auto limit = static_cast<std::uint64_t>(static_cast<double>(t.cycles.size()) *
                                                  settings_.full_round_fraction);
    if (touched > limit) return score_all(market, cache);

    Round round;
    round.full = false;
    const auto started = Clock::now();
    const CycleSet subset = cycles_through(t.cycles, changed, round.scored);
    round.select_seconds = seconds_since(started);
    round.cycles_scored = subset.size();
    round.scan.metrics.mode = coordinator_->config().mode;
    if (subset.size() != 0) {
        round.scan = coordinator_->scan(
            {market, t.graph, subset, cache, settings_.costs, settings_.min_profit});
        for (auto& o : round.scan.opportunities) o.cycle = round.scored[o.cycle];
    }
    return round;
}

}  // namespace macf::host
