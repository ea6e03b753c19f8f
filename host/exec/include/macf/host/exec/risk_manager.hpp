// SPDX-License-Identifier: Apache-2.0
#pragma once

// Risk limits on execution (mev-beta's risk manager): a maximum size per trade, a daily cap,
// a maximum of trades in flight, per-pool locks so two trades in flight never share a pool,
// and a circuit breaker that opens after N failures within a window and stays open for a
// cool-down. Amounts are in wei of the native token (the caller converts the trade's input).
// Thread-safe.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>

#include "macf/chain/address.hpp"
#include "macf/dex/u256.hpp"

namespace macf::host {

/// The limits. A zero amount or count means no limit.
struct RiskLimits {
    dex::U256 max_trade_wei;  ///< largest trade input, native wei
    dex::U256 daily_cap_wei;  ///< sum of trade inputs started per UTC day, native wei
    unsigned max_in_flight = 1;
    unsigned breaker_failures = 3;                 ///< failures within the window that open it
    std::chrono::seconds breaker_window{600};      ///< the window those failures count in
    std::chrono::seconds breaker_cool_down{1800};  ///< how long it stays open
};

class RiskManager;

/// Permission for one trade: holds its pools and its in-flight slot until finished (or
/// destroyed, which counts as neither a success nor a failure). Move-only.
class TradePermit {
  public:
    TradePermit(TradePermit&& other) noexcept;
    TradePermit& operator=(TradePermit&& other) noexcept;
    TradePermit(const TradePermit&) = delete;
    TradePermit& operator=(const TradePermit&) = delete;
    ~TradePermit();

    /// The trade reached its outcome: a success resets nothing, a failure counts towards the
    /// circuit breaker. Releases the pools and the slot.
    void finish(bool success);

  private:
    friend class RiskManager;
    TradePermit(RiskManager* owner, std::uint64_t id) : owner_(owner), id_(id) {}
    RiskManager* owner_;
    std::uint64_t id_;
};

/// A permit, or why the trade is refused.
struct RiskDecision {
    std::optional<TradePermit> permit;
    std::string refusal;  ///< empty when permitted
};

/// Counters for metrics and logs.
struct RiskCounters {
    std::uint64_t permitted = 0;
    std::uint64_t refused = 0;
    std::uint64_t succeeded = 0;
    std::uint64_t failed = 0;
    std::uint64_t breaker_trips = 0;
};

/// Decides whether a trade may start.
class RiskManager {
  public:
    using Clock = std::function<std::chrono::system_clock::time_point()>;

    explicit RiskManager(
        RiskLimits limits, Clock clock = [] { return std::chrono::system_clock::now(); });

    /// Asks to start a trade of `input_wei` (native wei) through `pools`. Refused when the
    /// breaker is open, the trade is above the per-trade maximum, it would pass today's cap,
    /// the maximum in flight is reached, or a pool is in use by a trade in flight.
    RiskDecision request(const dex::U256& input_wei, std::span<const chain::Address> pools);

    /// True while the breaker is open.
    bool breaker_open() const;
    /// Trades in flight.
    unsigned in_flight() const;
    /// The counters.
    RiskCounters counters() const;
    /// Called (outside the lock) each time the breaker opens, with the failures that opened it.
    void on_breaker_open(std::function<void(unsigned failures)> callback);

  private:
    friend class TradePermit;
    struct Trade {
        std::uint64_t id;
        std::set<chain::Address> pools;
    };
    void finish(std::uint64_t id, bool success, bool counted);
    bool breaker_open_locked(std::chrono::system_clock::time_point now) const;

    RiskLimits limits_;
    Clock clock_;
    mutable std::mutex mutex_;
    std::deque<Trade> trades_;
    std::set<chain::Address> locked_;
    std::deque<std::chrono::system_clock::time_point> failures_;
    std::optional<std::chrono::system_clock::time_point> open_until_;
    std::int64_t day_ = -1;
    dex::U256 spent_today_;
    std::uint64_t next_id_ = 1;
    RiskCounters counters_;
    std::function<void(unsigned)> on_open_;
};

}  // namespace macf::host
