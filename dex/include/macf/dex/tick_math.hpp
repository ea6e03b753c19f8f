// SPDX-License-Identifier: Apache-2.0
#pragma once

// Uniswap V3 `TickMath`: √(1.0001^tick) in Q64.96 and back, bit for bit as the contract.

#include <cstdint>

#include "macf/dex/hd.hpp"
#include "macf/dex/i256.hpp"
#include "macf/dex/u256.hpp"

namespace macf::dex {

/// Lowest tick a V3 pool can reach (log base 1.0001 of 2^−128).
inline constexpr std::int32_t kMinTick = -887272;
/// Highest tick a V3 pool can reach.
inline constexpr std::int32_t kMaxTick = 887272;
/// getSqrtRatioAtTick(kMinTick), Q64.96 (a function: device code cannot read host constants).
MACF_HD constexpr U256 min_sqrt_ratio() noexcept { return U256{4295128739ULL}; }
/// getSqrtRatioAtTick(kMaxTick), Q64.96 = 1461446703485210103287273052203988822378723970342.
MACF_HD constexpr U256 max_sqrt_ratio() noexcept {
    return U256{0x5d951d5263988d26ULL, 0xefd1fc6a50648849ULL, 0xfffd8963ULL, 0};
}
/// min_sqrt_ratio() for host code.
inline constexpr U256 kMinSqrtRatio = min_sqrt_ratio();
/// max_sqrt_ratio() for host code.
inline constexpr U256 kMaxSqrtRatio = max_sqrt_ratio();

namespace detail {

/// A 128-bit constant from its high and low 64-bit halves.
MACF_HD constexpr U256 q128(std::uint64_t hi, std::uint64_t lo) noexcept { return {lo, hi, 0, 0}; }

}  // namespace detail

/// `TickMath.getSqrtRatioAtTick`: √(1.0001^tick)·2^96, rounded up. Returns false (the
/// contract's 'T' revert) when |tick| > kMaxTick.
MACF_HD constexpr bool get_sqrt_ratio_at_tick(std::int32_t tick, U256& sqrt_price_x96) noexcept {
    const std::uint32_t abs_tick =
        tick < 0 ? static_cast<std::uint32_t>(-static_cast<std::int64_t>(tick))
                 : static_cast<std::uint32_t>(tick);
    sqrt_price_x96 = U256{};
    if (abs_tick > static_cast<std::uint32_t>(kMaxTick)) return false;
    constexpr U256 kFactors[19] = {
        detail::q128(0xfff97272373d4132ULL, 0x59a46990580e213aULL),
        detail::q128(0xfff2e50f5f656932ULL, 0xef12357cf3c7fdccULL),
        detail::q128(0xffe5caca7e10e4e6ULL, 0x1c3624eaa0941cd0ULL),
        detail::q128(0xffcb9843d60f6159ULL, 0xc9db58835c926644ULL),
        detail::q128(0xff973b41fa98c081ULL, 0x472e6896dfb254c0ULL),
        detail::q128(0xff2ea16466c96a38ULL, 0x43ec78b326b52861ULL),
        detail::q128(0xfe5dee046a99a2a8ULL, 0x11c461f1969c3053ULL),
        detail::q128(0xfcbe86c7900a88aeULL, 0xdcffc83b479aa3a4ULL),
        detail::q128(0xf987a7253ac41317ULL, 0x6f2b074cf7815e54ULL),
        detail::q128(0xf3392b0822b70005ULL, 0x940c7a398e4b70f3ULL),
        detail::q128(0xe7159475a2c29b74ULL, 0x43b29c7fa6e889d9ULL),
        detail::q128(0xd097f3bdfd2022b8ULL, 0x845ad8f792aa5825ULL),
        detail::q128(0xa9f746462d870fdfULL, 0x8a65dc1f90e061e5ULL),
        detail::q128(0x70d869a156d2a1b8ULL, 0x90bb3df62baf32f7ULL),
        detail::q128(0x31be135f97d08fd9ULL, 0x81231505542fcfa6ULL),
        detail::q128(0x09aa508b5b7a84e1ULL, 0xc677de54f3e99bc9ULL),
        detail::q128(0x005d6af8dedb8119ULL, 0x6699c329225ee604ULL),
        detail::q128(0x00002216e584f5faULL, 0x1ea926041bedfe98ULL),
        detail::q128(0x00000000048a1703ULL, 0x91f7dc42444e8fa2ULL),
    };
    U256 ratio = (abs_tick & 0x1U) != 0 ? detail::q128(0xfffcb933bd6fad37ULL, 0xaa2d162d1a594001ULL)
                                        : U256{0, 0, 1, 0};
    for (unsigned bit = 1; bit < 20; ++bit) {
        if ((abs_tick >> bit) & 1U) ratio = (ratio * kFactors[bit - 1]) >> 128;
    }
    if (tick > 0) ratio = U256::max() / ratio;
    const bool has_remainder = (ratio.w[0] & 0xffffffffULL) != 0;
    sqrt_price_x96 = (ratio >> 32) + U256{has_remainder ? 1U : 0U};
    return true;
}

/// `TickMath.getTickAtSqrtRatio`: the greatest tick whose ratio is ≤ `sqrt_price_x96`.
/// Returns false (the contract's 'R' revert) unless kMinSqrtRatio ≤ price < kMaxSqrtRatio.
MACF_HD constexpr bool get_tick_at_sqrt_ratio(const U256& sqrt_price_x96,
                                              std::int32_t& tick) noexcept {
    tick = 0;
    if (sqrt_price_x96 < min_sqrt_ratio() || !(sqrt_price_x96 < max_sqrt_ratio())) return false;
    const U256 ratio = sqrt_price_x96 << 32;
    const unsigned msb = ratio.bit_width() - 1;
    U256 r = msb >= 128 ? ratio >> (msb - 127) : ratio << (127 - msb);
    I256 log_2 = I256{static_cast<std::int64_t>(msb) - 128};
    log_2 = I256::from_bits(log_2.bits << 64);
    for (unsigned shift = 63; shift >= 50; --shift) {
        r = (r * r) >> 127;
        const unsigned f = static_cast<unsigned>((r >> 128).w[0]);
        log_2 = I256::from_bits(log_2.bits | (U256{f} << shift));
        r = r >> f;
    }
    const I256 log_sqrt10001 = log_2 * I256::from_bits(U256{0xa301d71055774c85ULL, 0x3627ULL, 0,
                                                            0});  // 255738958999603826347141
    const I256 low_offset = I256::from_bits(U256{0x5af012a19d003aaaULL, 0x028f6481ab7f045aULL, 0,
                                                 0});  // 3402992956809132418596140100660247210
    const I256 high_offset = I256::from_bits(U256{0x455e260799a0632fULL, 0xdb2df09e81959a81ULL, 0,
                                                  0});  // 291339464771989622907027621153398088495
    const auto tick_low =
        static_cast<std::int32_t>(low_int64(sar(log_sqrt10001 - low_offset, 128)));
    const auto tick_high =
        static_cast<std::int32_t>(low_int64(sar(log_sqrt10001 + high_offset, 128)));
    if (tick_low == tick_high) {
        tick = tick_low;
        return true;
    }
    U256 at_high;
    get_sqrt_ratio_at_tick(tick_high, at_high);
    tick = at_high <= sqrt_price_x96 ? tick_high : tick_low;
    return true;
}

}  // namespace macf::dex
