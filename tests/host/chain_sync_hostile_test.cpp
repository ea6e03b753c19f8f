// SPDX-License-Identifier: Apache-2.0
// The follower against a lying node (a scripted endpoint on 127.0.0.1): answers that used to
// crash it or loop it forever are clear errors, and nothing is changed.

#include <gtest/gtest.h>

#include <string>

#include "../chain/fake_endpoint.hpp"
#include "macf/chain/dex_events.hpp"
#include "macf/chain/hex.hpp"
#include "macf/chain/rpc_client.hpp"
#include "macf/host/sync/chain_sync.hpp"

namespace {

using macf::test::FakeEndpoint;
using macf::test::FakeReply;

using macf::test::fast;
using macf::test::id_of;
using macf::test::ok;

std::string word(std::uint64_t v) {  // 32-byte big-endian hex, no 0x
    std::string s(64, '0');
    for (int i = 0; i < 16; ++i) s[63 - i] = "0123456789abcdef"[(v >> (4 * i)) & 15];
    return s;
}

const std::string kFactory = "0x1f98431c8ad98523631ae4a59f267346ea31f984";

macf::host::SyncConfig v3_config() {
    macf::host::SyncConfig c;
    c.factories.push_back({*macf::chain::Address::parse(kFactory), macf::host::PoolKind::kUniswapV3,
                           0, "uniswap_v3"});
    return c;
}

TEST(ChainSyncHostile, AHeadBeyondAnyChainIsRefusedNotLoopedOver) {
    FakeEndpoint node([](const std::string& body) -> FakeReply {
        if (body.find("eth_blockNumber") != std::string::npos)
            return {200, ok(body, R"("0xffffffffffffffff")")};
        return {200, ok(body, "[]")};
    });
    macf::chain::RpcClient rpc(macf::chain::make_http_transport(node.url()), fast());
    macf::host::ChainSync sync(rpc, v3_config());
    try {
        (void)sync.bootstrap();
        FAIL() << "bootstrap accepted head 2^64 - 1";
    } catch (const macf::host::SyncError& e) {
        EXPECT_NE(std::string(e.what()).find("18446744073709551615"), std::string::npos)
            << e.what();
    }
    EXPECT_LT(node.requests(), 5);  // one question, no walk over 2^64 blocks
    EXPECT_TRUE(sync.market().pools.empty());
}

TEST(ChainSyncHostile, APoolCreatedWithTickSpacingZeroIsAnErrorNotACrash) {
    // Tick spacing 0 (a division by zero in the bootstrap before), −1, and 16384.
    for (const std::string& spacing : {word(0), std::string(64, 'f'), word(16384)}) {
        const std::string log = R"({"address":")" + kFactory + R"(","topics":[")" +
                                macf::chain::hash_hex(macf::chain::dex_topics().v3_pool_created) +
                                R"(","0x)" + word(0x11) + R"(","0x)" + word(0x22) + R"(","0x)" +
                                word(3000) + R"("],"data":"0x)" + spacing + word(0x33) +
                                R"(","blockNumber":"0x1","blockHash":"0x)" + word(1) +
                                R"(","transactionIndex":"0x0","logIndex":"0x0","removed":false})";
        FakeEndpoint node([&](const std::string& body) -> FakeReply {
            if (body.find("eth_blockNumber") != std::string::npos)
                return {200, ok(body, R"("0x10")")};
            if (body.find("eth_getLogs") != std::string::npos)
                return {200, ok(body, "[" + log + "]")};
            return {200, ok(body, "null")};
        });
        macf::chain::RpcClient rpc(macf::chain::make_http_transport(node.url()), fast());
        macf::host::ChainSync sync(rpc, v3_config());
        try {
            (void)sync.bootstrap();
            FAIL() << "bootstrap accepted tick spacing word " << spacing;
        } catch (const macf::host::SyncError& e) {
            EXPECT_NE(std::string(e.what()).find("tick spacing"), std::string::npos) << e.what();
        }
    }
}

}  // namespace
