// SPDX-License-Identifier: Apache-2.0
// The proven search for cycles of Uniswap V2 hops. docs/sizing.md states the argument; in
// short, with y_j the output of hop j (y_0 the input):
//  - p(v), the best gross profit among inputs whose hop-j output is v, is exact: the least
//    input reaching v (each hop's exact inverse, from hop j back) against the floored output of
//    the hops after j. The optimum over inputs is the optimum of p over v.
//  - Φ(v), the same with real (unfloored) hops, is concave in v and p(v) ≤ Φ(v) ≤ Φ⁺(v), an
//    integer bound (ceilings forward, floors back).
//  - With b the best v found: for a < b, Φ⁺(a) ≤ p(b) ≤ Φ(b) puts every v ≤ a at or below
//    Φ(a) ≤ p(b) (concavity); the same on the right. What is left is a window, enumerated or,
//    when too wide, bounded by concavity through the probes.
#include <algorithm>
#include <cmath>
#include <vector>

#include "macf/dex/full_math.hpp"
#include "sizing.hpp"

namespace macf::host::detail {
namespace {

/// "No value": below every biased profit (an unreachable output, or a reverting trade).
const U256 kMinusInfinity{};

/// ⌊y·m·R_out / (R_in·d + y·m)⌋ or, with `up`, the ceiling: the real hop rounded either way.
bool hop_forward(const V2Hop& h, const U256& y, bool up, U256& out) {
    out = U256{};
    if (y.is_zero()) return true;
    U256 ym;
    U256 den;
    if (dex::mul_overflow(y, U256{h.fee.multiplier}, ym) ||
        dex::mul_overflow(h.reserve_in, U256{h.fee.denominator}, den) ||
        dex::add_overflow(den, ym, den)) {
        return false;
    }
    return up ? dex::mul_div_rounding_up(ym, h.reserve_out, den, out)
              : dex::mul_div(ym, h.reserve_out, den, out);
}

/// ⌊z·R_in·d / ((R_out − z)·m)⌋: the real inverse rounded down; false when z ≥ R_out.
bool hop_inverse_floor(const V2Hop& h, const U256& z, U256& in) {
    in = U256{};
    if (z.is_zero()) return true;
    if (z >= h.reserve_out) return false;
    U256 scaled;
    U256 den;
    if (dex::mul_overflow(z, U256{h.fee.denominator}, scaled) ||
        dex::mul_overflow(h.reserve_out - z, U256{h.fee.multiplier}, den)) {
        return false;
    }
    return dex::mul_div(scaled, h.reserve_in, den, in);
}

/// A V2 cycle split after hop j: p(v) and Φ⁺(v) for hop-j outputs v.
class V2Split {
  public:
    V2Split(std::span<const BoundHop> hops, unsigned split, std::uint32_t bps,
            CycleEvaluator& evaluator)
        : split_(split), bps_(bps), evaluator_(evaluator) {
        for (const auto& h : hops) hops_.push_back(std::get<V2Hop>(h.math));
    }

    /// p(v), biased; kMinusInfinity when no input reaches v or the trade reverts. `input`
    /// receives the least input reaching v.
    U256 attained(const U256& v, U256* input = nullptr) {
        evaluator_.count(1);
        if (v.is_zero()) {
            if (input) *input = U256{};
            return kProfitBias;  // no trade
        }
        U256 back = v;
        for (unsigned k = split_; k > 0; --k) {
            U256 in;
            if (dex::v2_min_amount_in(back, hops_[k - 1].reserve_in, hops_[k - 1].reserve_out,
                                      hops_[k - 1].fee, in) != dex::V2Status::kOk) {
                return kMinusInfinity;
            }
            back = in;
        }
        U256 forward = v;
        for (std::size_t k = split_; k < hops_.size(); ++k) {
            U256 out;
            if (dex::v2_get_amount_out(forward, hops_[k].reserve_in, hops_[k].reserve_out,
                                       hops_[k].fee, out) != dex::V2Status::kOk ||
                out.is_zero()) {
                return kMinusInfinity;  // the pair reverts
            }
            forward = out;
        }
        if (input) *input = back;
        return kProfitBias + forward - back - evaluator_.flash_fee(back);
    }

