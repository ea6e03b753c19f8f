// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "macf/host/model/market.hpp"

namespace macf::host {

/// A directed trading edge: swapping `token_in` for `token_out` through `pool`.
struct Edge {
    std::uint32_t pool;
    std::uint32_t token_in;
    std::uint32_t token_out;
    std::uint8_t slot_in;   ///< position of token_in in the pool's token list
    std::uint8_t slot_out;  ///< position of token_out in the pool's token list
};

/// Which pools enter the graph. Filters are off by default.
struct GraphOptions {
    /// Exclude a pool when any of its balances is below this many whole tokens
    /// (balance / 10^decimals); 0 = off.
    double min_liquidity_units = 0.0;
    /// Exclude every pool that trades one of these tokens (indices into Market::tokens).
    std::vector<std::uint32_t> excluded_tokens;
};

/// How many pools were left out, and why. Every pool of the market is counted once: in
/// `included` or under exactly one reason.
struct GraphReport {
    std::uint64_t included = 0;
    std::uint64_t empty = 0;  ///< a zero balance (V3: no in-range liquidity): no trade possible
    std::uint64_t unsupported_kind = 0;          ///< kinds whose exact math is not in macf yet
    std::uint64_t below_min_liquidity = 0;       ///< the min-liquidity filter
    std::uint64_t excluded_token = 0;            ///< the excluded-tokens filter
    std::vector<std::string> unsupported_kinds;  ///< names of the kinds counted above
};

/// The token graph of the pools macf can score: every included pool contributes one edge per
/// ordered pair of its tokens. Built once per topology change.
class TokenGraph {
  public:
    /// Builds the graph of `market` under `options`.
    TokenGraph(const Market& market, const GraphOptions& options);

    /// All edges; an edge id is an index here. A pool's edges are consecutive.
    const std::vector<Edge>& edges() const noexcept { return edges_; }
    /// Edges leaving `token`, as edge ids.
    const std::uint32_t* out_begin(std::uint32_t token) const noexcept {
        return out_edges_.data() + out_offsets_[token];
    }
    const std::uint32_t* out_end(std::uint32_t token) const noexcept {
        return out_edges_.data() + out_offsets_[token + 1];
    }
    /// The edge ids of pool `p`: [first, last), empty for a pool left out of the graph or
    /// outside it.
    [[nodiscard]] std::pair<std::uint32_t, std::uint32_t> pool_edges(
        std::uint32_t p) const noexcept {
        if (p >= pool_count_) return {0, 0};
        return {pool_edge_offsets_[p], pool_edge_offsets_[p + 1]};
    }
    /// Number of tokens (the market's).
    std::uint32_t token_count() const noexcept {
        return static_cast<std::uint32_t>(out_offsets_.size() - 1);
    }
    /// Number of pools (the market's, included or not).
    std::uint32_t pool_count() const noexcept { return pool_count_; }
    /// What was left out.
    const GraphReport& report() const noexcept { return report_; }

  private:
    std::vector<Edge> edges_;
    std::vector<std::uint32_t> out_offsets_;
    std::vector<std::uint32_t> out_edges_;
    std::vector<std::uint32_t> pool_edge_offsets_;  // pool → its first edge, pool_count_ + 1
    std::uint32_t pool_count_ = 0;
    GraphReport report_;
};

/// True when macf can score and exactly re-simulate pools of `kind` (all six kinds of the
/// snapshot format; the report's `unsupported_kind` is kept for kinds added later).
bool is_scorable(PoolKind kind) noexcept;

}  // namespace macf::host
