// SPDX-License-Identifier: Apache-2.0
#pragma once

// Balancer V2 `FixedPoint` (18-decimal fixed point with explicit rounding directions) and
// `LogExpMath` (x^y through ln and exp with 20- and 36-decimal internals), bit for bit.

#include <cstdint>

#include "macf/dex/checked_math.hpp"
#include "macf/dex/hd.hpp"
#include "macf/dex/i256.hpp"
#include "macf/dex/u256.hpp"

namespace macf::dex {

/// 1.0 in Balancer's 18-decimal fixed point.
inline constexpr U256 kBalancerOne{1000000000000000000ULL};

/// Which `FixedPoint.powUp/powDown` a pool was deployed with: v1 always goes through
/// LogExpMath; v2 (later pools) returns exact results for exponents 1, 2 and 4.
enum class BalancerPowVersion : std::uint8_t { kV1 = 1, kV2 = 2 };

/// FixedPoint with failures recorded (a Balancer revert) rather than thrown.
struct BalancerFixedPoint {
    CheckedMath m;  ///< m.failed is set by the first revert

    /// a·b / 1, rounded down.
    MACF_HD constexpr U256 mul_down(const U256& a, const U256& b) noexcept {
        return m.mul(a, b) / kBalancerOne;
    }
    /// a·b / 1, rounded up.
    MACF_HD constexpr U256 mul_up(const U256& a, const U256& b) noexcept {
        const U256 product = m.mul(a, b);
        return product.is_zero() ? U256{} : (product - U256{1}) / kBalancerOne + U256{1};
    }
    /// a / b in fixed point, rounded down.
    MACF_HD constexpr U256 div_down(const U256& a, const U256& b) noexcept {
        if (b.is_zero()) m.failed = true;
        if (a.is_zero() || b.is_zero()) return {};
        return m.mul(a, kBalancerOne) / b;
    }
    /// a / b in fixed point, rounded up.
    MACF_HD constexpr U256 div_up(const U256& a, const U256& b) noexcept {
        if (b.is_zero()) m.failed = true;
        if (a.is_zero() || b.is_zero()) return {};
        return (m.mul(a, kBalancerOne) - U256{1}) / b + U256{1};
    }
    /// 1 − x, or 0 when x ≥ 1.
    MACF_HD static constexpr U256 complement(const U256& x) noexcept {
        return x < kBalancerOne ? kBalancerOne - x : U256{};
    }

    /// `BasePool._subtractSwapFeeAmount`: amount − amount·fee rounded up (GIVEN_IN).
    MACF_HD constexpr U256 subtract_swap_fee(const U256& amount, const U256& fee) noexcept {
        return m.sub(amount, mul_up(amount, fee));
    }
    /// `BasePool._addSwapFeeAmount`: amount / (1 − fee) rounded up (GIVEN_OUT).
    MACF_HD constexpr U256 add_swap_fee(const U256& amount, const U256& fee) noexcept {
        return div_up(amount, complement(fee));
    }

    /// `LogExpMath.pow(x, y)` for 18-decimal x and y.
    MACF_HD constexpr U256 pow(const U256& x, const U256& y) noexcept;
    /// x^y rounded up: the LogExpMath result plus its documented maximum error.
    MACF_HD constexpr U256 pow_up(const U256& x, const U256& y, BalancerPowVersion v) noexcept {
        if (v == BalancerPowVersion::kV2) {
            if (y == kBalancerOne) return x;
            if (y == U256{2000000000000000000ULL}) return mul_up(x, x);
            if (y == U256{4000000000000000000ULL}) {
                const U256 square = mul_up(x, x);
                return mul_up(square, square);
            }
        }
        const U256 raw = pow(x, y);
        const U256 max_error = m.add(mul_up(raw, kMaxPowRelativeError), U256{1});
        return m.add(raw, max_error);
    }
    /// x^y rounded down.
    MACF_HD constexpr U256 pow_down(const U256& x, const U256& y, BalancerPowVersion v) noexcept {
        if (v == BalancerPowVersion::kV2) {
            if (y == kBalancerOne) return x;
            if (y == U256{2000000000000000000ULL}) return mul_down(x, x);
            if (y == U256{4000000000000000000ULL}) {
                const U256 square = mul_down(x, x);
                return mul_down(square, square);
            }
        }
        const U256 raw = pow(x, y);
        const U256 max_error = m.add(mul_up(raw, kMaxPowRelativeError), U256{1});
        return raw < max_error ? U256{} : raw - max_error;
    }

