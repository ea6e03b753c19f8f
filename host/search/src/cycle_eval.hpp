// SPDX-License-Identifier: Apache-2.0
#pragma once

// The exact integer evaluation of one cycle, bound once per candidate: every hop's pool math
// (Uniswap V2 from the round's records, V3 swaps crossing ticks, Curve and Balancer from the
// market) behind one call, counted, with the smooth marginal rate the sizing search steers by.
// Private to host/search: the sizing searches (size_v2.cpp, size_general.cpp) and
// resimulate (opportunity.cpp) use it.

#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "macf/dex/balancer_stable.hpp"
#include "macf/dex/balancer_weighted.hpp"
#include "macf/dex/curve_stable.hpp"
#include "macf/dex/u256.hpp"
#include "macf/dex/uniswap_v2.hpp"
#include "macf/dex/uniswap_v3.hpp"
#include "macf/host/model/market.hpp"
#include "macf/host/model/pool_state.hpp"
#include "macf/host/search/opportunity.hpp"
#include "macf/host/search/token_graph.hpp"

namespace macf::host::detail {

using dex::U256;

/// Profits are compared as unsigned numbers shifted by 2^255 (amounts stay far below 2^200).
inline const U256 kProfitBias = U256{1} << 255;

/// A Uniswap V2 hop: reserves in wei of the tokens in and out, and the pair's fee.
struct V2Hop {
    U256 reserve_in;
    U256 reserve_out;
    dex::V2Fee fee;
};

/// A Uniswap V3 hop: the pool's view (ticks in the market's storage) and the direction.
struct V3Hop {
    dex::V3PoolView view;
    bool zero_for_one;
};

/// A Curve StableSwap hop from coin i to coin j.
struct CurveHop {
    dex::CurveStableView view;
    unsigned i;
    unsigned j;
};

/// A Balancer weighted hop from token i to token j.
struct WeightedHop {
    dex::BalancerWeightedView view;
    unsigned i;
    unsigned j;
};

/// A Balancer stable hop from token i to token j.
struct StableHop {
    dex::BalancerStableView view;
    unsigned i;
    unsigned j;
};

/// A Curve metapool hop between positions `in` and `out` of its tokens (see curve_meta_swap).
struct CurveMetaHop {
    dex::CurveMetaView view;
    unsigned in;
    unsigned out;
};

/// One hop of a cycle, its pool's state bound: nothing is looked up per evaluation.
struct BoundHop {
    std::uint32_t edge;
    std::uint32_t pool;
    std::variant<V2Hop, V3Hop, CurveHop, WeightedHop, StableHop, CurveMetaHop> math;
    bool valid = true;  ///< false: a V2 record without state, a metapool over an empty base
};

/// The exact output of one hop for `amount` wei in, or nullopt when the pool reverts, pays
/// nothing, or (V3) would stop at the price limit with input left over. When `rate` is not
/// null it receives the hop's smooth marginal rate d(out)/d(in) at `amount` (out-token wei per
/// in-token wei): closed forms for V2, V3 (the price the swap ends at, less the fee) and
/// weighted pools; the invariant's slope at the balances after the swap for the stable curves;
/// a one-sided difference of two exact quotes for metapools.
std::optional<U256> run_bound_hop(const BoundHop& hop, const U256& amount, double* rate);

/// The least input in wei for which `hop` pays at least `amount_out`: exact for V2 (the
/// ceiling of the inverse); for the other kinds the kind's exact-output quote, stepped up until
/// the forward swap pays `amount_out`; for metapools the least such input by bisection over the
/// forward quote (exact, given a monotone quote); Curve plain pools: nullopt.
std::optional<U256> min_input_of_hop(const BoundHop& hop, const U256& amount_out);

/// One cycle's exact evaluation, bound to a round's states for one candidate.
class CycleEvaluator {
  public:
    /// Binds the hops of `edges` (a cycle of `graph`) to `market` and the round's V2/V3 records
    /// `states` (indexed by pool); `flash_fee_bps` prices the flash loan, rounded up.
    CycleEvaluator(const Market& market, const TokenGraph& graph, std::span<const PoolState> states,
                   std::span<const std::uint32_t> edges, std::uint32_t flash_fee_bps);

    /// True when every hop is a Uniswap V2 pair (the proven search applies).
    [[nodiscard]] bool v2_only() const noexcept { return v2_only_; }
    /// The bound hops, in cycle order.
    [[nodiscard]] std::span<const BoundHop> hops() const noexcept { return hops_; }
    /// Exact cycle evaluations made so far (each output, profit or min_input call is one).
    [[nodiscard]] std::uint32_t evaluations() const noexcept { return evaluations_; }
    /// The flash-loan fee in basis points of the input (rounded up).
    [[nodiscard]] std::uint32_t flash_fee_bps() const noexcept { return flash_fee_bps_; }
    /// Counts `n` evaluations made through the hops directly (the V2 search does).
    void count(std::uint32_t n) noexcept { evaluations_ += n; }

    /// The cycle's exact output in wei of the base token for `input`, or nullopt when a hop
    /// reverts; `rate` (when not null) receives d(output)/d(input) of the smooth model there.
    std::optional<U256> output(const U256& input, double* rate = nullptr);
    /// ⌈input · bps / 10^4⌉: the flash fee in wei of the base token.
    [[nodiscard]] U256 flash_fee(const U256& input) const;
    /// output − input − flash fee, biased by kProfitBias (kProfitBias − input on a revert).
    U256 profit(const U256& input, double* rate = nullptr);
    /// The least input for which hop `hop` (0-based; hops().size() for the cycle's output)
    /// receives at least `amount`, by each hop's min_input_of_hop from hop − 1 back; nullopt
    /// when a hop has no inverse or cannot pay its share.
    std::optional<U256> min_input_reaching(std::size_t hop, const U256& amount);
    /// The least input whose output is at least `out`.
    std::optional<U256> min_input_for(const U256& out) {
        return min_input_reaching(hops_.size(), out);
    }
    /// What hop `hop` receives for `input` (the outputs of the hops before it); nullopt on a
    /// revert.
    std::optional<U256> input_of_hop(std::size_t hop, const U256& input) const;
    /// Runs `input` through the cycle recording every hop; nullopt on a revert.
    std::optional<U256> fill(const U256& input, std::vector<HopFill>& fills) const;

  private:
    const TokenGraph& graph_;
    std::vector<BoundHop> hops_;
    std::uint32_t flash_fee_bps_;
    std::uint32_t evaluations_ = 0;
    bool v2_only_ = true;
};

}  // namespace macf::host::detail
