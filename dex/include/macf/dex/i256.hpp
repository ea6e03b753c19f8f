// SPDX-License-Identifier: Apache-2.0
#pragma once

// Solidity int256 on top of U256: two's complement, wrapping like the EVM opcodes (Solidity
// < 0.8 does not check signed overflow; the libraries ported here rely on their own bounds).

#include <cstdint>

#include "macf/dex/hd.hpp"
#include "macf/dex/u256.hpp"

namespace macf::dex {

/// A signed 256-bit integer in two's complement.
struct I256 {
    U256 bits;  ///< the two's-complement bit pattern

    MACF_HD constexpr I256() noexcept = default;
    /// The value `v` (sign-extended).
    MACF_HD constexpr I256(std::int64_t v) noexcept  // NOLINT implicit, like an integer literal
        : bits{static_cast<std::uint64_t>(v), v < 0 ? ~0ULL : 0ULL, v < 0 ? ~0ULL : 0ULL,
               v < 0 ? ~0ULL : 0ULL} {}
    /// Reinterprets `b` as a two's-complement pattern.
    MACF_HD static constexpr I256 from_bits(const U256& b) noexcept {
        I256 r;
        r.bits = b;
        return r;
    }
    /// True when negative.
    MACF_HD constexpr bool negative() const noexcept { return (bits.w[3] >> 63) != 0; }
};

/// −a (wrapping: −(−2^255) = −2^255, as the EVM computes it).
MACF_HD constexpr I256 operator-(const I256& a) noexcept {
    const U256 inv{~a.bits.w[0], ~a.bits.w[1], ~a.bits.w[2], ~a.bits.w[3]};
    return I256::from_bits(inv + U256{1});
}
/// |a| as an unsigned value (exact, also for −2^255).
MACF_HD constexpr U256 magnitude(const I256& a) noexcept {
    return a.negative() ? (-a).bits : a.bits;
}
/// The signed value of `sign`·`mag` (wrapping).
MACF_HD constexpr I256 with_sign(bool negative, const U256& mag) noexcept {
    const I256 r = I256::from_bits(mag);
    return negative ? -r : r;
}
/// a + b (wrapping, EVM ADD).
MACF_HD constexpr I256 operator+(const I256& a, const I256& b) noexcept {
    return I256::from_bits(a.bits + b.bits);
}
/// a − b (wrapping, EVM SUB).
MACF_HD constexpr I256 operator-(const I256& a, const I256& b) noexcept {
    return I256::from_bits(a.bits - b.bits);
}
/// a · b (wrapping, EVM MUL).
MACF_HD constexpr I256 operator*(const I256& a, const I256& b) noexcept {
    return I256::from_bits(a.bits * b.bits);
}
/// a / b truncated toward zero (EVM SDIV; 0 when b = 0).
MACF_HD constexpr I256 operator/(const I256& a, const I256& b) noexcept {
    const U256 q = magnitude(a) / magnitude(b);
    return with_sign(a.negative() != b.negative(), q);
}
/// a % b with the sign of a (EVM SMOD; 0 when b = 0).
MACF_HD constexpr I256 operator%(const I256& a, const I256& b) noexcept {
    const U256 r = magnitude(a) % magnitude(b);
    return with_sign(a.negative(), r);
}
/// a == b.
MACF_HD constexpr bool operator==(const I256& a, const I256& b) noexcept {
    return a.bits == b.bits;
}
/// a < b (signed).
MACF_HD constexpr bool operator<(const I256& a, const I256& b) noexcept {
    if (a.negative() != b.negative()) return a.negative();
    return a.bits < b.bits;
}
/// a > b (signed).
MACF_HD constexpr bool operator>(const I256& a, const I256& b) noexcept { return b < a; }
/// a ≤ b (signed).
MACF_HD constexpr bool operator<=(const I256& a, const I256& b) noexcept { return !(b < a); }
/// a ≥ b (signed).
MACF_HD constexpr bool operator>=(const I256& a, const I256& b) noexcept { return !(a < b); }
/// Arithmetic shift right (EVM SAR): ⌊a / 2^s⌋.
MACF_HD constexpr I256 sar(const I256& a, unsigned s) noexcept {
    if (!a.negative()) return I256::from_bits(a.bits >> s);
    if (s >= 256) return I256{-1};
    const U256 inv{~a.bits.w[0], ~a.bits.w[1], ~a.bits.w[2], ~a.bits.w[3]};
    const U256 shifted = inv >> s;
    return I256::from_bits(U256{~shifted.w[0], ~shifted.w[1], ~shifted.w[2], ~shifted.w[3]});
}
/// The low 64 bits as a signed value (for results known to fit, such as ticks).
MACF_HD constexpr std::int64_t low_int64(const I256& a) noexcept {
    return static_cast<std::int64_t>(a.bits.w[0]);
}

}  // namespace macf::dex
