// SPDX-License-Identifier: Apache-2.0
#include <cmath>
#include <numeric>

#include "sizing.hpp"

namespace macf::host::detail {
namespace {

/// An evaluated input: its biased profit and the smooth marginal profit rate there
/// (d(output)/d(input) − 1 − flash fee rate; negative on a revert).
struct Probe {
    U256 x;
    U256 profit;
    double slope = 0.0;
};

class SecantSearch {
  public:
    explicit SecantSearch(CycleEvaluator& evaluator)
        : evaluator_(evaluator),
          target_(1.0 + static_cast<double>(evaluator.flash_fee_bps()) / 1e4) {
        best_.profit = U256{};  // below every biased profit
    }

    Probe probe(const U256& x) {
        double rate = 0.0;
        Probe p{x, evaluator_.profit(x, &rate), 0.0};
        p.slope = rate - target_;
        consider(p.x, p.profit);
        return p;
    }

    void consider(const U256& x, const U256& profit) {
        if (profit > best_.profit || (profit == best_.profit && x < best_.input)) {
            best_.profit = profit;
            best_.input = x;
        }
    }

    /// Doubles away from `start` until the slope changes sign: [lo, hi] with slope(lo) > 0 ≥
    /// slope(hi). False when no sign change is found (the search keeps the best it saw).
    bool bracket(const Probe& start, Probe& lo, Probe& hi) {
        if (start.slope > 0) {
            lo = start;
            for (int k = 0; k < 64 && lo.x.bit_width() < 250; ++k) {
                hi = probe(lo.x << 1);
                if (hi.slope <= 0) return true;
                lo = hi;
            }
            return false;
        }
        hi = start;
        for (int k = 0; k < 64; ++k) {
            const U256 x = hi.x >> 1;
            if (x.is_zero()) return false;  // unprofitable at the margin down to one wei
            lo = probe(x);
            if (lo.slope > 0) return true;
            hi = lo;
        }
        return false;
    }

    /// Illinois regula falsi on the slope within [lo, hi], down to a relative 2^-36 of the
    /// input (the profit is flat far below a wei there) or a slope below 10^-13.
    void refine(Probe lo, Probe hi) {
        double slope_lo = lo.slope;
        double slope_hi = hi.slope;
        int side = 0;
        for (int step = 0; step < 64; ++step) {
            const U256 width = hi.x - lo.x;
            if (width <= (hi.x >> 36) + U256{1}) return;
            double t = slope_lo / (slope_lo - slope_hi);
            if (!(t > 0.0 && t < 1.0)) t = 0.5;
            U256 offset = dex::from_double_floor(dex::to_double(width) * t);
            if (offset.is_zero()) offset = U256{1};
            if (offset >= width) offset = width - U256{1};
            const Probe m = probe(lo.x + offset);
            if (m.slope > 0) {
                lo = m;
                slope_lo = m.slope;
                if (side == 1) slope_hi *= 0.5;
                side = 1;
            } else {
                hi = m;
                slope_hi = m.slope;
                if (side == -1) slope_lo *= 0.5;
                side = -1;
            }
            if (std::fabs(m.slope) < 1e-13) return;
        }
    }

    /// A V3 pool takes its fee as ⌊a·(10^6 − fee)/10^6⌋ of the input a, so a hop fed a coarse
    /// token (few decimals: one unit is worth many base wei) loses up to a unit to that floor;
    /// inputs that are multiples of 10^6/gcd(10^6, fee) lose nothing. The exact profit is a
    /// saw-tooth whose tops sit there: try the multiples around the best input's share.
    void align_v3_fees() {
        const auto hops = evaluator_.hops();
        for (std::size_t k = 1; k < hops.size(); ++k) {
            if (hops[k].math.index() != 1) continue;
            const auto fee = std::get<V3Hop>(hops[k].math).view.fee_pips;
            if (fee == 0) continue;
            const std::uint64_t period = 1000000 / std::gcd<std::uint64_t>(1000000, fee);
            const auto share = evaluator_.input_of_hop(k, best_.input);
            // Only a coarse share matters: one unit of it worth more than ~2^-40 of the input.
            if (!share || share->is_zero() || best_.input / *share < (best_.input >> 40)) {
                continue;
            }
            const U256 below = *share / U256{period} * U256{period};
            for (const U256& a : {below, below + U256{period}}) {
                if (a.is_zero()) continue;
                if (const auto x = evaluator_.min_input_reaching(k, a))
                    consider(*x, evaluator_.profit(*x));
            }
        }
    }

    /// Outputs are floored, so within the step of the best input the least input pays the
    /// least for the same output: take it when it is no worse.
    void settle_on_step() {
        if (best_.input.is_zero()) return;
        const auto out = evaluator_.output(best_.input);
        if (!out) return;
        const auto least = evaluator_.min_input_for(*out);
        if (least && *least < best_.input && !least->is_zero()) {
            consider(*least, evaluator_.profit(*least));
        }
    }

    [[nodiscard]] const SizedInput& best() const noexcept { return best_; }

  private:
    CycleEvaluator& evaluator_;
    double target_;
    SizedInput best_;
};

}  // namespace

SizedInput size_any_cycle(CycleEvaluator& evaluator, const U256& seed) {
    SecantSearch search(evaluator);
    const Probe start = search.probe(seed.is_zero() ? U256{1} : seed);
    Probe lo;
    Probe hi;
    if (search.bracket(start, lo, hi)) search.refine(lo, hi);
    search.align_v3_fees();
    search.settle_on_step();
    return search.best();
}

}  // namespace macf::host::detail
