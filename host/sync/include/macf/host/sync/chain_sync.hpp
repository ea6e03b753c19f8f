// SPDX-License-Identifier: Apache-2.0
#pragma once

// Follows a real chain: finds the pools of configured factories from their creation events,
// reads their initial state in JSON-RPC batches, then applies each new block's events to the
// pool states (a V2 Sync carries the reserves; a V3 Swap carries price, liquidity and tick; V3
// Mint/Burn change liquidity at two ticks) with no eth_call per pool, journals every change
// so that a reorg (a parent hash that does not match) rolls back the dropped blocks and
// applies the new branch. A block is applied whole or not at all.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "macf/chain/dex_events.hpp"
#include "macf/chain/eth.hpp"
#include "macf/chain/rpc_client.hpp"
#include "macf/host/model/market.hpp"
#include "macf/host/state/reserve_cache.hpp"
#include "macf/host/sync/pool_update.hpp"

namespace macf::host {

/// A factory whose pools macf follows.
struct FactoryConfig {
    Address address;
    PoolKind kind = PoolKind::kUniswapV2;  ///< kUniswapV2 (and forks) or kUniswapV3
    std::uint32_t fee_bps = 30;            ///< V2 forks: the pairs' input fee
    std::string dex = "uniswap_v2";        ///< label given to its pools
};

/// Settings of the follower.
struct SyncConfig {
    std::vector<FactoryConfig> factories;
    std::uint64_t from_block = 0;    ///< where discovery starts (the factories' deployment)
    std::uint64_t log_chunk = 5000;  ///< blocks per eth_getLogs during discovery
    unsigned journal_depth = 64;     ///< blocks of changes kept to roll back a reorg
    std::uint64_t chain_id = 1;      ///< recorded in the market
    /// V3 bootstrap: read the tick bitmaps in the EVM (one eth_call of a never-deployed reader
    /// contract per ~4,000 words, only the non-zero words returned) instead of one eth_call per
    /// word; falls back to the per-word reads when the node refuses the call.
    bool bitmaps_in_evm = true;
    /// Curve and Balancer pools to follow, with their static parameters (a snapshot: coins,
    /// rates, weights, scaling factors). Their balances cannot be derived from their events, so
    /// any event of theirs (Balancer: a Vault event for their pool id) makes macf read their
    /// balances, A and fees again, in one batch, at that block.
    Market watch;
    /// The Balancer V2 Vault whose events concern the watched Balancer pools.
    Address balancer_vault = *Address::parse("0xba12222222228d8ba445958a75a0704d566bf2c8");
};

/// What one applied block did.
struct BlockReport {
    std::uint64_t number = 0;
    std::size_t logs = 0;           ///< logs of followed pools and factories applied
    std::size_t pools_changed = 0;  ///< pools whose state changed
    std::size_t pools_created = 0;  ///< pools discovered in the block
    std::uint64_t rpc_calls = 0;    ///< JSON-RPC calls made for this block
    std::uint64_t eth_calls = 0;    ///< of which eth_call (0 for V2/V3 pool updates)
    unsigned rolled_back = 0;       ///< blocks rolled back before it (a reorg), else 0
};

/// What a follower needs to resume where it stopped instead of bootstrapping again (written by
/// serve and sync, host/io/follower_checkpoint.hpp).
struct FollowerCheckpoint {
    Market market;               ///< every followed pool as of market.block
    chain::Hash32 block_hash{};  ///< the hash of market.block when it was written
    /// liquidityGross of each V3 pool's initialized ticks, in the order of its state's ticks
    /// (pool index → values): what Mint and Burn logs change besides liquidityNet.
    std::vector<std::pair<std::uint32_t, std::vector<dex::U256>>> v3_gross;
    /// The Balancer pools' ids (pool index → id), whose Vault events concern them.
    std::vector<std::pair<std::uint32_t, chain::Hash32>> balancer_ids;
};

/// Reports discovery progress: (what, done, total).
using SyncProgress = std::function<void(const std::string&, std::uint64_t, std::uint64_t)>;

/// A failure of the follower that leaves its state as it was before the call.
class SyncError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A reorg deeper than the journal: the follower must bootstrap again.
class ReorgTooDeep : public SyncError {
  public:
    using SyncError::SyncError;
};

/// The highest head block the follower believes (2^40, ~10^12: Ethereum is at ~2.4·10^7 and
/// the fastest chains at ~10^9); a node reporting more is answering wrongly.
inline constexpr std::uint64_t kMaxBlockNumber = std::uint64_t{1} << 40;

/// The chain follower. Not thread-safe; one per RPC client.
class ChainSync {
  public:
    ChainSync(chain::RpcClient& rpc, SyncConfig config);

