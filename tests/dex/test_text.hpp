// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small helpers of the tests that read recorded data: a whole file as text, a decimal or hex
// integer as a U256 (a test failure when it is not one).

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "macf/dex/u256_text.hpp"

namespace macf::test {

/// The whole file at `path` ("" when it cannot be read).
inline std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// `s` as a U256; a test failure when it is not an integer below 2^256.
inline dex::U256 u256(const std::string& s) {
    dex::U256 v;
    EXPECT_TRUE(dex::parse_u256(s, v)) << s;
    return v;
}

}  // namespace macf::test
