// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace macf::chain {

/// An endpoint URL as it may appear in a log line or an error: the scheme, host and port kept,
/// everything that can carry a secret replaced by "…" — user information ("user:pass@"), a path
/// other than "/" (providers put API keys there: https://mainnet.infura.io/v3/KEY) and a query
/// or fragment. "https://h.example/v3/abc?k=1" → "https://h.example/…?…". Text that is not a
/// URL (no "://") is shortened to its first 8 characters followed by "…".
[[nodiscard]] std::string redact_url(std::string_view url);

}  // namespace macf::chain
