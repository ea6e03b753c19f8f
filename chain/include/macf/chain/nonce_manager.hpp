// SPDX-License-Identifier: Apache-2.0
#pragma once

// Nonces of one sending account for concurrent senders: each nonce goes to exactly one
// transaction, an unused one is handed out again before any new one (no gaps), sent ones are
// tracked until mined, and the account's pending count is read again from the node when the
// node says the nonce was wrong ("nonce too low", "already known") or a transaction was dropped.

#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string_view>
#include <vector>

namespace macf::chain {

/// How a node's refusal of a transaction relates to its nonce.
enum class NonceFault {
    kNone,          ///< not about the nonce (underpriced, reverted, out of funds...)
    kTooLow,        ///< "nonce too low": the nonce was used already
    kAlreadyKnown,  ///< "already known" / "known transaction": this transaction is in the pool
    kTooHigh,       ///< "nonce too high" / a gap the node refuses
};

/// Classifies a node's error message (geth, Erigon, Nethermind, Hardhat and Anvil wordings).
NonceFault classify_nonce_error(std::string_view message) noexcept;

/// Hands out nonces; thread-safe.
class NonceManager {
  public:
    /// Reads eth_getTransactionCount(account, "pending") from the node; may throw.
    using PendingCount = std::function<std::uint64_t()>;

    /// Starts from the node's pending count.
    explicit NonceManager(PendingCount pending_count);

    /// Reserves the lowest nonce no one holds: a released one first, else the next new one.
    std::uint64_t acquire();
    /// The transaction with `nonce` was accepted by the node; tracked until confirmed.
    void sent(std::uint64_t nonce);
    /// `nonce` was not used (the transaction was not sent, or refused for a reason that is not
    /// its nonce): it is handed out again before any new nonce.
    void release(std::uint64_t nonce);
    /// The transaction with `nonce` was mined; it stops being pending.
    void confirmed(std::uint64_t nonce);
    /// Reads the pending count again (after "nonce too low", "already known", "nonce too high"
    /// or a dropped transaction): pending nonces below it are taken as mined; nonces from it up
    /// that nobody holds are free again (lowest first); new nonces continue from the highest
    /// of the two. Returns the nonces that were pending but are no longer below the node's
    /// count: dropped transactions the caller must send again or give up (their nonces are
    /// free again, so a replacement goes out under the same nonce).
    std::vector<std::uint64_t> resync();

    /// Nonces sent and not yet confirmed, ascending.
    std::vector<std::uint64_t> pending() const;
    /// The next new nonce (one past the highest handed out or known to the node).
    std::uint64_t next_new() const;
    /// Resynchronisations so far.
    std::uint64_t resyncs() const;

  private:
    PendingCount pending_count_;
    mutable std::mutex mutex_;
    std::uint64_t next_ = 0;
    std::uint64_t floor_ = 0;          ///< the node's pending count when last read
    std::set<std::uint64_t> free_;     ///< below next_, nobody holds them
    std::set<std::uint64_t> held_;     ///< acquired, not yet sent or released
    std::set<std::uint64_t> pending_;  ///< sent, not yet confirmed
    std::uint64_t resyncs_ = 0;
};

}  // namespace macf::chain
