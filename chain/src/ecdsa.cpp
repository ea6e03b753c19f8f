// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/ecdsa.hpp"

#include <openssl/crypto.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <cctype>
#include <stdexcept>

#include "macf/chain/abi.hpp"
#include "macf/chain/hex.hpp"

namespace macf::chain {
namespace {

/// One context for the process: created once, randomised against side channels; libsecp256k1
/// contexts are safe to share between threads for signing and verification.
const secp256k1_context* context() {
    static secp256k1_context* const kContext = [] {
        secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
        std::array<std::uint8_t, 32> seed{};
        const Hash32 h = keccak256(std::string_view("macf secp256k1 context"));
        std::copy(h.begin(), h.end(), seed.begin());
        if (secp256k1_context_randomize(c, seed.data()) != 1)
            throw std::runtime_error("secp256k1_context_randomize failed");
        return c;
    }();
    return kContext;
}

/// The address of a public key: the last 20 bytes of keccak256 of its uncompressed form
/// without the 0x04 prefix.
Address address_of(const secp256k1_pubkey& pub) {
    std::array<std::uint8_t, 65> out{};
    std::size_t len = out.size();
    secp256k1_ec_pubkey_serialize(context(), out.data(), &len, &pub, SECP256K1_EC_UNCOMPRESSED);
    const Hash32 h = keccak256(std::span<const std::uint8_t>(out.data() + 1, 64));
    Address a;
    std::copy(h.begin() + 12, h.end(), a.bytes.begin());
    return a;
}

constexpr dex::U256 kOrder{0xbfd25e8cd0364141ULL, 0xbaaedce6af48a03bULL, 0xfffffffffffffffeULL,
                           0xffffffffffffffffULL};

}  // namespace

dex::U256 secp256k1_order() noexcept { return kOrder; }

bool is_low_s(const dex::U256& s) noexcept { return !((kOrder >> 1) < s); }

std::optional<PrivateKey> PrivateKey::from_bytes(std::span<const std::uint8_t, 32> bytes) {
    if (secp256k1_ec_seckey_verify(context(), bytes.data()) != 1) return std::nullopt;
    PrivateKey key;
    std::copy(bytes.begin(), bytes.end(), key.bytes_.begin());
    return key;
}

std::optional<PrivateKey> PrivateKey::from_hex(std::string_view hex) {
    while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.front())))
        hex.remove_prefix(1);
    while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.back())))
        hex.remove_suffix(1);
    if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
    if (hex.size() != 64) return std::nullopt;
    std::array<std::uint8_t, 32> raw{};
    for (std::size_t i = 0; i < 32; ++i) {
        int v = 0;
        for (std::size_t k = 0; k < 2; ++k) {
            const char c = hex[2 * i + k];
            int d = -1;
            if (c >= '0' && c <= '9') d = c - '0';
            if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
            if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
            if (d < 0) {
                OPENSSL_cleanse(raw.data(), raw.size());
                return std::nullopt;
            }
            v = v * 16 + d;
        }
        raw[i] = static_cast<std::uint8_t>(v);
    }
    auto key = from_bytes(raw);
    OPENSSL_cleanse(raw.data(), raw.size());
    return key;
}

PrivateKey::PrivateKey(PrivateKey&& other) noexcept : bytes_(other.bytes_) {
    OPENSSL_cleanse(other.bytes_.data(), other.bytes_.size());
}

PrivateKey& PrivateKey::operator=(PrivateKey&& other) noexcept {
    if (this != &other) {
        bytes_ = other.bytes_;
        OPENSSL_cleanse(other.bytes_.data(), other.bytes_.size());
    }
    return *this;
}

PrivateKey::~PrivateKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

Address PrivateKey::address() const {
    secp256k1_pubkey pub;
    if (secp256k1_ec_pubkey_create(context(), &pub, bytes_.data()) != 1)
        throw std::logic_error("secp256k1_ec_pubkey_create refused a verified key");
    return address_of(pub);
}

Signature PrivateKey::sign(const Hash32& hash) const {
    secp256k1_ecdsa_recoverable_signature sig;
    if (secp256k1_ecdsa_sign_recoverable(context(), &sig, hash.data(), bytes_.data(), nullptr,
                                         nullptr) != 1)
        throw std::logic_error("secp256k1_ecdsa_sign_recoverable failed");
    std::array<std::uint8_t, 64> compact{};
    int recid = 0;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(context(), compact.data(), &recid,
                                                            &sig);
    Signature out;
    out.r = u256_of(std::span<const std::uint8_t, 32>(compact.data(), 32));
    out.s = u256_of(std::span<const std::uint8_t, 32>(compact.data() + 32, 32));
    out.y_parity = static_cast<std::uint8_t>(recid);
    return out;
}

std::optional<Address> recover_signer(const Hash32& hash, const Signature& sig) {
    if (sig.y_parity > 1 || sig.r.is_zero() || sig.s.is_zero() || !(sig.r < kOrder) ||
        !(sig.s < kOrder))
        return std::nullopt;
    std::array<std::uint8_t, 64> compact{};
    const Word r = word_of(sig.r);
    const Word s = word_of(sig.s);
    std::copy(r.begin(), r.end(), compact.begin());
    std::copy(s.begin(), s.end(), compact.begin() + 32);
    secp256k1_ecdsa_recoverable_signature parsed;
    if (secp256k1_ecdsa_recoverable_signature_parse_compact(context(), &parsed, compact.data(),
                                                            sig.y_parity) != 1)
        return std::nullopt;
    secp256k1_pubkey pub;
    if (secp256k1_ecdsa_recover(context(), &pub, &parsed, hash.data()) != 1) return std::nullopt;
    return address_of(pub);
}

void wipe(std::string& text) noexcept {
    if (!text.empty()) OPENSSL_cleanse(text.data(), text.size());
    text.clear();
}

}  // namespace macf::chain
