// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

#include "macf/host/model/market.hpp"

namespace macf::host {

/// Settings of the synthetic market generator. The same settings give the same market on
/// every machine (own pseudo-random generator and distributions, no std:: distributions).
struct GeneratorOptions {
    std::uint64_t seed = 1;
    std::uint32_t tokens = 200;      ///< including the 5 hubs (WETH, USDC, USDT, DAI, WBTC)
    std::uint32_t pools = 1000;      ///< Uniswap V2 style pools (Uniswap, SushiSwap, Pancake fees)
    std::uint32_t dislocations = 5;  ///< WETH pools whose price is moved 2–6 % off
    double zipf_exponent = 1.0;      ///< token popularity ∝ 1/rank^s: power-law degrees
    double price_noise = 0.002;      ///< per-pool price deviation (standard deviation, relative)
    double median_liquidity_eth = 50;  ///< median pool value in ETH (log-normal, σ = 1.5)
    /// Uniswap V3 pools (fee 0.05/0.3/1 %, a full-range position and 1–3 concentrated ones
    /// around the price); one in five is priced 1–3 % off.
    std::uint32_t v3_pools = 0;
    /// Curve StableSwap pools among USDC, USDT and DAI (2 or 3 coins, both A conventions).
    std::uint32_t curve_pools = 0;
    /// Balancer V2 pools: weighted (50/50, 80/20, 60/40; one in five priced 1–3 % off) and,
    /// one in four, stable pools among USDC, USDT and DAI.
    std::uint32_t balancer_pools = 0;
    /// Curve metapools: each a popular non-hub token against the LP token ("3CRV") of one base
    /// 3pool of USDC, USDT and DAI that the generator adds for them (with its lp_supply, the LP
    /// token worth about 1.02 USD); one in two is priced 1-3 % off; every other metapool
    /// caches the base virtual price, the rest ask the base pool.
    std::uint32_t curve_meta_pools = 0;
};

/// A deterministic market: hub tokens with their mainnet addresses, decimals and rough prices,
/// the other tokens with log-uniform prices in [10^-6, 1] ETH; pools between tokens drawn by
/// popularity (hubs dominate), log-normal liquidity, small price noise and a few planted
/// dislocations; then the V3, Curve, Balancer and Curve metapools asked for (the V2 part does
/// not depend on them). Throws std::invalid_argument when `pools` cannot be placed (too few
/// tokens).
[[nodiscard]] Market generate_market(const GeneratorOptions& options);

}  // namespace macf::host