    /// 10^−14 in fixed point: the relative error LogExpMath.pow guarantees.
    static constexpr U256 kMaxPowRelativeError{10000};
};

namespace detail {

/// Signed decimal constant helpers for LogExpMath (all fit in 192 bits).
MACF_HD constexpr I256 i256_words(std::uint64_t w0, std::uint64_t w1 = 0,
                                  std::uint64_t w2 = 0) noexcept {
    return I256::from_bits(U256{w0, w1, w2, 0});
}

struct LogExpConstants {
    I256 one_18 = I256{1000000000000000000LL};
    I256 one_20 = i256_words(0x6bc75e2d63100000ULL, 0x5ULL);               // 1e20
    I256 one_36 = i256_words(0xb34b9f1000000000ULL, 0xc097ce7bc90715ULL);  // 1e36
    I256 x[12] = {
        i256_words(0xf05b59d3b2000000ULL, 0x6ULL),   // 128e18
        i256_words(0x782dace9d9000000ULL, 0x3ULL),   // 64e18
        i256_words(0x78ebc5ac62000000ULL, 0xadULL),  // 3200e18
        i256_words(0xbc75e2d631000000ULL, 0x56ULL),  // 1600e18
        i256_words(0x5e3af16b18800000ULL, 0x2bULL),  // 800e18
        i256_words(0xaf1d78b58c400000ULL, 0x15ULL),  // 400e18
        i256_words(0xd78ebc5ac6200000ULL, 0xaULL),   // 200e18
        i256_words(0x6bc75e2d63100000ULL, 0x5ULL),   // 100e18
        i256_words(0xb5e3af16b1880000ULL, 0x2ULL),   // 50e18
        i256_words(0x5af1d78b58c40000ULL, 0x1ULL),   // 25e18
        i256_words(0xad78ebc5ac620000ULL),           // 12.5e18
        i256_words(0x56bc75e2d6310000ULL),           // 6.25e18
    };
    I256 a[12] = {
        i256_words(0x262827000000000ULL, 0xf53a27172fa9ec63ULL, 0x195e54c5dd42177ULL),  // e^128
        i256_words(0xf597cd205cef7380ULL, 0x1425982cULL),                               // e^64
        i256_words(0xf805980ff0084000ULL, 0x1855144814a7fULL),                          // e^32
        i256_words(0xa80a22c61ab5a700ULL, 0x2df0ab5ULL),                                // e^16
        i256_words(0xce3da636ea5cf850ULL, 0x3f1fULL),                                   // e^8
        i256_words(0xfa27722cc06cc5e2ULL, 0x127ULL),                                    // e^4
        i256_words(0xe60114edb805d03ULL, 0x28ULL),                                      // e^2
        i256_words(0xbc5fb41746121110ULL, 0xeULL),                                      // e^1
        i256_words(0xf00f760a4b2db55dULL, 0x8ULL),                                      // e^0.5
        i256_words(0xf5f1775788937937ULL, 0x6ULL),                                      // e^0.25
        i256_words(0x248f33704b286603ULL, 0x6ULL),                                      // e^0.125
        i256_words(0xc548670b9510e7acULL, 0x5ULL),                                      // e^0.0625
    };
};

MACF_HD constexpr I256 ln_36(I256 x) noexcept {
    const LogExpConstants k;
    x = x * k.one_18;
    const I256 z = ((x - k.one_36) * k.one_36) / (x + k.one_36);
    const I256 z_squared = (z * z) / k.one_36;
    I256 num = z;
    I256 sum = num;
    for (std::int64_t d = 3; d <= 15; d += 2) {
        num = (num * z_squared) / k.one_36;
        sum = sum + num / I256{d};
    }
    return sum * I256{2};
}

MACF_HD constexpr I256 ln(I256 a) noexcept {
    const LogExpConstants k;
    if (a < k.one_18) return -ln((k.one_18 * k.one_18) / a);
    I256 sum{0};
    if (a >= k.a[0] * k.one_18) {
        a = a / k.a[0];
        sum = sum + k.x[0];
    }
    if (a >= k.a[1] * k.one_18) {
        a = a / k.a[1];
        sum = sum + k.x[1];
    }
    sum = sum * I256{100};
    a = a * I256{100};
    for (int n = 2; n < 12; ++n) {
        if (a >= k.a[n]) {
            a = (a * k.one_20) / k.a[n];
            sum = sum + k.x[n];
        }
    }
    const I256 z = ((a - k.one_20) * k.one_20) / (a + k.one_20);
    const I256 z_squared = (z * z) / k.one_20;
    I256 num = z;
    I256 series = num;
    for (std::int64_t d = 3; d <= 11; d += 2) {
        num = (num * z_squared) / k.one_20;
        series = series + num / I256{d};
    }
    series = series * I256{2};
    return (sum + series) / I256{100};
}

MACF_HD constexpr I256 exp(I256 x) noexcept {
    const LogExpConstants k;
    if (x < I256{0}) return (k.one_18 * k.one_18) / exp(-x);
    I256 first{1};
    if (x >= k.x[0]) {
        x = x - k.x[0];
        first = k.a[0];
    } else if (x >= k.x[1]) {
        x = x - k.x[1];
        first = k.a[1];
    }
    x = x * I256{100};
    I256 product = k.one_20;
    for (int n = 2; n < 10; ++n) {
        if (x >= k.x[n]) {
            x = x - k.x[n];
            product = (product * k.a[n]) / k.one_20;
        }
    }
    I256 series = k.one_20;
    I256 term = x;
    series = series + term;
    for (std::int64_t d = 2; d <= 12; ++d) {
        term = ((term * x) / k.one_20) / I256{d};
        series = series + term;
    }
    return (((product * series) / k.one_20) * first) / I256{100};
}

}  // namespace detail

MACF_HD constexpr U256 BalancerFixedPoint::pow(const U256& x, const U256& y) noexcept {
    const detail::LogExpConstants k;
    if (y.is_zero()) return kBalancerOne;
    if (x.is_zero()) return {};
    // x < 2^255 and y < 2^254 / 1e20 (MILD_EXPONENT_BOUND), as the library requires.
    const U256 mild_bound = (U256{1} << 254) / k.one_20.bits;
    if ((x >> 255) != U256{} || !(y < mild_bound)) {
        m.failed = true;
        return {};
    }
    const I256 xi = I256::from_bits(x);
    const I256 yi = I256::from_bits(y);
    I256 logx_times_y;
    const I256 ln36_low = k.one_18 - I256{100000000000000000LL};
    const I256 ln36_high = k.one_18 + I256{100000000000000000LL};
    if (ln36_low < xi && xi < ln36_high) {
        const I256 ln_36_x = detail::ln_36(xi);
        logx_times_y = (ln_36_x / k.one_18) * yi + ((ln_36_x % k.one_18) * yi) / k.one_18;
    } else {
        logx_times_y = detail::ln(xi) * yi;
    }
    logx_times_y = logx_times_y / k.one_18;
    const I256 min_exp = I256{-41} * k.one_18;
    const I256 max_exp = I256{130} * k.one_18;
    if (logx_times_y < min_exp || logx_times_y > max_exp) {
        m.failed = true;
        return {};
    }
    return detail::exp(logx_times_y).bits;
}

}  // namespace macf::dex