    /// Φ⁺(v) ≥ Φ(v), biased; kMinusInfinity when v is out of reach even for real inputs.
    U256 upper(const U256& v) {
        evaluator_.count(1);
        U256 back = v;
        for (unsigned k = split_; k > 0; --k) {
            U256 in;
            if (!hop_inverse_floor(hops_[k - 1], back, in)) return kMinusInfinity;
            back = in;
        }
        U256 forward = v;
        for (std::size_t k = split_; k < hops_.size(); ++k) {
            U256 out;
            if (!hop_forward(hops_[k], forward, true, out)) return U256::max();  // no bound
            forward = out;
        }
        U256 fee_down;
        dex::mul_div(back, U256{bps_}, U256{10000}, fee_down);
        return kProfitBias + forward - back - fee_down;
    }

  private:
    std::vector<V2Hop> hops_;
    unsigned split_;
    std::uint32_t bps_;
    CycleEvaluator& evaluator_;
};

/// The smooth chain in doubles at the seed: which split leaves the fewest output values in the
/// window, and the window's estimated half-width there (in hop-j output units).
struct SplitChoice {
    unsigned split = 0;
    double half_width = 1.0;
};

SplitChoice choose_split(const std::vector<V2Hop>& hops, double x, double fee_rate) {
    const std::size_t n = hops.size();
    const auto chain_rates = [&hops, n](double input, std::vector<double>& du) {
        du.assign(n + 1, 1.0);
        double y = input;
        for (std::size_t k = 0; k < n; ++k) {
            const double m = hops[k].fee.multiplier;
            const double r_in = dex::to_double(hops[k].reserve_in) * hops[k].fee.denominator;
            const double den = r_in + y * m;
            const double rate = m * r_in * (dex::to_double(hops[k].reserve_out) / den) / den;
            y = y * m * dex::to_double(hops[k].reserve_out) / den;
            du[k + 1] = du[k] * rate;
        }
    };
    std::vector<double> du;
    std::vector<double> du_next;
    const double eps = 1e-6;
    chain_rates(x, du);
    chain_rates(x * (1.0 + eps), du_next);
    const double curvature = std::fabs((du_next[n] - du[n]) / (x * eps));
    SplitChoice best;
    double best_count = INFINITY;
    for (std::size_t j = 0; j <= n; ++j) {
        // The bound's slack: one unit of every other boundary's token, in base-token wei.
        double slack = 2.0;
        for (std::size_t k = 0; k <= n; ++k) {
            if (k != j && du[k] > 0.0) slack += std::max(1.0, du[n] / du[k]);
        }
        const double width_x = std::sqrt(2.0 * (slack + fee_rate * 2.0) / curvature);
        const double count = width_x * du[j];
        if (std::isfinite(count) && count < best_count) {
            best_count = count;
            best.split = static_cast<unsigned>(j);
            best.half_width = std::max(1.0, count);
        }
    }
    if (!std::isfinite(best_count)) best.split = 0;
    return best;
}

/// Edges galloped to within this many enumeration budgets are narrowed by bisection.
constexpr std::uint32_t kNarrowFactor = 64;

/// Values scanned around the best when the bound leaves more than kCentralScanGapWei.
constexpr std::uint32_t kCentralScan = 512;
constexpr std::uint64_t kCentralScanGapWei = 1000;

/// The smooth optimum: the real hops compose to a Möbius map x ↦ a·x / (c·x + e) (each hop
/// is [[m·R_out, 0], [m, d·R_in]]), whose slope a·e / (c·x + e)² meets 1 + fee rate at
/// x* = (√(a·e / (1 + fee rate)) − e) / c. In doubles, normalised after each hop; 0 when the
/// cycle loses at the margin.
double smooth_optimum(const std::vector<V2Hop>& hops, double fee_rate) {
    double a = 1.0;
    double c = 0.0;
    double e = 1.0;
    for (const auto& h : hops) {
        const double m = h.fee.multiplier;
        const double r_out = dex::to_double(h.reserve_out);
        const double r_in = dex::to_double(h.reserve_in) * h.fee.denominator;
        // [[m·R_out, 0], [m, d·R_in]] · [[a, 0], [c, e]]
        const double na = m * r_out * a;
        const double nc = m * a + r_in * c;
        const double ne = r_in * e;
        const double scale = std::max({na, nc, ne});
        if (!(scale > 0.0) || !std::isfinite(scale)) return 0.0;
        a = na / scale;
        c = nc / scale;
        e = ne / scale;
    }
    const double x = (std::sqrt(a * e / (1.0 + fee_rate)) - e) / c;
    return std::isfinite(x) && x > 0.0 ? x : 0.0;
}

/// One probed hop-j output: p(v) and Φ⁺(v).
struct Point {
    U256 v;
    U256 lo;
    U256 hi;
};

/// The proven search over hop-j outputs.
class WindowSearch {
  public:
    WindowSearch(V2Split& split, const U256& start) : split_(split) {
        points_.push_back({U256{}, kProfitBias, kProfitBias});  // Φ(0) = 0: no trade
        best_v_ = U256{};
        best_ = kProfitBias;
        if (!start.is_zero()) probe(start);
    }

