// SPDX-License-Identifier: Apache-2.0
#include "macf/host/search/thread_pool.hpp"

#include <exception>

namespace macf::host {

ThreadPool::ThreadPool(unsigned workers) {
    if (workers == 0) workers = 1;
    threads_.reserve(workers);
    for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this] { run(); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) t.join();
}

void ThreadPool::run() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping and drained
            task = std::move(queue_.front());
            queue_.pop();
        }
        task();  // packaged_task stores any exception in its future
    }
}

void ThreadPool::parallel_for(std::size_t n, const std::function<void(std::size_t)>& body) {
    std::vector<std::future<void>> done;
    done.reserve(n);
    for (std::size_t i = 0; i < n; ++i) done.push_back(submit([&body, i] { body(i); }));
    std::exception_ptr first;
    for (auto& f : done) {
        try {
            f.get();
        } catch (...) {
            if (!first) first = std::current_exception();
        }
    }
    if (first) std::rethrow_exception(first);
}

}  // namespace macf::host
