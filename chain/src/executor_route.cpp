// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/executor_route.hpp"

#include <algorithm>
#include <stdexcept>

#include "macf/chain/abi.hpp"
#include "macf/chain/hex.hpp"
#include "macf/dex/full_math.hpp"

namespace macf::chain {
namespace {

using dex::U256;

std::optional<U256> mul_div_up(const U256& a, const U256& b, const U256& d) {
    U256 out;
    if (!dex::mul_div_rounding_up(a, b, d, out)) return std::nullopt;
    return out;
}

}  // namespace

const char* to_string(FlashSourceKind kind) noexcept {
    switch (kind) {
        case FlashSourceKind::kUniswapV2:
            return "uniswap-v2-flash-swap";
        case FlashSourceKind::kUniswapV3:
            return "uniswap-v3-flash";
        case FlashSourceKind::kBalancer:
            return "balancer-vault";
        case FlashSourceKind::kAave:
            return "aave-v3";
    }
    return "unknown";
}

std::optional<U256> flash_fee(const FlashSource& source, const U256& amount) {
    switch (source.kind) {
        case FlashSourceKind::kUniswapV2: {
            if (!(source.fee < U256{10000})) return std::nullopt;
            const auto repay = mul_div_up(amount, U256{10000}, U256{10000} - source.fee);
            if (!repay) return std::nullopt;
            return *repay - amount;
        }
        case FlashSourceKind::kUniswapV3:
            return mul_div_up(amount, source.fee, U256{1000000});
        case FlashSourceKind::kBalancer:
            return mul_div_up(amount, source.fee, U256{1000000000000000000ULL});
        case FlashSourceKind::kAave: {
            // PercentageMath.percentMul: (value · percentage + 5000) / 10000.
            U256 prod, rounded;
            if (dex::mul_overflow(amount, source.fee, prod)) return std::nullopt;
            if (dex::add_overflow(prod, U256{5000}, rounded)) return std::nullopt;
            return rounded / U256{10000};
        }
    }
    return std::nullopt;
}

std::vector<std::uint8_t> execute_calldata(const ExecutionPlan& plan) {
    if (plan.hops.empty() || plan.hops.size() > 4)
        throw std::invalid_argument("a route has 1 to 4 hops, not " +
                                    std::to_string(plan.hops.size()));
    std::vector<std::uint8_t> packed;
    for (const auto& hop : plan.hops) {
        if (hop.fee_bps >= 10000) throw std::invalid_argument("a V2 fee of 10000 bps or more");
        packed.push_back(static_cast<std::uint8_t>(hop.kind));
        packed.insert(packed.end(), hop.pool.bytes.begin(), hop.pool.bytes.end());
        packed.insert(packed.end(), hop.token_out.bytes.begin(), hop.token_out.bytes.end());
        packed.push_back(static_cast<std::uint8_t>(hop.fee_bps >> 8));
        packed.push_back(static_cast<std::uint8_t>(hop.fee_bps & 0xff));
    }
    const U256 lender_fee =
        plan.source.kind == FlashSourceKind::kUniswapV2 ? plan.source.fee : U256{};
    const Word head[] = {word_of(U256{static_cast<std::uint64_t>(plan.source.kind)}),
                         word_of(plan.source.lender),
                         word_of(lender_fee),
                         word_of(plan.token),
                         word_of(plan.amount),
                         word_of(plan.min_profit),
                         word_of(U256{7 * 32}),  // the offset of `hops`
                         word_of(U256{packed.size()})};
    const auto call =
        from_hex(encode_call("execute(uint8,address,uint256,address,uint256,uint256,bytes)", head));
    std::vector<std::uint8_t> out = *call;
    packed.resize((packed.size() + 31) / 32 * 32, 0);
    out.insert(out.end(), packed.begin(), packed.end());
    return out;
}

std::optional<FlashSource> pick_flash_source(std::span<const FlashSource> sources,
                                             const U256& amount,
                                             std::span<const Address> route_pools) {
    std::optional<FlashSource> best;
    U256 best_fee;
    for (const auto& s : sources) {
        if (s.available < amount) continue;
        if (std::find(route_pools.begin(), route_pools.end(), s.lender) != route_pools.end())
            continue;
        const auto fee = flash_fee(s, amount);
        if (!fee) continue;
        if (!best || *fee < best_fee) {
            best = s;
            best_fee = *fee;
        }
    }
    return best;
}

}  // namespace macf::chain
