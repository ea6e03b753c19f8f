// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "macf/chain/address.hpp"
#include "macf/dex/balancer_stable.hpp"
#include "macf/dex/u256.hpp"
#include "macf/dex/uniswap_v2.hpp"
#include "macf/dex/uniswap_v3.hpp"

namespace macf::host {

using chain::Address;
using dex::U256;

/// An ERC-20 token.
struct Token {
    Address address;
    std::string symbol;     ///< as the token reports it; not unique
    std::uint8_t decimals;  ///< 10^decimals wei make one whole unit
};

/// The pool kinds macf models. Their names in the snapshot format are in `pool_kind_name`.
enum class PoolKind : std::uint8_t {
    kUniswapV2,         ///< Uniswap V2 pair or a fork (SushiSwap, PancakeSwap, ...) with its fee
    kUniswapV3,         ///< Uniswap V3 pool
    kCurveStable,       ///< Curve StableSwap plain pool (2 or 3 coins)
    kBalancerWeighted,  ///< Balancer V2 weighted pool
    kBalancerStable,    ///< Balancer V2 stable pool
    kCurveMeta,         ///< Curve metapool: its coin against a base pool's LP token and coins
};

/// The snapshot-format name of a kind ("uniswap_v2", "uniswap_v3", "curve_stable",
/// "balancer_weighted", "balancer_stable", "curve_meta").
std::string_view pool_kind_name(PoolKind kind) noexcept;
/// The kind named `name`, or std::nullopt.
[[nodiscard]] std::optional<PoolKind> parse_pool_kind(std::string_view name) noexcept;

/// Uniswap V2 pair state: reserves in wei (each < 2^112) and the input fee.
struct UniswapV2State {
    U256 reserve0;
    U256 reserve1;
    std::uint32_t fee_bps = 30;  ///< input fee in basis points (30 = 0.30 %)
};

using dex::Int128;
using dex::V3Tick;

/// Uniswap V3 pool state.
struct UniswapV3State {
    std::uint32_t fee_ppm = 0;      ///< fee in hundredths of a basis point (3000 = 0.30 %)
    std::int32_t tick_spacing = 1;  ///< 1, 10, 60, 200, ...
    U256 sqrt_price_x96;            ///< √(token1/token0) in Q64.96, < 2^160
    U256 liquidity;                 ///< in-range liquidity, < 2^128
    std::int32_t tick = 0;          ///< current tick
    std::vector<V3Tick> ticks;      ///< initialized ticks, ascending
};

/// Curve StableSwap plain-pool state (coins are the pool's tokens, in order).
struct CurveStableState {
    std::vector<U256> balances;     ///< wei per coin
    std::vector<U256> rates;        ///< per-coin RATES (10^(36 − decimals) for plain coins)
    U256 amp;                       ///< A, times a_precision
    std::uint32_t a_precision = 1;  ///< 1 (3pool-era pools) or 100 (later pools)
    U256 fee;                       ///< swap fee, 10^10 = 100 %
    /// totalSupply of the pool's LP token in wei; zero when unknown (needed only when the pool
    /// is a metapool's base: underlying swaps deposit into it and withdraw from it).
    U256 lp_supply;
};

/// Curve metapool state (the StableSwap-Meta template, A_PRECISION = 100): two coins, the
/// pool's own coin and the LP token of a base pool, and underlying swaps between the own coin
/// and each base coin (`exchange_underlying`, priced as `get_dy_underlying`). The pool's tokens
/// are the own coin, the LP token, then the base pool's coins in the base pool's order.
struct CurveMetaState {
    std::vector<U256> balances;  ///< wei of the own coin and of the base LP token
    U256 rate;                   ///< RATES[0] of the own coin: 10^(36 − decimals), or the
                                 ///< redemption price for RAI-style pools (10^18 = 1)
    /// The LP token's rate (base virtual price, 10^18 = 1) the pool cached, when the cache is
    /// still fresh at the block (BASE_CACHE_EXPIRES, 10 min); std::nullopt: the pool asks its
    /// base pool, so macf takes the base pool's get_virtual_price at its current state.
    std::optional<U256> base_virtual_price;
    U256 amp;                         ///< A · a_precision
    std::uint32_t a_precision = 100;  ///< 100 for every metapool template
    U256 fee;                         ///< swap fee, 10^10 = 100 %
    Address base_pool;                ///< a curve_stable pool of the same market, with lp_supply
    CurveStableState base;            ///< that pool's state, copied by Market::index()
};

/// Balancer V2 weighted pool state.
struct BalancerWeightedState {
    std::vector<U256> balances;         ///< wei per token
    std::vector<U256> weights;          ///< normalised weights, 10^18 = 100 %, summing to 10^18
    std::vector<U256> scaling_factors;  ///< 10^(18 − decimals) · 10^18 per token
    U256 swap_fee;                      ///< 10^18 = 100 %
    /// FixedPoint.powUp of the pool's code: v1 (2021 pools) or v2 (exact for exponents 1, 2, 4).
    dex::BalancerPowVersion pow_version = dex::BalancerPowVersion::kV1;
};

/// Balancer V2 stable pool state.
struct BalancerStableState {
    std::vector<U256> balances;         ///< wei per token
    std::vector<U256> scaling_factors;  ///< 10^(18 − decimals) · 10^18 per token (rate included)
    U256 amp;                           ///< amplification × 1000 (AMP_PRECISION)
    U256 swap_fee;                      ///< 10^18 = 100 %
    /// StableMath of the pool's code: legacy (StablePool, MetaStablePool) or current
    /// (ComposableStablePool; list the main tokens only, without the BPT).
    dex::BalancerStableMath math = dex::BalancerStableMath::kLegacy;
};

/// A pool: its address, the tokens it trades (indices into `Market::tokens`, in the pool's
/// own order: token0/token1, or the coins) and its kind-specific state.
struct Pool {
    Address address;
    PoolKind kind;
    std::string dex;  ///< venue label ("uniswap_v2", "sushiswap", ...); may be empty
    std::vector<std::uint32_t> tokens;
    std::variant<UniswapV2State, UniswapV3State, CurveStableState, BalancerWeightedState,
                 BalancerStableState, CurveMetaState>
        state;
};

/// A bad market description: names the pool or token and the field.
class MarketError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A whole market: tokens and pools with their state. Addresses are unique across both.
class Market {
  public:
    std::uint64_t chain_id = 1;
    std::optional<std::uint64_t> block;  ///< block the state was read at, when known
    std::vector<Token> tokens;
    std::vector<Pool> pools;

