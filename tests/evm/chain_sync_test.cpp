// SPDX-License-Identifier: Apache-2.0
// macf following a real node: Hardhat with the unmodified Uniswap V2/V3 bytecode
// (tools/evm/deploy-fixture.js deploys factories and pools). macf discovers the pools from the
// factories' events and reads their state; then random swaps, mints and burns are mined,
// several per block, and after every block macf's state of every pool (reserves; slot0,
// liquidity and every initialized tick's gross and net liquidity) must equal the contract's.
// A reorg made with evm_snapshot/evm_revert must leave macf on the new branch.
// Run by ctest under tools/evm/with-node.sh; skips when MACF_RPC_URL or the fixture is absent.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "macf/chain/abi.hpp"
#include "macf/chain/eth.hpp"
#include "macf/chain/hex.hpp"
#include "macf/chain/rpc_client.hpp"
#include "macf/chain/ws_subscription.hpp"
#include "macf/dex/u256_text.hpp"
#include "macf/dex/uniswap_v2.hpp"
#include "macf/host/io/follower_checkpoint.hpp"
#include "macf/host/io/market_json.hpp"
#include "macf/host/model/pool_state.hpp"
#include "macf/host/sync/chain_sync.hpp"
#include "tcp_proxy.hpp"

namespace {

using macf::chain::AbiReader;
using macf::chain::Address;
using macf::chain::Word;
using macf::chain::word_of;
using macf::dex::U256;

Address addr(const std::string& s) { return *Address::parse(s); }

struct Fixture {
    Address v2_factory, v3_factory, callee, trader, owner;
    std::vector<Address> tokens;
    struct V3 {
        Address address;
        std::int32_t spacing;
    };
    std::vector<Address> v2_pairs;
    std::vector<V3> v3_pools;
    Address curve_mock, vault_mock, balancer_mock;  // stand-ins (tools/evm/MockPools.sol)
    std::string balancer_pool_id;
};

std::optional<Fixture> load_fixture() {
    const char* path = std::getenv("MACF_EVM_FIXTURE");
    if (path == nullptr || std::getenv("MACF_RPC_URL") == nullptr) return std::nullopt;
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    const auto j = macf::chain::json::parse(ss.str());
    Fixture f;
    f.v2_factory = addr(j.find("v2_factory")->text);
    f.v3_factory = addr(j.find("v3_factory")->text);
    f.callee = addr(j.find("callee")->text);
    f.trader = addr(j.find("trader")->text);
    f.owner = addr(j.find("owner")->text);
    for (const auto& t : j.find("tokens")->items) f.tokens.push_back(addr(t.text));
    for (const auto& p : j.find("v2_pairs")->items) f.v2_pairs.push_back(addr(p.text));
    f.curve_mock = addr(j.find("curve_mock")->text);
    f.vault_mock = addr(j.find("vault_mock")->text);
    f.balancer_mock = addr(j.find("balancer_mock")->text);
    f.balancer_pool_id = j.find("balancer_pool_id")->text;
    for (const auto& p : j.find("v3_pools")->items) {
        f.v3_pools.push_back({addr(p.find("address")->text),
                              static_cast<std::int32_t>(std::stoi(p.find("spacing")->text))});
    }
    return f;
}

class ChainSyncOnNode : public ::testing::Test {
  protected:
    void SetUp() override {
        fixture_ = load_fixture();
        if (!fixture_) {
            GTEST_SKIP() << "needs a node: run by ctest under tools/evm/with-node.sh with "
                            "MACF_EVM_FIXTURE from tools/evm/deploy-fixture.js";
        }
        rpc_ = std::make_unique<macf::chain::RpcClient>(
            macf::chain::make_http_transport(std::getenv("MACF_RPC_URL")));
    }

    std::vector<std::uint8_t> call(const Address& to, const std::string& data,
                                   std::uint64_t block) {
        const auto v =
            rpc_->call("eth_call", "[{\"to\":\"" + to.to_hex() + "\",\"data\":\"" + data +
                                       "\"},\"" + macf::chain::quantity(block) + "\"]");
        return *macf::chain::from_hex(v.text);
    }

    void send(const Address& from, const Address& to, const std::string& data) {
        rpc_->call("eth_sendTransaction", "[{\"from\":\"" + from.to_hex() + "\",\"to\":\"" +
                                              to.to_hex() + "\",\"data\":\"" + data +
                                              "\",\"gas\":\"0x1c9c380\"}]");
    }

