// SPDX-License-Identifier: Apache-2.0
// Node URLs carry API keys in their path or query (https://mainnet.infura.io/v3/KEY): they are
// redacted wherever a URL reaches a log line or an error.
#include <gtest/gtest.h>

#include "macf/chain/rpc_client.hpp"
#include "macf/chain/url_redact.hpp"
#include "macf/chain/ws_subscription.hpp"

namespace {

using macf::chain::redact_url;

TEST(UrlRedact, KeepsSchemeHostAndPortHidesPathQueryAndUser) {
    EXPECT_EQ(redact_url("https://mainnet.infura.io/v3/0123456789abcdef"),
              "https://mainnet.infura.io/…");
    EXPECT_EQ(redact_url("https://eth.example.com:8545/?apikey=s3cret"),
              "https://eth.example.com:8545/?…");
    EXPECT_EQ(redact_url("wss://user:pass@node.example/ws#frag"), "wss://…@node.example/…#…");
    EXPECT_EQ(redact_url("http://127.0.0.1:8545"), "http://127.0.0.1:8545");
    EXPECT_EQ(redact_url("http://127.0.0.1:8545/"), "http://127.0.0.1:8545/");
    EXPECT_EQ(redact_url("not-a-url-with-a-key"), "not-a-ur…");
    EXPECT_EQ(redact_url(""), "");
}

TEST(UrlRedact, TransportErrorsAndDescriptionsDoNotCarryTheKey) {
    const std::string key = "SECRETKEY0123456789";
    // Port 1 on loopback: the connection is refused at once.
    auto http = macf::chain::make_http_transport("http://127.0.0.1:1/v3/" + key);
    EXPECT_EQ(http->describe().find(key), std::string::npos) << http->describe();
    macf::chain::RpcOptions once;
    once.max_attempts = 1;
    once.timeout = std::chrono::milliseconds(2000);
    macf::chain::RpcClient rpc(std::move(http), once);
    try {
        (void)rpc.call("eth_chainId");
        ADD_FAILURE() << "a refused connection succeeded";
    } catch (const std::exception& e) {
        EXPECT_EQ(std::string(e.what()).find(key), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("127.0.0.1:1"), std::string::npos) << e.what();
    }
    auto ws = macf::chain::make_ws_transport("ws://127.0.0.1:1/" + key + "?token=" + key);
    EXPECT_EQ(ws->describe().find(key), std::string::npos) << ws->describe();
    for (const std::string& bad : {"ftp://h/" + key, "https://:0/" + key}) {
        try {
            (void)macf::chain::make_transport(bad);
            ADD_FAILURE() << "accepted " << bad;
        } catch (const std::exception& e) {
            EXPECT_EQ(std::string(e.what()).find(key), std::string::npos) << e.what();
        }
    }
}

}  // namespace
