// SPDX-License-Identifier: Apache-2.0
// Transactions and signatures: the official ethereum/tests TransactionTests under the Shanghai
// rules (hash, sender and intrinsic gas of every valid one, re-encoded byte for byte; every
// invalid one refused), the EIP-155 worked example, a known key → address pair, and signing
// round trips of every type with tampered copies refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "../dex/test_text.hpp"
#include "macf/chain/eth.hpp"
#include "macf/chain/hex.hpp"
#include "macf/chain/json.hpp"
#include "macf/chain/transaction.hpp"

namespace {

namespace fs = std::filesystem;
using macf::chain::from_hex;
using macf::chain::to_hex;
using macf::dex::U256;

const std::string kVectors =
    std::string(MACF_SHARED_DATA) + "/ethereum-tests-rlp-tx/TransactionTests/";

macf::chain::PrivateKey key_of(std::string_view hex) {
    auto key = macf::chain::PrivateKey::from_hex(hex);
    if (!key) throw std::runtime_error("bad test key");
    return std::move(*key);
}

TEST(Transaction, OfficialVectorsUnderShanghaiRules) {
    if (!fs::is_directory(kVectors)) GTEST_SKIP() << "no " << kVectors;
    std::size_t valid = 0, invalid = 0;
    for (const auto& entry : fs::recursive_directory_iterator(kVectors)) {
        if (entry.path().extension() != ".json") continue;
        const auto root = macf::chain::json::parse(macf::test::read_text(entry.path().string()));
        for (const auto& [name, test] : root.fields) {
            SCOPED_TRACE(entry.path().filename().string());
            const auto* result = test.find("result");
            // Two ttSignature cases stop at London; their result there is the one that applies.
            const auto* expect = result->find("Shanghai");
            if (expect == nullptr) expect = result->find("London");
            ASSERT_NE(expect, nullptr);
            const auto raw = from_hex(test.find("txbytes")->text);
            ASSERT_TRUE(raw.has_value());
            const auto decoded = macf::chain::decode_transaction(*raw);
            if (const auto* hash = expect->find("hash")) {
                ++valid;
                ASSERT_TRUE(decoded.tx.has_value()) << decoded.error;
                EXPECT_EQ(to_hex(decoded.tx->hash), hash->text);
                EXPECT_EQ(decoded.tx->sender.to_hex(), expect->find("sender")->text);
                EXPECT_EQ(decoded.tx->intrinsic_gas,
                          macf::chain::parse_quantity_u64(expect->find("intrinsicGas")->text));
                EXPECT_EQ(to_hex(macf::chain::encode_transaction(decoded.tx->signed_tx)),
                          test.find("txbytes")->text);
            } else {
                ++invalid;
                EXPECT_FALSE(decoded.tx.has_value())
                    << "accepted; expected " << expect->find("exception")->text;
            }
        }
    }
    EXPECT_EQ(valid, 50U);
    EXPECT_EQ(invalid, 160U);
}

TEST(Transaction, Eip155WorkedExample) {
    // The example of EIP-155 itself.
    macf::chain::Transaction tx;
    tx.type = macf::chain::TxType::kLegacy;
    tx.chain_id = 1;
    tx.nonce = 9;
    tx.gas_price = U256{20000000000ULL};
    tx.gas_limit = 21000;
    tx.to = macf::chain::Address::parse("0x3535353535353535353535353535353535353535");
    tx.value = U256{1000000000000000000ULL};
    EXPECT_EQ(to_hex(macf::chain::signing_payload(tx)),
              "0xec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400"
              "0080018080");
    EXPECT_EQ(to_hex(macf::chain::signing_hash(tx)),
              "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
    const auto key = key_of("0x4646464646464646464646464646464646464646464646464646464646464646");
    const auto stx = macf::chain::sign_transaction(tx, key);
    EXPECT_EQ(to_hex(macf::chain::encode_transaction(stx)),
              "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a7"
              "6400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067"
              "cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
    EXPECT_EQ(key.address().to_hex(), "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
}

TEST(Transaction, KnownKeyAddress) {
    // Hardhat's first default account (the well-known test mnemonic).
    const auto key = key_of("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    EXPECT_EQ(key.address().to_hex(), "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
}

TEST(Transaction, KeysOutsideTheGroupAreRefused) {
    using macf::chain::PrivateKey;
    EXPECT_FALSE(PrivateKey::from_hex(std::string(64, '0')).has_value());
    EXPECT_FALSE(
        PrivateKey::from_hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
            .has_value());  // n
    EXPECT_FALSE(PrivateKey::from_hex(std::string(63, '1')).has_value());
    EXPECT_FALSE(PrivateKey::from_hex(std::string(63, '1') + "g").has_value());
    EXPECT_TRUE(PrivateKey::from_hex(" 0x" + std::string(63, '0') + "1\n").has_value());
}

TEST(Transaction, SignDecodeRoundTripsAndTamperedCopiesAreRefused) {
    std::mt19937_64 rng(155);
    const auto key = key_of("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    const auto me = key.address();
    for (int i = 0; i < 300; ++i) {
        macf::chain::Transaction tx;
        tx.type = static_cast<macf::chain::TxType>(i % 3);
        tx.chain_id = i % 2 == 0 ? 1 : 31337;
        tx.nonce = rng() >> (rng() % 64);
        tx.gas_limit = 100000 + rng() % 10000000;
        if (tx.type == macf::chain::TxType::kDynamicFee) {
            tx.max_priority_fee_per_gas = U256{rng() >> 20};
            tx.max_fee_per_gas = tx.max_priority_fee_per_gas + U256{rng() >> 20};
        } else {
            tx.gas_price = U256{rng() >> 16};
        }
        tx.value = U256{rng(), rng() % 4, 0, 0};
        if (i % 7 != 0) tx.to = me;
        tx.data.resize(rng() % 200);
        for (auto& b : tx.data) b = static_cast<std::uint8_t>(rng() % 3 == 0 ? 0 : rng());
        if (tx.type != macf::chain::TxType::kLegacy && i % 5 == 0)
            tx.access_list.push_back({me, {macf::chain::Hash32{1}, macf::chain::Hash32{2}}});
        const auto stx = macf::chain::sign_transaction(tx, key);
        EXPECT_TRUE(macf::chain::is_low_s(stx.signature.s));
        const auto raw = macf::chain::encode_transaction(stx);
        const macf::chain::TxRules rules{*tx.chain_id};
        const auto back = macf::chain::decode_transaction(raw, rules);
        ASSERT_TRUE(back.tx.has_value()) << back.error;
        EXPECT_EQ(back.tx->signed_tx, stx);
        EXPECT_EQ(back.tx->sender, me);
        EXPECT_EQ(back.tx->hash, macf::chain::transaction_hash(stx));

        // Another chain, the high-s twin of the signature, a flipped bit: refused or another
        // sender.
        EXPECT_FALSE(macf::chain::decode_transaction(raw, {*tx.chain_id + 1}).tx.has_value());
        auto high = stx;
        high.signature.s = macf::chain::secp256k1_order() - stx.signature.s;
        high.signature.y_parity ^= 1;
        const auto high_back =
            macf::chain::decode_transaction(macf::chain::encode_transaction(high), rules);
        EXPECT_FALSE(high_back.tx.has_value());
        EXPECT_NE(high_back.error.find("n/2"), std::string::npos) << high_back.error;
        auto other = stx;
        other.tx.nonce ^= 1;
        const auto other_back =
            macf::chain::decode_transaction(macf::chain::encode_transaction(other), rules);
        if (other_back.tx) {
            EXPECT_NE(other_back.tx->sender, me);
        }
    }
}

TEST(Transaction, UnsignableTransactionsAreRefused) {
    const auto key = key_of("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    macf::chain::Transaction tx;
    EXPECT_THROW(macf::chain::sign_transaction(tx, key), std::invalid_argument);  // no chain id
}

}  // namespace
