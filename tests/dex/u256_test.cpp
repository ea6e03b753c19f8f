// SPDX-License-Identifier: Apache-2.0
// U256 against Boost.Multiprecision's uint256_t (the oracle): random differential tests with
// biased operands (carries, 64-bit boundaries, tiny divisors) plus the edge cases by name.

#include <gtest/gtest.h>

#include <boost/multiprecision/cpp_int.hpp>
#include <random>

#include "macf/dex/u256.hpp"
#include "macf/dex/u256_text.hpp"

namespace {

using macf::dex::U256;
using Oracle = boost::multiprecision::uint256_t;
using Wide = boost::multiprecision::uint512_t;

Oracle to_oracle(const U256& v) {
    Oracle r = 0;
    for (int i = 3; i >= 0; --i) r = (r << 64) | Oracle(v.w[i]);
    return r;
}

U256 from_oracle(Oracle v) {
    U256 r;
    for (int i = 0; i < 4; ++i) {
        r.w[i] = static_cast<std::uint64_t>(v & Oracle(~0ULL));
        v >>= 64;
    }
    return r;
}

/// Operands biased toward the hard cases: zero words, all-ones words, small values.
U256 random_u256(std::mt19937_64& rng) {
    U256 r;
    const int words = static_cast<int>(rng() % 5);
    for (int i = 0; i < words; ++i) {
        switch (rng() % 4) {
            case 0:
                r.w[i] = ~0ULL;
                break;
            case 1:
                r.w[i] = rng() % 3;
                break;
            default:
                r.w[i] = rng();
                break;
        }
    }
    if (rng() % 8 == 0) r = r >> static_cast<unsigned>(rng() % 256);
    return r;
}

TEST(U256, ArithmeticMatchesOracle) {
    std::mt19937_64 rng(20261121);
    for (int i = 0; i < 200000; ++i) {
        const U256 a = random_u256(rng);
        const U256 b = random_u256(rng);
        const Oracle oa = to_oracle(a);
        const Oracle ob = to_oracle(b);
        ASSERT_EQ(to_oracle(a + b), oa + ob);  // uint256_t wraps like Solidity unchecked
        ASSERT_EQ(to_oracle(a - b), oa - ob);
        ASSERT_EQ(to_oracle(a * b), oa * ob);
        U256 out;
        ASSERT_EQ(macf::dex::add_overflow(a, b, out),
                  Wide(oa) + Wide(ob) > Wide(Oracle(~Oracle(0))));
        ASSERT_EQ(macf::dex::sub_underflow(a, b, out), ob > oa);
        ASSERT_EQ(macf::dex::mul_overflow(a, b, out),
                  Wide(oa) * Wide(ob) > Wide(Oracle(~Oracle(0))));
        ASSERT_EQ(a < b, oa < ob);
        ASSERT_EQ(a == b, oa == ob);
        if (!b.is_zero()) {
            U256 q;
            U256 r;
            ASSERT_TRUE(macf::dex::divmod(a, b, q, r));
            ASSERT_EQ(to_oracle(q), oa / ob)
                << macf::dex::to_string(a) << " / " << macf::dex::to_string(b);
            ASSERT_EQ(to_oracle(r), oa % ob);
        }
        const unsigned s = static_cast<unsigned>(rng() % 300);
        ASSERT_EQ(to_oracle(a << s), s >= 256 ? Oracle(0) : Oracle(oa << s));
        ASSERT_EQ(to_oracle(a >> s), s >= 256 ? Oracle(0) : Oracle(oa >> s));
    }
}

TEST(U256, WrapsAt2Pow256) {
    const U256 max = U256::max();
    EXPECT_EQ(max + U256{1}, U256{});
    EXPECT_EQ(U256{} - U256{1}, max);
    EXPECT_EQ(max * max, U256{1});  // (2^256 − 1)^2 ≡ 1
    U256 out;
    EXPECT_TRUE(macf::dex::add_overflow(max, U256{1}, out));
    EXPECT_FALSE(macf::dex::add_overflow(max, U256{}, out));
    EXPECT_TRUE(macf::dex::mul_overflow(U256{1} << 128, U256{1} << 128, out));
    EXPECT_FALSE(macf::dex::mul_overflow(U256{1} << 127, U256{1} << 128, out));
}

TEST(U256, DivisionEdgeCases) {
    U256 q;
    U256 r;
    EXPECT_FALSE(macf::dex::divmod(U256{5}, U256{}, q, r));  // division by zero is reported
    EXPECT_EQ(U256{5} / U256{}, U256{});                     // and is 0 as the EVM's DIV
    const U256 max = U256::max();
    ASSERT_TRUE(macf::dex::divmod(max, max, q, r));
    EXPECT_EQ(q, U256{1});
    EXPECT_EQ(r, U256{});
    ASSERT_TRUE(macf::dex::divmod(max, U256{1}, q, r));
    EXPECT_EQ(q, max);
    ASSERT_TRUE(macf::dex::divmod(U256{7}, max, q, r));
    EXPECT_EQ(q, U256{});
    EXPECT_EQ(r, U256{7});
    // A divisor just above 2^64 and one whose top 32-bit digit is 1 (normalisation shift 31).
    const U256 num =
        from_oracle(Oracle("0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef"));
    for (const U256 den : {U256{0, 1, 0, 0}, U256{~0ULL, 1, 0, 0}, U256{0, 0, 1, 0},
                           U256{1, 0, 0, 1}, U256{~0ULL, ~0ULL, ~0ULL, 0}}) {
        ASSERT_TRUE(macf::dex::divmod(num, den, q, r));
        EXPECT_EQ(to_oracle(q), to_oracle(num) / to_oracle(den));
        EXPECT_EQ(to_oracle(r), to_oracle(num) % to_oracle(den));
    }
}

TEST(U256, DecimalAndHexText) {
    std::mt19937_64 rng(7);
    for (int i = 0; i < 20000; ++i) {
        const U256 a = random_u256(rng);
        const std::string text = macf::dex::to_string(a);
        ASSERT_EQ(text, to_oracle(a).str());
        U256 back;
        ASSERT_TRUE(macf::dex::parse_u256(text, back));
        ASSERT_EQ(back, a);
    }
    U256 v;
    EXPECT_TRUE(macf::dex::parse_u256("0xff", v));
    EXPECT_EQ(v, U256{255});
    EXPECT_TRUE(macf::dex::parse_u256(
        "115792089237316195423570985008687907853269984665640564039457584007913129639935", v));
    EXPECT_EQ(v, U256::max());
    EXPECT_FALSE(macf::dex::parse_u256(
        "115792089237316195423570985008687907853269984665640564039457584007913129639936", v));
    EXPECT_FALSE(macf::dex::parse_u256("", v));
    EXPECT_FALSE(macf::dex::parse_u256("12a", v));
    EXPECT_FALSE(macf::dex::parse_u256("-1", v));
    EXPECT_FALSE(macf::dex::parse_u256("0x", v));
    EXPECT_FALSE(macf::dex::parse_u256("0x1" + std::string(64, '0'), v));  // 2^256
    EXPECT_EQ(macf::dex::to_units(U256{1500000}, 6), "1.5");
    EXPECT_EQ(macf::dex::to_units(U256{1}, 18), "0.000000000000000001");
    EXPECT_EQ(macf::dex::to_units(U256{42}, 0), "42");
}

TEST(U256, DoubleConversions) {
    EXPECT_EQ(macf::dex::to_double(U256{}), 0.0);
    EXPECT_EQ(macf::dex::to_double(U256{1} << 200), std::ldexp(1.0, 200));
    EXPECT_EQ(macf::dex::to_double(U256{(1ULL << 53) + 1}), 9007199254740992.0);  // truncates
    EXPECT_EQ(macf::dex::from_double_floor(1e18), U256{1000000000000000000ULL});
    EXPECT_EQ(macf::dex::from_double_floor(2.9), U256{2});
    EXPECT_EQ(macf::dex::from_double_floor(0.5), U256{});
    EXPECT_EQ(macf::dex::from_double_floor(-3.0), U256{});
    EXPECT_EQ(macf::dex::from_double_floor(std::nan("")), U256{});
    EXPECT_EQ(macf::dex::from_double_floor(1e300), U256::max());
    EXPECT_EQ(macf::dex::from_double_floor(std::ldexp(1.0, 100)), U256{1} << 100);
    std::mt19937_64 rng(3);
    for (int i = 0; i < 10000; ++i) {  // round trip of any 53-bit-mantissa value is exact
        const U256 a = U256{rng() >> 11} << static_cast<unsigned>(rng() % 190);
        ASSERT_EQ(macf::dex::from_double_floor(macf::dex::to_double(a)), a);
    }
}

}  // namespace

