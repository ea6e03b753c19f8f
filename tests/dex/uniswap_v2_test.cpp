// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <boost/multiprecision/cpp_int.hpp>
#include <random>

#include "macf/dex/u256_text.hpp"
#include "macf/dex/uniswap_v2.hpp"

namespace {

using macf::dex::U256;
using macf::dex::V2Status;

U256 u(const char* s) {
    U256 v;
    EXPECT_TRUE(macf::dex::parse_u256(s, v)) << s;
    return v;
}

const U256 kE18{1000000000000000000ULL};

// Uniswap/v2-core test/UniswapV2Pair.spec.ts, "getInputPrice": (amountIn, reserve0, reserve1)
// in whole tokens → the largest output the pair accepts (the library's getAmountOut).
TEST(UniswapV2, GetAmountOutMatchesV2CoreVectors) {
    struct Case {
        std::uint64_t in, r_in, r_out;
        const char* out;
    };
    const Case cases[] = {
        {1, 5, 10, "1662497915624478906"},     {1, 10, 5, "453305446940074565"},
        {2, 5, 10, "2851015155847869602"},     {2, 10, 5, "831248957812239453"},
        {1, 10, 10, "906610893880149131"},     {1, 100, 100, "987158034397061298"},
        {1, 1000, 1000, "996006981039903216"},
    };
    for (const auto& c : cases) {
        U256 out;
        ASSERT_EQ(
            macf::dex::v2_get_amount_out(U256{c.in} * kE18, U256{c.r_in} * kE18,
                                         U256{c.r_out} * kE18, macf::dex::v2_fee_from_bps(30), out),
            V2Status::kOk);
        EXPECT_EQ(macf::dex::to_string(out), c.out);
    }
}

TEST(UniswapV2, FeeForms) {
    EXPECT_EQ(macf::dex::v2_fee_from_bps(30).multiplier, 997U);
    EXPECT_EQ(macf::dex::v2_fee_from_bps(30).denominator, 1000U);
    EXPECT_EQ(macf::dex::v2_fee_from_bps(25).multiplier, 9975U);  // PancakeSwap V2
    EXPECT_EQ(macf::dex::v2_fee_from_bps(25).denominator, 10000U);
    EXPECT_EQ(macf::dex::v2_fee_from_bps(0).multiplier, 1000U);
}

/// Both fee forms give the floor of the exact rational output: compare with Boost.
TEST(UniswapV2, RandomAmountsMatchOracleFormula) {
    using boost::multiprecision::cpp_int;
    std::mt19937_64 rng(11);
    for (int i = 0; i < 50000; ++i) {
        const U256 r_in = (U256{rng()} << 40) + U256{1 + rng() % 1000};
        const U256 r_out = (U256{rng()} << static_cast<unsigned>(rng() % 48)) + U256{1};
        const U256 in = U256{rng() >> static_cast<unsigned>(rng() % 64)} + U256{1};
        const std::uint32_t bps = static_cast<std::uint32_t>(rng() % 101);
        U256 out;
        ASSERT_EQ(
            macf::dex::v2_get_amount_out(in, r_in, r_out, macf::dex::v2_fee_from_bps(bps), out),
            V2Status::kOk);
        const cpp_int expect = cpp_int(macf::dex::to_string(in)) * (10000 - bps) *
                               cpp_int(macf::dex::to_string(r_out)) /
                               (cpp_int(macf::dex::to_string(r_in)) * 10000 +
                                cpp_int(macf::dex::to_string(in)) * (10000 - bps));
        ASSERT_EQ(macf::dex::to_string(out), expect.str());
        // getAmountIn of that output never asks for more than `in` and is enough for it.
        if (!out.is_zero()) {
            U256 need;
            ASSERT_EQ(macf::dex::v2_get_amount_in(out, r_in, r_out, macf::dex::v2_fee_from_bps(bps),
                                                  need),
                      V2Status::kOk);
            EXPECT_LE(need, in + U256{1});
            U256 got;
            ASSERT_EQ(macf::dex::v2_get_amount_out(need, r_in, r_out,
                                                   macf::dex::v2_fee_from_bps(bps), got),
                      V2Status::kOk);
            EXPECT_GE(got, out);
        }
    }
}

TEST(UniswapV2, GetAmountInRoundsUp) {
    // v2-periphery: amountIn = reserveIn·amountOut·1000 / ((reserveOut − amountOut)·997) + 1
    U256 in;
    ASSERT_EQ(macf::dex::v2_get_amount_in(u("1662497915624478906"), U256{5} * kE18, U256{10} * kE18,
                                          macf::dex::v2_fee_from_bps(30), in),
              V2Status::kOk);
    EXPECT_EQ(macf::dex::to_string(in), "1000000000000000000");
}

TEST(UniswapV2, RevertsAreErrorValues) {
    const auto fee = macf::dex::v2_fee_from_bps(30);
    U256 out;
    EXPECT_EQ(macf::dex::v2_get_amount_out(U256{}, kE18, kE18, fee, out),
              V2Status::kInsufficientInputAmount);
    EXPECT_EQ(macf::dex::v2_get_amount_out(kE18, U256{}, kE18, fee, out),
              V2Status::kInsufficientLiquidity);
    EXPECT_EQ(macf::dex::v2_get_amount_out(U256::max(), kE18, kE18, fee, out), V2Status::kOverflow);
    EXPECT_EQ(
        macf::dex::v2_get_amount_out(U256{1} << 200, U256{1} << 111, U256{1} << 111, fee, out),
        V2Status::kOverflow);  // in·997·R_out ≥ 2^256: SafeMath reverts
    EXPECT_EQ(macf::dex::v2_get_amount_in(kE18, kE18, kE18, fee, out),
              V2Status::kInsufficientLiquidity);  // amountOut ≥ reserveOut
    EXPECT_EQ(macf::dex::v2_get_amount_in(U256{}, kE18, kE18, fee, out),
              V2Status::kInsufficientOutputAmount);
}

}  // namespace
