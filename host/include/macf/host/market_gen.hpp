// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

#include "macf/host/market.hpp"

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
};

/// A deterministic market: hub tokens with their mainnet addresses, decimals and rough prices,
/// the other tokens with log-uniform prices in [10^-6, 1] ETH; pools between tokens drawn by
/// popularity (hubs dominate), log-normal liquidity, small price noise and a few planted
/// dislocations. Throws std::invalid_argument when `pools` cannot be placed (too few tokens).
Market generate_market(const GeneratorOptions& options);

}  // namespace macf::host
