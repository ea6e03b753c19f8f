// SPDX-License-Identifier: Apache-2.0
#pragma once

// Checked uint256 arithmetic as Vyper and Balancer's `Math`/SafeMath use it: any overflow,
// underflow or division by zero reverts. A `CheckedMath` records the first failure instead of
// reverting, so a whole formula is written plainly and its validity tested once at the end.

#include "macf/dex/hd.hpp"
#include "macf/dex/u256.hpp"

namespace macf::dex {

/// Arithmetic whose failures are remembered rather than wrapped.
struct CheckedMath {
    bool failed = false;  ///< set by the first overflow, underflow or division by zero

    /// a + b; fails on overflow.
    MACF_HD constexpr U256 add(const U256& a, const U256& b) noexcept {
        U256 r;
        failed |= add_overflow(a, b, r);
        return r;
    }
    /// a − b; fails when b > a.
    MACF_HD constexpr U256 sub(const U256& a, const U256& b) noexcept {
        U256 r;
        failed |= sub_underflow(a, b, r);
        return r;
    }
    /// a · b; fails on overflow.
    MACF_HD constexpr U256 mul(const U256& a, const U256& b) noexcept {
        U256 r;
        failed |= mul_overflow(a, b, r);
        return r;
    }
    /// ⌊a / b⌋; fails when b = 0.
    MACF_HD constexpr U256 div(const U256& a, const U256& b) noexcept {
        if (b.is_zero()) {
            failed = true;
            return {};
        }
        return a / b;
    }
    /// ⌈a / b⌉ as Balancer's `Math.divUp` writes it (0 for a = 0, else 1 + (a − 1)/b); fails
    /// when b = 0.
    MACF_HD constexpr U256 div_up(const U256& a, const U256& b) noexcept {
        if (b.is_zero()) {
            failed = true;
            return {};
        }
        return a.is_zero() ? U256{} : U256{1} + (a - U256{1}) / b;
    }
    /// `Math.div(a, b, roundUp)`.
    MACF_HD constexpr U256 div(const U256& a, const U256& b, bool round_up) noexcept {
        return round_up ? div_up(a, b) : div(a, b);
    }
};

}  // namespace macf::dex
