// SPDX-License-Identifier: Apache-2.0
// Private submission and alerts against local HTTP endpoints: the relay endpoint recovers the
// signer from X-Flashbots-Signature and checks it against our key; a tampered body fails that
// check; the webhook receiver gets Slack-compatible JSON for each event, after retries when it
// fails at first, and a receiver that never accepts makes the alert dropped and counted.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "fake_endpoint.hpp"
#include "macf/chain/alert_webhook.hpp"
#include "macf/chain/bundle_relay.hpp"
#include "macf/chain/json.hpp"

namespace {

using macf::test::FakeEndpoint;
using macf::test::FakeReply;

macf::chain::PrivateKey test_key() {
    return std::move(*macf::chain::PrivateKey::from_hex(
        "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"));
}

TEST(BundleRelay, RelayRecoversOurAddressFromTheSignatureHeader) {
    const auto key = test_key();
    std::mutex m;
    std::string seen_signer, seen_method, seen_block;
    std::size_t seen_txs = 0;
    FakeEndpoint relay([&](const std::string& body, const FakeEndpoint::Headers& headers) {
        const auto it = headers.find("x-flashbots-signature");
        const auto signer = it == headers.end()
                                ? std::nullopt
                                : macf::chain::verify_flashbots_signature(it->second, body);
        if (!signer)
            return FakeReply{200, R"({"jsonrpc":"2.0","id":1,"error":{"code":-32600,)"
                                  R"("message":"invalid flashbots signature"}})"};
        const auto req = macf::chain::json::parse(body);
        std::lock_guard lock(m);
        seen_signer = signer->to_hex();
        seen_method = req.find("method")->text;
        const auto& bundle = req.find("params")->items.at(0);
        seen_txs = bundle.find("txs")->items.size();
        seen_block = bundle.find("blockNumber")->text;
        return FakeReply{200, R"({"jsonrpc":"2.0","id":)" + req.find("id")->text +
                                  R"(,"result":{"bundleHash":"0xabc"}})"};
    });
    macf::chain::BundleRelay client(relay.url(), key);
    EXPECT_EQ(client.send_bundle({{0x02, 0x01}, {0x02, 0x02}}, 1234), "0xabc");
    EXPECT_EQ(seen_signer, key.address().to_hex());
    EXPECT_EQ(seen_method, "eth_sendBundle");
    EXPECT_EQ(seen_txs, 2U);
    EXPECT_EQ(seen_block, "0x4d2");
}

TEST(BundleRelay, SignatureOfAnotherBodyDoesNotVerify) {
    const auto key = test_key();
    const std::string body = R"({"method":"eth_sendBundle"})";
    const auto header = macf::chain::flashbots_signature(key, body);
    EXPECT_EQ(macf::chain::verify_flashbots_signature(header, body), key.address());
    EXPECT_FALSE(macf::chain::verify_flashbots_signature(header, body + " ").has_value());
    EXPECT_FALSE(macf::chain::verify_flashbots_signature("0x12:0x34", body).has_value());
}

TEST(BundleRelay, RelayErrorsSurfaceWithTheirMessage) {
    const auto key = test_key();
    FakeEndpoint relay([](const std::string&) {
        return FakeReply{200, R"({"jsonrpc":"2.0","id":1,"error":{"code":-32000,)"
                              R"("message":"bundle simulation failed: nonce too low"}})"};
    });
    macf::chain::BundleRelay client(relay.url(), key);
    try {
        client.send_bundle({{0x02}}, 1);
        FAIL() << "no error";
    } catch (const macf::chain::RpcError& e) {
        EXPECT_EQ(e.message(), "bundle simulation failed: nonce too low");
    }
}

TEST(AlertWebhook, ReceiverGetsSlackJsonAfterRetries) {
    std::mutex m;
    std::vector<std::string> received;
    std::atomic<int> calls{0};
    FakeEndpoint receiver([&](const std::string& body) {
        if (calls++ < 2) return FakeReply{503, "busy"};  // the first two attempts fail
        std::lock_guard lock(m);
        received.push_back(body);
        return FakeReply{200, "ok"};
    });
    macf::chain::WebhookOptions options;
    options.initial_backoff = std::chrono::milliseconds(10);
    macf::chain::AlertWebhook hook(receiver.url(), options);
    hook.post({macf::chain::AlertEvent::kExecuted,
               "executed: profit 12 WETH",
               {{"tx", "0x01"}, {"profit", "12"}}});
    hook.post({macf::chain::AlertEvent::kCircuitBreaker, "breaker \"open\"", {}});
    ASSERT_TRUE(hook.flush(std::chrono::seconds(10)));
    ASSERT_EQ(received.size(), 2U);
    const auto first = macf::chain::json::parse(received[0]);
    EXPECT_EQ(first.find("text")->text, "executed: profit 12 WETH");
    EXPECT_EQ(first.find("event")->text, "executed");
    const auto& fields = first.find("attachments")->items.at(0).find("fields")->items;
    ASSERT_EQ(fields.size(), 2U);
    EXPECT_EQ(fields[1].find("title")->text, "profit");
    EXPECT_EQ(macf::chain::json::parse(received[1]).find("text")->text, "breaker \"open\"");
    EXPECT_EQ(hook.counters().delivered, 2U);
    EXPECT_EQ(hook.counters().retries, 2U);
}

TEST(AlertWebhook, AlertThatNeverGetsThroughIsDroppedAndCounted) {
    FakeEndpoint receiver([](const std::string&) { return FakeReply{500, "down"}; });
    std::atomic<int> drops{0};
    macf::chain::WebhookOptions options;
    options.initial_backoff = std::chrono::milliseconds(5);
    options.max_attempts = 3;
    options.on_drop = [&](const macf::chain::Alert&, const std::string& why) {
        EXPECT_NE(why.find("HTTP 500"), std::string::npos) << why;
        ++drops;
    };
    macf::chain::AlertWebhook hook(receiver.url(), options);
    hook.post({macf::chain::AlertEvent::kFailed, "failed", {}});
    ASSERT_TRUE(hook.flush(std::chrono::seconds(10)));
    EXPECT_EQ(receiver.requests(), 3);
    EXPECT_EQ(hook.counters().dropped, 1U);
    EXPECT_EQ(drops.load(), 1);
}

TEST(AlertWebhook, ClientErrorsAreNotRetried) {
    FakeEndpoint receiver([](const std::string&) { return FakeReply{404, "no_service"}; });
    macf::chain::WebhookOptions options;
    options.initial_backoff = std::chrono::milliseconds(5);
    macf::chain::AlertWebhook hook(receiver.url(), options);
    hook.post({macf::chain::AlertEvent::kFailed, "failed", {}});
    ASSERT_TRUE(hook.flush(std::chrono::seconds(10)));
    EXPECT_EQ(receiver.requests(), 1);
    EXPECT_EQ(hook.counters().dropped, 1U);
}

TEST(BundleRelay, NextBlockSenderTargetsTheBlockAfterTheNodesLatest) {
    const auto key = test_key();
    FakeEndpoint node([](const std::string& body) {
        const auto req = macf::chain::json::parse(body);
        return FakeReply{
            200, R"({"jsonrpc":"2.0","id":)" + req.find("id")->text + R"(,"result":"0x10"})"};
    });
    std::string target;
    FakeEndpoint relay([&](const std::string& body) {
        const auto req = macf::chain::json::parse(body);
        target = req.find("params")->items.at(0).find("blockNumber")->text;
        return FakeReply{200, R"({"jsonrpc":"2.0","id":)" + req.find("id")->text +
                                  R"(,"result":{"bundleHash":"0x01"}})"};
    });
    macf::chain::RpcClient node_rpc(macf::chain::make_http_transport(node.url()));
    macf::chain::BundleRelay client(relay.url(), key);
    const auto send = client.next_block_sender(node_rpc);
    const std::vector<std::uint8_t> raw{0x02, 0xc0};
    EXPECT_EQ(send(raw, 0), macf::chain::keccak256(raw));
    EXPECT_EQ(target, "0x11");
}

}  // namespace