    /// Every pool of `sync` against the contracts at the synced block.
    void verify(const macf::host::ChainSync& sync, std::size_t& ticks_checked) {
        const std::uint64_t block = sync.synced_block();
        const auto& m = sync.market();
        for (std::uint32_t p = 0; p < m.pools.size(); ++p) {
            const auto& pool = m.pools[p];
            SCOPED_TRACE("block " + std::to_string(block) + " pool " + pool.address.to_hex());
            if (const auto* v2 = std::get_if<macf::host::UniswapV2State>(&pool.state)) {
                const auto r =
                    call(pool.address, macf::chain::encode_call("getReserves()", {}), block);
                EXPECT_EQ(AbiReader(r).uint(0), v2->reserve0);
                EXPECT_EQ(AbiReader(r).uint(1), v2->reserve1);
                continue;
            }
            if (const auto* c = std::get_if<macf::host::CurveStableState>(&pool.state)) {
                for (std::size_t k = 0; k < c->balances.size(); ++k) {
                    const Word arg = word_of(U256{k});
                    const auto b = call(
                        pool.address,
                        macf::chain::encode_call("balances(uint256)", std::span(&arg, 1)), block);
                    EXPECT_EQ(AbiReader(b).uint(0), c->balances[k]) << "coin " << k;
                }
                EXPECT_EQ(AbiReader(call(pool.address, macf::chain::encode_call("A()", {}), block))
                              .uint(0),
                          c->amp);
                continue;
            }
            if (const auto* w = std::get_if<macf::host::BalancerWeightedState>(&pool.state)) {
                const Word id = word_of(
                    macf::chain::u256_of(macf::chain::parse_hash(fixture_->balancer_pool_id)));
                const auto r = call(
                    fixture_->vault_mock,
                    macf::chain::encode_call("getPoolTokens(bytes32)", std::span(&id, 1)), block);
                EXPECT_EQ(AbiReader(r).uint_array(1), w->balances);
                continue;
            }
            const auto& v3 = std::get<macf::host::UniswapV3State>(pool.state);
            const auto slot0 = call(pool.address, macf::chain::encode_call("slot0()", {}), block);
            EXPECT_EQ(AbiReader(slot0).uint(0), v3.sqrt_price_x96);
            EXPECT_EQ(macf::dex::low_int64(AbiReader(slot0).sint(1, 24)), v3.tick);
            const auto liq = call(pool.address, macf::chain::encode_call("liquidity()", {}), block);
            EXPECT_EQ(AbiReader(liq).uint(0), v3.liquidity);
            std::set<std::int32_t> ticks = touched_ticks_[pool.address.to_hex()];
            for (const auto& t : v3.ticks) ticks.insert(t.tick);
            const auto& gross = sync.v3_gross(p);
            for (const auto t : ticks) {
                const Word arg = word_of(macf::dex::I256{t});
                const auto info =
                    call(pool.address, macf::chain::encode_call("ticks(int24)", std::span(&arg, 1)),
                         block);
                const auto it = gross.find(t);
                const U256 ours_gross = it == gross.end() ? U256{} : it->second;
                EXPECT_EQ(AbiReader(info).uint(0), ours_gross) << "tick " << t;
                macf::dex::Int128 ours_net = 0;
                for (const auto& tk : v3.ticks) {
                    if (tk.tick == t) ours_net = tk.liquidity_net;
                }
                const auto net = AbiReader(info).sint(1, 128);
                const auto mag = macf::dex::magnitude(net);
                const auto m128 = static_cast<macf::dex::Int128>(mag.w[0]) |
                                  (static_cast<macf::dex::Int128>(mag.w[1]) << 64);
                EXPECT_EQ(net.negative() ? -m128 : m128, ours_net) << "tick " << t;
                ++ticks_checked;
            }
        }
    }

