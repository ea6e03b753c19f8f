// SPDX-License-Identifier: Apache-2.0
// The executor client's sending rules against a scripted local endpoint: "nonce too low"
// resynchronises and retries once under the node's nonce; "already known" counts as sent; a
// refusal that is not about the nonce gives the nonce back; a connection dropped during the
// send keeps the nonce pending and returns the hash to follow; reverts decode.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "fake_endpoint.hpp"
#include "macf/chain/abi.hpp"
#include "macf/chain/eth.hpp"
#include "macf/chain/executor.hpp"
#include "macf/chain/hex.hpp"
#include "macf/chain/json.hpp"

namespace {

using macf::test::FakeEndpoint;
using macf::test::FakeReply;

struct Node {
    std::mutex m;
    std::uint64_t pending_count = 7;
    std::vector<std::uint64_t> nonces_seen;  ///< of eth_sendRawTransaction, in order
    std::vector<std::string> send_answers;   ///< scripted: "ok", an error message, "drop"
};

std::string reply(const std::string& id, const std::string& result) {
    return R"({"jsonrpc":"2.0","id":)" + id + R"(,"result":)" + result + "}";
}

TEST(ExecutorClient, SendingRulesAgainstAScriptedNode) {
    Node node;
    FakeEndpoint endpoint([&](const std::string& body) {
        const auto req = macf::chain::json::parse(body);
        const std::string id = req.find("id")->text;
        const std::string method = req.find("method")->text;
        std::lock_guard lock(node.m);
        if (method == "eth_getTransactionCount")
            return FakeReply{200,
                             reply(id, "\"" + macf::chain::quantity(node.pending_count) + "\"")};
        if (method == "eth_sendRawTransaction") {
            const auto raw = macf::chain::from_hex(req.find("params")->items[0].text);
            const auto tx = macf::chain::decode_transaction(*raw, {31337});
            node.nonces_seen.push_back(tx.tx->signed_tx.tx.nonce);
            const std::string answer = node.send_answers.at(node.nonces_seen.size() - 1);
            if (answer == "drop") return FakeReply{200, "", {}, true};
            if (answer != "ok")
                return FakeReply{200, R"({"jsonrpc":"2.0","id":)" + id +
                                          R"(,"error":{"code":-32000,"message":")" + answer +
                                          "\"}}"};
            return FakeReply{
                200, reply(id, "\"" + macf::chain::to_hex(macf::chain::keccak256(*raw)) + "\"")};
        }
        return FakeReply{200, R"({"jsonrpc":"2.0","id":)" + id +
                                  R"(,"error":{"code":-32601,"message":"unknown"}})"};
    });
    macf::chain::RpcOptions ro;
    ro.max_attempts = 1;
    ro.timeout = std::chrono::milliseconds(2000);
    macf::chain::RpcClient rpc(macf::chain::make_http_transport(endpoint.url()), ro);
    const auto key = *macf::chain::PrivateKey::from_hex(
        "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
    macf::chain::NonceManager nonces([&] {
        return macf::chain::parse_quantity_u64(
            rpc.call("eth_getTransactionCount", R"(["0x0","pending"])").text);
    });
    macf::chain::ExecutorOptions options;
    options.chain_id = 31337;
    macf::chain::ExecutorClient client(rpc, key, macf::chain::Address{}, nonces, options);
    macf::chain::FeeQuote fees;
    fees.max_fee_per_gas = macf::dex::U256{2000000000};
    fees.max_priority_fee_per_gas = macf::dex::U256{1000000000};
    const macf::chain::Address to{};

    // 1. Accepted under nonce 7.
    node.send_answers = {"ok"};
    auto r = client.send_call(to, {}, 21000, fees);
    EXPECT_FALSE(r.error.has_value());
    EXPECT_EQ(r.nonce, 7U);
    // 2. Another wallet used nonces 8 and 9: "nonce too low", resync, retried under 10.
    {
        std::lock_guard lock(node.m);
        node.pending_count = 10;
        node.send_answers.push_back("nonce too low: next nonce 10, tx nonce 8");
        node.send_answers.push_back("ok");
    }
    r = client.send_call(to, {}, 21000, fees);
    ASSERT_FALSE(r.error.has_value()) << r.error->message;
    EXPECT_EQ(r.nonce, 10U);
    EXPECT_EQ(nonces.resyncs(), 1U);
    // 3. "already known": the node has it; counted as sent with our hash.
    node.send_answers.push_back("already known");
    r = client.send_call(to, {}, 21000, fees);
    EXPECT_FALSE(r.error.has_value());
    EXPECT_TRUE(r.hash.has_value());
    EXPECT_EQ(r.nonce, 11U);
    // 4. Refused for another reason: the nonce comes back for the next send.
    node.send_answers.push_back("insufficient funds for gas * price + value");
    r = client.send_call(to, {}, 21000, fees);
    ASSERT_TRUE(r.error.has_value());
    EXPECT_FALSE(r.hash.has_value());
    EXPECT_EQ(r.error->message, "insufficient funds for gas * price + value");
    node.send_answers.push_back("ok");
    EXPECT_EQ(client.send_call(to, {}, 21000, fees).nonce, 12U);
    // 5. The connection drops during the send: the hash is returned, the nonce stays pending.
    node.send_answers.push_back("drop");
    r = client.send_call(to, {}, 21000, fees);
    ASSERT_TRUE(r.error.has_value());
    ASSERT_TRUE(r.hash.has_value());
    EXPECT_EQ(r.nonce, 13U);
    const auto pending = nonces.pending();
    EXPECT_NE(std::find(pending.begin(), pending.end(), 13U), pending.end());
    EXPECT_EQ(node.nonces_seen, (std::vector<std::uint64_t>{7, 8, 10, 11, 12, 12, 13}));
}

TEST(ExecutorClient, RevertsDecode) {
    // ProfitBelowMinimum(5, 6)
    const std::string data =
        "0x" +
        macf::chain::to_hex(macf::chain::selector("ProfitBelowMinimum(uint256,uint256)"))
            .substr(2) +
        std::string(63, '0') + "5" + std::string(63, '0') + "6";
    EXPECT_EQ(macf::chain::decode_revert(data), "ProfitBelowMinimum(profit 5, minimum 6)");
    EXPECT_EQ(macf::chain::decode_revert("0x12345678"), "0x12345678");
}

}  // namespace
