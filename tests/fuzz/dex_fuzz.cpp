// SPDX-License-Identifier: Apache-2.0
// libFuzzer target (clang -fsanitize=fuzzer,address,undefined) for macf's exact math:
//  - U256 add/sub/mul/div/mod/shift and FullMath mulDiv against Boost.Multiprecision, the
//    oracle type;
//  - the Uniswap V3 swap loop on arbitrary states and swaps: no undefined behaviour, and every
//    successful swap keeps the contract's guarantees (amounts within the specified amount, the
//    price moved toward and not past the limit, the tick consistent with the price).
// Run by tests/fuzz/run-fuzz.sh (ctest label `fuzz`) for a bounded time.
#include <algorithm>
#include <boost/multiprecision/cpp_int.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "macf/dex/full_math.hpp"
#include "macf/dex/u256_text.hpp"
#include "macf/dex/uniswap_v3.hpp"

namespace {

using boost::multiprecision::cpp_int;
using macf::dex::U256;

/// Reads fixed-size values from the fuzzer's bytes (zeros once exhausted).
struct Reader {
    const std::uint8_t* data;
    std::size_t size;
    std::uint64_t u64() {
        std::uint64_t v = 0;
        const std::size_t n = size < 8 ? size : 8;
        std::memcpy(&v, data, n);
        data += n;
        size -= n;
        return v;
    }
    U256 u256() {
        // A length byte first so small and boundary values are common.
        const unsigned words = static_cast<unsigned>(u64() % 5);
        U256 r;
        for (unsigned i = 0; i < words; ++i) r.w[i] = u64();
        return r;
    }
};

cpp_int big(const U256& v) { return cpp_int{macf::dex::to_string(v)}; }

void check(bool ok) {
    if (!ok) std::abort();
}

const cpp_int kTwo256 = cpp_int{1} << 256;

void fuzz_u256(Reader& r) {
    const U256 a = r.u256();
    const U256 b = r.u256();
    const U256 d = r.u256();
    const cpp_int A = big(a);
    const cpp_int B = big(b);
    const cpp_int D = big(d);
    check(big(a + b) == (A + B) % kTwo256);
    check(big(a - b) == (A - B + kTwo256) % kTwo256);
    check(big(a * b) == (A * B) % kTwo256);
    if (!b.is_zero()) {
        check(big(a / b) == A / B);
        check(big(a % b) == A % B);
    }
    const unsigned s = static_cast<unsigned>(r.u64() % 300);
    check(big(a << s) == (A << s) % kTwo256);
    check(big(a >> s) == (A >> s));
    U256 q;
    const bool ok = macf::dex::mul_div(a, b, d, q);
    const bool fits = !d.is_zero() && (A * B) / D < kTwo256;
    check(ok == fits);
    if (ok) check(big(q) == (A * B) / D);
    U256 up;
    const bool ok_up = macf::dex::mul_div_rounding_up(a, b, d, up);
    if (!d.is_zero()) {
        const cpp_int ceil = (A * B + D - 1) / D;
        check(ok_up == (ceil < kTwo256));  // the contract reverts when ⌈a·b/d⌉ ≥ 2^256
        if (ok_up) check(big(up) == ceil);
    } else {
        check(!ok_up);
    }
}

void fuzz_v3(Reader& r) {
    using macf::dex::Int128;
    const std::int32_t spacings[] = {1, 10, 60, 200};
    macf::dex::V3PoolView pool;
    pool.tick_spacing = spacings[r.u64() % 4];
    pool.fee_pips = static_cast<std::uint32_t>(r.u64() % 1000000);
    // A price anywhere in the valid range, its tick from TickMath as slot0 keeps it.
    U256 price =
        r.u256() % (macf::dex::kMaxSqrtRatio - macf::dex::kMinSqrtRatio) + macf::dex::kMinSqrtRatio;
    pool.sqrt_price_x96 = price;
    check(macf::dex::get_tick_at_sqrt_ratio(price, pool.tick));
    U256 at_tick;
    check(macf::dex::get_sqrt_ratio_at_tick(pool.tick, at_tick));
    check(at_tick <= price);
    // Positions: each adds +L at its lower tick and −L at its upper tick.
    std::vector<macf::dex::V3Tick> ticks;
    U256 liquidity;
    const unsigned positions = static_cast<unsigned>(r.u64() % 6);
    const std::int32_t max_compressed = macf::dex::kMaxTick / pool.tick_spacing;
    for (unsigned p = 0; p < positions; ++p) {
        std::int32_t lo = static_cast<std::int32_t>(
                              r.u64() % (2 * static_cast<std::uint64_t>(max_compressed) + 1)) -
                          max_compressed;
        std::int32_t hi = static_cast<std::int32_t>(
                              r.u64() % (2 * static_cast<std::uint64_t>(max_compressed) + 1)) -
                          max_compressed;
        if (lo == hi) continue;
        if (lo > hi) std::swap(lo, hi);
        const auto l = static_cast<Int128>(r.u64() % (1ULL << 62)) + 1;
        for (const auto& [t, delta] :
             {std::pair{lo * pool.tick_spacing, l}, std::pair{hi * pool.tick_spacing, -l}}) {
            bool merged = false;
            for (auto& existing : ticks) {
                if (existing.tick == t) {
                    existing.liquidity_net += delta;
                    merged = true;
                }
            }
            if (!merged) ticks.push_back({t, delta});
        }
        if (lo * pool.tick_spacing <= pool.tick && pool.tick < hi * pool.tick_spacing) {
            liquidity = liquidity + U256{static_cast<std::uint64_t>(l)};
        }
    }
    std::sort(ticks.begin(), ticks.end(),
              [](const auto& x, const auto& y) { return x.tick < y.tick; });
    pool.liquidity = liquidity;
    pool.ticks = ticks.data();
    pool.tick_count = ticks.size();
    const bool zero_for_one = (r.u64() & 1) != 0;
    const bool exact_input = (r.u64() & 1) != 0;
    const U256 amount = r.u256() >> static_cast<unsigned>(r.u64() % 256);
    const U256 limit =
        (r.u64() & 1) != 0 ? macf::dex::v3_default_price_limit(zero_for_one) : r.u256() >> 96;
    const auto result = macf::dex::v3_swap(pool, zero_for_one, exact_input, amount, limit);
    if (result.status != macf::dex::V3Status::kOk) return;
    if (exact_input)
        check(result.amount_in <= amount);
    else
        check(result.amount_out <= amount);
    if (zero_for_one)
        check(result.sqrt_price_x96 <= price && result.sqrt_price_x96 >= limit);
    else
        check(result.sqrt_price_x96 >= price && result.sqrt_price_x96 <= limit);
    // slot0.tick is TickMath's tick of the price, or one below a crossed tick boundary.
    std::int32_t expected = 0;
    if (macf::dex::get_tick_at_sqrt_ratio(result.sqrt_price_x96, expected)) {
        check(result.tick == expected || result.tick == expected - 1);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    Reader r{data + 1, size - 1};
    if (data[0] & 1)
        fuzz_u256(r);
    else
        fuzz_v3(r);
    return 0;
}