    /// Discovers every pool of the factories from `from_block` to `head` (the latest block
    /// when absent), reads tokens and pool states at `head` in batches, and starts following
    /// from there. Returns the block synced to.
    std::uint64_t bootstrap(std::optional<std::uint64_t> head = std::nullopt,
                            const SyncProgress& progress = {});
    /// The state to resume from later (resume()); taken between blocks.
    [[nodiscard]] FollowerCheckpoint checkpoint() const;
    /// Starts from `checkpoint` instead of a bootstrap: no discovery and no state reads, one
    /// header to check that its block is still canonical; follow() then catches up by logs.
    /// Returns the checkpoint's block. Throws SyncError, state unchanged, when the block's hash
    /// is no longer the chain's (reorganised away: bootstrap instead), it is beyond the head, or
    /// the checkpoint is inconsistent (another chain id, a gross list that does not match its
    /// pool's ticks, an index out of range).
    std::uint64_t resume(FollowerCheckpoint checkpoint);
    /// The configuration a checkpoint must have been written with to be resumed: factories
    /// (address, kind, fee, label), the discovery start, the watched pools and the chain id, as
    /// one line of text.
    [[nodiscard]] std::string config_fingerprint() const;
    /// Applies every block from the last synced one to the chain's head, rolling back first
    /// when the chain reorganised. Throws SyncError (state unchanged for the failed block) on
    /// RPC failures and malformed data; earlier blocks of the call stay applied.
    std::vector<BlockReport> follow();

    /// The market as of the last synced block.
    const Market& market() const noexcept { return market_; }
    /// The last block applied.
    std::uint64_t synced_block() const noexcept { return synced_; }
    /// Pools changed since the last call (indices into market().pools), each once.
    std::vector<std::uint32_t> take_dirty();
    /// Publishes the V2/V3 pools changed since the last call to `cache` (their records, which
    /// marks them dirty for the next scoring round); no RPC, no cache read, work in proportion
    /// to the changed pools. Records the cache lets expire are read again from the market by
    /// the engine on its next full round. Curve and Balancer pools have no record (the engine
    /// reads them from the market). Returns the number of records written. `changed`, when
    /// given, receives the pools changed since the last call (all kinds; what take_dirty()
    /// would have returned).
    std::size_t publish(ReserveCache& cache, std::vector<std::uint32_t>* changed = nullptr);
    /// Reads `pools` (indices) again from the chain at the synced block, in batches: for pools
    /// explicitly invalidated. Returns the eth_calls made. Throws SyncError, state unchanged.
    std::uint64_t refetch(const std::vector<std::uint32_t>& pools);
    /// eth_calls made since construction (bootstrap, token metadata, refetch).
    std::uint64_t eth_calls() const noexcept { return eth_calls_; }
    /// liquidityGross of V3 pool `pool`'s initialized ticks, for checks against the contract.
    const std::map<std::int32_t, dex::U256>& v3_gross(std::uint32_t pool) const;

  private:
    struct Touched {  // a pool's state before the first change in a block
        std::uint32_t pool;
        decltype(Pool::state) state;
        std::map<std::int32_t, dex::U256> gross;
    };
    struct JournalEntry {
        std::uint64_t number;
        chain::Hash32 hash;
        std::vector<Touched> touched;
        std::size_t pools_before;  // pools created in the block are dropped on rollback
        std::size_t tokens_before;
    };
    struct PoolCreation {  // a factory's creation event, decoded; tokens not resolved yet
        Pool pool;
        Address token0;
        Address token1;
    };
    struct DecodedBlock {  // a block's logs decoded, nothing applied
        std::vector<std::variant<PoolCreation, PoolUpdate>> changes;  // in log order
        std::vector<Address> new_tokens;    // of created pools, unknown so far, sorted
        std::vector<std::uint32_t> reread;  // watched pools with an event in the block
        std::size_t watched_logs = 0;       // their logs
    };

