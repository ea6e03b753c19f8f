// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "macf/cuda/host_buffer.hpp"
#include "macf/host/model/pool_state.hpp"

namespace macf::host {

/// Counters of a ReserveCache.
struct CacheStats {
    std::uint64_t hits = 0;           ///< `get` calls answered from a fresh entry
    std::uint64_t misses = 0;         ///< `get` calls on an absent, invalidated or expired entry
    std::uint64_t invalidations = 0;  ///< entries invalidated explicitly
    std::uint64_t evictions = 0;      ///< expired entries dropped by `cleanup`
    std::uint64_t entries = 0;        ///< entries holding a fresh or stale state now
    /// hits / (hits + misses) in percent, 0 when nothing was asked (as the MACF guide reports it).
    double hit_rate() const noexcept {
        const std::uint64_t total = hits + misses;
        return total == 0 ? 0.0 : 100.0 * static_cast<double>(hits) / static_cast<double>(total);
    }
};

/// The reserve cache of the MACF guide (`PoolStateCache`) and of mev-beta (`ReserveCache`):
/// pool states by address with a time to live, explicit invalidation and hit/miss counters.
/// In serve it holds the record form of the follower's pools: ChainSync::publish writes the
/// changed Uniswap V2/V3 pools' records after each block and hands the engine the one dirty
/// set (the follower's, every kind); the engine reads the changed pools through it (the hits
/// and misses of the MACF metrics). Records live contiguously in one slot array (page-locked
/// when CUDA is available) for asynchronous copies to a device.
/// Thread-safe: readers share a lock, writers take it exclusively; counters are atomic.
class ReserveCache {
  public:
    using Clock = std::chrono::steady_clock;
    /// Default TTL, as in the MACF guide (mev-beta used 45 s).
    static constexpr std::chrono::milliseconds kDefaultTtl{5000};

    /// A cache whose entries expire `ttl` after they were set. `now` supplies the time
    /// (tests inject a fake clock).
    explicit ReserveCache(std::chrono::milliseconds ttl = kDefaultTtl,
                          std::function<Clock::time_point()> now = &Clock::now);

    /// The fresh state of `pool`, counting a hit; std::nullopt (a miss) when the pool is
    /// unknown, invalidated or older than the TTL.
    [[nodiscard]] std::optional<PoolState> get(const Address& pool);
    /// Stores `state` for `pool` (a new slot for a new pool) and stamps it now. Returns the
    /// pool's slot.
    std::uint32_t set(const Address& pool, const PoolState& state);
    /// Stores many states at once (one lock), as after an initial sync.
    void warm(std::span<const std::pair<Address, PoolState>> states);
    /// Invalidates one pool; true when it held a state.
    bool invalidate(const Address& pool);
    /// Invalidates several pools; returns how many held a state.
    std::size_t invalidate(std::span<const Address> pools);
    /// Drops every entry older than the TTL; returns how many were dropped.
    std::size_t cleanup();

    /// The slot of `pool`, if it has one. Slots are stable for the cache's life.
    [[nodiscard]] std::optional<std::uint32_t> slot_of(const Address& pool) const;
    /// True when `slot` holds a fresh state; unlike `get`, counts neither a hit nor a miss.
    [[nodiscard]] bool is_fresh(std::uint32_t slot) const;
    /// Counters.
    [[nodiscard]] CacheStats stats() const;
    /// The time to live.
    std::chrono::milliseconds ttl() const noexcept { return ttl_; }
    /// True when the slot array is page-locked memory.
    bool pinned() const noexcept { return records_.pinned(); }

  private:
    PoolState* slots() const noexcept { return static_cast<PoolState*>(records_.data()); }
    std::uint32_t slot_for_write(const Address& pool);  // exclusive lock held
    std::uint32_t store(const Address& pool, const PoolState& state,
                        Clock::time_point now);  // exclusive lock held; marks dirty
    bool is_fresh(std::uint32_t slot, Clock::time_point now) const noexcept;

    std::chrono::milliseconds ttl_;
    std::function<Clock::time_point()> now_;
    mutable std::shared_mutex mutex_;
    std::unordered_map<Address, std::uint32_t, chain::AddressHash> slot_index_;
    cuda::HostBuffer records_;  // capacity_ PoolState records
    std::uint32_t capacity_ = 0;
    std::uint32_t used_ = 0;
    std::vector<Clock::time_point> stamped_;
    std::atomic<std::uint64_t> hits_{0};
    std::atomic<std::uint64_t> misses_{0};
    std::uint64_t invalidations_ = 0;
    std::uint64_t evictions_ = 0;
};

}  // namespace macf::host
