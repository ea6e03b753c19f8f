// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <future>
#include <mutex>
#include <queue>
#include <thread>
#include <type_traits>
#include <vector>

namespace macf::host {

/// A fixed pool of worker threads. Tasks run in submission order as workers free up; a task's
/// exception reaches whoever waits on its future. The destructor finishes queued tasks, then
/// joins (RAII shutdown).
class ThreadPool {
  public:
    /// Starts `workers` threads (at least one).
    explicit ThreadPool(unsigned workers);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    /// Number of worker threads.
    unsigned size() const noexcept { return static_cast<unsigned>(threads_.size()); }

    /// Queues `fn` and returns the future of its result.
    template <class F>
    auto submit(F fn) -> std::future<std::invoke_result_t<F>> {
        using R = std::invoke_result_t<F>;
        auto task = std::make_shared<std::packaged_task<R()>>(std::move(fn));
        std::future<R> result = task->get_future();
        {
            std::lock_guard lock(mutex_);
            queue_.emplace([task] { (*task)(); });
        }
        ready_.notify_one();
        return result;
    }

    /// Runs body(i) for i in [0, n) as n tasks and waits for all; rethrows the first exception
    /// (by index) after every task has finished.
    void parallel_for(std::size_t n, const std::function<void(std::size_t)>& body);

  private:
    void run();

    std::vector<std::thread> threads_;
    std::queue<std::function<void()>> queue_;
    std::mutex mutex_;
    std::condition_variable ready_;
    bool stopping_ = false;
};

}  // namespace macf::host
