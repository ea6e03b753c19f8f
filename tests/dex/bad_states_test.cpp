// SPDX-License-Identifier: Apache-2.0
// Bad pool states and amounts give the contract's revert as a status, never undefined
// behaviour (this file also runs under ASan + UBSan, see the README).
#include <gtest/gtest.h>

#include "macf/dex/balancer_stable.hpp"
#include "macf/dex/balancer_weighted.hpp"
#include "macf/dex/curve_stable.hpp"
#include "macf/dex/uniswap_v2.hpp"
#include "macf/dex/uniswap_v3.hpp"

namespace {

using macf::dex::U256;

const U256 kE18{1000000000000000000ULL};

TEST(BadStates, UniswapV3) {
    using macf::dex::V3Status;
    macf::dex::V3PoolView pool;
    pool.sqrt_price_x96 = macf::dex::kQ96;  // price 1, tick 0
    pool.tick = 0;
    pool.fee_pips = 3000;
    pool.tick_spacing = 60;
    // No liquidity anywhere: the price runs to the limit and nothing is swapped.
    const auto empty =
        macf::dex::v3_swap(pool, true, true, kE18, macf::dex::v3_default_price_limit(true));
    ASSERT_EQ(empty.status, V3Status::kOk);
    EXPECT_TRUE(empty.amount_in.is_zero());
    EXPECT_TRUE(empty.amount_out.is_zero());
    EXPECT_EQ(empty.sqrt_price_x96, macf::dex::v3_default_price_limit(true));
    // Amounts past int256, zero amounts, limits on the wrong side or past the bounds.
    pool.liquidity = kE18;
    EXPECT_EQ(
        macf::dex::v3_swap(pool, true, true, U256::max(), macf::dex::v3_default_price_limit(true))
            .status,
        V3Status::kAmountTooLarge);
    EXPECT_EQ(macf::dex::v3_swap(pool, true, true, U256{}, macf::dex::v3_default_price_limit(true))
                  .status,
              V3Status::kZeroAmount);
    EXPECT_EQ(macf::dex::v3_swap(pool, true, true, kE18, macf::dex::kMinSqrtRatio).status,
              V3Status::kPriceLimit);
    EXPECT_EQ(macf::dex::v3_swap(pool, false, true, kE18, macf::dex::kMaxSqrtRatio).status,
              V3Status::kPriceLimit);
    EXPECT_EQ(macf::dex::v3_swap(pool, true, true, kE18, pool.sqrt_price_x96 + U256{1}).status,
              V3Status::kPriceLimit);
    // A price at the lowest bound cannot fall further.
    macf::dex::V3PoolView bottom = pool;
    bottom.sqrt_price_x96 = macf::dex::kMinSqrtRatio;
    bottom.tick = macf::dex::kMinTick;
    EXPECT_EQ(macf::dex::v3_swap(bottom, true, true, kE18, macf::dex::v3_default_price_limit(true))
                  .status,
              V3Status::kPriceLimit);
    // Crossing a tick whose liquidityNet would make liquidity negative reverts 'LS'.
    const macf::dex::V3Tick bad[] = {{-60, macf::dex::Int128{2} * 1000000000000000000}};
    pool.ticks = bad;
    pool.tick_count = 1;
    EXPECT_EQ(
        macf::dex::v3_swap(pool, true, true, kE18 * kE18, macf::dex::v3_default_price_limit(true))
            .status,
        V3Status::kLiquidityUnderflow);
}

TEST(BadStates, UniswapV2) {
    U256 out;
    const auto fee = macf::dex::v2_fee_from_bps(30);
    EXPECT_EQ(macf::dex::v2_get_amount_out(U256::max(), kE18, kE18, fee, out),
              macf::dex::V2Status::kOverflow);
    EXPECT_EQ(macf::dex::v2_get_amount_out(kE18, U256{}, kE18, fee, out),
              macf::dex::V2Status::kInsufficientLiquidity);
    EXPECT_EQ(macf::dex::v2_get_amount_in(kE18, kE18, kE18, fee, out),
              macf::dex::V2Status::kInsufficientLiquidity);
}

TEST(BadStates, Curve) {
    macf::dex::CurveStableView pool;
    pool.n = 2;
    pool.balances[0] = kE18;
    pool.balances[1] = U256{};  // empty coin: get_D divides by zero and reverts
    pool.rates[0] = kE18;
    pool.rates[1] = kE18;
    pool.amp = U256{100};
    pool.fee = U256{4000000};
    U256 dy;
    EXPECT_EQ(macf::dex::curve_swap_out(pool, 0, 1, kE18, true, dy),
              macf::dex::CurveStatus::kMathRevert);
    pool.balances[1] = kE18;
    EXPECT_EQ(macf::dex::curve_swap_out(pool, 0, 1, U256::max(), true, dy),
              macf::dex::CurveStatus::kMathRevert);
    EXPECT_EQ(macf::dex::curve_swap_out(pool, 0, 0, kE18, true, dy),
              macf::dex::CurveStatus::kBadCoin);
    EXPECT_EQ(macf::dex::curve_swap_out(pool, 0, 3, kE18, true, dy),
              macf::dex::CurveStatus::kBadCoin);
    ASSERT_EQ(macf::dex::curve_swap_out(pool, 0, 1, kE18 / U256{10}, true, dy),
              macf::dex::CurveStatus::kOk);
    EXPECT_LT(dy, kE18 / U256{10});
}

TEST(BadStates, Balancer) {
    macf::dex::BalancerWeightedView w;
    w.n = 2;
    w.balances[0] = w.balances[1] = kE18;
    w.weights[0] = w.weights[1] = kE18 / U256{2};
    w.scaling_factors[0] = w.scaling_factors[1] = kE18;
    w.swap_fee = U256{3000000000000000ULL};
    U256 r;
    EXPECT_EQ(macf::dex::balancer_weighted_out_given_in(w, 0, 1, kE18, r),
              macf::dex::BalancerStatus::kMaxInRatio);
    EXPECT_EQ(macf::dex::balancer_weighted_in_given_out(w, 0, 1, kE18, r),
              macf::dex::BalancerStatus::kMaxOutRatio);
    EXPECT_EQ(macf::dex::balancer_weighted_out_given_in(w, 0, 1, U256::max(), r),
              macf::dex::BalancerStatus::kMathRevert);
    w.balances[0] = U256{};
    EXPECT_NE(macf::dex::balancer_weighted_out_given_in(w, 0, 1, U256{1000}, r),
              macf::dex::BalancerStatus::kOk);
    macf::dex::BalancerStableView s;
    s.n = 2;
    s.balances[0] = s.balances[1] = kE18;
    s.scaling_factors[0] = s.scaling_factors[1] = kE18;
    s.amp = U256{200000};
    s.swap_fee = U256{100000000000000ULL};
    EXPECT_EQ(macf::dex::balancer_stable_in_given_out(s, 0, 1, kE18 * U256{2}, r),
              macf::dex::BalancerStatus::kMathRevert);
    EXPECT_EQ(macf::dex::balancer_stable_out_given_in(s, 0, 1, U256::max(), r),
              macf::dex::BalancerStatus::kMathRevert);
    s.balances[1] = U256{};
    EXPECT_NE(macf::dex::balancer_stable_out_given_in(s, 0, 1, kE18, r),
              macf::dex::BalancerStatus::kOk);
}

}  // namespace