    /// Several random swaps, mints and burns, then one mined block. Returns true when the block
    /// has an event of a watched (Curve/Balancer stand-in) pool.
    bool trade_block(std::mt19937_64& rng, const macf::host::ChainSync& sync) {
        rpc_->call("evm_setAutomine", "[false]");
        bool watched = false;
        if (rng() % 3 == 0) {  // a Curve exchange that keeps an admin fee its event does not show
            const U256 dx{1000000000000000ULL * (1 + rng() % 1000)};
            const Word args[] = {word_of(macf::dex::I256{0}), word_of(macf::dex::I256{1}),
                                 word_of(dx), word_of(dx), word_of(U256{rng() % 1000})};
            send(fixture_->trader, fixture_->curve_mock,
                 macf::chain::encode_call("exchange(int128,int128,uint256,uint256,uint256)", args));
            watched = true;
        }
        if (rng() % 3 == 0) {  // a Vault swap whose input loses a protocol fee
            const U256 amount{1000000000000000ULL * (1 + rng() % 1000)};
            const Word args[] = {
                word_of(macf::chain::u256_of(macf::chain::parse_hash(fixture_->balancer_pool_id))),
                word_of(U256{1}),
                word_of(U256{0}),
                word_of(amount),
                word_of(amount / U256{2}),
                word_of(U256{rng() % 5000})};
            send(fixture_->trader, fixture_->vault_mock,
                 macf::chain::encode_call("swap(bytes32,uint256,uint256,uint256,uint256,uint256)",
                                          args));
            watched = true;
        }
        const auto& m = sync.market();
        std::set<std::uint32_t> v2_used;
        const unsigned actions = 3 + static_cast<unsigned>(rng() % 5);
        for (unsigned a = 0; a < actions; ++a) {
            const auto p = static_cast<std::uint32_t>(rng() % m.pools.size());
            const auto& pool = m.pools[p];
            if (pool.kind != macf::host::PoolKind::kUniswapV2 &&
                pool.kind != macf::host::PoolKind::kUniswapV3) {
                continue;  // the watched stand-ins move above
            }
            if (pool.kind == macf::host::PoolKind::kUniswapV2) {
                if (!v2_used.insert(p).second) continue;  // one V2 swap per pair and block
                const auto& s = std::get<macf::host::UniswapV2State>(pool.state);
                const bool zero_for_one = (rng() & 1) != 0;
                const U256& r_in = zero_for_one ? s.reserve0 : s.reserve1;
                const U256& r_out = zero_for_one ? s.reserve1 : s.reserve0;
                const U256 amount_in = r_in * U256{1 + rng() % 50} / U256{1000};
                U256 out;
                macf::dex::v2_get_amount_out(amount_in, r_in, r_out, macf::dex::v2_fee_from_bps(30),
                                             out);
                const Address token_in = m.tokens[pool.tokens[zero_for_one ? 0 : 1]].address;
                const Word transfer[] = {word_of(pool.address), word_of(amount_in)};
                send(fixture_->trader, token_in,
                     macf::chain::encode_call("transfer(address,uint256)", transfer));
                const Word swap[] = {
                    word_of(zero_for_one ? U256{} : out), word_of(zero_for_one ? out : U256{}),
                    word_of(fixture_->trader), word_of(U256{128}), word_of(U256{})};
                send(fixture_->trader, pool.address,
                     macf::chain::encode_call("swap(uint256,uint256,address,bytes)", swap));
                continue;
            }
            const auto spacing = std::get<macf::host::UniswapV3State>(pool.state).tick_spacing;
            const auto tick = std::get<macf::host::UniswapV3State>(pool.state).tick;
            auto& positions = positions_[pool.address.to_hex()];
            const std::uint64_t kind = rng() % 10;
            if (kind < 6) {  // swap
                const bool zero_for_one = (rng() & 1) != 0;
                const bool exact_in = (rng() & 1) != 0;
                U256 amount =
                    U256{1 + rng() % 1000} * U256{1000000000000000000ULL} / U256{1 + rng() % 100};
                const macf::dex::I256 specified = exact_in ? macf::dex::I256::from_bits(amount)
                                                           : -macf::dex::I256::from_bits(amount);
                const Word args[] = {word_of(pool.address), word_of(zero_for_one),
                                     word_of(specified),
                                     word_of(macf::dex::v3_default_price_limit(zero_for_one))};
                send(fixture_->trader, fixture_->callee,
                     macf::chain::encode_call("swap(address,bool,int256,uint160)", args));
            } else if (kind < 8 || positions.empty()) {  // mint around the current tick
                const std::int32_t base = tick / spacing * spacing;
                const std::int32_t lower =
                    base - spacing * static_cast<std::int32_t>(1 + rng() % 40);
                const std::int32_t upper =
                    base + spacing * static_cast<std::int32_t>(1 + rng() % 40);
                const U256 liquidity{1000000000000000000ULL * (1 + rng() % 1000)};
                const Word args[] = {word_of(pool.address), word_of(macf::dex::I256{lower}),
                                     word_of(macf::dex::I256{upper}), word_of(liquidity)};
                send(fixture_->trader, fixture_->callee,
                     macf::chain::encode_call("mint(address,int24,int24,uint128)", args));
                positions.push_back({lower, upper, liquidity});
                touched_ticks_[pool.address.to_hex()].insert(lower);
                touched_ticks_[pool.address.to_hex()].insert(upper);
            } else {  // burn part of a position minted by the test
                auto& pos = positions[rng() % positions.size()];
                const U256 amount = pos.liquidity / U256{1 + rng() % 3};
                if (amount.is_zero()) continue;
                const Word args[] = {word_of(macf::dex::I256{pos.lower}),
                                     word_of(macf::dex::I256{pos.upper}), word_of(amount)};
                send(fixture_->trader, pool.address,
                     macf::chain::encode_call("burn(int24,int24,uint128)", args));
                pos.liquidity = pos.liquidity - amount;
            }
        }
        rpc_->call("evm_mine");
        rpc_->call("evm_setAutomine", "[true]");
        return watched;
    }

