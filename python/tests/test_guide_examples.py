# SPDX-License-Identifier: Apache-2.0
"""The MACF guide's four usage examples (shared/seeds/000_*.txt), with only the import line
changed; what the guide leaves to the reader (calculate_profit, fetch_opportunities, the engine) is
macf's exact quotes of real routes of the sample market."""

from __future__ import annotations

import asyncio

import pytest

from macf import AsyncMACFCoordinator, CoordinationMode, MACFCoordinator, PoolStateCache


def routes_of(market, count):
    """Round trips WETH → token → WETH through two pools of the sample market, with inputs of
    0.1 to 5 WETH: the guide's opportunities."""
    weth = market.token("WETH")
    by_token = {}
    for p in market.pools:
        tokens = p.tokens
        if len(tokens) == 2 and weth in tokens:
            other = tokens[0] if tokens[1] == weth else tokens[1]
            by_token.setdefault(other.index, (other, []))[1].append(p)
    pairs = [(other, a, b) for other, pools in by_token.values()
             for a in pools for b in pools if a != b]
    return [{"id": i, "pools": pairs[i % len(pairs)][1:], "token": pairs[i % len(pairs)][0],
             "amount": 10**17 * (1 + i % 50)} for i in range(count)]


def route_profit(market, opp):
    """WETH out − WETH in of the round trip, exact (the guide's calculate_profit)."""
    weth = market.token("WETH")
    first, second = opp["pools"]
    q1 = market.quote(first, weth, amount_in=opp["amount"])
    if not q1.ok:
        return -opp["amount"]
    q2 = market.quote(second, opp["token"], amount_in=q1.amount_out, token_out=weth)
    return (q2.amount_out if q2.ok else 0) - opp["amount"]


def test_basic_usage(sample_market, capsys):
    # --- the guide's "Basic Usage", import changed ---
    coordinator = MACFCoordinator(mode=CoordinationMode.PARALLEL)

    def calculate_profit(opp):
        return route_profit(sample_market, opp)

    def evaluate_opportunity(opp):
        profit = calculate_profit(opp)
        return {"opportunity_id": opp["id"], "is_profitable": profit > 0, "profit": profit}

    def fetch_opportunities():
        return routes_of(sample_market, 500)

    opportunities = fetch_opportunities()
    results = coordinator.coordinate_opportunities(opportunities, evaluate_opportunity)
    print(f"Found {len(results)} profitable opportunities")
    coordinator.shutdown()
    # --- checks ---
    expected = [o["id"] for o in opportunities if route_profit(sample_market, o) > 0]
    assert [r["opportunity_id"] for r in results] == expected
    assert all(isinstance(r["profit"], int) and r["profit"] > 0 for r in results)
    assert f"Found {len(expected)} profitable opportunities" in capsys.readouterr().out
    with pytest.raises(ValueError, match="shut down"):
        coordinator.coordinate_opportunities(opportunities, evaluate_opportunity)


def test_integration_with_engine(sample_market, capsys):
    # The guide's UltimateArbitrageEngine is macf itself: evaluate_route quotes the route.
    class UltimateArbitrageEngine:
        def evaluate_route(self, route, gas_price, native_price):
            profit = route_profit(sample_market, route)
            gas_wei = int(gas_price * 1e9) * 180_000
            return {"route": route["id"], "is_profitable": profit > gas_wei, "profit": profit}

    def generate_routes(n):
        return routes_of(sample_market, n)

    # --- the guide's "Integration with Arbitrage Engine", import changed ---
    engine = UltimateArbitrageEngine()
    coordinator = MACFCoordinator(mode=CoordinationMode.ULTRA)

    def evaluate_route(route):
        return engine.evaluate_route(route, gas_price=30.0, native_price=0.8)

    routes = generate_routes(1000)
    profitable_routes = coordinator.coordinate_opportunities(routes, evaluate_route)
    print(f"Evaluated {len(routes)} routes")
    print(f"Found {len(profitable_routes)} profitable routes")
    metrics = coordinator.get_metrics()
    print(f"Speedup achieved: {metrics['speedup_factor']:.1f}x")
    coordinator.shutdown()
    # --- checks ---
    out = capsys.readouterr().out
    assert "Evaluated 1000 routes" in out
    assert "Speedup achieved:" in out
    assert metrics["opportunities_processed"] == 1000
    assert metrics["mode"] == "ultra"
    # ULTRA runs Python evaluators on the thread pool: batches were run as pool tasks.
    assert metrics["parallel_executions"] == metrics["batch_count"] >= 1


def test_async_usage(capsys):
    async def async_evaluate(opp):
        await asyncio.sleep(0.01)  # Simulate async work
        return {"is_profitable": True, "profit": 100}

    def generate_opportunities(n):
        return list(range(n))

    # --- the guide's "Async Usage", import changed ---
    async def main():
        coordinator = AsyncMACFCoordinator()
        opportunities = generate_opportunities(500)
        results = await coordinator.coordinate_opportunities(opportunities, async_evaluate)
        print(f"Processed {len(results)} profitable opportunities")
        return coordinator

    coordinator = asyncio.run(main())
    assert "Processed 500 profitable opportunities" in capsys.readouterr().out
    # 500 sleeps of 10 ms, 8 at a time: far below the 5 s they would take one by one.
    assert coordinator.get_metrics()["total_time"] < 3.0
    coordinator.shutdown()


def test_context_manager_and_cache(sample_market):
    # --- the guide's "Best Practices" 2 (context manager) and the PoolStateCache example ---
    def evaluate(opp):
        return {"is_profitable": route_profit(sample_market, opp) > 0}

    with MACFCoordinator(mode=CoordinationMode.ULTRA) as coordinator:
        results = coordinator.coordinate_opportunities(routes_of(sample_market, 50), evaluate)
    assert isinstance(results, list)
    with pytest.raises(ValueError, match="shut down"):
        coordinator.coordinate_opportunities([], evaluate)

    cache = PoolStateCache(ttl_seconds=5)
    pool_state = {"reserve0": 2**100, "reserve1": 3**60}
    cache.set("pool_123", pool_state)
    state = cache.get("pool_123")
    hit_rate = cache.get_hit_rate()
    assert state is pool_state and hit_rate == 100.0


def test_readme_python_example_runs(capsys, monkeypatch):
    """The README's "Python" section example, run as a user would paste it."""
    from conftest import SOURCE_DIR

    readme = (SOURCE_DIR / "README.md").read_text()
    section = readme[readme.index("## Python\n"):]
    code = section[section.index("```python\n") + len("```python\n"):]
    code = code[: code.index("```")]
    monkeypatch.chdir(SOURCE_DIR)
    exec(compile(code, "README.md#python", "exec"), {})
    out = capsys.readouterr().out
    assert "Found " in out and " profitable opportunities" in out
    found = int(out.split("Found ")[1].split()[0])
    assert found > 0
    assert out.count("['WETH'") == 5  # the five best of the scan
