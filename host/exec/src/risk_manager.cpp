// SPDX-License-Identifier: Apache-2.0
#include "macf/host/exec/risk_manager.hpp"

#include <algorithm>

#include "macf/dex/u256_text.hpp"

namespace macf::host {

TradePermit::TradePermit(TradePermit&& other) noexcept : owner_(other.owner_), id_(other.id_) {
    other.owner_ = nullptr;
}

TradePermit& TradePermit::operator=(TradePermit&& other) noexcept {
    if (this != &other) {
        if (owner_ != nullptr) owner_->finish(id_, false, false);
        owner_ = other.owner_;
        id_ = other.id_;
        other.owner_ = nullptr;
    }
    return *this;
}

TradePermit::~TradePermit() {
    if (owner_ != nullptr) owner_->finish(id_, false, false);
}

void TradePermit::finish(bool success) {
    if (owner_ == nullptr) return;
    owner_->finish(id_, success, true);
    owner_ = nullptr;
}

RiskManager::RiskManager(RiskLimits limits, Clock clock)
    : limits_(std::move(limits)), clock_(std::move(clock)) {}

bool RiskManager::breaker_open_locked(std::chrono::system_clock::time_point now) const {
    return open_until_ && now < *open_until_;
}

RiskDecision RiskManager::request(const dex::U256& input_wei,
                                  std::span<const chain::Address> pools) {
    const auto now = clock_();
    std::lock_guard lock(mutex_);
    const auto refuse = [&](std::string why) {
        ++counters_.refused;
        return RiskDecision{std::nullopt, std::move(why)};
    };
    if (breaker_open_locked(now)) return refuse("the circuit breaker is open (cooling down)");
    if (!limits_.max_trade_wei.is_zero() && limits_.max_trade_wei < input_wei)
        return refuse("trade of " + dex::to_string(input_wei) + " wei is above the maximum " +
                      dex::to_string(limits_.max_trade_wei));
    const std::int64_t day =
        std::chrono::duration_cast<std::chrono::hours>(now.time_since_epoch()).count() / 24;
    if (day != day_) {
        day_ = day;
        spent_today_ = {};
    }
    dex::U256 after;
    if (dex::add_overflow(spent_today_, input_wei, after) ||
        (!limits_.daily_cap_wei.is_zero() && limits_.daily_cap_wei < after))
        return refuse("trade of " + dex::to_string(input_wei) + " wei would pass the daily cap " +
                      dex::to_string(limits_.daily_cap_wei) + " (spent " +
                      dex::to_string(spent_today_) + ")");
    if (limits_.max_in_flight != 0 && trades_.size() >= limits_.max_in_flight)
        return refuse(std::to_string(trades_.size()) + " trades in flight (the maximum)");
    for (const auto& p : pools)
        if (locked_.count(p) != 0) return refuse("pool " + p.to_hex() + " is in a trade in flight");
    spent_today_ = after;
    Trade t{next_id_++, {pools.begin(), pools.end()}};
    locked_.insert(t.pools.begin(), t.pools.end());
    trades_.push_back(std::move(t));
    ++counters_.permitted;
    return RiskDecision{TradePermit(this, trades_.back().id), {}};
}

void RiskManager::finish(std::uint64_t id, bool success, bool counted) {
    unsigned opened_with = 0;
    std::function<void(unsigned)> callback;
    {
        const auto now = clock_();
        std::lock_guard lock(mutex_);
        const auto it = std::find_if(trades_.begin(), trades_.end(),
                                     [&](const Trade& t) { return t.id == id; });
        if (it == trades_.end()) return;
        for (const auto& p : it->pools) locked_.erase(p);
        trades_.erase(it);
        if (!counted) return;
        if (success) {
            ++counters_.succeeded;
            return;
        }
        ++counters_.failed;
        failures_.push_back(now);
        while (!failures_.empty() && failures_.front() + limits_.breaker_window <= now)
            failures_.pop_front();
        if (limits_.breaker_failures != 0 && failures_.size() >= limits_.breaker_failures &&
            !breaker_open_locked(now)) {
            open_until_ = now + limits_.breaker_cool_down;
            opened_with = static_cast<unsigned>(failures_.size());
            failures_.clear();
            ++counters_.breaker_trips;
            callback = on_open_;
        }
    }
    if (opened_with != 0 && callback) callback(opened_with);
}

bool RiskManager::breaker_open() const {
    const auto now = clock_();
    std::lock_guard lock(mutex_);
    return breaker_open_locked(now);
}

unsigned RiskManager::in_flight() const {
    std::lock_guard lock(mutex_);
    return static_cast<unsigned>(trades_.size());
}

RiskCounters RiskManager::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

void RiskManager::on_breaker_open(std::function<void(unsigned)> callback) {
    std::lock_guard lock(mutex_);
    on_open_ = std::move(callback);
}

}  // namespace macf::host
