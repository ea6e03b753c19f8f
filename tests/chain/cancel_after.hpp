// SPDX-License-Identifier: Apache-2.0
#pragma once

// Cancellation tests: run a call while another thread sets its cancel flag after a delay.

#include <atomic>
#include <chrono>
#include <thread>

namespace macf::test {

/// Runs `call()` while `flag` is set `after` into it from another thread; the seconds the call
/// took (it is expected to end soon after the flag).
template <class Call>
double seconds_with_cancel_after(std::atomic<bool>& flag, std::chrono::milliseconds after,
                                 Call&& call) {
    std::thread stopper([&] {
        std::this_thread::sleep_for(after);
        flag = true;
    });
    const auto t0 = std::chrono::steady_clock::now();
    call();
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    stopper.join();
    return took;
}

}  // namespace macf::test
