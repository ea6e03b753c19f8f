// SPDX-License-Identifier: Apache-2.0
#pragma once

// Loading the signing key. The key is never logged or printed: errors say where the key was
// looked for and what is wrong with it, never what it is; every buffer that held it is wiped.

#include <stdexcept>
#include <string>

#include "macf/chain/ecdsa.hpp"

namespace macf::chain {

/// The key could not be loaded; the message names the file or variable and the reason.
class SigningKeyError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Reads a key file: 64 hex digits (0x prefix and surrounding white space allowed). Refused
/// with SigningKeyError when it is not a regular file, when its group or others have any
/// permission on it (chmod 600 is asked for), or when it does not hold a valid key.
PrivateKey load_key_file(const std::string& path);

/// Reads the key from the environment variable `name`, then removes the variable from the
/// environment (child processes do not inherit it) after overwriting its value. Refused with
/// SigningKeyError when it is unset or not a valid key.
PrivateKey load_key_env(const std::string& name);

}  // namespace macf::chain