    /// Rebuilds the address indexes; for each Curve metapool copies its base pool's state in
    /// and sets its tokens after its two coins to the base pool's coins. Throws MarketError on
    /// a duplicate address, a pool that names a token index out of range, or a metapool whose
    /// base is not a curve_stable pool of the market with its lp_supply or trades one of the
    /// metapool's two coins. Call after filling `tokens` and `pools`, and again after changing
    /// a metapool's base pool.
    void index();
    /// Index of the token at `address`, or std::nullopt.
    [[nodiscard]] std::optional<std::uint32_t> find_token(const Address& address) const;
    /// Index of the pool at `address`, or std::nullopt.
    [[nodiscard]] std::optional<std::uint32_t> find_pool(const Address& address) const;
    /// Resolves "0x…" (an address) or a symbol. A symbol must name exactly one token, except
    /// "WETH", which prefers the canonical mainnet WETH when several tokens use the symbol.
    /// Throws MarketError naming the candidates when it is ambiguous or unknown.
    [[nodiscard]] std::uint32_t resolve_token(std::string_view address_or_symbol) const;

  private:
    /// Copies the base pool's state and coins into the metapool at `meta` (see index()).
    void link_base_pool(std::uint32_t meta);

    std::unordered_map<Address, std::uint32_t, chain::AddressHash> token_index_;
    std::unordered_map<Address, std::uint32_t, chain::AddressHash> pool_index_;
};

/// The canonical WETH9 contract on Ethereum mainnet.
inline constexpr std::string_view kMainnetWeth = "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2";

}  // namespace macf::host