    macf::host::SyncConfig config() const {
        macf::host::SyncConfig c;
        c.factories = {{fixture_->v2_factory, macf::host::PoolKind::kUniswapV2, 30, "uniswap_v2"},
                       {fixture_->v3_factory, macf::host::PoolKind::kUniswapV3, 0, "uniswap_v3"}};
        c.chain_id = 31337;
        c.journal_depth = 16;
        // The Curve and Balancer stand-ins, watched with their static parameters.
        for (std::size_t t = 0; t < 4; ++t)
            c.watch.tokens.push_back({fixture_->tokens[t], "T" + std::to_string(t), 18});
        macf::host::Pool curve;
        curve.address = fixture_->curve_mock;
        curve.kind = macf::host::PoolKind::kCurveStable;
        curve.dex = "curve";
        curve.tokens = {0, 1};
        macf::host::CurveStableState cs;
        cs.balances = {U256{}, U256{}};
        cs.rates = {U256{1000000000000000000ULL}, U256{1000000000000000000ULL}};
        cs.a_precision = 1;
        curve.state = cs;
        macf::host::Pool balancer;
        balancer.address = fixture_->balancer_mock;
        balancer.kind = macf::host::PoolKind::kBalancerWeighted;
        balancer.dex = "balancer_v2";
        balancer.tokens = {2, 3};
        macf::host::BalancerWeightedState ws;
        ws.balances = {U256{}, U256{}};
        ws.weights = {U256{500000000000000000ULL}, U256{500000000000000000ULL}};
        ws.scaling_factors = {U256{1000000000000000000ULL}, U256{1000000000000000000ULL}};
        balancer.state = ws;
        c.watch.pools = {curve, balancer};
        c.balancer_vault = fixture_->vault_mock;
        return c;
    }