#ifdef MACF_U256_DIVIDE64
namespace {

/// A random limb with a random number of significant bits, or one of the patterns that make
/// Knuth's quotient estimate need its corrections (all ones, a single bit, the top bit only).
std::uint64_t random_limb(std::mt19937_64& rng) {
    switch (rng() % 8) {
        case 0:
            return ~std::uint64_t{0};
        case 1:
            return std::uint64_t{1} << (rng() % 64);
        case 2:
            return std::uint64_t{1} << 63;
        case 3:
            return 0;
        default:
            return rng() >> (rng() % 64);
    }
}

}  // namespace

TEST(U256, SixtyFourBitLimbDivisionEqualsThirtyTwoBitDigits) {
    namespace d = macf::dex::detail;
    std::mt19937_64 rng(20261202);
    for (int i = 0; i < 400000; ++i) {
        std::uint64_t u[8] = {};
        std::uint64_t v[4] = {};
        const int m = 1 + static_cast<int>(rng() % 8);
        const int n = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < m; ++k) u[k] = random_limb(rng);
        for (int k = 0; k < n; ++k) v[k] = random_limb(rng);
        if (v[n - 1] == 0) v[n - 1] = 1 + (rng() >> 1);
        if (i % 5 == 0) {  // numerator just below a multiple of the divisor's top
            for (int k = 0; k < n; ++k) u[m - 1 - (k % m)] = v[n - 1 - k];
        }
        const int mu = d::limb_count(u, 8);
        std::uint64_t q64[8] = {};
        std::uint64_t r64[4] = {};
        if (mu == 0) continue;
        d::knuth_divide64(u, mu, v, n, q64, r64);
        std::uint32_t u32[16] = {};
        std::uint32_t v32[8] = {};
        const int m32 = d::to_digits(u, 8, u32);
        const int n32 = d::to_digits(v, 4, v32);
        std::uint32_t q32[16] = {};
        std::uint32_t r32[8] = {};
        d::knuth_divide(u32, m32, v32, n32, q32, r32);
        std::uint64_t q_ref[8] = {};
        std::uint64_t r_ref[4] = {};
        d::from_digits(q32, 8, q_ref);
        d::from_digits(r32, 4, r_ref);
        for (int k = 0; k < mu; ++k) ASSERT_EQ(q64[k], q_ref[k]) << "case " << i << " limb " << k;
        for (int k = mu; k < 8; ++k) ASSERT_EQ(q_ref[k], 0U) << "case " << i;
        for (int k = 0; k < n; ++k) ASSERT_EQ(r64[k], r_ref[k]) << "case " << i << " limb " << k;
    }
}
#endif
