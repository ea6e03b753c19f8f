// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "macf/chain/address.hpp"
#include "macf/chain/hex.hpp"

namespace {

TEST(Address, ParsesAnyCaseAndPrintsLowerCase) {
    const auto a = macf::chain::Address::parse("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->to_hex(), "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2");
    EXPECT_EQ(a->bytes[0], 0xc0);
    EXPECT_EQ(a->bytes[19], 0xc2);
}

TEST(Address, RejectsMalformed) {
    for (const char* bad : {"", "0x", "c02aaa39b223fe8d0a0e5c4f27ead9083c756cc2",
                            "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc",
                            "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2a",
                            "0xg02aaa39b223fe8d0a0e5c4f27ead9083c756cc2"}) {
        EXPECT_FALSE(macf::chain::Address::parse(bad)) << bad;
    }
}

TEST(Hex, RoundTrip) {
    const std::vector<std::uint8_t> bytes = {0x00, 0x01, 0xab, 0xff};
    EXPECT_EQ(macf::chain::to_hex(bytes), "0x0001abff");
    EXPECT_EQ(*macf::chain::from_hex("0x0001ABff"), bytes);
    EXPECT_EQ(macf::chain::from_hex("0x")->size(), 0U);
    EXPECT_FALSE(macf::chain::from_hex("0x123"));
    EXPECT_FALSE(macf::chain::from_hex("zz"));
}

}  // namespace
