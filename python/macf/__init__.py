# SPDX-License-Identifier: Apache-2.0
"""macf for Python: the MACF guide's API over macf's engine.

The guide's names work as written there (only the import line changes)::

    from macf import MACFCoordinator, CoordinationMode, PoolStateCache, AsyncMACFCoordinator

and macf's own work is one call away::

    market = macf.Market.load("data/sample-market.json")
    with macf.MACFCoordinator(mode=macf.CoordinationMode.PARALLEL) as c:
        for opp in c.scan(market)[:5]:
            print(opp.path, opp.input, opp.net_profit)      # exact wei, Python ints

Every amount is a Python ``int`` in wei (never a float: amounts pass 2**64). Native work
(loading, scanning, quoting) runs with the GIL released.
"""

from __future__ import annotations

import asyncio
import enum
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Optional

from . import _native
from ._native import (  # noqa: F401  (re-exported)
    Hop,
    MacfError,
    Market,
    MarketError,
    Opportunity,
    Pool,
    PoolStateCache,
    Quote,
    Token,
    gen,
    gpu_status,
    import_pairs,
)

__version__ = _native.__version__

__all__ = [
    "AsyncMACFCoordinator",
    "CoordinationMode",
    "Hop",
    "MACFCoordinator",
    "MacfError",
    "Market",
    "MarketError",
    "Opportunity",
    "Pool",
    "PoolStateCache",
    "Quote",
    "Token",
    "gen",
    "gpu_status",
    "import_pairs",
    "quote",
]


class CoordinationMode(enum.Enum):
    """The four MACF modes. All return the same results; only the time differs.

    SEQUENTIAL: one thread, one item at a time (the baseline of every speedup).
    BATCH: one thread, items in batches of ``batch_size`` (macf's scan: vectorised scoring).
    PARALLEL: the batches on a thread pool of ``max_workers``.
    ULTRA: the GPU for macf's scan where one is usable; without one it runs as PARALLEL and
        says so once in the log. For Python evaluators it is PARALLEL.
    """

    SEQUENTIAL = "sequential"
    BATCH = "batch"
    PARALLEL = "parallel"
    ULTRA = "ultra"


def _is_kept(result: Any) -> bool:
    """A result counts unless it is None or False, or a mapping whose ``is_profitable`` is false
    (the guide's evaluators return such dicts and report the profitable ones)."""
    if result is None or result is False:
        return False
    if isinstance(result, Mapping) and "is_profitable" in result:
        return bool(result["is_profitable"])
    return True


# Sequential seconds per item measured in this process, per kind of work, so that other modes
# can report ``speedup_factor`` against the same work measured the same way.
_baselines: dict[Any, float] = {}
_baselines_lock = threading.Lock()


def _evaluator_key(func: Callable[..., Any]) -> tuple[str, int, str]:
    """The same evaluator object (two lambdas of one function share a qualified name)."""
    return ("coordinate", id(func), getattr(func, "__qualname__", repr(func)))


