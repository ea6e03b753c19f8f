// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

#include "macf/dex/hd.hpp"

namespace macf::dex {

/// Unsigned 256-bit integer with Solidity `uint256` semantics: arithmetic wraps modulo 2^256
/// unless a checked variant (`add_overflow`, `sub_underflow`, `mul_overflow`) is used.
/// Four 64-bit words, least significant first. Trivially copyable and usable in CUDA kernels.
struct U256 {
    std::uint64_t w[4];  ///< words, w[0] least significant

    /// Zero.
    MACF_HD constexpr U256() noexcept : w{0, 0, 0, 0} {}
    /// The value `v`.
    MACF_HD constexpr U256(std::uint64_t v) noexcept : w{v, 0, 0, 0} {}  // NOLINT implicit
    /// The value w3·2^192 + w2·2^128 + w1·2^64 + w0.
    MACF_HD constexpr U256(std::uint64_t w0, std::uint64_t w1, std::uint64_t w2,
                           std::uint64_t w3) noexcept
        : w{w0, w1, w2, w3} {}

    /// 2^256 − 1.
    MACF_HD static constexpr U256 max() noexcept { return {~0ULL, ~0ULL, ~0ULL, ~0ULL}; }

    /// True when the value is zero.
    MACF_HD constexpr bool is_zero() const noexcept { return (w[0] | w[1] | w[2] | w[3]) == 0; }

    /// Number of significant bits (0 for zero, 256 for values ≥ 2^255).
    MACF_HD constexpr unsigned bit_width() const noexcept {
        for (int i = 3; i >= 0; --i) {
            if (w[i] != 0) {
                unsigned n = 0;
                std::uint64_t x = w[i];
                while (x != 0) {
                    ++n;
                    x >>= 1;
                }
                return static_cast<unsigned>(i) * 64U + n;
            }
        }
        return 0;
    }

