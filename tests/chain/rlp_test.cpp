// SPDX-License-Identifier: Apache-2.0
// RLP against the official ethereum/tests vectors (../shared/data/ethereum-tests-rlp-tx):
// every rlptest.json case encodes to its bytes and decodes back to the same structure; every
// invalidRLPTest.json case is refused; the RandomRLPTests decode and re-encode to themselves.
#include <gtest/gtest.h>

#include <boost/multiprecision/cpp_int.hpp>

#include "../dex/test_text.hpp"
#include "macf/chain/hex.hpp"
#include "macf/chain/json.hpp"
#include "macf/chain/rlp.hpp"

namespace {

using macf::chain::RlpItem;

const std::string kTests = std::string(MACF_SHARED_DATA) + "/ethereum-tests-rlp-tx/RLPTests/";

using macf::test::read_text;

/// The item a test's "in" describes: a string's bytes, an integer (or "#big" integer) as
/// minimal big-endian bytes, a list of those.
RlpItem item_of(const macf::chain::json::Value& v) {
    using Type = macf::chain::json::Value::Type;
    if (v.type == Type::kArray) {
        std::vector<RlpItem> items;
        for (const auto& child : v.items) items.push_back(item_of(child));
        return macf::chain::rlp_list(std::move(items));
    }
    std::string digits;
    if (v.type == Type::kNumber) digits = v.text;
    if (v.type == Type::kString && !v.text.empty() && v.text[0] == '#') digits = v.text.substr(1);
    if (digits.empty()) {
        return macf::chain::rlp_bytes(
            std::span(reinterpret_cast<const std::uint8_t*>(v.text.data()), v.text.size()));
    }
    boost::multiprecision::cpp_int n(digits);
    std::vector<std::uint8_t> bytes;
    for (; n != 0; n >>= 8) bytes.insert(bytes.begin(), static_cast<std::uint8_t>(n & 0xff));
    return macf::chain::rlp_bytes(bytes);
}

TEST(Rlp, OfficialVectorsEncodeAndDecode) {
    const std::string text = read_text(kTests + "rlptest.json");
    if (text.empty()) GTEST_SKIP() << "no " << kTests << " (../shared/data is absent)";
    const auto root = macf::chain::json::parse(text);
    std::size_t n = 0;
    for (const auto& [name, test] : root.fields) {
        SCOPED_TRACE(name);
        const RlpItem item = item_of(*test.find("in"));
        const std::string expected = test.find("out")->text;
        EXPECT_EQ(macf::chain::to_hex(macf::chain::rlp_encode(item)), expected);
        const auto bytes = macf::chain::from_hex(expected);
        std::string error;
        const auto decoded = macf::chain::rlp_decode(*bytes, &error);
        ASSERT_TRUE(decoded.has_value()) << error;
        EXPECT_EQ(*decoded, item);
        ++n;
    }
    EXPECT_EQ(n, 28U);
    EXPECT_EQ(macf::chain::rlp_to_uint(macf::chain::rlp_uint(macf::dex::U256{1024})),
              macf::dex::U256{1024});
    EXPECT_FALSE(macf::chain::rlp_to_uint(macf::chain::rlp_bytes(std::vector<std::uint8_t>{0, 1})));
}

TEST(Rlp, InvalidVectorsAreRefusedAndRandomOnesRoundTrip) {
    const std::string invalid = read_text(kTests + "invalidRLPTest.json");
    if (invalid.empty()) GTEST_SKIP() << "no " << kTests << " (../shared/data is absent)";
    std::size_t refused = 0;
    for (const auto& [name, test] : macf::chain::json::parse(invalid).fields) {
        const auto bytes = macf::chain::from_hex(test.find("out")->text);
        ASSERT_TRUE(bytes.has_value()) << name;
        std::string error;
        EXPECT_FALSE(macf::chain::rlp_decode(*bytes, &error).has_value()) << name;
        EXPECT_FALSE(error.empty()) << name;
        ++refused;
    }
    EXPECT_EQ(refused, 26U);
    const auto random = macf::chain::json::parse(read_text(kTests + "RandomRLPTests/example.json"));
    for (const auto& [name, test] : random.fields) {
        const auto bytes = macf::chain::from_hex(test.find("out")->text);
        const auto decoded = macf::chain::rlp_decode(*bytes);
        ASSERT_TRUE(decoded.has_value()) << name;
        EXPECT_EQ(macf::chain::rlp_encode(*decoded), *bytes) << name;
    }
}

}  // namespace