class MACFCoordinator:
    """The MACF coordinator over macf's engine (the guide's ``MACFCoordinator``).

    Args:
        mode: a CoordinationMode (or its name).
        max_workers: threads of the pool used by PARALLEL and ULTRA; 0 or None = one per
            hardware thread.
        batch_size: items per batch (BATCH, PARALLEL, ULTRA); for ``scan`` these are cycles.
        enable_cache: memoise evaluator results per hashable item (``coordinate_opportunities``)
            and read pool states through macf's reserve cache (``scan``).

    ``speedup_factor`` in ``get_metrics()`` is the sequential time of the same work measured in
    this process divided by this mode's time: a SEQUENTIAL run of the same evaluator (or of a
    scan of the same market with the same settings) must have happened first; until then it is
    ``nan``, never a guess. Use it as a context manager or call ``shutdown()``.
    """

    def __init__(
        self,
        mode: CoordinationMode | str = CoordinationMode.PARALLEL,
        max_workers: Optional[int] = None,
        batch_size: int = 4096,
        enable_cache: bool = True,
    ) -> None:
        self.mode = mode if isinstance(mode, CoordinationMode) else CoordinationMode(str(mode).lower())
        if max_workers is not None and max_workers < 0:
            raise ValueError("max_workers: must be 0 (one per hardware thread) or more")
        if batch_size < 1:
            raise ValueError("batch_size: must be at least 1")
        self._native = _native.NativeCoordinator(
            self.mode.value, int(max_workers or 0), int(batch_size), bool(enable_cache)
        )
        self.max_workers = self._native.max_workers
        self.batch_size = int(batch_size)
        self.enable_cache = bool(enable_cache)
        self._memo: dict[Any, dict[Any, Any]] = {}
        self._metrics: dict[str, Any] = self._empty_metrics()

    # -- the guide's API ---------------------------------------------------------------------

    def coordinate_opportunities(
        self, opportunities: Iterable[Any], evaluator_func: Callable[[Any], Any]
    ) -> list[Any]:
        """Evaluates every opportunity with ``evaluator_func`` in the configured mode and returns
        the results that count (see below) in input order.

        A result counts unless it is None or False, or a mapping with a false
        ``is_profitable``. With ``enable_cache``, results are memoised per hashable item for the
        coordinator's life (unhashable items, such as dicts, are always evaluated).

        The GIL: a Python evaluator holds it while it runs, so PARALLEL gains only where the
        evaluator releases it — macf's own calls (``Market.quote``, ``scan``) and I/O do; pure
        Python arithmetic does not, and then PARALLEL runs about as fast as SEQUENTIAL.
        Exceptions raised by the evaluator propagate (the first one; the rest of the batch is
        skipped).
        """
        items = list(opportunities)
        started = time.perf_counter()
        memo = self._memo.setdefault(evaluator_func, {}) if self.enable_cache else None
        results: list[Any] = [None] * len(items)
        todo: list[int] = []
        hits = 0
        for i, item in enumerate(items):
            if memo is not None:
                try:
                    if item in memo:
                        results[i] = memo[item]
                        hits += 1
                        continue
                except TypeError:  # unhashable
                    pass
            todo.append(i)
        evaluated = self._native.coordinate([items[i] for i in todo], evaluator_func)
        for i, r in zip(todo, evaluated):
            results[i] = r
            if memo is not None:
                try:
                    memo[items[i]] = r
                except TypeError:
                    pass
        kept = [r for r in results if _is_kept(r)]
        elapsed = time.perf_counter() - started
        native = self._native.metrics()
        key = _evaluator_key(evaluator_func)
        self._metrics = self._finish(
            key,
            processed=len(items),
            evaluated=len(todo),
            seconds=elapsed,
            batch_count=native["batch_count"] if todo else 0,
            parallel_executions=native["parallel_executions"] if todo else 0,
            cache_hits=hits,
            cache_misses=len(todo) if memo is not None else 0,
            found=len(kept),
        )
        return kept

    def get_metrics(self) -> dict[str, Any]:
        """The MACF metrics of the last call: ``mode``, ``opportunities_processed``,
        ``batch_count``, ``parallel_executions``, ``cache_hits``, ``total_time`` (s),
        ``speedup_factor`` (nan until a sequential baseline exists), ``cache_hit_rate`` (%),
        plus ``cache_misses``, ``cycles_per_second``, ``candidates``, ``opportunities_found``
        and ``stages`` (seconds per stage of a scan)."""
        return dict(self._metrics)

    def shutdown(self) -> None:
        """Stops the thread pool. Further calls raise ValueError. Idempotent."""
        self._native.shutdown()

    def __enter__(self) -> "MACFCoordinator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # -- macf's own work ---------------------------------------------------------------------

    def scan(
        self,
        market: Market,
        bases: Sequence[Token | str] = ("WETH",),
        *,
        max_hops: int = 4,
        min_profit: int = 0,
        gas_price_gwei: float = 20.0,
        flash_fee_bps: int = 0,
        base_gas: int = 45_000,
        v2_hop_gas: int = 60_000,
        v3_hop_gas: int = 110_000,
        curve_hop_gas: int = 130_000,
        balancer_hop_gas: int = 110_000,
        min_liquidity: float = 0.0,
        exclude_tokens: Sequence[Token | str] = (),
        top: Optional[int] = None,
    ) -> list[Opportunity]:
        """Scores every 2..max_hops cycle of ``market`` from the base tokens in the configured
        mode, re-simulates each candidate with the contracts' integer math and returns the
        opportunities whose exact net profit exceeds ``min_profit`` wei, best first (the first
        ``top`` when given). The same work and defaults as ``macf scan``; the GIL is released
        throughout, and the market's cycles are enumerated once per settings.
        """
        key = (
            "scan",
            id(market),
            tuple(b.address if isinstance(b, Token) else str(b) for b in bases),
            max_hops,
            min_liquidity,
            tuple(t.address if isinstance(t, Token) else str(t) for t in exclude_tokens),
        )
        if self.mode is not CoordinationMode.SEQUENTIAL:
            with _baselines_lock:
                baseline = _baselines.get(key)
            if baseline is not None:
                self._native.set_baseline(baseline)
        opportunities = self._native.scan(
            market,
            list(bases),
            max_hops=max_hops,
            min_profit=min_profit,
            gas_price_gwei=gas_price_gwei,
            base_gas=base_gas,
            v2_hop_gas=v2_hop_gas,
            v3_hop_gas=v3_hop_gas,
            curve_hop_gas=curve_hop_gas,
            balancer_hop_gas=balancer_hop_gas,
            flash_fee_bps=flash_fee_bps,
            min_liquidity=min_liquidity,
            exclude_tokens=list(exclude_tokens),
        )
        metrics = self._native.metrics()
        if self.mode is CoordinationMode.SEQUENTIAL:
            metrics["speedup_factor"] = 1.0
            if metrics["opportunities_processed"] > 0 and metrics["total_time"] > 0:
                with _baselines_lock:
                    _baselines[key] = metrics["total_time"] / metrics["opportunities_processed"]
        self._metrics = metrics
        return opportunities if top is None else opportunities[:top]

    # -- internals ---------------------------------------------------------------------------

    def _empty_metrics(self) -> dict[str, Any]:
        return {
            "mode": self.mode.value,
            "opportunities_processed": 0,
            "batch_count": 0,
            "parallel_executions": 0,
            "cache_hits": 0,
            "cache_misses": 0,
            "total_time": 0.0,
            "speedup_factor": float("nan"),
            "cache_hit_rate": 0.0,
            "cycles_per_second": 0.0,
            "candidates": 0,
            "opportunities_found": 0,
            "stages": {},
        }

    def _finish(
        self,
        key: Any,
        *,
        processed: int,
        evaluated: int,
        seconds: float,
        batch_count: int,
        parallel_executions: int,
        cache_hits: int,
        cache_misses: int,
        found: int,
    ) -> dict[str, Any]:
        m = self._empty_metrics()
        asked = cache_hits + cache_misses
        m.update(
            opportunities_processed=processed,
            batch_count=batch_count,
            parallel_executions=parallel_executions,
            cache_hits=cache_hits,
            cache_misses=cache_misses,
            total_time=seconds,
            cache_hit_rate=100.0 * cache_hits / asked if asked else 0.0,
            opportunities_found=found,
        )
        if self.mode is CoordinationMode.SEQUENTIAL:
            m["speedup_factor"] = 1.0
            # Only a run that evaluated every item is a baseline for the others.
            if evaluated == processed and processed > 0 and seconds > 0:
                with _baselines_lock:
                    _baselines[key] = seconds / processed
        else:
            with _baselines_lock:
                baseline = _baselines.get(key)
            if baseline is not None and seconds > 0:
                m["speedup_factor"] = baseline * processed / seconds
        return m