    /// True when the value fits in `bits` bits (bits ≤ 256).
    MACF_HD constexpr bool fits_bits(unsigned bits) const noexcept { return bit_width() <= bits; }
};

/// Equality.
MACF_HD constexpr bool operator==(const U256& a, const U256& b) noexcept {
    return a.w[0] == b.w[0] && a.w[1] == b.w[1] && a.w[2] == b.w[2] && a.w[3] == b.w[3];
}
/// Inequality.
MACF_HD constexpr bool operator!=(const U256& a, const U256& b) noexcept { return !(a == b); }
/// Unsigned less-than.
MACF_HD constexpr bool operator<(const U256& a, const U256& b) noexcept {
    for (int i = 3; i >= 0; --i) {
        if (a.w[i] != b.w[i]) return a.w[i] < b.w[i];
    }
    return false;
}
/// Unsigned greater-than.
MACF_HD constexpr bool operator>(const U256& a, const U256& b) noexcept { return b < a; }
/// Unsigned less-or-equal.
MACF_HD constexpr bool operator<=(const U256& a, const U256& b) noexcept { return !(b < a); }
/// Unsigned greater-or-equal.
MACF_HD constexpr bool operator>=(const U256& a, const U256& b) noexcept { return !(a < b); }

/// a + b mod 2^256 into `out`; returns true when the true sum is ≥ 2^256 (a carry out).
MACF_HD constexpr bool add_overflow(const U256& a, const U256& b, U256& out) noexcept {
    std::uint64_t carry = 0;
    for (int i = 0; i < 4; ++i) {
        const std::uint64_t s = a.w[i] + b.w[i];
        const std::uint64_t c1 = s < a.w[i] ? 1U : 0U;
        const std::uint64_t t = s + carry;
        const std::uint64_t c2 = t < s ? 1U : 0U;
        out.w[i] = t;
        carry = c1 | c2;
    }
    return carry != 0;
}

/// a − b mod 2^256 into `out`; returns true when b > a (a borrow out).
MACF_HD constexpr bool sub_underflow(const U256& a, const U256& b, U256& out) noexcept {
    std::uint64_t borrow = 0;
    for (int i = 0; i < 4; ++i) {
        const std::uint64_t d = a.w[i] - b.w[i];
        const std::uint64_t b1 = a.w[i] < b.w[i] ? 1U : 0U;
        const std::uint64_t t = d - borrow;
        const std::uint64_t b2 = d < borrow ? 1U : 0U;
        out.w[i] = t;
        borrow = b1 | b2;
    }
    return borrow != 0;
}

/// a + b mod 2^256.
MACF_HD constexpr U256 operator+(const U256& a, const U256& b) noexcept {
    U256 r;
    add_overflow(a, b, r);
    return r;
}
/// a − b mod 2^256.
MACF_HD constexpr U256 operator-(const U256& a, const U256& b) noexcept {
    U256 r;
    sub_underflow(a, b, r);
    return r;
}

// Host builds with a 128-bit integer multiply and divide on 64-bit limbs (one instruction per
// limb product, Knuth's algorithm D on limbs); CUDA builds and constant evaluation keep the
// portable 32-bit digit code. Both give the same results (tests/dex/u256_test.cpp).
#if defined(__SIZEOF_INT128__) && !defined(__CUDACC__)
#define MACF_U256_DIVIDE64 1
#endif

namespace detail {

#ifdef MACF_U256_DIVIDE64
__extension__ typedef unsigned __int128 Limb2;  ///< two limbs: products and 128-bit dividends
#endif

/// Full 64×64 → 128-bit product: returns the low word, writes the high word to `hi`.
MACF_HD constexpr std::uint64_t mul_64x64(std::uint64_t a, std::uint64_t b,
                                          std::uint64_t& hi) noexcept {
#ifdef MACF_U256_DIVIDE64
    if (!__builtin_is_constant_evaluated()) {
        const Limb2 p = static_cast<Limb2>(a) * b;
        hi = static_cast<std::uint64_t>(p >> 64);
        return static_cast<std::uint64_t>(p);
    }
#endif
    // Portable schoolbook on 32-bit halves: constexpr and identical on host and device.
    const std::uint64_t a_lo = a & 0xffffffffULL;
    const std::uint64_t a_hi = a >> 32;
    const std::uint64_t b_lo = b & 0xffffffffULL;
    const std::uint64_t b_hi = b >> 32;
    const std::uint64_t p0 = a_lo * b_lo;
    const std::uint64_t p1 = a_lo * b_hi;
    const std::uint64_t p2 = a_hi * b_lo;
    const std::uint64_t p3 = a_hi * b_hi;
    const std::uint64_t mid = (p0 >> 32) + (p1 & 0xffffffffULL) + (p2 & 0xffffffffULL);
    hi = p3 + (p1 >> 32) + (p2 >> 32) + (mid >> 32);
    return (mid << 32) | (p0 & 0xffffffffULL);
}

}  // namespace detail

/// Full 256×256 product into 8 words `out` (least significant first): never overflows.
MACF_HD constexpr void mul_full(const U256& a, const U256& b, std::uint64_t (&out)[8]) noexcept {
    for (int i = 0; i < 8; ++i) out[i] = 0;
    for (int i = 0; i < 4; ++i) {
        std::uint64_t carry = 0;
        for (int j = 0; j < 4; ++j) {
            std::uint64_t hi = 0;
            const std::uint64_t lo = detail::mul_64x64(a.w[i], b.w[j], hi);
            std::uint64_t s = out[i + j] + lo;
            hi += s < lo ? 1U : 0U;
            const std::uint64_t s2 = s + carry;
            hi += s2 < s ? 1U : 0U;
            out[i + j] = s2;
            carry = hi;
        }
        out[i + 4] = carry;
    }
}

/// a · b mod 2^256 into `out`; returns true when the true product is ≥ 2^256.
MACF_HD constexpr bool mul_overflow(const U256& a, const U256& b, U256& out) noexcept {
    std::uint64_t full[8] = {};
    mul_full(a, b, full);
    for (int i = 0; i < 4; ++i) out.w[i] = full[i];
    return (full[4] | full[5] | full[6] | full[7]) != 0;
}

/// a · b mod 2^256.
MACF_HD constexpr U256 operator*(const U256& a, const U256& b) noexcept {
    U256 r;
    mul_overflow(a, b, r);
    return r;
}

/// a << s (zero for s ≥ 256).
MACF_HD constexpr U256 operator<<(const U256& a, unsigned s) noexcept {
    if (s >= 256) return {};
    U256 r;
    const unsigned words = s / 64;
    const unsigned bits = s % 64;
    for (int i = 3; i >= 0; --i) {
        const int src = i - static_cast<int>(words);
        std::uint64_t v = 0;
        if (src >= 0) {
            v = a.w[src] << bits;
            if (bits != 0 && src > 0) v |= a.w[src - 1] >> (64 - bits);
        }
        r.w[i] = v;
    }
    return r;
}

/// a >> s (zero for s ≥ 256).
MACF_HD constexpr U256 operator>>(const U256& a, unsigned s) noexcept {
    if (s >= 256) return {};
    U256 r;
    const unsigned words = s / 64;
    const unsigned bits = s % 64;
    for (int i = 0; i < 4; ++i) {
        const unsigned src = static_cast<unsigned>(i) + words;
        std::uint64_t v = 0;
        if (src < 4) {
            v = a.w[src] >> bits;
            if (bits != 0 && src + 1 < 4) v |= a.w[src + 1] << (64 - bits);
        }
        r.w[i] = v;
    }
    return r;
}

/// Bitwise and.
MACF_HD constexpr U256 operator&(const U256& a, const U256& b) noexcept {
    return {a.w[0] & b.w[0], a.w[1] & b.w[1], a.w[2] & b.w[2], a.w[3] & b.w[3]};
}
/// Bitwise or.
MACF_HD constexpr U256 operator|(const U256& a, const U256& b) noexcept {
    return {a.w[0] | b.w[0], a.w[1] | b.w[1], a.w[2] | b.w[2], a.w[3] | b.w[3]};
}

namespace detail {

/// Knuth's algorithm D on base-2^32 digits (least significant first): divides the `m`-digit
/// `u` by the `n`-digit `v` (n ≥ 1, v[n−1] ≠ 0, m ≤ 16, n ≤ 8), writing m digits of quotient
/// to `q` and n digits of remainder to `r`.
MACF_HD constexpr void knuth_divide(const std::uint32_t* u, int m, const std::uint32_t* v, int n,
                                    std::uint32_t* q, std::uint32_t* r) noexcept {
    for (int i = 0; i < m; ++i) q[i] = 0;
    if (m < n) {
        for (int i = 0; i < n; ++i) r[i] = i < m ? u[i] : 0U;
        return;
    }
    if (n == 1) {  // short division by one digit
        std::uint64_t rem = 0;
        for (int j = m - 1; j >= 0; --j) {
            const std::uint64_t cur = (rem << 32) | u[j];
            q[j] = static_cast<std::uint32_t>(cur / v[0]);
            rem = cur % v[0];
        }
        r[0] = static_cast<std::uint32_t>(rem);
        return;
    }
    // Normalise so the divisor's top digit has its high bit set.
    unsigned s = 0;
    for (std::uint32_t top = v[n - 1]; (top & 0x80000000U) == 0; top <<= 1) ++s;
    const auto high_part = [s](std::uint32_t lower) {
        return s == 0 ? 0U
                      : static_cast<std::uint32_t>(static_cast<std::uint64_t>(lower) >> (32 - s));
    };
    std::uint32_t vn[8] = {};
    std::uint32_t un[17] = {};
    for (int i = n - 1; i > 0; --i) vn[i] = (v[i] << s) | high_part(v[i - 1]);
    vn[0] = v[0] << s;
    un[m] = high_part(u[m - 1]);
    for (int i = m - 1; i > 0; --i) un[i] = (u[i] << s) | high_part(u[i - 1]);
    un[0] = u[0] << s;
    constexpr std::uint64_t kBase = 1ULL << 32;
    for (int j = m - n; j >= 0; --j) {
        const std::uint64_t top = (static_cast<std::uint64_t>(un[j + n]) << 32) | un[j + n - 1];
        std::uint64_t qhat = top / vn[n - 1];
        std::uint64_t rhat = top % vn[n - 1];
        while (qhat >= kBase || qhat * vn[n - 2] > ((rhat << 32) | un[j + n - 2])) {
            --qhat;
            rhat += vn[n - 1];
            if (rhat >= kBase) break;
        }
        // Multiply and subtract qhat · vn from un[j .. j+n].
        std::int64_t borrow = 0;
        std::uint64_t carry = 0;
        for (int i = 0; i < n; ++i) {
            const std::uint64_t p = qhat * vn[i] + carry;
            carry = p >> 32;
            const std::int64_t t = static_cast<std::int64_t>(un[i + j]) - borrow -
                                   static_cast<std::int64_t>(p & 0xffffffffULL);
            un[i + j] = static_cast<std::uint32_t>(t);
            borrow = t < 0 ? 1 : 0;
        }
        const std::int64_t t =
            static_cast<std::int64_t>(un[j + n]) - borrow - static_cast<std::int64_t>(carry);
        un[j + n] = static_cast<std::uint32_t>(t);
        if (t < 0) {  // qhat was one too large: add the divisor back
            --qhat;
            std::uint64_t c = 0;
            for (int i = 0; i < n; ++i) {
                const std::uint64_t sum = static_cast<std::uint64_t>(un[i + j]) + vn[i] + c;
                un[i + j] = static_cast<std::uint32_t>(sum);
                c = sum >> 32;
            }
            un[j + n] = static_cast<std::uint32_t>(static_cast<std::uint64_t>(un[j + n]) + c);
        }
        q[j] = static_cast<std::uint32_t>(qhat);
    }
    for (int i = 0; i < n; ++i) {
        r[i] = (un[i] >> s) | (s == 0 ? 0U
                                      : static_cast<std::uint32_t>(
                                            static_cast<std::uint64_t>(un[i + 1]) << (32 - s)));
    }
}

#ifdef MACF_U256_DIVIDE64

/// (hi·2^64 + lo) / d for hi < d, its remainder in `rem` (x86-64: one divq).
inline std::uint64_t div_128_by_64(std::uint64_t hi, std::uint64_t lo, std::uint64_t d,
                                   std::uint64_t& rem) noexcept {
#if defined(__x86_64__)
    std::uint64_t q;
    asm("divq %[d]" : "=a"(q), "=d"(rem) : "a"(lo), "d"(hi), [d] "r"(d));
    return q;
#else
    const Limb2 n = (static_cast<Limb2>(hi) << 64) | lo;
    rem = static_cast<std::uint64_t>(n % d);
    return static_cast<std::uint64_t>(n / d);
#endif
}

/// Knuth's algorithm D on base-2^64 limbs (least significant first), for host code: divides
/// the `m`-limb `u` by the `n`-limb `v` (n ≥ 1, v[n−1] ≠ 0, m ≤ 8, n ≤ 4), writing m limbs of
/// quotient to `q` and n limbs of remainder to `r`. The same results as knuth_divide, with a
/// quarter of its digit steps.
inline void knuth_divide64(const std::uint64_t* u, int m, const std::uint64_t* v, int n,
                           std::uint64_t* q, std::uint64_t* r) noexcept {
    using U128 = Limb2;
    for (int i = 0; i < m; ++i) q[i] = 0;
    if (m < n) {
        for (int i = 0; i < n; ++i) r[i] = i < m ? u[i] : 0;
        return;
    }
    if (n == 1) {
        std::uint64_t rem = 0;
        for (int j = m - 1; j >= 0; --j) q[j] = div_128_by_64(rem, u[j], v[0], rem);
        r[0] = rem;
        return;
    }
    const int s = __builtin_clzll(v[n - 1]);
    const auto carried = [s](std::uint64_t lower) { return s == 0 ? 0 : lower >> (64 - s); };
    std::uint64_t vn[4] = {};
    std::uint64_t un[9] = {};
    for (int i = n - 1; i > 0; --i) vn[i] = (v[i] << s) | carried(v[i - 1]);
    vn[0] = v[0] << s;
    un[m] = carried(u[m - 1]);
    for (int i = m - 1; i > 0; --i) un[i] = (u[i] << s) | carried(u[i - 1]);
    un[0] = u[0] << s;
    for (int j = m - n; j >= 0; --j) {
        // Estimate the quotient digit from the top two limbs (the remainder's top limb never
        // exceeds the divisor's, so it is at most b − 1 when they are equal).
        std::uint64_t qhat = 0;
        std::uint64_t rhat = 0;
        bool rhat_big = false;  // rhat ≥ 2^64: the refinement test cannot hold
        if (un[j + n] >= vn[n - 1]) {
            qhat = ~std::uint64_t{0};
            const U128 t = static_cast<U128>(un[j + n - 1]) + vn[n - 1];
            rhat = static_cast<std::uint64_t>(t);
            rhat_big = (t >> 64) != 0;
        } else {
            qhat = div_128_by_64(un[j + n], un[j + n - 1], vn[n - 1], rhat);
        }
        while (!rhat_big && static_cast<U128>(qhat) * vn[n - 2] >
                                ((static_cast<U128>(rhat) << 64) | un[j + n - 2])) {
            --qhat;
            const U128 t = static_cast<U128>(rhat) + vn[n - 1];
            rhat = static_cast<std::uint64_t>(t);
            rhat_big = (t >> 64) != 0;
        }
        // Multiply and subtract qhat · vn from un[j .. j+n].
        std::uint64_t borrow = 0;
        std::uint64_t carry = 0;
        for (int i = 0; i < n; ++i) {
            const U128 p = static_cast<U128>(qhat) * vn[i] + carry;
            carry = static_cast<std::uint64_t>(p >> 64);
            const auto low = static_cast<std::uint64_t>(p);
            const std::uint64_t t = un[i + j] - low;
            const std::uint64_t b1 = un[i + j] < low ? 1 : 0;
            un[i + j] = t - borrow;
            borrow = b1 + (t < borrow ? 1 : 0);
        }
        const std::uint64_t t = un[j + n] - carry;
        const bool negative = un[j + n] < carry || t < borrow;
        un[j + n] = t - borrow;
        if (negative) {  // qhat was one too large: add the divisor back
            --qhat;
            std::uint64_t c = 0;
            for (int i = 0; i < n; ++i) {
                const U128 sum = static_cast<U128>(un[i + j]) + vn[i] + c;
                un[i + j] = static_cast<std::uint64_t>(sum);
                c = static_cast<std::uint64_t>(sum >> 64);
            }
            un[j + n] += c;
        }
        q[j] = qhat;
    }
    for (int i = 0; i < n; ++i) r[i] = (un[i] >> s) | (s == 0 ? 0 : un[i + 1] << (64 - s));
}

/// Significant limbs of the `count`-limb `words`.
constexpr int limb_count(const std::uint64_t* words, int count) noexcept {
    while (count > 0 && words[count - 1] == 0) --count;
    return count;
}
#endif

/// Splits `count` 64-bit words into 2·count base-2^32 digits; returns the significant count.
MACF_HD constexpr int to_digits(const std::uint64_t* words, int count,
                                std::uint32_t* digits) noexcept {
    for (int i = 0; i < count; ++i) {
        digits[2 * i] = static_cast<std::uint32_t>(words[i]);
        digits[2 * i + 1] = static_cast<std::uint32_t>(words[i] >> 32);
    }
    int n = 2 * count;
    while (n > 0 && digits[n - 1] == 0) --n;
    return n;
}

/// Joins base-2^32 digits back into `count` 64-bit words.
MACF_HD constexpr void from_digits(const std::uint32_t* digits, int count,
                                   std::uint64_t* words) noexcept {
    for (int i = 0; i < count; ++i) {
        words[i] = static_cast<std::uint64_t>(digits[2 * i]) |
                   (static_cast<std::uint64_t>(digits[2 * i + 1]) << 32);
    }
}

}  // namespace detail

/// Floor division and remainder of `num` by `den` (Knuth's algorithm D on 32-bit digits).
/// Returns false, leaving `quot` and `rem` zero, when `den` is zero (Solidity reverts there;
/// the EVM opcode DIV returns 0, which callers can choose by ignoring the flag).
MACF_HD constexpr bool divmod(const U256& num, const U256& den, U256& quot, U256& rem) noexcept {
    quot = U256{};
    rem = U256{};
    if (den.is_zero()) return false;
    if (num < den) {
        rem = num;
        return true;
    }
    if ((num.w[1] | num.w[2] | num.w[3]) == 0) {  // both fit in 64 bits
        quot = U256{num.w[0] / den.w[0]};
        rem = U256{num.w[0] % den.w[0]};
        return true;
    }
#ifdef MACF_U256_DIVIDE64
    if (!__builtin_is_constant_evaluated()) {
        std::uint64_t q[4] = {};
        std::uint64_t r[4] = {};
        detail::knuth_divide64(num.w, detail::limb_count(num.w, 4), den.w,
                               detail::limb_count(den.w, 4), q, r);
        quot = U256{q[0], q[1], q[2], q[3]};
        rem = U256{r[0], r[1], r[2], r[3]};
        return true;
    }
#endif
    std::uint32_t u[8] = {};
    std::uint32_t v[8] = {};
    const int m = detail::to_digits(num.w, 4, u);
    const int n = detail::to_digits(den.w, 4, v);
    std::uint32_t q[8] = {};
    std::uint32_t r[8] = {};
    detail::knuth_divide(u, m, v, n, q, r);
    detail::from_digits(q, 4, quot.w);
    detail::from_digits(r, 4, rem.w);
    return true;
}

/// Floor division of the 512-bit `num` (8 words, least significant first, as `mul_full`
/// writes it) by `den`: the quotient's low 256 bits in `quot`, the remainder in `rem`.
/// Returns false when `den` is zero or the quotient needs more than 256 bits.
MACF_HD constexpr bool divmod_wide(const std::uint64_t (&num)[8], const U256& den, U256& quot,
                                   U256& rem) noexcept {
    quot = U256{};
    rem = U256{};
    if (den.is_zero()) return false;
#ifdef MACF_U256_DIVIDE64
    if (!__builtin_is_constant_evaluated()) {
        const int m64 = detail::limb_count(num, 8);
        if (m64 == 0) return true;
        std::uint64_t q[8] = {};
        std::uint64_t r[4] = {};
        detail::knuth_divide64(num, m64, den.w, detail::limb_count(den.w, 4), q, r);
        for (int i = 4; i < 8; ++i) {
            if (q[i] != 0) return false;
        }
        quot = U256{q[0], q[1], q[2], q[3]};
        rem = U256{r[0], r[1], r[2], r[3]};
        return true;
    }
#endif
    std::uint32_t u[16] = {};
    std::uint32_t v[8] = {};
    const int m = detail::to_digits(num, 8, u);
    const int n = detail::to_digits(den.w, 4, v);
    if (m == 0) return true;
    std::uint32_t q[16] = {};
    std::uint32_t r[8] = {};
    detail::knuth_divide(u, m, v, n, q, r);
    for (int i = 8; i < 16; ++i) {
        if (q[i] != 0) return false;
    }
    detail::from_digits(q, 4, quot.w);
    detail::from_digits(r, 4, rem.w);
    return true;
}

/// Floor division; zero when `den` is zero (the EVM's DIV convention).
MACF_HD constexpr U256 operator/(const U256& num, const U256& den) noexcept {
    U256 q;
    U256 r;
    divmod(num, den, q, r);
    return q;
}
/// Remainder; zero when `den` is zero (the EVM's MOD convention).
MACF_HD constexpr U256 operator%(const U256& num, const U256& den) noexcept {
    U256 q;
    U256 r;
    divmod(num, den, q, r);
    return r;
}

/// The value as a double, rounded toward zero to 53 significant bits. Deterministic and the
/// same on host and device; scoring uses it to turn reserves (wei) into doubles.
MACF_HD constexpr double to_double(const U256& a) noexcept {
    const unsigned width = a.bit_width();
    if (width <= 53) return static_cast<double>(a.w[0]);
    unsigned shift = width - 53;
    double r = static_cast<double>((a >> shift).w[0]);  // exactly 53 bits: exact conversion
    for (; shift >= 32; shift -= 32) r *= 4294967296.0;
    return r * static_cast<double>(1ULL << shift);
}

/// floor(x) as a U256 for finite x ≥ 0; 0 for NaN or x < 1; 2^256 − 1 when x ≥ 2^256.
MACF_HD constexpr U256 from_double_floor(double x) noexcept {
    if (!(x >= 1.0)) return {};
    if (x >= 1.157920892373162e77) return U256::max();  // ≥ 2^256
    int exp = 0;
    double m = x;
    while (m >= 9007199254740992.0) {  // 2^53
        m *= 0.5;
        ++exp;
    }
    const auto mant = static_cast<std::uint64_t>(m);  // exact: m < 2^53 and x scaled by 2^-exp
    return U256{mant} << static_cast<unsigned>(exp);
}

}  // namespace macf::dex
