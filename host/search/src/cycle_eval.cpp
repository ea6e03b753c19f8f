// SPDX-License-Identifier: Apache-2.0
#include "cycle_eval.hpp"

#include <algorithm>
#include <cmath>

#include "macf/dex/full_math.hpp"
#include "macf/host/model/pool_quote.hpp"

namespace macf::host::detail {
namespace {

/// 2^96 as a double: Q64.96 prices divide by it.
constexpr double kQ96 = 79228162514264337593543950336.0;

BoundHop bind_hop(const Market& market, const Edge& edge, std::uint32_t e,
                  std::span<const PoolState> states) {
    const Pool& pool = market.pools[edge.pool];
    BoundHop hop{e, edge.pool, V2Hop{}, true};
    const unsigned i = edge.slot_in;
    const unsigned j = edge.slot_out;
    switch (pool.kind) {
        case PoolKind::kUniswapV2: {
            const PoolState& s = states[edge.pool];
            hop.valid = s.valid;
            hop.math = V2Hop{i == 0 ? s.x : s.y, i == 0 ? s.y : s.x, dex::v2_fee_from_bps(s.fee)};
            break;
        }
        case PoolKind::kUniswapV3: {
            const auto& s = std::get<UniswapV3State>(pool.state);
            V3Hop h{};
            h.view.sqrt_price_x96 = s.sqrt_price_x96;
            h.view.liquidity = s.liquidity;
            h.view.tick = s.tick;
            h.view.fee_pips = s.fee_ppm;
            h.view.tick_spacing = s.tick_spacing;
            h.view.ticks = s.ticks.data();
            h.view.tick_count = s.ticks.size();
            h.zero_for_one = i == 0;
            hop.math = h;
            break;
        }
        case PoolKind::kCurveStable: {
            hop.math = CurveHop{curve_stable_view(std::get<CurveStableState>(pool.state)), i, j};
            break;
        }
        case PoolKind::kBalancerWeighted: {
            const auto& s = std::get<BalancerWeightedState>(pool.state);
            WeightedHop h{};
            h.view.n = static_cast<unsigned>(s.balances.size());
            for (unsigned k = 0; k < h.view.n; ++k) {
                h.view.balances[k] = s.balances[k];
                h.view.weights[k] = s.weights[k];
                h.view.scaling_factors[k] = s.scaling_factors[k];
            }
            h.view.swap_fee = s.swap_fee;
            h.view.pow_version = s.pow_version;
            h.i = i;
            h.j = j;
            hop.math = h;
            break;
        }
        case PoolKind::kBalancerStable: {
            const auto& s = std::get<BalancerStableState>(pool.state);
            StableHop h{};
            h.view.n = static_cast<unsigned>(s.balances.size());
            for (unsigned k = 0; k < h.view.n; ++k) {
                h.view.balances[k] = s.balances[k];
                h.view.scaling_factors[k] = s.scaling_factors[k];
            }
            h.view.amp = s.amp;
            h.view.swap_fee = s.swap_fee;
            h.view.math = s.math;
            h.i = i;
            h.j = j;
            hop.math = h;
            break;
        }
        case PoolKind::kCurveMeta: {
            const auto view = curve_meta_view(std::get<CurveMetaState>(pool.state));
            hop.valid = view.has_value();
            hop.math = CurveMetaHop{view.value_or(dex::CurveMetaView{}), i, j};
            break;
        }
    }
    return hop;
}

std::optional<U256> v2_out(const V2Hop& h, const U256& amount, double* rate) {
    U256 out;
    if (dex::v2_get_amount_out(amount, h.reserve_in, h.reserve_out, h.fee, out) !=
            dex::V2Status::kOk ||
        out.is_zero()) {
        return std::nullopt;
    }
    if (rate) {
        // d/dy of y·m·R_out / (R_in·d + y·m) = m·d·R_in·R_out / (R_in·d + y·m)².
        const double m = h.fee.multiplier;
        const double d = h.fee.denominator;
        const double r_in = dex::to_double(h.reserve_in) * d;
        const double den = r_in + dex::to_double(amount) * m;
        *rate = m * r_in * (dex::to_double(h.reserve_out) / den) / den;
    }
    return out;
}

std::optional<U256> v3_out(const V3Hop& h, const U256& amount, double* rate) {
    const auto r = dex::v3_swap(h.view, h.zero_for_one, true, amount,
                                dex::v3_default_price_limit(h.zero_for_one), true);
    if (r.status != dex::V3Status::kOk || r.amount_out.is_zero() || r.amount_in != amount) {
        return std::nullopt;
    }
    if (rate) {
        // In range, d(out)/d(in) is the price the swap ends at, less the fee.
        const double sqrt_p = dex::to_double(r.sqrt_price_x96) / kQ96;
        const double price = sqrt_p * sqrt_p;  // token1 per token0
        const double keep = 1.0 - static_cast<double>(h.view.fee_pips) / 1e6;
        *rate = keep * (h.zero_for_one ? price : 1.0 / price);
    }
    return r.amount_out;
}

std::optional<U256> weighted_out(const WeightedHop& h, const U256& amount, double* rate) {
    U256 out;
    if (dex::balancer_weighted_out_given_in(h.view, h.i, h.j, amount, out) !=
            dex::BalancerStatus::kOk ||
        out.is_zero()) {
        return std::nullopt;
    }
    if (rate) {
        // out = B_o·(1 − (B_i / (B_i + y'))^(w_i/w_o)) on upscaled balances, y' the net input.
        const double sf_in = dex::to_double(h.view.scaling_factors[h.i]) / 1e18;
        const double sf_out = dex::to_double(h.view.scaling_factors[h.j]) / 1e18;
        const double keep = 1.0 - dex::to_double(h.view.swap_fee) / 1e18;
        const double b_in = dex::to_double(h.view.balances[h.i]) * sf_in;
        const double b_out = dex::to_double(h.view.balances[h.j]) * sf_out;
        const double ratio =
            dex::to_double(h.view.weights[h.i]) / dex::to_double(h.view.weights[h.j]);
        const double after = b_in + dex::to_double(amount) * keep * sf_in;
        *rate = sf_in / sf_out * keep * ratio * b_out / after * std::pow(b_in / after, ratio);
    }
    return out;
}

/// d(x_j)/d(x_i) along a StableSwap invariant (Curve's and Balancer's form, with
/// α = A·n as their code writes it): α·Σx + D = α·D + D^(n+1)/(n^n·Πx), so the rate is
/// (α + D_P/x_i) / (α + D_P/x_j) with D_P = D^(n+1)/(n^n·Πx). Balances in the pool's common
/// 18-decimal unit; D by Newton's iteration in doubles.
double stable_rate(const double* x, unsigned n, unsigned i, unsigned j, double alpha) {
    double sum = 0.0;
    for (unsigned k = 0; k < n; ++k) {
        if (!(x[k] > 0.0)) return 0.0;
        sum += x[k];
    }
    double d = sum;
    double d_p = d;
    for (int step = 0; step < 64; ++step) {
        d_p = d;
        for (unsigned k = 0; k < n; ++k) d_p = d_p * d / (x[k] * n);
        const double next = (alpha * sum + d_p * n) * d / ((alpha - 1.0) * d + (n + 1.0) * d_p);
        const bool done = std::fabs(next - d) <= d * 1e-15;
        d = next;
        if (done) break;
    }
    d_p = d;
    for (unsigned k = 0; k < n; ++k) d_p = d_p * d / (x[k] * n);
    return (alpha + d_p / x[i]) / (alpha + d_p / x[j]);
}

std::optional<U256> curve_out(const CurveHop& h, const U256& amount, double* rate) {
    U256 out;
    if (dex::curve_swap_out(h.view, h.i, h.j, amount, false, out) != dex::CurveStatus::kOk ||
        out.is_zero()) {
        return std::nullopt;
    }
    if (rate) {
        // exchange takes the fee from the output: the rate at the balances after the swap.
        const double keep = 1.0 - dex::to_double(h.view.fee) / 1e10;
        double x[dex::kCurveMaxCoins] = {};
        for (unsigned k = 0; k < h.view.n; ++k) {
            x[k] = dex::to_double(h.view.balances[k]) * dex::to_double(h.view.rates[k]) / 1e18;
        }
        const double rate_in = dex::to_double(h.view.rates[h.i]);
        const double rate_out = dex::to_double(h.view.rates[h.j]);
        x[h.i] += dex::to_double(amount) * rate_in / 1e18;
        x[h.j] -= dex::to_double(out) * rate_out / 1e18 / keep;
        const double alpha = dex::to_double(h.view.amp) * h.view.n / h.view.a_precision;
        *rate = keep * stable_rate(x, h.view.n, h.i, h.j, alpha) * rate_in / rate_out;
    }
    return out;
}

std::optional<U256> balancer_stable_out(const StableHop& h, const U256& amount, double* rate) {
    U256 out;
    if (dex::balancer_stable_out_given_in(h.view, h.i, h.j, amount, out) !=
            dex::BalancerStatus::kOk ||
        out.is_zero()) {
        return std::nullopt;
    }
    if (rate) {
        // The fee comes off the input: the rate at the balances after the net input.
        const double keep = 1.0 - dex::to_double(h.view.swap_fee) / 1e18;
        double x[dex::kBalancerMaxTokens] = {};
        for (unsigned k = 0; k < h.view.n; ++k) {
            x[k] = dex::to_double(h.view.balances[k]) * dex::to_double(h.view.scaling_factors[k]) /
                   1e18;
        }
        const double sf_in = dex::to_double(h.view.scaling_factors[h.i]);
        const double sf_out = dex::to_double(h.view.scaling_factors[h.j]);
        x[h.i] += dex::to_double(amount) * keep * sf_in / 1e18;
        x[h.j] -= dex::to_double(out) * sf_out / 1e18;
        const double alpha = dex::to_double(h.view.amp) * h.view.n / 1000.0;
        *rate = keep * stable_rate(x, h.view.n, h.i, h.j, alpha) * sf_in / sf_out;
    }
    return out;
}

std::optional<U256> curve_meta_out(const CurveMetaHop& h, const U256& amount, double* rate) {
    U256 out;
    if (curve_meta_swap(h.view, h.in, h.out, amount, CurveRounding::kExchange, out) !=
            dex::CurveStatus::kOk ||
        out.is_zero()) {
        return std::nullopt;
    }
    if (rate) {
        // The underlying path runs through the base pool's deposit or withdrawal: no closed
        // form here, so the slope of the exact quote over a step of 2^-12 of the amount, or
        // more where that would move the output by fewer than 2^20 wei (a 6-decimal coin out:
        // the floors would swamp the slope).
        U256 by_output;
        if (!dex::mul_div(amount, U256{1} << 20, out, by_output)) by_output = amount;
        const U256 step = std::max(amount >> 12, std::min(by_output, amount)) + U256{1};
        U256 further;
        const bool ok = curve_meta_swap(h.view, h.in, h.out, amount + step,
                                        CurveRounding::kExchange, further) == dex::CurveStatus::kOk;
        *rate = ok && further > out ? dex::to_double(further - out) / dex::to_double(step) : 0.0;
    }
    return out;
}

/// Steps `guess` (an exact-output quote) up until `forward` pays `amount_out`: an exact-output
/// quote rounds in the pool's favour, so it is at most a few wei off the least input.
template <class Forward>
std::optional<U256> settle_min_input(U256 guess, const U256& amount_out, Forward forward) {
    for (int tries = 0; tries < 4; ++tries) {
        const auto out = forward(guess);
        if (out && *out >= amount_out) {
            // Walk down while one wei less still pays it (rounding up can overshoot by one).
            for (int down = 0; down < 2 && guess > U256{1}; ++down) {
                const auto less = forward(guess - U256{1});
                if (!less || *less < amount_out) break;
                guess = guess - U256{1};
            }
            return guess;
        }
        guess = guess + U256{1} + (guess >> 40);
    }
    return std::nullopt;
}

/// The least input `forward` (non-decreasing) turns into at least `amount_out`, by bisection
/// between ends grown from `guess` (the reverse swap of `amount_out`, a few fees off):
/// about log2(guess/64) evaluations. nullopt when no input up to ~2^10 guesses pays.
template <class Forward>
std::optional<U256> least_input_by_bisection(const U256& amount_out, const U256& guess,
                                             Forward forward) {
    const auto pays = [&](const U256& x) {
        const auto out = forward(x);
        return out && *out >= amount_out;
    };
    U256 hi = guess + (guess >> 7) + U256{1};
    for (int grow = 0; !pays(hi); ++grow) {
        if (grow == 10 || !hi.fits_bits(250)) return std::nullopt;
        hi = hi + hi;
    }
    U256 lo = guess - (guess >> 7);  // not paying, or the bisection starts at zero
    if (lo >= hi || pays(lo)) lo = U256{};
    while (hi - lo > U256{1}) {
        const U256 mid = lo + ((hi - lo) >> 1);
        (pays(mid) ? hi : lo) = mid;
    }
    return hi;
}

}  // namespace

std::optional<U256> run_bound_hop(const BoundHop& hop, const U256& amount, double* rate) {
    if (!hop.valid) return std::nullopt;
    switch (hop.math.index()) {
        case 0:
            return v2_out(std::get<V2Hop>(hop.math), amount, rate);
        case 1:
            return v3_out(std::get<V3Hop>(hop.math), amount, rate);
        case 2:
            return curve_out(std::get<CurveHop>(hop.math), amount, rate);
        case 3:
            return weighted_out(std::get<WeightedHop>(hop.math), amount, rate);
        case 4:
            return balancer_stable_out(std::get<StableHop>(hop.math), amount, rate);
        default:
            return curve_meta_out(std::get<CurveMetaHop>(hop.math), amount, rate);
    }
}

std::optional<U256> min_input_of_hop(const BoundHop& hop, const U256& amount_out) {
    if (!hop.valid) return std::nullopt;
    const auto forward = [&hop](const U256& x) { return run_bound_hop(hop, x, nullptr); };
    U256 guess;
    switch (hop.math.index()) {
        case 0: {
            const auto& h = std::get<V2Hop>(hop.math);
            if (dex::v2_min_amount_in(amount_out, h.reserve_in, h.reserve_out, h.fee, guess) !=
                dex::V2Status::kOk) {
                return std::nullopt;
            }
            return guess;
        }
        case 1: {
            const auto& h = std::get<V3Hop>(hop.math);
            const auto r = dex::v3_swap(h.view, h.zero_for_one, false, amount_out,
                                        dex::v3_default_price_limit(h.zero_for_one), true);
            if (r.status != dex::V3Status::kOk || r.amount_out != amount_out) return std::nullopt;
            guess = r.amount_in;
            break;
        }
        case 3: {
            const auto& h = std::get<WeightedHop>(hop.math);
            if (dex::balancer_weighted_in_given_out(h.view, h.i, h.j, amount_out, guess) !=
                dex::BalancerStatus::kOk) {
                return std::nullopt;
            }
            break;
        }
        case 4: {
            const auto& h = std::get<StableHop>(hop.math);
            if (dex::balancer_stable_in_given_out(h.view, h.i, h.j, amount_out, guess) !=
                dex::BalancerStatus::kOk) {
                return std::nullopt;
            }
            break;
        }
        case 5: {
            // A metapool has no exact-output swap; its forward quote is monotone and rare
            // enough on a path to afford a bisection (~60 quotes) for the least input.
            const auto& h = std::get<CurveMetaHop>(hop.math);
            U256 reverse;
            if (curve_meta_swap(h.view, h.out, h.in, amount_out, CurveRounding::kExchange,
                                reverse) != dex::CurveStatus::kOk) {
                return std::nullopt;
            }
            return least_input_by_bisection(amount_out, reverse, forward);
        }
        default:
            return std::nullopt;  // Curve plain pools: no exact-output swap
    }
    return settle_min_input(guess, amount_out, forward);
}

CycleEvaluator::CycleEvaluator(const Market& market, const TokenGraph& graph,
                               std::span<const PoolState> states,
                               std::span<const std::uint32_t> edges, std::uint32_t flash_fee_bps)
    : graph_(graph), flash_fee_bps_(flash_fee_bps) {
    hops_.reserve(edges.size());
    for (const auto e : edges) {
        hops_.push_back(bind_hop(market, graph.edges()[e], e, states));
        v2_only_ = v2_only_ && hops_.back().math.index() == 0;
    }
}

std::optional<U256> CycleEvaluator::output(const U256& input, double* rate) {
    ++evaluations_;
    U256 amount = input;
    double total_rate = 1.0;
    for (const auto& hop : hops_) {
        double hop_rate = 0.0;
        const auto out = run_bound_hop(hop, amount, rate ? &hop_rate : nullptr);
        if (!out) return std::nullopt;
        total_rate *= hop_rate;
        amount = *out;
    }
    if (rate) *rate = total_rate;
    return amount;
}

U256 CycleEvaluator::flash_fee(const U256& input) const {
    if (flash_fee_bps_ == 0) return {};
    U256 fee;
    if (!dex::mul_div_rounding_up(input, U256{flash_fee_bps_}, U256{10000}, fee))
        return U256::max();
    return fee;
}

U256 CycleEvaluator::profit(const U256& input, double* rate) {
    const auto out = output(input, rate);
    if (!out) {
        if (rate) *rate = 0.0;
        return kProfitBias - input;  // worse than any trade that returns something
    }
    return kProfitBias + *out - input - flash_fee(input);
}

std::optional<U256> CycleEvaluator::min_input_reaching(std::size_t hop, const U256& amount) {
    ++evaluations_;
    U256 need = amount;
    for (std::size_t k = hop; k > 0; --k) {
        const auto in = min_input_of_hop(hops_[k - 1], need);
        if (!in) return std::nullopt;
        need = *in;
    }
    return need;
}

std::optional<U256> CycleEvaluator::input_of_hop(std::size_t hop, const U256& input) const {
    U256 amount = input;
    for (std::size_t k = 0; k < hop; ++k) {
        const auto out = run_bound_hop(hops_[k], amount, nullptr);
        if (!out) return std::nullopt;
        amount = *out;
    }
    return amount;
}

std::optional<U256> CycleEvaluator::fill(const U256& input, std::vector<HopFill>& fills) const {
    U256 amount = input;
    for (const auto& hop : hops_) {
        const Edge& edge = graph_.edges()[hop.edge];
        const auto out = run_bound_hop(hop, amount, nullptr);
        if (!out) return std::nullopt;
        fills.push_back({edge.pool, edge.token_in, edge.token_out, amount, *out});
        amount = *out;
    }
    return amount;
}

}  // namespace macf::host::detail
