// SPDX-License-Identifier: Apache-2.0
#include "macf/host/state/reserve_cache.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>

namespace macf::host {

ReserveCache::ReserveCache(std::chrono::milliseconds ttl, std::function<Clock::time_point()> now)
    : ttl_(ttl), now_(std::move(now)) {}

bool ReserveCache::is_fresh(std::uint32_t slot, Clock::time_point now) const noexcept {
    return slots()[slot].valid && now - stamped_[slot] < ttl_;
}

std::optional<PoolState> ReserveCache::get(const Address& pool) {
    const auto now = now_();
    std::shared_lock lock(mutex_);
    const auto it = slot_index_.find(pool);
    if (it == slot_index_.end() || !is_fresh(it->second, now)) {
        misses_.fetch_add(1, std::memory_order_relaxed);
        return std::nullopt;
    }
    hits_.fetch_add(1, std::memory_order_relaxed);
    return slots()[it->second];
}

bool ReserveCache::is_fresh(std::uint32_t slot) const {
    const auto now = now_();
    std::shared_lock lock(mutex_);
    return slot < used_ && is_fresh(slot, now);
}

std::uint32_t ReserveCache::slot_for_write(const Address& pool) {
    if (const auto it = slot_index_.find(pool); it != slot_index_.end()) return it->second;
    if (used_ == capacity_) {  // grow the slot array, keeping it contiguous
        const std::uint32_t cap = std::max<std::uint32_t>(1024, capacity_ * 2);
        cuda::HostBuffer bigger(static_cast<std::size_t>(cap) * sizeof(PoolState));
        if (used_ != 0) std::memcpy(bigger.data(), records_.data(), used_ * sizeof(PoolState));
        records_ = std::move(bigger);
        capacity_ = cap;
    }
    const std::uint32_t slot = used_++;
    new (slots() + slot) PoolState{};
    stamped_.push_back(Clock::time_point{});
    slot_index_.emplace(pool, slot);
    return slot;
}

std::uint32_t ReserveCache::store(const Address& pool, const PoolState& state,
                                  Clock::time_point now) {
    const std::uint32_t slot = slot_for_write(pool);
    slots()[slot] = state;
    stamped_[slot] = now;
    return slot;
}

std::uint32_t ReserveCache::set(const Address& pool, const PoolState& state) {
    const auto now = now_();
    std::unique_lock lock(mutex_);
    return store(pool, state, now);
}

void ReserveCache::warm(std::span<const std::pair<Address, PoolState>> states) {
    const auto now = now_();
    std::unique_lock lock(mutex_);
    slot_index_.reserve(slot_index_.size() + states.size());
    for (const auto& [pool, state] : states) store(pool, state, now);
}

bool ReserveCache::invalidate(const Address& pool) {
    std::unique_lock lock(mutex_);
    const auto it = slot_index_.find(pool);
    if (it == slot_index_.end() || !slots()[it->second].valid) return false;
    slots()[it->second].valid = false;
    ++invalidations_;
    return true;
}

std::size_t ReserveCache::invalidate(std::span<const Address> pools) {
    std::size_t n = 0;
    for (const auto& p : pools) n += invalidate(p) ? 1 : 0;
    return n;
}

std::size_t ReserveCache::cleanup() {
    const auto now = now_();
    std::unique_lock lock(mutex_);
    std::size_t dropped = 0;
    for (std::uint32_t s = 0; s < used_; ++s) {
        if (slots()[s].valid && now - stamped_[s] >= ttl_) {
            slots()[s].valid = false;
            ++dropped;
        }
    }
    evictions_ += dropped;
    return dropped;
}

std::optional<std::uint32_t> ReserveCache::slot_of(const Address& pool) const {
    std::shared_lock lock(mutex_);
    const auto it = slot_index_.find(pool);
    if (it == slot_index_.end()) return std::nullopt;
    return it->second;
}

CacheStats ReserveCache::stats() const {
    std::shared_lock lock(mutex_);
    CacheStats s;
    s.hits = hits_.load(std::memory_order_relaxed);
    s.misses = misses_.load(std::memory_order_relaxed);
    s.invalidations = invalidations_;
    s.evictions = evictions_;
    for (std::uint32_t i = 0; i < used_; ++i) s.entries += slots()[i].valid ? 1 : 0;
    return s;
}

}  // namespace macf::host
