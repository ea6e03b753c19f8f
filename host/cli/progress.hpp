// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <string>

namespace macf::cli {

/// A one-line progress display on stderr for work that takes longer than a second, shown only
/// when stdout and stderr are terminals. Updated from one thread; cleared on destruction.
class Progress {
  public:
    explicit Progress(std::string label);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    /// Reports `fraction` (0..1) done; redraws at most 10 times a second.
    void update(double fraction);

  private:
    std::string label_;
    bool enabled_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace macf::cli