    /// Reads the balances (and A, fees) of watched pools `pools` at `block`; the new states, in
    /// order. Applies nothing.
    std::vector<decltype(Pool::state)> read_watched(const std::vector<std::uint32_t>& pools,
                                                    std::uint64_t block);
    void add_watched_pools(std::uint64_t block);
    std::vector<chain::LogEntry> get_logs(std::uint64_t from, std::uint64_t to,
                                          const std::vector<Address>& addresses,
                                          const std::vector<chain::Hash32>& topics);
    std::uint32_t token_index(const Address& a, std::vector<Address>& unknown);
    void fetch_tokens(const std::vector<Address>& tokens, std::uint64_t block);
    void fetch_pool_states(const std::vector<std::uint32_t>& pools, std::uint64_t block,
                           const SyncProgress& progress);
    // fetch_pool_states's steps: slots (returns the initialized V3 pools), bitmaps (returns
    // their initialized ticks), ticks (gross and net of each).
    std::vector<std::uint32_t> read_pool_slots(const std::vector<std::uint32_t>& pools,
                                               std::uint64_t block);
    std::vector<std::pair<std::uint32_t, std::int32_t>> read_tick_bitmaps(
        const std::vector<std::uint32_t>& v3_live, std::uint64_t block,
        const SyncProgress& progress);
    void read_ticks(const std::vector<std::uint32_t>& v3_live,
                    const std::vector<std::pair<std::uint32_t, std::int32_t>>& ticks,
                    std::uint64_t block);
    chain::BlockHeader header(std::uint64_t number);
    void apply_block(const chain::BlockHeader& h, const std::vector<chain::LogEntry>& logs,
                     BlockReport& report);
    std::optional<PoolCreation> decode_creation(const chain::LogEntry& log) const;
    DecodedBlock decode_block(const chain::BlockHeader& h,
                              const std::vector<chain::LogEntry>& logs) const;
    std::vector<Token> read_new_tokens(const std::vector<Address>& tokens, std::uint64_t block);
    void commit_block(const chain::BlockHeader& h, DecodedBlock& block,
                      const std::vector<Token>& tokens,
                      std::vector<decltype(Pool::state)> reread_states, BlockReport& report);
    void add_pool(PoolCreation creation, std::vector<Address>& unknown);
    void apply_update(const PoolUpdate& update, JournalEntry& entry);
    void apply_liquidity(std::uint32_t pool, const V3LiquidityUpdate& update);
    void touch(std::uint32_t pool, JournalEntry& entry);
    void rebuild_ticks(std::uint32_t pool);
    unsigned roll_back_to_common_ancestor();
    const FactoryConfig* factory_of(const Address& a) const;
    /// `head` when it is a believable block number; throws SyncError above kMaxBlockNumber.
    std::uint64_t checked_head(std::uint64_t head) const;

    chain::RpcClient& rpc_;
    SyncConfig config_;
    Market market_;
    std::unordered_map<Address, std::uint32_t, chain::AddressHash> pool_index_;
    std::unordered_map<Address, std::uint32_t, chain::AddressHash> token_index_;
    std::unordered_map<std::uint32_t, std::map<std::int32_t, dex::U256>> gross_;
    std::unordered_map<std::uint32_t, std::map<std::int32_t, Int128>> net_;
    std::deque<JournalEntry> journal_;
    std::vector<std::uint32_t> dirty_;
    std::vector<bool> is_dirty_;
    std::unordered_map<Address, std::uint32_t, chain::AddressHash> watched_;  // Curve, by address
    std::map<chain::Hash32, std::uint32_t> balancer_ids_;                     // by pool id
    std::uint64_t synced_ = 0;
    chain::Hash32 synced_hash_{};
    std::uint64_t eth_calls_ = 0;
};

}  // namespace macf::host
