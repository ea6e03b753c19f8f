# SPDX-License-Identifier: Apache-2.0
"""coordinate_opportunities in every mode, its memo and metrics; PoolStateCache over the
reserve cache; the async coordinator resolving through the event loop."""

from __future__ import annotations

import asyncio
import math
import threading
import time

import pytest

import macf
from macf import AsyncMACFCoordinator, CoordinationMode, MACFCoordinator, PoolStateCache

GUIDE_KEYS = {"mode", "opportunities_processed", "batch_count", "parallel_executions",
              "cache_hits", "total_time", "speedup_factor", "cache_hit_rate"}


def square_if_even(x):
    return x * x if x % 2 == 0 else None


@pytest.mark.parametrize("mode", list(CoordinationMode))
def test_every_mode_returns_the_same_results(mode):
    items = list(range(1000))
    with MACFCoordinator(mode=mode, max_workers=3, batch_size=64, enable_cache=False) as c:
        got = c.coordinate_opportunities(items, square_if_even)
        m = c.get_metrics()
    assert got == [x * x for x in items if x % 2 == 0]
    assert GUIDE_KEYS <= set(m)
    assert m["mode"] == mode.value and m["opportunities_processed"] == 1000
    assert m["opportunities_found"] == 500
    batches = math.ceil(1000 / 64)
    assert m["batch_count"] == (0 if mode is CoordinationMode.SEQUENTIAL else batches)
    parallel = mode in (CoordinationMode.PARALLEL, CoordinationMode.ULTRA)
    assert m["parallel_executions"] == (batches if parallel else 0)


def test_memo_counts_hits_and_speedup_needs_a_baseline():
    calls = []

    def evaluate(x):
        calls.append(x)
        return {"is_profitable": x > 2, "x": x}

    with MACFCoordinator(mode="parallel", enable_cache=True) as c:
        first = c.coordinate_opportunities([1, 2, 3, 4], evaluate)
        assert math.isnan(c.get_metrics()["speedup_factor"])  # no sequential run of it yet
        second = c.coordinate_opportunities([3, 4, 5, 6], evaluate)
        m = c.get_metrics()
    assert [r["x"] for r in first] == [3, 4] and [r["x"] for r in second] == [3, 4, 5, 6]
    assert sorted(calls) == [1, 2, 3, 4, 5, 6]  # 3 and 4 came from the memo the second time
    assert m["cache_hits"] == 2 and m["cache_misses"] == 2 and m["cache_hit_rate"] == 50.0
    # Unhashable items (the guide's dicts) are always evaluated.
    with MACFCoordinator(mode="batch") as c:
        c.coordinate_opportunities([{"x": 1}, {"x": 1}], lambda o: o)
        assert c.get_metrics()["cache_hits"] == 0


def test_speedup_factor_is_measured_against_sequential():
    def slow(x):
        time.sleep(0.002)  # releases the GIL, as I/O or macf's own calls do
        return x

    items = list(range(200))
    with MACFCoordinator(mode="sequential", enable_cache=False) as c:
        c.coordinate_opportunities(items, slow)
        assert c.get_metrics()["speedup_factor"] == 1.0
    with MACFCoordinator(mode="parallel", max_workers=8, batch_size=10, enable_cache=False) as c:
        c.coordinate_opportunities(items, slow)
        speedup = c.get_metrics()["speedup_factor"]
    assert speedup > 2.0  # 8 workers on sleeps; measured, not claimed


def test_evaluator_exceptions_propagate():
    def boom(x):
        if x == 37:
            raise KeyError("item 37")
        return x

    for mode in CoordinationMode:
        with MACFCoordinator(mode=mode, batch_size=8) as c, pytest.raises(KeyError, match="37"):
            c.coordinate_opportunities(range(100), boom)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        MACFCoordinator(mode="turbo")
    with pytest.raises(ValueError):
        MACFCoordinator(batch_size=0)
    c = MACFCoordinator(max_workers=2)
    assert c.max_workers == 2
    c.shutdown()
    c.shutdown()  # idempotent


def test_pool_state_cache_ttl_invalidation_and_hit_rate():
    cache = PoolStateCache(ttl_seconds=0.2)
    assert cache.get_hit_rate() == 0.0 and cache.ttl_seconds == 0.2
    addr = "0x" + "ab" * 20
    cache.set(addr, {"reserve0": 2**200})
    cache.set("pool_123", "state")
    assert cache.get(addr) == {"reserve0": 2**200}
    assert cache.get("pool_123") == "state"
    assert cache.get("pool_999") is None
    assert cache.get_hit_rate() == pytest.approx(200 / 3)
    assert cache.invalidate("pool_123") and not cache.invalidate("pool_123")
    assert cache.get("pool_123") is None
    assert len(cache) == 1
    time.sleep(0.3)
    assert cache.get(addr) is None  # expired
    assert cache.cleanup() == 1 and len(cache) == 0
    s = cache.stats()
    assert (s["hits"], s["misses"], s["invalidations"], s["evictions"]) == (2, 3, 1, 1)
    with pytest.raises(ValueError):
        PoolStateCache(ttl_seconds=0)


def test_async_scan_and_plain_evaluator_do_not_block_the_loop(sample_market):
    async def main():
        ticks = 0
        stop = asyncio.Event()

        async def heartbeat():
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                await asyncio.sleep(0.001)

        beat = asyncio.create_task(heartbeat())
        async with AsyncMACFCoordinator(mode="sequential") as c:
            ops = await c.scan(sample_market)
            plain = await c.coordinate_opportunities(range(10), lambda x: x if x > 4 else None)
            m = c.get_metrics()
        stop.set()
        await beat
        return ops, plain, m, ticks, threading.active_count()

    ops, plain, m, ticks, _ = asyncio.run(main())
    assert len(ops) > 100 and plain == [5, 6, 7, 8, 9]
    assert m["opportunities_processed"] == 10
    assert ticks > 20  # the loop kept running while the scan ran on the worker thread


def test_async_errors_come_back_through_the_loop(sample_market):
    async def main():
        c = AsyncMACFCoordinator()
        try:
            with pytest.raises(macf.MarketError):
                await c.scan(sample_market, ["NOPE"])
        finally:
            c.shutdown()

    asyncio.run(main())


@pytest.mark.asyncio
async def test_awaited_from_a_running_loop(sample_market):
    # Under pytest-asyncio's loop: both awaitables resolve through it.
    c = AsyncMACFCoordinator(mode="parallel", max_workers=2)
    try:
        ops = await c.scan(sample_market, max_hops=2)
        sizes = await c.coordinate_opportunities(
            [p.address for p in sample_market.pools[:20]],
            lambda a: sample_market.pool(a).kind)
    finally:
        c.shutdown()
    assert all(o.net_profit > 0 for o in ops)
    assert len(sizes) == 20
