// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/nonce_manager.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace macf::chain {

NonceFault classify_nonce_error(std::string_view message) noexcept {
    std::string m(message);
    std::transform(m.begin(), m.end(), m.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto has = [&](std::string_view s) { return m.find(s) != std::string::npos; };
    if (has("nonce too low") || has("nonce is too low") || has("oldnonce") ||
        has("nonce has already been used"))
        return NonceFault::kTooLow;
    if (has("already known") || has("known transaction") || has("alreadyknown"))
        return NonceFault::kAlreadyKnown;
    if (has("nonce too high") || has("nonce is too high") || has("nonce gap"))
        return NonceFault::kTooHigh;
    return NonceFault::kNone;
}

NonceManager::NonceManager(PendingCount pending_count)
    : pending_count_(std::move(pending_count)), next_(pending_count_()), floor_(next_) {}

std::uint64_t NonceManager::acquire() {
    std::lock_guard lock(mutex_);
    std::uint64_t n = next_;
    if (!free_.empty()) {
        n = *free_.begin();
        free_.erase(free_.begin());
    } else {
        ++next_;
    }
    held_.insert(n);
    return n;
}

void NonceManager::sent(std::uint64_t nonce) {
    std::lock_guard lock(mutex_);
    held_.erase(nonce);
    pending_.insert(nonce);
}

void NonceManager::release(std::uint64_t nonce) {
    std::lock_guard lock(mutex_);
    const bool ours = held_.erase(nonce) != 0 || pending_.erase(nonce) != 0;
    if (ours && nonce >= floor_) free_.insert(nonce);  // below the node's count: used already
}

void NonceManager::confirmed(std::uint64_t nonce) {
    std::lock_guard lock(mutex_);
    pending_.erase(nonce);
    held_.erase(nonce);
    free_.erase(nonce);
}

std::vector<std::uint64_t> NonceManager::resync() {
    const std::uint64_t count = pending_count_();  // outside the lock: a network call
    std::lock_guard lock(mutex_);
    ++resyncs_;
    floor_ = count;
    pending_.erase(pending_.begin(), pending_.lower_bound(count));
    free_.erase(free_.begin(), free_.lower_bound(count));
    std::vector<std::uint64_t> dropped(pending_.begin(), pending_.end());
    for (const auto n : dropped) free_.insert(n);
    pending_.clear();
    if (count > next_) {
        next_ = count;
    } else {
        // The node knows fewer: the nonces from its count up that nobody holds are free.
        for (std::uint64_t n = count; n < next_; ++n)
            if (held_.count(n) == 0) free_.insert(n);
    }
    return dropped;
}

std::vector<std::uint64_t> NonceManager::pending() const {
    std::lock_guard lock(mutex_);
    return {pending_.begin(), pending_.end()};
}

std::uint64_t NonceManager::next_new() const {
    std::lock_guard lock(mutex_);
    return next_;
}

std::uint64_t NonceManager::resyncs() const {
    std::lock_guard lock(mutex_);
    return resyncs_;
}

}  // namespace macf::chain
