// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

#include "macf/dex/u256.hpp"

namespace macf::dex {

/// Parses a non-negative integer written in decimal ("12345") or, with a "0x" prefix, in hex.
/// Returns false (leaving `out` unspecified) on an empty string, a non-digit character, or a
/// value of 2^256 or more. Host only.
[[nodiscard]] inline bool parse_u256(std::string_view text, U256& out) noexcept {
    out = U256{};
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
        if (text.empty() || text.size() > 64) {
            // Leading zeros beyond 64 digits are still fine.
            while (text.size() > 64 && text.front() == '0') text.remove_prefix(1);
            if (text.empty() || text.size() > 64) return false;
        }
        for (const char ch : text) {
            unsigned d = 0;
            if (ch >= '0' && ch <= '9') {
                d = static_cast<unsigned>(ch - '0');
            } else if (ch >= 'a' && ch <= 'f') {
                d = static_cast<unsigned>(ch - 'a' + 10);
            } else if (ch >= 'A' && ch <= 'F') {
                d = static_cast<unsigned>(ch - 'A' + 10);
            } else {
                return false;
            }
            out = (out << 4) | U256{d};
        }
        return true;
    }
    if (text.empty()) return false;
    const U256 ten{10};
    for (const char ch : text) {
        if (ch < '0' || ch > '9') return false;
        U256 scaled;
        if (mul_overflow(out, ten, scaled)) return false;
        if (add_overflow(scaled, U256{static_cast<std::uint64_t>(ch - '0')}, out)) return false;
    }
    return true;
}

/// Decimal text of `v`, no leading zeros ("0" for zero).
inline std::string to_string(const U256& v) {
    if (v.is_zero()) return "0";
    std::string digits;
    U256 rest = v;
    const U256 chunk{10'000'000'000'000'000'000ULL};  // 10^19, the largest power of ten < 2^64
    while (!rest.is_zero()) {
        U256 q;
        U256 r;
        divmod(rest, chunk, q, r);
        std::uint64_t part = r.w[0];
        for (int i = 0; i < 19; ++i) {
            digits.push_back(static_cast<char>('0' + part % 10));
            part /= 10;
            if (q.is_zero() && part == 0) break;
        }
        rest = q;
    }
    return {digits.rbegin(), digits.rend()};
}

/// `v` / 10^decimals written exactly as a decimal fraction with trailing zeros removed
/// ("1.5", "0.000001", "42"); the amount of a token with `decimals` decimals in whole units.
inline std::string to_units(const U256& v, unsigned decimals) {
    std::string s = to_string(v);
    if (decimals == 0) return s;
    if (s.size() <= decimals) s.insert(0, decimals - s.size() + 1, '0');
    std::string whole = s.substr(0, s.size() - decimals);
    std::string frac = s.substr(s.size() - decimals);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    return frac.empty() ? whole : whole + "." + frac;
}

}  // namespace macf::dex