    struct Position {
        std::int32_t lower, upper;
        U256 liquidity;
    };
    std::optional<Fixture> fixture_;
    std::unique_ptr<macf::chain::RpcClient> rpc_;
    std::map<std::string, std::vector<Position>> positions_;
    std::map<std::string, std::set<std::int32_t>> touched_ticks_;
};

TEST_F(ChainSyncOnNode, StateEqualsTheContractsAfterEveryBlockAndAfterAReorg) {
    macf::chain::RpcClient follower_rpc(
        macf::chain::make_http_transport(std::getenv("MACF_RPC_URL")));
    macf::host::ChainSync sync(follower_rpc, config());
    sync.bootstrap();
    // The fixture's pairs and pools, one V3 pool created but never initialized, and the two
    // watched stand-ins.
    ASSERT_EQ(sync.market().pools.size(),
              fixture_->v2_pairs.size() + fixture_->v3_pools.size() + 3);
    std::size_t ticks_checked = 0;
    verify(sync, ticks_checked);
    std::mt19937_64 rng(2026);
    std::size_t logs = 0;
    std::size_t watched_blocks = 0;
    for (int b = 0; b < 40; ++b) {
        const bool watched = trade_block(rng, sync);
        const auto reports = sync.follow();
        ASSERT_EQ(reports.size(), 1U);
        // No eth_call for V2/V3; the watched Curve/Balancer pools are read again on their events.
        if (watched) {
            EXPECT_GT(reports[0].eth_calls, 0U);
            ++watched_blocks;
        } else {
            EXPECT_EQ(reports[0].eth_calls, 0U) << "the steady state needs no eth_call";
        }
        logs += reports[0].logs;
        verify(sync, ticks_checked);
        if (HasFailure()) return;
    }
    EXPECT_GT(logs, 100U);
    EXPECT_GT(watched_blocks, 5U);
    // The follower feeds the reserve cache: the changed pools' records, and the one dirty set.
    macf::host::ReserveCache cache(std::chrono::hours(1));            // no expiry within the test
    const std::size_t with_records = sync.market().pools.size() - 2;  // all but the stand-ins
    std::vector<std::uint32_t> changed;
    EXPECT_EQ(sync.publish(cache, &changed), with_records);  // first time: every V2/V3 pool
    EXPECT_EQ(changed.size(), sync.market().pools.size());   // every pool, all kinds
    EXPECT_EQ(cache.stats().entries, with_records);
    EXPECT_EQ(cache.stats().hits + cache.stats().misses, 0U);  // publishing reads nothing
    trade_block(rng, sync);
    const auto one = sync.follow();
    ASSERT_EQ(one.size(), 1U);
    const std::size_t written = sync.publish(cache, &changed);
    EXPECT_LE(written, one[0].pools_changed);
    EXPECT_EQ(changed.size(), one[0].pools_changed);
    for (const auto p : changed) {  // each record equals the follower's state of that pool
        if (!macf::host::pool_state_of(sync.market().pools[p]).valid) continue;
        const auto record = cache.get(sync.market().pools[p].address);
        ASSERT_TRUE(record);
        EXPECT_EQ(record->x, macf::host::pool_state_of(sync.market().pools[p]).x);
        EXPECT_EQ(record->y, macf::host::pool_state_of(sync.market().pools[p]).y);
    }
    EXPECT_EQ(sync.publish(cache, &changed), 0U);  // nothing changed since
    EXPECT_TRUE(changed.empty());
    // An explicit invalidation refetches in batches and finds the same state.
    const auto before = sync.market();
    std::vector<std::uint32_t> all(sync.market().pools.size());
    for (std::uint32_t i = 0; i < all.size(); ++i) all[i] = i;
    EXPECT_GT(sync.refetch(all), 0U);
    verify(sync, ticks_checked);
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (const auto* v2 = std::get_if<macf::host::UniswapV2State>(&before.pools[i].state)) {
            EXPECT_EQ(v2->reserve0,
                      std::get<macf::host::UniswapV2State>(sync.market().pools[i].state).reserve0);
        } else if (const auto* v3 =
                       std::get_if<macf::host::UniswapV3State>(&before.pools[i].state)) {
            EXPECT_EQ(
                v3->ticks.size(),
                std::get<macf::host::UniswapV3State>(sync.market().pools[i].state).ticks.size());
        }
    }
    // A pair created while following: found from the factory's event, state from its Sync.
    rpc_->call("evm_setAutomine", "[false]");
    const Word create[] = {word_of(fixture_->tokens[1]), word_of(fixture_->tokens[3])};
    send(fixture_->owner, fixture_->v2_factory,
         macf::chain::encode_call("createPair(address,address)", create));
    rpc_->call("evm_mine");
    rpc_->call("evm_setAutomine", "[true]");
    auto reports = sync.follow();
    ASSERT_EQ(reports.size(), 1U);
    EXPECT_EQ(reports[0].pools_created, 1U);
    verify(sync, ticks_checked);

    // Reorg: branch A of 3 blocks, followed; back to the snapshot; branch B of 4 other blocks.
    const auto snapshot = rpc_->call("evm_snapshot").text;
    for (int b = 0; b < 3; ++b) trade_block(rng, sync);
    reports = sync.follow();
    ASSERT_EQ(reports.size(), 3U);
    verify(sync, ticks_checked);
    ASSERT_TRUE(rpc_->call("evm_revert", "[\"" + snapshot + "\"]").boolean);
    std::mt19937_64 other(99);
    for (int b = 0; b < 4; ++b) trade_block(other, sync);
    reports = sync.follow();
    ASSERT_FALSE(reports.empty());
    EXPECT_EQ(reports[0].rolled_back, 3U);
    verify(sync, ticks_checked);
    std::printf(
        "[ synced   ] %zu pools over 49 blocks (and 3 reorged), %zu logs applied, %zu initialized "
        "ticks "
        "checked against the contracts, one 3-block reorg rolled back\n",
        sync.market().pools.size(), logs, ticks_checked);
}

