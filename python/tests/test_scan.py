# SPDX-License-Identifier: Apache-2.0
"""scan() returns exactly what `macf scan --json` prints, in every mode."""

from __future__ import annotations

import threading
import time

import pytest

import macf
from conftest import SAMPLE_MARKET, cli_json, run_cli

ALL = 1_000_000  # --top: every opportunity


def test_scan_equals_cli_on_sample_market(sample_market):
    cli = cli_json("scan", "--market", str(SAMPLE_MARKET), "--mode", "sequential", "--json",
                   "--top", str(ALL))
    assert cli["opportunities_total"] > 100
    for mode in (macf.CoordinationMode.SEQUENTIAL, macf.CoordinationMode.ULTRA):
        with macf.MACFCoordinator(mode=mode) as c:
            ops = c.scan(sample_market)
        assert [o.to_dict() for o in ops] == cli["opportunities"], mode
        assert c.get_metrics()["opportunities_processed"] == cli["cycles"]["total"]


def test_every_mode_equals_cli(sample_market):
    cli = cli_json("scan", "--market", str(SAMPLE_MARKET), "--max-hops", "3", "--json", "--top",
                   str(ALL))
    for mode in macf.CoordinationMode:
        with macf.MACFCoordinator(mode=mode, batch_size=512) as c:
            assert [o.to_dict() for o in c.scan(sample_market, max_hops=3)] == cli["opportunities"]


def test_scan_options_equal_cli_options(sample_market):
    args = ["--base", "USDC", "--max-hops", "3", "--min-profit", "1000", "--gas-price-gwei", "7.5",
            "--flash-fee-bps", "5", "--exclude-token", "DAI"]
    cli = cli_json("scan", "--market", str(SAMPLE_MARKET), "--json", "--top", str(ALL), *args)
    with macf.MACFCoordinator(mode="batch") as c:
        ops = c.scan(sample_market, ["USDC"], max_hops=3, min_profit=1000, gas_price_gwei=7.5,
                     flash_fee_bps=5, exclude_tokens=["DAI"])
    assert [o.to_dict() for o in ops] == cli["opportunities"]
    assert len(ops) > 0


def test_scan_equals_cli_on_univ2(univ2_market, univ2_files, tmp_path):
    snapshot = tmp_path / "univ2.json"
    run_cli("import-pairs", "--uniswap-v2", str(univ2_files[0][0]), "--sushiswap",
            str(univ2_files[1][0]), "-o", str(snapshot))
    cli = cli_json("scan", "--market", str(snapshot), "--json", "--top", str(ALL))
    with macf.MACFCoordinator(mode=macf.CoordinationMode.PARALLEL) as c:
        ops = c.scan(univ2_market)
    assert len(ops) == cli["opportunities_total"] > 1000
    assert [o.to_dict() for o in ops] == cli["opportunities"]
    assert univ2_market.import_report == {"pairs_read": 10909, "pairs_imported": 10839,
                                          "zero_reserve_excluded": 70, "tokens": 9142}


def test_opportunity_objects_are_exact_ints(sample_market):
    with macf.MACFCoordinator(mode="sequential") as c:
        best = c.scan(sample_market, top=3)
    assert len(best) == 3
    for o in best:
        assert all(isinstance(v, int) for v in (o.input, o.output, o.flash_fee, o.gas_cost,
                                                o.net_profit))
        assert o.net_profit == o.output - o.input - o.flash_fee - o.gas_cost > 0
        assert o.path[0] == o.path[-1] == o.base_token
        assert [h.amount_in for h in o.hops][0] == o.input
        assert o.hops[-1].amount_out == o.output
        for a, b in zip(o.hops, o.hops[1:]):
            assert a.amount_out == b.amount_in and a.token_out == b.token_in
        # Each hop is what the pool pays for that input, to the wei.
        for h in o.hops:
            q = sample_market.quote(h.pool, h.token_in, amount_in=h.amount_in, token_out=h.token_out)
            assert q.ok and q.amount_out == h.amount_out


def test_speedup_against_the_sequential_scan_of_the_same_run(sample_market):
    with macf.MACFCoordinator(mode="sequential") as c:
        c.scan(sample_market, max_hops=3)
        assert c.get_metrics()["speedup_factor"] == 1.0
    with macf.MACFCoordinator(mode="parallel") as c:
        c.scan(sample_market, max_hops=3)
        m = c.get_metrics()
    assert m["speedup_factor"] > 0 and m["speedup_factor"] == m["speedup_factor"]  # not nan
    assert set(m["stages"]) == {"load_states", "build_edges", "score", "resimulate", "select"}
    assert m["cycles_per_second"] > 0 and m["cache_hit_rate"] == 100.0


def test_ten_million_cycle_scan_releases_the_gil():
    market = macf.gen(seed=42, pools=14000, tokens=2000)  # the 10.1M-cycle market of macf bench
    ticks = 0
    done = threading.Event()

    def count():
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    result = {}

    def scan():
        with macf.MACFCoordinator(mode="sequential") as c:
            started = time.perf_counter()
            c.scan(market)
            result["seconds"] = time.perf_counter() - started
            result["cycles"] = c.get_metrics()["opportunities_processed"]
        done.set()

    counter = threading.Thread(target=count)
    counter.start()
    scanner = threading.Thread(target=scan)
    scanner.start()
    scanner.join(timeout=300)
    done.set()
    counter.join()
    assert result["cycles"] > 10_000_000
    # The Python thread kept running through a scan of seconds: it counted at least a million
    # times (it counts tens of millions per second when it has the GIL).
    assert result["seconds"] > 0.5
    assert ticks > 1_000_000, (ticks, result)
