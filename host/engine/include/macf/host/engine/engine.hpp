// SPDX-License-Identifier: Apache-2.0
#pragma once

// The one path from a market to its opportunities. A Topology is the token graph and every
// cycle of one set of pools (rebuilt when pools appear or vanish); an Engine owns a coordinator
// over a topology and runs scoring rounds: all cycles, or only the cycles through the pools
// that changed — with the fall-back to a full round when those touch too many cycles. `macf
// scan`, `execute`, `bench`, `serve` and the Python module all go through it.
//
// A round, step by step: pool states read (through the reserve cache) → edge coefficients →
// handed to the backend (all of them when the topology is bound, then only the changed pools'
// each round) → per-segment costs → the backend scores all cycles or the listed ones →
// candidates sized exactly (dex/ integer math) → ranked. An incremental round reads, computes
// and hands over only what the changed pools touch.

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "macf/dex/u256.hpp"
#include "macf/host/engine/coordinator.hpp"
#include "macf/host/model/market.hpp"
#include "macf/host/search/cycle_set.hpp"
#include "macf/host/search/opportunity.hpp"
#include "macf/host/search/token_graph.hpp"
#include "macf/host/state/reserve_cache.hpp"

namespace macf::host {

/// What a topology is built from.
struct TopologySettings {
    /// Start and end tokens of the cycles (indices into Market::tokens), in this order;
    /// duplicates are dropped.
    std::vector<std::uint32_t> base_tokens;
    unsigned max_hops = 4;  ///< longest cycle, 2 to kMaxHops
    GraphOptions graph;     ///< which pools enter the graph
};

/// The token graph and every cycle of one set of pools. Immutable once built, so several
/// engines (one per mode) can share it.
struct Topology {
    TokenGraph graph;
    CycleSet cycles;
    std::vector<std::uint32_t> base_tokens;  ///< as enumerated, without duplicates
    unsigned max_hops = 4;
    std::size_t pools = 0;         ///< pools of the market it was built from
    double enumerate_seconds = 0;  ///< time the cycle enumeration took
};

/// Builds the graph of `market` and enumerates its cycles. `progress` gets the fraction of
/// the enumeration done. Throws std::invalid_argument for max_hops outside 2..kMaxHops or a
/// base token that is not in the market, std::length_error above 2^32 cycles.
[[nodiscard]] std::shared_ptr<const Topology> build_topology(const Market& market,
                                                             const TopologySettings& settings,
                                                             const ProgressFn& progress = {});

/// A round's settings that may change from round to round.
struct RoundSettings {
    CostModel costs;       ///< gas and flash-fee costs netted out of every opportunity
    dex::U256 min_profit;  ///< wei of the base token; opportunities must exceed it
    /// An incremental round whose changed pools touch more than this fraction of all cycles
    /// (counted with repeats, one per pool and cycle) scores every cycle instead: choosing
    /// cycles costs more per cycle than scoring them (`macf bench --incremental`).
    double full_round_fraction = 0.2;
};

/// One scan round's output.
struct ScanResult {
    std::vector<Opportunity> opportunities;  ///< every confirmed one, best first
    Metrics metrics;
};

/// One scoring round's result.
struct Round {
    /// The opportunities (cycle ids of the topology's full cycle set), best first, and the
    /// MACF metrics of the round.
    ScanResult scan;
    bool full = true;  ///< every cycle was scored
    /// When not full: the ids (in the full set, ascending) of the cycles scored. Their old
    /// opportunities are replaced by this round's.
    std::vector<std::uint32_t> scored;
    std::uint64_t cycles_scored = 0;  ///< cycles scored this round
    double select_seconds = 0;        ///< time spent choosing the cycles (incremental only)
};

/// Runs scoring rounds of one mode over a topology. Not thread-safe: one round at a time.
class Engine {
  public:
    /// An engine over `topology` with a coordinator of `coordinator` (its mode, workers, batch
    /// size, cache switch). Throws std::invalid_argument for a null topology or a bad config.
    Engine(std::shared_ptr<const Topology> topology, const CoordinatorConfig& coordinator,
           RoundSettings settings);
    /// An engine without a topology yet (the coordinator alone can already `coordinate`);
    /// set one before the first round.
    explicit Engine(const CoordinatorConfig& coordinator, RoundSettings settings = {});

    /// Replaces the topology (after pools appeared or vanished).
    void set_topology(std::shared_ptr<const Topology> topology);
    /// True once a topology is set.
    [[nodiscard]] bool has_topology() const noexcept { return topology_ != nullptr; }
    /// The current topology (has_topology() must be true).
    [[nodiscard]] const Topology& topology() const noexcept { return *topology_; }
    /// The current topology, shared (to build another engine over it).
    [[nodiscard]] const std::shared_ptr<const Topology>& shared_topology() const noexcept {
        return topology_;
    }
    /// The round settings, changeable between rounds (gas price, minimum profit).
    [[nodiscard]] RoundSettings& settings() noexcept { return settings_; }
    [[nodiscard]] const RoundSettings& settings() const noexcept { return settings_; }
    /// The coordinator (its config, metrics, the sequential baseline for speedups).
    [[nodiscard]] MacfCoordinator& coordinator() noexcept { return *coordinator_; }
    [[nodiscard]] const MacfCoordinator& coordinator() const noexcept { return *coordinator_; }

    /// Scores every cycle against `market` (which must be the market the topology was built
    /// from, or one with the same pools), every pool's state read again (through `cache` when
    /// it is not null and the coordinator's cache is enabled) and handed to the backend.
    /// Throws std::logic_error without a topology.
    [[nodiscard]] Round score_all(const Market& market, ReserveCache* cache);

    /// Reads only the pools `changed` (indices; those outside the topology are ignored) and
    /// scores only the cycles through them, or every cycle when they touch more than
    /// `full_round_fraction` of them. Every pool whose state changed since the previous round
    /// must be listed. The first round after a new topology (or after pools were added to the
    /// market) is a score_all.
    [[nodiscard]] Round score_changed(const Market& market, std::span<const std::uint32_t> changed,
                                      ReserveCache* cache);

  private:
    /// Where gas is priced for one base token: its Uniswap V2 pools with the native token.
    struct GasSource {
        std::uint32_t base;
        std::vector<std::uint32_t> pools;
    };

    PoolState read_state(const Market& market, std::uint32_t pool, ReserveCache* cache) const;
    /// Reads `pools` into states_ (through the cache when enabled), counting its hits.
    void read_states(const Market& market, std::span<const std::uint32_t> pools,
                     ReserveCache* cache, Metrics& m);
    void bind_all(const Market& market, ReserveCache* cache, Metrics& m);
    void push_changes(const Market& market, std::span<const std::uint32_t> changed,
                      ReserveCache* cache, Metrics& m);
    std::vector<SegmentParams> segment_params(const Market& market,
                                              std::vector<GasPrice>& gas_by_segment);
    Round finish_round(const Market& market, Round round, std::vector<Candidate> candidates,
                       const std::vector<GasPrice>& gas_by_segment, Metrics m,
                       std::chrono::steady_clock::time_point started);

    std::shared_ptr<const Topology> topology_;
    std::unique_ptr<MacfCoordinator> coordinator_;
    RoundSettings settings_;
    std::vector<PoolState> states_;       // by pool, as handed to the backend last
    bool bound_ = false;                  // the backend holds this topology and states_'s edges
    std::vector<GasSource> gas_sources_;  // by base token of the topology
    std::uint32_t gas_native_ = 0;        // the native token gas_sources_ were found for
};

}  // namespace macf::host
