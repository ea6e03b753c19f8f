// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "macf/dex/u256.hpp"
#include "macf/host/cycle_set.hpp"
#include "macf/host/market.hpp"
#include "macf/host/pool_state.hpp"
#include "macf/host/scorer.hpp"

namespace macf::host {

/// The costs netted out of every opportunity.
struct CostModel {
    std::uint64_t gas_price_wei = 20'000'000'000;  ///< price of gas, wei of the native token
    std::uint64_t base_gas =
        45'000;  ///< per transaction: 21,000 intrinsic + executor/flash overhead
    std::uint64_t v2_hop_gas = 60'000;  ///< per Uniswap V2 style hop (transfer + swap + Sync)
    std::uint32_t flash_fee_bps = 0;    ///< flash-loan fee on the input, basis points (rounded up)
    std::uint32_t native_token = 0;     ///< index of the token gas is paid in (WETH)
};

/// Gas cost of a cycle of `hops` hops starting at `base`, in wei of `base`: exact for the
/// native token; otherwise converted at the price of the deepest Uniswap V2 pool pairing `base`
/// with the native token, rounded up. Throws MarketError when there is no such pool and the
/// gas price is not zero.
dex::U256 gas_cost_in(const Market& market, const CostModel& costs, std::uint32_t base,
                      unsigned hops);

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
};

/// Re-simulates candidate `cand` with exact Uniswap V2 integer math (getAmountOut per hop,
/// floor division with the pool's fee, as the contract), refines the input by an integer
/// search around the closed-form optimum, and returns the opportunity when its exact net profit
/// exceeds `min_profit`. `states` is indexed by pool.
std::optional<Opportunity> resimulate(const CycleSet& cycles, const TokenGraph& graph,
                                      std::span<const PoolState> states, const Candidate& cand,
                                      const dex::U256& gas_cost, std::uint32_t flash_fee_bps,
                                      const dex::U256& min_profit);

/// Orders opportunities by exact net profit, highest first, then by cycle id.
bool ranks_before(const Opportunity& a, const Opportunity& b) noexcept;

}  // namespace macf::host