    const Point& probe(const U256& v) {
        const U256 lo = split_.attained(v);
        const U256 hi = split_.upper(v);
        if (lo > best_ || (lo == best_ && v < best_v_)) {
            best_ = lo;
            best_v_ = v;
        }
        points_.push_back({v, lo, hi});
        return points_.back();
    }

    /// Finds a < best_v (left) or a > best_v (right) with Φ⁺(a) ≤ best, galloping from
    /// `step`, then narrowing by bisection when the gallop stopped within kNarrowFactor
    /// budgets; false when none is found before the ends (no proof).
    bool exclude(bool right, U256 step, U256& edge) {
        U256 inside = best_v_;  // the last point that could not be excluded
        for (int tries = 0; tries < 256; ++tries) {
            const U256 anchor = best_v_;
            U256 a;
            if (right) {
                a = anchor + step;
            } else {
                a = anchor > step ? anchor - step : U256{};
            }
            const Point p = a.is_zero() ? points_.front() : probe(a);
            if (best_v_ == anchor && p.hi <= best_) {
                edge = a;
                // Narrow only a window that could then be enumerated.
                if (step <= U256{std::uint64_t{kNarrowFactor} * kV2EnumerationBudget}) {
                    narrow_edge(right, inside, edge);
                }
                return true;
            }
            inside = best_v_ == anchor ? a : best_v_;
            if (a.is_zero() || step.bit_width() > 200) return false;
            step = step << 1;
        }
        return false;
    }

    /// Enumerates every v strictly between the edges.
    void enumerate(const U256& left, const U256& right) {
        for (U256 v = left + U256{1}; v < right; v = v + U256{1}) {
            const U256 lo = split_.attained(v);
            if (lo > best_ || (lo == best_ && v < best_v_)) {
                best_ = lo;
                best_v_ = v;
            }
        }
    }

    /// A proven upper bound on Φ over (left, right) from the probes, by concavity (each
    /// stretch between neighbouring probes under the lowest line through one of its ends and a
    /// probe beyond it); false when some stretch has no bound.
    bool bound(const U256& left, const U256& right, U256& ub) {
        std::sort(points_.begin(), points_.end(),
                  [](const Point& a, const Point& b) { return a.v < b.v; });
        points_.erase(std::unique(points_.begin(), points_.end(),
                                  [](const Point& a, const Point& b) { return a.v == b.v; }),
                      points_.end());
        ub = best_;
        const std::size_t m = points_.size();
        for (std::size_t i = 0; i + 1 < m; ++i) {
            if (points_[i + 1].v <= left || points_[i].v >= right) continue;
            if (points_[i + 1].v - points_[i].v <= U256{1}) continue;  // no v in between
            // Any probe beyond an end of the stretch gives a line; the lowest one counts.
            U256 stretch = U256::max();
            for (std::size_t k = 0; k < i; ++k) {
                extend(points_[k], points_[i], points_[i + 1].v, stretch);
            }
            for (std::size_t k = i + 2; k < m; ++k) {
                extend(points_[k], points_[i + 1], points_[i].v, stretch);
            }
            if (stretch == U256::max()) return false;
            ub = std::max(ub, stretch);
        }
        return true;
    }

    [[nodiscard]] const U256& best() const noexcept { return best_; }
    [[nodiscard]] const U256& best_v() const noexcept { return best_v_; }

  private:
    /// Concavity: beyond `near` (away from `far`), Φ stays under the line through far and
    /// near, so on the way to `until` it is at most hi(near) + max(0, slope)·|until − near|.
    static void extend(const Point& far, const Point& near, const U256& until, U256& stretch) {
        if (far.lo == kMinusInfinity || near.hi == U256::max() || near.hi == kMinusInfinity) return;
        const U256 gap = far.v > near.v ? far.v - near.v : near.v - far.v;
        const U256 reach = until > near.v ? until - near.v : near.v - until;
        U256 value = near.hi;
        if (near.hi > far.lo) {
            U256 rise;
            if (!dex::mul_div_rounding_up(near.hi - far.lo, reach, gap, rise)) return;
            value = near.hi + rise;
        }
        stretch = std::min(stretch, value);
    }

