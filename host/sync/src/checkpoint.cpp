// SPDX-License-Identifier: Apache-2.0
// ChainSync's warm start: the state it keeps besides the market (liquidityGross of V3 ticks,
// Balancer pool ids, the synced block's hash) taken as a checkpoint, and a follower rebuilt from
// one after its block has been checked against the chain.
#include <spdlog/spdlog.h>

#include "macf/chain/hex.hpp"
#include "macf/host/sync/chain_sync.hpp"
#include "sync_detail.hpp"

namespace macf::host {

FollowerCheckpoint ChainSync::checkpoint() const {
    FollowerCheckpoint c;
    c.market = market_;
    c.block_hash = synced_hash_;
    for (std::uint32_t p = 0; p < market_.pools.size(); ++p) {
        const auto* s = std::get_if<UniswapV3State>(&market_.pools[p].state);
        if (s == nullptr) continue;
        std::vector<U256> gross;
        const auto pool_gross = gross_.find(p);
        for (const auto& t : s->ticks) {
            U256 g;  // every tick of the state has a gross; zero would be refused on resume
            if (pool_gross != gross_.end())
                if (const auto it = pool_gross->second.find(t.tick); it != pool_gross->second.end())
                    g = it->second;
            gross.push_back(g);
        }
        c.v3_gross.emplace_back(p, std::move(gross));
    }
    for (const auto& [id, pool] : balancer_ids_) c.balancer_ids.emplace_back(pool, id);
    return c;
}

std::string ChainSync::config_fingerprint() const {
    std::string f = "chain " + std::to_string(config_.chain_id) + "; from " +
                    std::to_string(config_.from_block) + "; factories";
    for (const auto& x : config_.factories)
        f += " " + x.address.to_hex() + ":" + std::to_string(static_cast<int>(x.kind)) + ":" +
             std::to_string(x.fee_bps) + ":" + x.dex;
    f += "; watched";
    for (const auto& p : config_.watch.pools) f += " " + p.address.to_hex();
    return f;
}

std::uint64_t ChainSync::resume(FollowerCheckpoint c) {
    if (!c.market.block) throw SyncError("the checkpoint's market has no block");
    const std::uint64_t block = *c.market.block;
    if (c.market.chain_id != config_.chain_id)
        throw SyncError("the checkpoint is of chain " + std::to_string(c.market.chain_id) +
                        ", not " + std::to_string(config_.chain_id));
    const std::uint64_t head =
        checked_head(chain::parse_quantity_u64(rpc_.call("eth_blockNumber").text));
    if (block > head)
        throw SyncError("the checkpoint's block " + std::to_string(block) +
                        " is beyond the chain's head " + std::to_string(head));
    std::unordered_map<std::uint32_t, std::map<std::int32_t, U256>> gross;
    std::unordered_map<std::uint32_t, std::map<std::int32_t, Int128>> net;
    for (auto& [p, values] : c.v3_gross) {
        const auto* s = p < c.market.pools.size()
                            ? std::get_if<UniswapV3State>(&c.market.pools[p].state)
                            : nullptr;
        if (s == nullptr || s->ticks.size() != values.size())
            throw SyncError("the checkpoint's liquidityGross of pool " + std::to_string(p) +
                            " does not match its ticks");
        for (std::size_t k = 0; k < values.size(); ++k) {
            if (values[k].is_zero())
                throw SyncError("the checkpoint lists tick " + std::to_string(s->ticks[k].tick) +
                                " of pool " + std::to_string(p) + " with no liquidityGross");
            gross[p][s->ticks[k].tick] = values[k];
            net[p][s->ticks[k].tick] = s->ticks[k].liquidity_net;
        }
    }
    std::map<chain::Hash32, std::uint32_t> balancer;
    for (const auto& [p, id] : c.balancer_ids) {
        if (p >= c.market.pools.size())
            throw SyncError("the checkpoint names Balancer pool " + std::to_string(p) + " of " +
                            std::to_string(c.market.pools.size()));
        balancer[id] = p;
    }
    // The seam: the block it was written at must still be the chain's.
    const auto h = header(block);
    if (h.hash != c.block_hash)
        throw SyncError("the checkpoint's block " + std::to_string(block) +
                        " is no longer on the chain (reorganised away): bootstrap instead");
    // Committed: nothing below can fail.
    market_ = std::move(c.market);
    market_.index();
    pool_index_.clear();
    token_index_.clear();
    watched_.clear();
    for (std::uint32_t t = 0; t < market_.tokens.size(); ++t)
        token_index_.emplace(market_.tokens[t].address, t);
    for (std::uint32_t p = 0; p < market_.pools.size(); ++p) {
        pool_index_.emplace(market_.pools[p].address, p);
        if (market_.pools[p].kind == PoolKind::kCurveStable)
            watched_.emplace(market_.pools[p].address, p);
    }
    gross_ = std::move(gross);
    net_ = std::move(net);
    balancer_ids_ = std::move(balancer);
    synced_ = block;
    synced_hash_ = h.hash;
    journal_.clear();
    journal_.push_back({block, h.hash, {}, market_.pools.size(), market_.tokens.size()});
    dirty_.clear();
    is_dirty_.assign(market_.pools.size(), true);
    for (std::uint32_t p = 0; p < market_.pools.size(); ++p) dirty_.push_back(p);
    spdlog::info("resumed {} pools at block {} from a checkpoint (head {})", market_.pools.size(),
                 block, head);
    return block;
}

}  // namespace macf::host
