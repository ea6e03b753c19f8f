// SPDX-License-Identifier: Apache-2.0
// Loading the signing key: a 0600 file and an environment variable work (and the variable is
// gone afterwards); a file others may read, a symbolic link, a missing file, a bad key are
// refused with a message that never contains the key.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "macf/chain/signing_key.hpp"

namespace {

namespace fs = std::filesystem;
const std::string kKey = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const std::string kAddress = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

fs::path write_key(const std::string& name, const std::string& text, unsigned mode) {
    const fs::path p =
        fs::temp_directory_path() / ("macf-key-test-" + std::to_string(getpid()) + name);
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
    return p;
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const macf::chain::SigningKeyError& e) {
        return e.what();
    }
    return "no error";
}

TEST(SigningKey, FileWithOwnerOnlyModeLoads) {
    const auto p = write_key("ok", "0x" + kKey + "\n", 0600);
    EXPECT_EQ(macf::chain::load_key_file(p).address().to_hex(), kAddress);
    fs::remove(p);
}

TEST(SigningKey, FileOthersMayReadIsRefused) {
    const auto p = write_key("open", kKey, 0644);
    const auto err = error_of([&] { macf::chain::load_key_file(p); });
    EXPECT_NE(err.find("mode 644"), std::string::npos) << err;
    EXPECT_NE(err.find("chmod 600"), std::string::npos) << err;
    EXPECT_EQ(err.find(kKey), std::string::npos);
    fs::remove(p);
}

TEST(SigningKey, SymlinkMissingFileAndBadKeyAreRefused) {
    const auto p = write_key("target", kKey, 0600);
    const fs::path link = p.string() + "-link";
    fs::create_symlink(p, link);
    EXPECT_NE(error_of([&] { macf::chain::load_key_file(link); }).find("symbolic link"),
              std::string::npos);
    EXPECT_NE(
        error_of([&] { macf::chain::load_key_file(p.string() + "-none"); }).find("No such file"),
        std::string::npos);
    const auto bad = write_key("bad", kKey.substr(0, 60), 0600);
    const auto err = error_of([&] { macf::chain::load_key_file(bad); });
    EXPECT_NE(err.find("does not hold"), std::string::npos) << err;
    EXPECT_EQ(err.find(kKey.substr(0, 60)), std::string::npos);
    fs::remove(link);
    fs::remove(p);
    fs::remove(bad);
}

TEST(SigningKey, EnvironmentVariableIsReadThenRemoved) {
    ::setenv("MACF_TEST_KEY", kKey.c_str(), 1);
    EXPECT_EQ(macf::chain::load_key_env("MACF_TEST_KEY").address().to_hex(), kAddress);
    EXPECT_EQ(std::getenv("MACF_TEST_KEY"), nullptr);
    EXPECT_NE(error_of([] { macf::chain::load_key_env("MACF_TEST_KEY"); }).find("not set"),
              std::string::npos);
    ::setenv("MACF_TEST_KEY", "0x1234", 1);
    EXPECT_NE(error_of([] { macf::chain::load_key_env("MACF_TEST_KEY"); }).find("does not hold"),
              std::string::npos);
}

}  // namespace