    /// Binary search between `inside` (not excluded) and `edge` (excluded) for the innermost
    /// excluded point: fewer values to enumerate.
    void narrow_edge(bool right, U256 inside, U256& edge) {
        while ((right ? edge - inside : inside - edge) > U256{1}) {
            const U256 mid =
                right ? inside + (edge - inside) / U256{2} : edge + (inside - edge) / U256{2};
            const U256 anchor = best_v_;
            const Point p = probe(mid);
            if (best_v_ != anchor) return;  // a better point: keep the proven edge
            if (p.hi <= best_) {
                edge = mid;
            } else {
                inside = mid;
            }
        }
    }

    V2Split& split_;
    std::vector<Point> points_;
    U256 best_;
    U256 best_v_;
};

}  // namespace

SizedInput size_v2_cycle(CycleEvaluator& evaluator, const U256& seed) {
    std::vector<V2Hop> hops;
    for (const auto& h : evaluator.hops()) hops.push_back(std::get<V2Hop>(h.math));
    const double fee_rate = static_cast<double>(evaluator.flash_fee_bps()) / 1e4;
    // The search starts at the smooth optimum (the scorer's seed when that is unusable): the
    // proof does not depend on where it starts, only its cost does.
    const double smooth = smooth_optimum(hops, fee_rate);
    U256 x0 = smooth >= 1.0 && smooth < 1e60 ? dex::from_double_floor(smooth) : seed;
    if (x0.is_zero()) x0 = U256{1};
    const SplitChoice choice = choose_split(hops, dex::to_double(x0), fee_rate);
    V2Split split(evaluator.hops(), choice.split, evaluator.flash_fee_bps(), evaluator);

    // The seed's hop-j output, by the exact forward chain (0 when a hop pays nothing).
    U256 v0 = x0;
    for (unsigned k = 0; k < choice.split; ++k) {
        U256 out;
        if (!hop_forward(hops[k], v0, false, out)) out = U256{};
        v0 = out;
    }
    WindowSearch search(split, v0);
    const U256 step = dex::from_double_floor(std::min(choice.half_width, 1e60));
    SizedInput result;
    U256 left;
    U256 right;
    const U256 first_step = step.is_zero() ? U256{1} : step;
    bool left_ok = false;
    bool right_ok = false;
    // A far seed makes the gallops find better points and the edges loose: start again from
    // the best point until a pass leaves it where it was.
    for (int pass = 0; pass < 6; ++pass) {
        const U256 anchor = search.best_v();
        left_ok = search.exclude(false, first_step, left);
        right_ok = left_ok && search.exclude(true, first_step, right);
        if (search.best_v() == anchor) break;
    }
    if (left_ok && right_ok) {
        if (right - left <= U256{kV2EnumerationBudget}) {
            search.enumerate(left, right);
            result.proven = true;
            result.gap_known = true;
        } else {
            // Probes closing in on the best at 1/8, 1/32, 1/128 and 1/512 of the window: the
            // concave bound between neighbouring probes is within a few units of slack of Φ.
            for (const unsigned shift : {3U, 5U, 7U, 9U}) {
                const U256 reach = ((right - left) >> shift) + U256{1};
                const U256 centre = search.best_v();
                if (centre > left + reach) search.probe(centre - reach);
                if (centre + reach < right) search.probe(centre + reach);
            }
            U256 ub;
            bool bounded = search.bound(left, right, ub);
            if (!bounded || ub - search.best() > U256{kCentralScanGapWei}) {
                // A second coarse token's floors leave a wide gap: scan the values around the
                // best (their floors repeat with a period of a few hundred values).
                const U256 reach{kCentralScan / 2};
                const U256 from = search.best_v() > left + reach ? search.best_v() - reach : left;
                const U256 to =
                    from + U256{kCentralScan} < right ? from + U256{kCentralScan} : right;
                search.enumerate(from, to);
                bounded = search.bound(left, right, ub);
            }
            if (bounded) {
                result.gap_known = true;
                result.gap = ub - search.best();
            }
        }
    }
    U256 input;
    result.profit = split.attained(search.best_v(), &input);
    result.input = input;
    return result;
}

}  // namespace macf::host::detail
