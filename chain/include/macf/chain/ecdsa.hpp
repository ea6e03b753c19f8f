// SPDX-License-Identifier: Apache-2.0
#pragma once

// secp256k1 ECDSA as Ethereum uses it, through libsecp256k1 (Debian's libsecp256k1-dev with
// its recovery module): recoverable signatures with low s (RFC 6979 nonces), sender recovery,
// the address of a key. The private key lives in a PrivateKey that cannot be printed or copied
// and wipes its bytes when it is destroyed.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "macf/chain/address.hpp"
#include "macf/chain/keccak.hpp"
#include "macf/dex/u256.hpp"

namespace macf::chain {

/// A recoverable ECDSA signature: r and s as integers below the curve order n, and the parity
/// of the nonce point's y coordinate (0 or 1; Ethereum's yParity, `v` without offsets).
struct Signature {
    dex::U256 r;
    dex::U256 s;
    std::uint8_t y_parity = 0;

    bool operator==(const Signature&) const = default;
};

/// The order n of the secp256k1 group.
dex::U256 secp256k1_order() noexcept;

/// True when s ≤ n/2 (EIP-2: transactions with a higher s are invalid since Homestead).
bool is_low_s(const dex::U256& s) noexcept;

/// A secp256k1 private key (32 bytes, 0 < key < n). Move-only; its bytes are wiped (with
/// OPENSSL_cleanse) when it is destroyed or moved from. Nothing prints it.
class PrivateKey {
  public:
    /// The key of 32 big-endian bytes; std::nullopt when it is 0 or ≥ n.
    static std::optional<PrivateKey> from_bytes(std::span<const std::uint8_t, 32> bytes);
    /// The key of 64 hex digits with an optional 0x prefix (surrounding white space ignored);
    /// std::nullopt for anything else. The caller wipes `hex` itself.
    static std::optional<PrivateKey> from_hex(std::string_view hex);

    PrivateKey(PrivateKey&& other) noexcept;
    PrivateKey& operator=(PrivateKey&& other) noexcept;
    PrivateKey(const PrivateKey&) = delete;
    PrivateKey& operator=(const PrivateKey&) = delete;
    ~PrivateKey();

    /// The account address of the key: the last 20 bytes of keccak256 of the uncompressed
    /// public key without its 0x04 prefix.
    Address address() const;
    /// Signs a 32-byte hash: deterministic (RFC 6979), low s, recoverable.
    Signature sign(const Hash32& hash) const;

  private:
    PrivateKey() = default;
    std::array<std::uint8_t, 32> bytes_{};
};

/// The address that signed `hash` with `sig`; std::nullopt when r or s is 0 or ≥ n, y_parity
/// is not 0 or 1, or no public key recovers (the point for r is not on the curve). High s is
/// accepted here: callers that must refuse it check is_low_s.
std::optional<Address> recover_signer(const Hash32& hash, const Signature& sig);

/// Overwrites `text` with zeros in a way the compiler keeps, then clears it.
void wipe(std::string& text) noexcept;

}  // namespace macf::chain