TEST_F(ChainSyncOnNode, TickBitmapsReadInTheEvmEqualTheWordByWordReadWithFarFewerCalls) {
    // The same bootstrap at the same block, the tick bitmaps read in the EVM (the
    // TickBitmapReader creation code sent with eth_call) and one eth_call per word: the same
    // market, V3 ticks included, for a fraction of the calls (printed: docs/operations.md).
    std::mt19937_64 rng(7);
    macf::chain::RpcClient setup_rpc(macf::chain::make_http_transport(std::getenv("MACF_RPC_URL")));
    {
        macf::host::ChainSync warm(setup_rpc, config());
        warm.bootstrap();
        (void)trade_block(rng, warm);  // a few more initialized ticks
    }
    const std::uint64_t head =
        macf::chain::parse_quantity_u64(setup_rpc.call("eth_blockNumber").text);
    const auto bootstrap = [&](bool in_evm, std::uint64_t& eth_calls, std::uint64_t& rpc_calls) {
        macf::chain::RpcClient rpc(macf::chain::make_http_transport(std::getenv("MACF_RPC_URL")));
        auto c = config();
        c.bitmaps_in_evm = in_evm;
        auto sync = std::make_unique<macf::host::ChainSync>(rpc, c);
        const auto t0 = std::chrono::steady_clock::now();
        sync->bootstrap(head);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        eth_calls = sync->eth_calls();
        rpc_calls = rpc.calls();
        std::printf("bootstrap, tick bitmaps %s: %llu eth_calls, %llu JSON-RPC calls, %.2f s\n",
                    in_evm ? "read in the EVM" : "one call per word",
                    static_cast<unsigned long long>(eth_calls),
                    static_cast<unsigned long long>(rpc_calls), seconds);
        std::ostringstream json;
        macf::host::write_market(sync->market(), json);
        return json.str();
    };
    std::uint64_t evm_eth = 0, evm_rpc = 0, word_eth = 0, word_rpc = 0;
    const std::string in_evm = bootstrap(true, evm_eth, evm_rpc);
    const std::string word_by_word = bootstrap(false, word_eth, word_rpc);
    EXPECT_EQ(in_evm, word_by_word);
    EXPECT_NE(in_evm.find("\"ticks\":[{"), std::string::npos) << "no initialized tick was read";
    EXPECT_LT(evm_eth * 5, word_eth);
}

TEST_F(ChainSyncOnNode, AWarmRestartFromACheckpointEqualsAColdBootstrap) {
    // A follower checkpointed at some block; the chain moves on (swaps, mints, burns); a new
    // follower resumes from the checkpoint and catches up by logs. It equals a cold bootstrap at
    // the same head, ticks' liquidityGross included, for a fraction of the calls (printed:
    // docs/operations.md). A checkpoint whose block is no longer canonical, or that was written
    // with another configuration, is not used.
    const auto dir = std::filesystem::temp_directory_path() / "macf_checkpoint_test";
    std::filesystem::remove_all(dir);
    std::mt19937_64 rng(11);
    macf::chain::RpcClient rpc(macf::chain::make_http_transport(std::getenv("MACF_RPC_URL")));
    macf::host::ChainSync first(rpc, config());
    first.bootstrap();
    for (int b = 0; b < 3; ++b) {
        (void)trade_block(rng, first);
        (void)first.follow();
    }
    ASSERT_TRUE(macf::host::save_checkpoint(first, dir));
    for (int b = 0; b < 5; ++b) (void)trade_block(rng, first);  // the gap a restart misses
    const auto text_of = [](const macf::host::ChainSync& sync) {
        std::ostringstream out;
        macf::host::write_market(sync.market(), out);
        for (const auto& [p, gross] : sync.checkpoint().v3_gross)
            for (const auto& g : gross) out << p << ":" << macf::dex::to_string(g) << ",";
        return out.str();
    };
    const auto timed = [](const auto& f) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    macf::chain::RpcClient warm_rpc(macf::chain::make_http_transport(std::getenv("MACF_RPC_URL")));
    macf::host::ChainSync warm(warm_rpc, config());
    std::size_t caught_up = 0;
    const double warm_s = timed([&] {
        ASSERT_TRUE(macf::host::resume_from_checkpoint(warm, dir).has_value());
        caught_up = warm.follow().size();
    });
    EXPECT_EQ(caught_up, 5U);
    macf::chain::RpcClient cold_rpc(macf::chain::make_http_transport(std::getenv("MACF_RPC_URL")));
    macf::host::ChainSync cold(cold_rpc, config());
    const double cold_s = timed([&] { cold.bootstrap(warm.synced_block()); });
    std::printf("cold start: %llu JSON-RPC calls (%llu eth_calls), %.3f s\n",
                static_cast<unsigned long long>(cold_rpc.calls()),
                static_cast<unsigned long long>(cold.eth_calls()), cold_s);
    std::printf(
        "warm start from a checkpoint 5 blocks back: %llu JSON-RPC calls (%llu "
        "eth_calls), %.3f s\n",
        static_cast<unsigned long long>(warm_rpc.calls()),
        static_cast<unsigned long long>(warm.eth_calls()), warm_s);
    EXPECT_EQ(text_of(warm), text_of(cold));
    EXPECT_LT(warm_rpc.calls() * 2, cold_rpc.calls());
    verify(warm, caught_up);

    // The seam: a checkpoint whose block hash is not the chain's is refused, nothing changed.
    auto forged = first.checkpoint();
    forged.block_hash[0] ^= 0xff;
    macf::host::ChainSync refused(warm_rpc, config());
    EXPECT_THROW((void)refused.resume(forged), macf::host::SyncError);
    EXPECT_TRUE(refused.market().pools.empty());
    // Another configuration (one factory fewer): not used.
    auto other = config();
    other.factories.pop_back();
    macf::host::ChainSync elsewhere(warm_rpc, other);
    EXPECT_FALSE(macf::host::resume_from_checkpoint(elsewhere, dir).has_value());
    std::filesystem::remove_all(dir);
}

