// SPDX-License-Identifier: Apache-2.0
#pragma once

// Uniswap V3 `FullMath` and `UnsafeMath`: a·b/d with a 512-bit intermediate, floor or ceiling.

#include "macf/dex/hd.hpp"
#include "macf/dex/u256.hpp"

namespace macf::dex {

/// `FullMath.mulDiv`: ⌊a·b / d⌋ computed exactly through a 512-bit product. Returns false
/// (the contract reverts) when d is zero or the quotient does not fit in 256 bits.
MACF_HD constexpr bool mul_div(const U256& a, const U256& b, const U256& d, U256& out) noexcept {
    std::uint64_t product[8] = {};
    mul_full(a, b, product);
    U256 rem;
    return divmod_wide(product, d, out, rem);
}

/// `FullMath.mulDivRoundingUp`: ⌈a·b / d⌉. Returns false when d is zero or the result does not
/// fit in 256 bits (the contract's `require(result < type(uint256).max)` included).
MACF_HD constexpr bool mul_div_rounding_up(const U256& a, const U256& b, const U256& d,
                                           U256& out) noexcept {
    std::uint64_t product[8] = {};
    mul_full(a, b, product);
    U256 rem;
    if (!divmod_wide(product, d, out, rem)) return false;
    if (!rem.is_zero()) {
        if (out == U256::max()) return false;
        out = out + U256{1};
    }
    return true;
}

/// `UnsafeMath.divRoundingUp`: ⌈x / y⌉ for y > 0 (the EVM gives 0 for y = 0; so do we).
MACF_HD constexpr U256 div_rounding_up(const U256& x, const U256& y) noexcept {
    U256 q;
    U256 r;
    divmod(x, y, q, r);
    return r.is_zero() ? q : q + U256{1};
}

}  // namespace macf::dex
