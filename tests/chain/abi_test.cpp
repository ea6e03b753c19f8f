// SPDX-License-Identifier: Apache-2.0
// Keccak-256, selectors, event topics, ABI words, quantities and log/block parsing.
#include <gtest/gtest.h>

#include "macf/chain/abi.hpp"
#include "macf/chain/dex_events.hpp"
#include "macf/chain/eth.hpp"
#include "macf/chain/hex.hpp"
#include "macf/chain/rpc_client.hpp"
#include "macf/dex/u256_text.hpp"

namespace {

using macf::chain::hash_hex;

TEST(Keccak, KnownVectors) {
    EXPECT_EQ(hash_hex(macf::chain::keccak256(std::string_view{})),
              "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    EXPECT_EQ(macf::chain::to_hex(macf::chain::selector("transfer(address,uint256)")),
              "0xa9059cbb");
    EXPECT_EQ(macf::chain::to_hex(macf::chain::selector("getReserves()")), "0x0902f1ac");
    EXPECT_EQ(hash_hex(macf::chain::dex_topics().v2_sync),
              "0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1");
    EXPECT_EQ(hash_hex(macf::chain::dex_topics().v3_swap),
              "0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67");
    EXPECT_EQ(hash_hex(macf::chain::dex_topics().v2_pair_created),
              "0x0d3648bd0f6ba80134a33ba9275ac585d9d315f0ad8355cddefde31afa28d0e9");
    EXPECT_EQ(hash_hex(macf::chain::dex_topics().v3_pool_created),
              "0x783cca1c0412dd0d695e784568c96da2e9c22ff989357a2e8b1d9b2b4e6b7118");
}

TEST(Abi, WordsRoundTripAndRangesAreChecked) {
    const macf::dex::I256 minus_five{-5};
    const auto w = macf::chain::word_of(minus_five);
    const macf::chain::AbiReader r(w);
    EXPECT_EQ(macf::dex::low_int64(r.sint(0, 24)), -5);
    EXPECT_THROW((void)r.uint(0, 160), macf::chain::AbiError);  // negative: all bits set
    EXPECT_THROW((void)r.address(0), macf::chain::AbiError);
    EXPECT_THROW((void)r.uint(1), macf::chain::AbiError);  // past the end
    const auto big = macf::chain::word_of(macf::dex::U256{1} << 24);
    EXPECT_THROW((void)macf::chain::AbiReader(big).sint(0, 24), macf::chain::AbiError);
    const auto call = macf::chain::encode_call(
        "balanceOf(address)",
        std::vector<macf::chain::Word>{macf::chain::word_of(
            *macf::chain::Address::parse("0x00000000000000000000000000000000000000ff"))});
    EXPECT_EQ(call, "0x70a08231" + std::string(62, '0') + "ff");
}

TEST(Abi, StringsDynamicAndBytes32) {
    // "UNI-V2" as a dynamic string and as bytes32 (the MKR style).
    std::vector<std::uint8_t> dynamic(96, 0);
    dynamic[31] = 0x20;
    dynamic[63] = 6;
    const std::string s = "UNI-V2";
    std::copy(s.begin(), s.end(), dynamic.begin() + 64);
    EXPECT_EQ(macf::chain::AbiReader(dynamic).string(0), "UNI-V2");
    std::vector<std::uint8_t> fixed(32, 0);
    std::copy(s.begin(), s.end(), fixed.begin());
    EXPECT_EQ(macf::chain::AbiReader(fixed).string(0), "UNI-V2");
    dynamic[63] = 200;  // longer than the data
    EXPECT_THROW((void)macf::chain::AbiReader(dynamic).string(0), macf::chain::AbiError);
}

TEST(Eth, QuantitiesHashesLogsAndBlocks) {
    EXPECT_EQ(macf::chain::parse_quantity_u64("0x1a"), 26U);
    EXPECT_EQ(macf::chain::quantity(0), "0x0");
    EXPECT_EQ(macf::chain::quantity(255), "0xff");
    EXPECT_THROW((void)macf::chain::parse_quantity_u64("26"), macf::chain::MalformedResponse);
    EXPECT_THROW((void)macf::chain::parse_quantity_u64("0x1" + std::string(20, '0')),
                 macf::chain::MalformedResponse);
    EXPECT_THROW((void)macf::chain::parse_hash("0x12"), macf::chain::MalformedResponse);
    const std::string h(64, 'a');
    const auto log_json = macf::chain::json::parse(
        R"({"address":"0x00000000000000000000000000000000000000aa","topics":["0x)" + h +
        R"("],"data":"0x","blockNumber":"0x10","blockHash":"0x)" + h +
        R"(","transactionIndex":"0x0","logIndex":"0x3","removed":false,"transactionHash":"0x)" + h +
        R"("})");
    const auto log = macf::chain::parse_log(log_json);
    EXPECT_EQ(log.block_number, 16U);
    EXPECT_EQ(log.log_index, 3U);
    const auto bad = macf::chain::json::parse(R"({"address":"0x00","topics":[],"data":"0x"})");
    EXPECT_THROW((void)macf::chain::parse_log(bad), macf::chain::MalformedResponse);
    const auto no_topics = macf::chain::json::parse(
        R"({"address":"0x00000000000000000000000000000000000000aa","topics":"x","data":"0x"})");
    EXPECT_THROW((void)macf::chain::parse_log(no_topics), macf::chain::MalformedResponse);
    const auto block =
        macf::chain::json::parse(R"({"number":"0x2","hash":"0x)" + h + R"(","parentHash":"0x)" + h +
                                 R"(","timestamp":"0x5"})");
    EXPECT_EQ(macf::chain::parse_block_header(block).number, 2U);
}

TEST(EthJson, TheLatestBlockIsReadOrRefusedNamingTheField) {
    using macf::chain::json::parse;
    const auto head = macf::chain::parse_head_block(parse(R"({"number":"0x10"})"));
    EXPECT_EQ(head.number, 16U);
    EXPECT_FALSE(head.base_fee_per_gas.has_value());
    const auto london =
        macf::chain::parse_head_block(parse(R"({"number":"0x10","baseFeePerGas":"0x3b9aca00"})"));
    ASSERT_TRUE(london.base_fee_per_gas.has_value());
    EXPECT_EQ(*london.base_fee_per_gas, macf::dex::U256{1000000000});
    // The answers that crashed serve before (null, {}, a string, no number), and wrong types.
    const std::pair<const char*, const char*> refused[] = {
        {"null", "the latest block is a null, not an object"},
        {"{}", "the latest block has no \"number\""},
        {R"("latest")", "the latest block is a string, not an object"},
        {R"({"hash":"0x00"})", "the latest block has no \"number\""},
        {R"({"number":16})", "the latest block's \"number\" is a number, not a string"},
        {R"({"number":"0x10000000000000000"})", ""},  // above 2^64 − 1
        {R"({"number":"0x10","baseFeePerGas":[]})", "\"baseFeePerGas\" is a array"},
    };
    for (const auto& [answer, message] : refused) {
        // As a "result" arrives: a member of the response (the parser takes only documents
        // that are objects or arrays).
        const auto response = parse(std::string(R"({"result":)") + answer + "}");
        try {
            (void)macf::chain::parse_head_block(*response.find("result"));
            ADD_FAILURE() << "accepted " << answer;
        } catch (const macf::chain::MalformedResponse& e) {
            EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
        }
    }
}

}  // namespace