TEST_F(ChainSyncOnNode, WebSocketDroppedMidwayMissesNoBlockAndNoLog) {
    const std::string http = std::getenv("MACF_RPC_URL");
    const auto port = static_cast<unsigned short>(std::stoi(http.substr(http.rfind(':') + 1)));
    macf::test::TcpProxy proxy(port);
    const std::string ws_url = "ws://127.0.0.1:" + std::to_string(proxy.port()) + "/";
    macf::chain::RpcClient follower_rpc(macf::chain::make_http_transport(http));
    macf::host::ChainSync sync(follower_rpc, config());
    const std::uint64_t start = sync.bootstrap();
    macf::chain::WsSubscription ws(ws_url, std::chrono::seconds(5));
    const auto subscribe = [&] {
        ws.connect();
        (void)ws.subscribe("[\"newHeads\"]");
    };
    subscribe();
    std::vector<std::uint64_t> applied;
    std::size_t logs_applied = 0;
    std::size_t notified = 0;
    std::size_t reconnects = 0;
    const auto on_head = [&] {
        for (const auto& r : sync.follow()) {
            applied.push_back(r.number);
            logs_applied += r.logs;
        }
    };
    std::mt19937_64 rng(7);
    for (int b = 0; b < 20; ++b) {
        if (b == 8) proxy.cut();  // the connection drops; the node keeps mining
        if (b == 12) proxy.restore();
        trade_block(rng, sync);
        if (b >= 8 && b < 12) continue;  // disconnected: nothing arrives
        if (!ws.connected() || b == 12) {
            // Reconnect; the follower fills the gap from the last block it applied.
            try {
                (void)ws.next(std::chrono::milliseconds(50));
            } catch (const macf::chain::TransportError&) {
            }
            subscribe();
            ++reconnects;
            on_head();
            continue;
        }
        try {
            if (ws.next(std::chrono::seconds(5))) {
                ++notified;
                on_head();
            }
        } catch (const macf::chain::TransportError&) {
            subscribe();
            ++reconnects;
            on_head();
        }
    }
    on_head();
    // Every block once, in order, none missing.
    ASSERT_FALSE(applied.empty());
    for (std::size_t i = 0; i < applied.size(); ++i) EXPECT_EQ(applied[i], start + 1 + i);
    EXPECT_EQ(applied.back(), sync.synced_block());
    const auto latest = macf::chain::parse_quantity_u64(rpc_->call("eth_blockNumber").text);
    EXPECT_EQ(sync.synced_block(), latest);
    // Every log of the followed pools applied exactly once: the chain's own count.
    std::vector<Address> pools;
    for (const auto& p : sync.market().pools) pools.push_back(p.address);
    const auto& t = macf::chain::dex_topics();
    const std::vector<macf::chain::Hash32> topics = {t.v2_sync, t.v3_swap, t.v3_mint, t.v3_burn,
                                                     t.v3_initialize};
    const auto chain_logs = rpc_->call(
        "eth_getLogs", macf::chain::logs_filter_params(start + 1, latest, pools, topics));
    std::size_t nonzero = 0;
    // The watched stand-ins' logs (the Curve pool's own; the Vault's for the pool id) count too.
    const std::vector<Address> watched = {fixture_->curve_mock, fixture_->vault_mock};
    const auto watched_logs =
        rpc_->call("eth_getLogs", macf::chain::logs_filter_params(start + 1, latest, watched, {}));
    const auto pool_id = macf::chain::parse_hash(fixture_->balancer_pool_id);
    for (const auto& l : watched_logs.items) {
        const auto log = macf::chain::parse_log(l);
        if (log.address == fixture_->curve_mock ||
            (log.topics.size() >= 2 && log.topics[1] == pool_id))
            ++nonzero;
    }
    for (const auto& l : chain_logs.items) {
        const auto log = macf::chain::parse_log(l);
        // Burns of zero liquidity change nothing and are not counted as applied.
        const bool zero_burn =
            log.topics[0] == t.v3_burn && macf::chain::decode_v3_burn(log).amount.is_zero();
        if (!zero_burn) ++nonzero;
    }
    EXPECT_EQ(logs_applied, nonzero);
    EXPECT_GE(reconnects, 1U);
    EXPECT_GT(notified, 5U);
    std::size_t ticks_checked = 0;
    verify(sync, ticks_checked);
    // A logs subscription delivers the block's logs as notifications.
    macf::chain::WsSubscription logs_ws(ws_url, std::chrono::seconds(5));
    logs_ws.connect();
    std::string filter = "[\"logs\",{\"topics\":[[";
    for (std::size_t i = 0; i < topics.size(); ++i) {
        filter += (i ? ",\"" : "\"") + macf::chain::hash_hex(topics[i]) + "\"";
    }
    filter += "]]}]";
    const std::string logs_id = logs_ws.subscribe(filter);
    // A V2 swap that is sure to log: a transfer and the pair's swap in one block.
    rpc_->call("evm_setAutomine", "[false]");
    {
        const auto& pair = sync.market().pools[0];
        const auto& st = std::get<macf::host::UniswapV2State>(pair.state);
        const U256 amount_in = st.reserve0 / U256{100};
        U256 out;
        macf::dex::v2_get_amount_out(amount_in, st.reserve0, st.reserve1,
                                     macf::dex::v2_fee_from_bps(30), out);
        const Word transfer[] = {word_of(pair.address), word_of(amount_in)};
        send(fixture_->trader, sync.market().tokens[pair.tokens[0]].address,
             macf::chain::encode_call("transfer(address,uint256)", transfer));
        const Word swap[] = {word_of(U256{}), word_of(out), word_of(fixture_->trader),
                             word_of(U256{128}), word_of(U256{})};
        send(fixture_->trader, pair.address,
             macf::chain::encode_call("swap(uint256,uint256,address,bytes)", swap));
    }
    rpc_->call("evm_mine");
    rpc_->call("evm_setAutomine", "[true]");
    std::size_t log_notes = 0;
    while (auto n = logs_ws.next(std::chrono::milliseconds(500))) {
        EXPECT_EQ(n->subscription, logs_id);
        const auto log = macf::chain::parse_log(n->result);
        EXPECT_EQ(log.block_number, latest + 1);
        ++log_notes;
    }
    EXPECT_GT(log_notes, 0U);
    // Plain JSON-RPC calls and batches over the WebSocket too.
    macf::chain::RpcClient over_ws(macf::chain::make_ws_transport(ws_url));
    EXPECT_EQ(macf::chain::parse_quantity_u64(over_ws.call("eth_blockNumber").text), latest + 1);
    const auto batch = over_ws.batch({{"eth_chainId", "[]"}, {"eth_blockNumber", "[]"}});
    ASSERT_EQ(batch.size(), 2U);
    EXPECT_EQ(batch[0].result.text, "0x7a69");
    std::printf(
        "[ ws       ] %zu blocks applied once each across a dropped WebSocket (%zu "
        "reconnects, %zu newHeads), %zu logs = the chain's count\n",
        applied.size(), reconnects, notified, logs_applied);
}

}  // namespace
