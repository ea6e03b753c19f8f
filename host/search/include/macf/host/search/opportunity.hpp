// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "macf/dex/u256.hpp"
#include "macf/host/model/market.hpp"
#include "macf/host/model/pool_state.hpp"
#include "macf/host/search/cycle_set.hpp"
#include "macf/host/search/scorer.hpp"

namespace macf::host {

/// The costs netted out of every opportunity.
struct CostModel {
    std::uint64_t gas_price_wei = 20'000'000'000;  ///< price of gas, wei of the native token
    std::uint64_t base_gas =
        45'000;  ///< per transaction: 21,000 intrinsic + executor/flash overhead
    std::uint64_t v2_hop_gas = 60'000;  ///< per Uniswap V2 style hop (transfer + swap + Sync)
    /// Per Uniswap V3 hop (swap + callback; each crossed tick adds more): an estimate.
    std::uint64_t v3_hop_gas = 110'000;
    std::uint64_t curve_hop_gas = 130'000;     ///< per Curve StableSwap exchange: an estimate
    std::uint64_t balancer_hop_gas = 110'000;  ///< per Balancer Vault swap: an estimate
    std::uint32_t flash_fee_bps = 0;  ///< flash-loan fee on the input, basis points (rounded up)
    std::uint32_t native_token = 0;   ///< index of the token gas is paid in (WETH)
};

/// Gas of one hop through a pool of `kind`, from the cost model.
std::uint64_t hop_gas(const CostModel& costs, PoolKind kind) noexcept;
/// The cheapest hop of any kind: scoring nets this per hop, so it never drops a cycle that the
/// exact re-simulation (which nets each hop's own gas) would keep.
std::uint64_t min_hop_gas(const CostModel& costs) noexcept;

/// The price of gas in wei of a base token: cost(units) = ⌈units · gas price · num / den⌉.
struct GasPrice {
    dex::U256 wei_per_gas;  ///< gas price, wei of the native token
    dex::U256 num{1};       ///< base-token wei per native wei, as num/den
    dex::U256 den{1};
    /// The cost of `units` gas in wei of the base token, rounded up.
    dex::U256 cost(std::uint64_t units) const;
};

/// The gas price in wei of `base`: exact for the native token; otherwise at the price of the
/// deepest Uniswap V2 pool pairing `base` with the native token. Throws MarketError when there
/// is no such pool and the gas price is not zero.
[[nodiscard]] GasPrice gas_price_in(const Market& market, const CostModel& costs,
                                    std::uint32_t base);

/// The Uniswap V2 pools of `market` that pair `base` with `native`: the only pools
/// gas_price_in reads. An engine finds them once per topology.
[[nodiscard]] std::vector<std::uint32_t> gas_price_pools(const Market& market, std::uint32_t native,
                                                         std::uint32_t base);

/// gas_price_in reading only `pools` (from gas_price_pools; other pools are skipped): the
/// deepest of them by native-token reserve, at its current reserves. Throws MarketError as
/// gas_price_in does.
[[nodiscard]] GasPrice gas_price_over(const Market& market, const CostModel& costs,
                                      std::uint32_t base, std::span<const std::uint32_t> pools);

/// Gas cost of a cycle of `hops` Uniswap V2 hops starting at `base`, in wei of `base`
/// (gas_price_in(...).cost(base_gas + hops · v2_hop_gas)).
[[nodiscard]] dex::U256 gas_cost_in(const Market& market, const CostModel& costs,
                                    std::uint32_t base, unsigned hops);

/// One executed hop of an opportunity.
struct HopFill {
    std::uint32_t pool;
    std::uint32_t token_in;
    std::uint32_t token_out;
    dex::U256 amount_in;   ///< wei of token_in
    dex::U256 amount_out;  ///< wei of token_out, exactly as the contract computes it
};

/// A profitable cycle sized exactly: every amount is what the contracts would compute.
struct Opportunity {
    std::uint32_t cycle;
    std::uint32_t base_token;
    std::vector<HopFill> hops;
    dex::U256 input;       ///< wei of the base token borrowed and sent into hop 1
    dex::U256 output;      ///< wei of the base token out of the last hop
    dex::U256 flash_fee;   ///< wei of the base token, rounded up
    dex::U256 gas_cost;    ///< wei of the base token
    dex::U256 net_profit;  ///< output − input − flash_fee − gas_cost (> min profit)
    double approx_input;   ///< the closed form's input, for comparison
    double approx_profit;  ///< the closed form's net profit
    /// Exact cycle evaluations the sizing search made (each a pass through every hop).
    std::uint32_t sizing_evaluations = 0;
    /// True when no other input makes a higher gross profit (the V2 proof, docs/sizing.md).
    bool sizing_proven = false;
    /// When set: no input makes more than this many wei of gross profit above this one's
    /// (0 when proven); unset when the search gives no bound (cycles with other kinds).
    std::optional<dex::U256> sizing_gap;
};

/// Re-simulates candidate `cand` with each pool's exact integer math, as its contract computes
/// (Uniswap V2 getAmountOut from `states`; V3 swaps crossing ticks, Curve and Balancer from the
/// market's pool state), sizes its input and returns the opportunity when its exact net profit
/// exceeds `min_profit`. A cycle of V2 hops only gets the proven integer optimum (or, when its
/// window is too wide to enumerate, a proven bound on the shortfall, `sizing_gap`); a cycle with
/// other kinds a secant search on the marginal rate from the approximate optimum, then the
/// least input paying the best output (docs/sizing.md). A V3 hop that would only fill partially
/// before the price limit counts as a revert. The gas netted is base_gas plus each hop's own
/// gas, priced by `gas`. `states` is indexed by pool. `evaluations`, when not null, receives
/// the exact cycle evaluations the sizing made (also for a candidate that is rejected).
std::optional<Opportunity> resimulate(const Market& market, const CycleSet& cycles,
                                      const TokenGraph& graph, std::span<const PoolState> states,
                                      const Candidate& cand, const GasPrice& gas,
                                      const CostModel& costs, const dex::U256& min_profit,
                                      std::uint32_t* evaluations = nullptr);

/// True when both lists hold the same cycles in the same order with the same exact amounts
/// (input, output, net profit, every hop's output): how the modes are checked to agree.
[[nodiscard]] bool same_opportunities(const std::vector<Opportunity>& a,
                                      const std::vector<Opportunity>& b);

/// Orders opportunities by exact net profit, highest first, then by cycle id.
bool ranks_before(const Opportunity& a, const Opportunity& b) noexcept;

}  // namespace macf::host