class AsyncMACFCoordinator:
    """The guide's ``AsyncMACFCoordinator``: ``coordinate_opportunities`` and ``scan`` are
    awaitable and never block the event loop.

    A coroutine evaluator (``async def``) runs on the loop, at most ``max_workers`` at a time
    (default 8). A plain evaluator, and ``scan``, run in the native coordinator on a worker
    thread; the result comes back through the loop (``call_soon_threadsafe``).
    """

    def __init__(
        self,
        mode: CoordinationMode | str = CoordinationMode.PARALLEL,
        max_workers: Optional[int] = None,
        batch_size: int = 4096,
        enable_cache: bool = True,
    ) -> None:
        self._sync = MACFCoordinator(mode, max_workers, batch_size, enable_cache)
        self.mode = self._sync.mode
        self.max_workers = self._sync.max_workers
        self.batch_size = batch_size
        self.enable_cache = enable_cache
        self._concurrency = max_workers or 8
        self._metrics: Optional[dict[str, Any]] = None

    async def coordinate_opportunities(
        self, opportunities: Iterable[Any], evaluator_func: Callable[[Any], Any]
    ) -> list[Any]:
        """Evaluates every opportunity; the results that count (as MACFCoordinator's), in
        input order."""
        items = list(opportunities)
        if asyncio.iscoroutinefunction(evaluator_func):
            return await self._coordinate_coroutines(items, evaluator_func)
        self._metrics = None
        return await self._in_worker(self._sync.coordinate_opportunities, items, evaluator_func)

    async def scan(self, market: Market, *args: Any, **kwargs: Any) -> list[Opportunity]:
        """``MACFCoordinator.scan`` on a worker thread."""
        self._metrics = None
        return await self._in_worker(self._sync.scan, market, *args, **kwargs)

    def get_metrics(self) -> dict[str, Any]:
        """The MACF metrics of the last call (as MACFCoordinator's)."""
        return dict(self._metrics) if self._metrics is not None else self._sync.get_metrics()

    def shutdown(self) -> None:
        """Stops the native thread pool."""
        self._sync.shutdown()

    async def __aenter__(self) -> "AsyncMACFCoordinator":
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.shutdown()

    async def _in_worker(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()

        def settle(ok: bool, value: Any) -> None:
            if future.cancelled():
                return
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

        def work() -> None:
            try:
                value = func(*args, **kwargs)
            except BaseException as e:  # noqa: BLE001 — handed to the awaiting coroutine
                loop.call_soon_threadsafe(settle, False, e)
            else:
                loop.call_soon_threadsafe(settle, True, value)

        threading.Thread(target=work, name="macf-async", daemon=True).start()
        return await future

    async def _coordinate_coroutines(
        self, items: list[Any], evaluator_func: Callable[[Any], Any]
    ) -> list[Any]:
        started = time.perf_counter()
        semaphore = asyncio.Semaphore(self._concurrency)

        async def one(item: Any) -> Any:
            async with semaphore:
                return await evaluator_func(item)

        results = await asyncio.gather(*(one(item) for item in items))
        kept = [r for r in results if _is_kept(r)]
        seconds = time.perf_counter() - started
        batches = (len(items) + self.batch_size - 1) // self.batch_size
        m = self._sync._empty_metrics()
        m.update(
            opportunities_processed=len(items),
            batch_count=batches,
            parallel_executions=len(items),
            total_time=seconds,
            opportunities_found=len(kept),
        )
        self._metrics = m
        return kept


def quote(
    market: Market,
    pool: Pool | str,
    token_in: Token | str,
    *,
    amount_in: Optional[int] = None,
    amount_out: Optional[int] = None,
    token_out: Optional[Token | str] = None,
) -> Quote:
    """``market.quote(...)``: the exact result of one swap on one pool."""
    return market.quote(pool, token_in, amount_in=amount_in, amount_out=amount_out, token_out=token_out)
