// SPDX-License-Identifier: Apache-2.0
#pragma once

// A follower's checkpoint on disk, for a warm restart of `macf serve` and `macf sync`: a
// directory holding market.json (a snapshot in the usual format: `macf scan` reads it) and
// follower.json (the block's hash, the V3 ticks' liquidityGross, the Balancer pool ids and the
// configuration it was written with). Each file is written to a temporary name and renamed into
// place; a checkpoint whose two files disagree is not used.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "macf/host/sync/chain_sync.hpp"

namespace macf::host {

/// Identifier written in follower.json's "format" field.
inline constexpr std::string_view kFollowerFormat = "macf-follower/1";

/// Writes `checkpoint` to `dir` (created when missing), recording `fingerprint`
/// (ChainSync::config_fingerprint). Throws std::runtime_error naming the file when it cannot.
void write_checkpoint(const std::filesystem::path& dir, const FollowerCheckpoint& checkpoint,
                      std::string_view fingerprint);

/// The checkpoint in `dir`, or std::nullopt with `why` set: none there, written with another
/// configuration (`fingerprint` differs), its two files from different writes, or a file that
/// does not parse (the message names it and the field).
[[nodiscard]] std::optional<FollowerCheckpoint> read_checkpoint(const std::filesystem::path& dir,
                                                                std::string_view fingerprint,
                                                                std::string& why);

/// Resumes `sync` from the checkpoint in `dir` when there is a usable one (written with the
/// same configuration, its block still canonical); otherwise logs why not and returns
/// std::nullopt, `sync` untouched, for the caller to bootstrap. Returns the block resumed at.
/// Transport failures and a stop (chain::Cancelled) propagate.
[[nodiscard]] std::optional<std::uint64_t> resume_from_checkpoint(ChainSync& sync,
                                                                  const std::filesystem::path& dir);

/// Writes `sync`'s checkpoint to `dir`; returns false (logged) when it cannot.
bool save_checkpoint(const ChainSync& sync, const std::filesystem::path& dir);

}  // namespace macf::host
