// SPDX-License-Identifier: Apache-2.0
#pragma once

// The two searches for a cycle's best input (docs/sizing.md gives the argument):
//  - size_v2_cycle, for cycles of Uniswap V2 hops only: an integer proof. It splits the cycle
//    at the hop output with the fewest distinct values near the optimum, excludes everything
//    outside a window by concavity of the smooth profit with integer upper bounds, and either
//    enumerates the window (the optimum, proven) or bounds what it leaves (a proven gap in wei).
//  - size_any_cycle, for cycles with other kinds: a safeguarded secant search on the smooth
//    marginal rate, then the least input paying the best output found.
// Private to host/search.

#include <cstdint>

#include "cycle_eval.hpp"

namespace macf::host::detail {

/// The outcome of a sizing search.
struct SizedInput {
    U256 input;   ///< wei of the base token; 0 when no input makes a gross profit
    U256 profit;  ///< output − input − flash fee at `input`, biased by kProfitBias
    /// True when no input makes a higher gross profit (and none smaller makes the same).
    bool proven = false;
    /// When `gap_known`: no input makes more than `profit` + `gap` wei (0 when proven).
    bool gap_known = false;
    U256 gap;
};

/// Most output values size_v2_cycle enumerates in its window before it settles for a bound.
inline constexpr std::uint32_t kV2EnumerationBudget = 4096;

/// The best input of a cycle of Uniswap V2 hops (evaluator.v2_only()), from the closed form's
/// `seed` (any positive input; it only sets where the search starts).
SizedInput size_v2_cycle(CycleEvaluator& evaluator, const U256& seed);

/// The best input of any cycle, from the approximate optimum `seed`: a secant search on the
/// smooth marginal rate within a bracket found by doubling, then the least input paying the best
/// output seen. Neither proven nor bounded.
SizedInput size_any_cycle(CycleEvaluator& evaluator, const U256& seed);

}  // namespace macf::host::detail
