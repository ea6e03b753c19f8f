// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the executor contract (contracts/MacfExecutor.sol) is asked to do: a flash source, the
// start token and amount, the minimum profit, and the hops; its call data; the fee each flash
// source charges; and the choice of the cheapest source that can lend the amount.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "macf/chain/address.hpp"
#include "macf/dex/u256.hpp"

namespace macf::chain {

/// Where the start token is borrowed (the contract's source codes).
enum class FlashSourceKind : std::uint8_t {
    kUniswapV2 = 0,  ///< a V2 pair's flash swap; fee in basis points (30 on Uniswap V2)
    kUniswapV3 = 1,  ///< a V3 pool's flash; fee in hundredths of a basis point (its swap fee)
    kBalancer = 2,   ///< the Balancer V2 Vault; fee as an 18-decimal fraction (0 on mainnet)
    kAave = 3,       ///< an Aave V3 pool's flashLoanSimple; fee in basis points (5 on mainnet)
};

/// The name of a source kind ("uniswap-v2-flash-swap", ...).
const char* to_string(FlashSourceKind kind) noexcept;

/// One lender able to lend the start token.
struct FlashSource {
    FlashSourceKind kind = FlashSourceKind::kUniswapV2;
    Address lender;       ///< the pair, pool, Vault or Aave pool
    dex::U256 fee;        ///< in the unit of its kind (see FlashSourceKind)
    dex::U256 available;  ///< the most it can lend of the token (wei of the token)
};

/// The fee `source` charges for borrowing `amount` (token wei), rounded up as the lender does:
/// V2 ceil(amount·10000/(10000 − fee)) − amount (the smallest repayment its K check accepts);
/// V3 ceil(amount·fee/10^6); Balancer ceil(amount·fee/10^18); Aave round-half-up of
/// amount·fee/10^4 (its percentMul). std::nullopt when it overflows or the fee is out of range.
std::optional<dex::U256> flash_fee(const FlashSource& source, const dex::U256& amount);

/// One hop of a route.
enum class RouteHopKind : std::uint8_t { kUniswapV2 = 0, kUniswapV3 = 1 };

/// A hop: swap the previous token for `token_out` in `pool`.
struct RouteHop {
    RouteHopKind kind = RouteHopKind::kUniswapV2;
    Address pool;
    Address token_out;
    std::uint16_t fee_bps = 30;  ///< V2 pairs: the fork's fee in basis points
};

/// A whole execution: borrow `amount` of `token` from `source`, run `hops` (ending in
/// `token`), repay, and send at least `min_profit` (token wei) to the owner or revert.
struct ExecutionPlan {
    FlashSource source;
    Address token;
    dex::U256 amount;
    dex::U256 min_profit;
    std::vector<RouteHop> hops;
};

/// The call data of `execute(...)` for `plan`. Throws std::invalid_argument for 0 or more
/// than 4 hops, or a V2 fee of 10000 bps or more.
std::vector<std::uint8_t> execute_calldata(const ExecutionPlan& plan);

/// The source with the lowest fee for `amount` among those that can lend it and are not one
/// of `route_pools` (a pair or pool cannot lend and swap in one transaction: its lock);
/// ties go to the earlier one. std::nullopt when none can.
std::optional<FlashSource> pick_flash_source(std::span<const FlashSource> sources,
                                             const dex::U256& amount,
                                             std::span<const Address> route_pools);

}  // namespace macf::chain
