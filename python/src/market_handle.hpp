// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Python side's hold on a market: the immutable Market, shared by every Token, Pool and
// Opportunity object made from it, and the topologies (graph + cycles) built for it so far, so
// repeated scans of one market enumerate its cycles once.

#include <pybind11/pybind11.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "macf/host/engine/engine.hpp"
#include "macf/host/io/univ2_import.hpp"
#include "macf/host/model/market.hpp"

namespace macf::python {

namespace py = pybind11;

/// An immutable market and its topology cache. Shared through std::shared_ptr.
class MarketHandle {
  public:
    explicit MarketHandle(host::Market market,
                          std::optional<host::ImportReport> report = std::nullopt)
        : market_(std::move(market)), import_report_(report) {}

    /// The market.
    [[nodiscard]] const host::Market& market() const noexcept { return market_; }
    /// What `import_pairs` read and left out, for an imported market.
    [[nodiscard]] const std::optional<host::ImportReport>& import_report() const noexcept {
        return import_report_;
    }
    /// The topology of `settings`, built on first use (thread-safe; call without the GIL).
    [[nodiscard]] std::shared_ptr<const host::Topology> topology(
        const host::TopologySettings& settings) const;

  private:
    host::Market market_;
    std::optional<host::ImportReport> import_report_;
    mutable std::mutex mutex_;
    mutable std::vector<std::pair<host::TopologySettings, std::shared_ptr<const host::Topology>>>
        topologies_;
};

/// A token of a market, as Python sees it.
struct TokenRef {
    std::shared_ptr<const MarketHandle> market;
    std::uint32_t index = 0;
    [[nodiscard]] const host::Token& token() const { return market->market().tokens[index]; }
};

/// A pool of a market, as Python sees it.
struct PoolRef {
    std::shared_ptr<const MarketHandle> market;
    std::uint32_t index = 0;
    [[nodiscard]] const host::Pool& pool() const { return market->market().pools[index]; }
};

/// Registers Token, Pool, Quote, Market, gen() and import_pairs().
void bind_market(py::module_& m);

/// The token `token` names in `market`: a Token of that market, an address or a unique symbol.
/// Raises ValueError / MarketError otherwise.
std::uint32_t resolve_token(const MarketHandle& market, const py::handle& token);

}  // namespace macf::python
