# SPDX-License-Identifier: Apache-2.0
"""Exact amounts as Python ints, markets from dicts, gen and import, typed errors with the
CLI's messages."""

from __future__ import annotations

import json
import re

import pytest

import macf
from conftest import SAMPLE_MARKET, cli_json, run_cli

WETH = "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2"
BIG = "0x00000000000000000000000000000000000000b1"
PAIR = "0x00000000000000000000000000000000000000a1"


def v2_market(r0: int, r1: int, fee_bps: int = 30) -> macf.Market:
    return macf.Market.from_dict({
        "format": "macf-market/1",
        "chain_id": 1,
        "tokens": [{"address": WETH, "symbol": "WETH", "decimals": 18},
                   {"address": BIG, "symbol": "BIG", "decimals": 18}],
        "pools": [{"kind": "uniswap_v2", "address": PAIR, "token0": WETH, "token1": BIG,
                   "reserve0": str(r0), "reserve1": str(r1), "fee_bps": fee_bps}],
    })


def get_amount_out(x: int, r_in: int, r_out: int, fee_bps: int = 30) -> int:
    """UniswapV2Library.getAmountOut in Python integers."""
    x_fee = x * (10000 - fee_bps)
    return x_fee * r_out // (r_in * 10000 + x_fee)


def test_amounts_above_2_128_round_trip_exactly():
    r0, r1 = 2**111 + 12345, 2**110 + 987654321
    m = v2_market(r0, r1)
    for x in (2**129 + 7, 2**132 - 1, 3**83):
        q = m.quote(PAIR, "WETH", amount_in=x)
        assert q.ok and q.amount_in == x
        assert q.amount_out == get_amount_out(x, r0, r1)
        assert q.amount_out > 2**109
    # Past 2^132 the router's amountIn·997·reserveOut overflows 256 bits: SafeMath reverts.
    q = m.quote(PAIR, "WETH", amount_in=2**140)
    assert not q.ok and q.error
    back = m.quote(PAIR, "BIG", amount_out=2**109 + 1)
    assert back.ok and back.amount_out == 2**109 + 1
    # getAmountIn: the smallest input that pays at least that much, rounded up by one.
    assert get_amount_out(back.amount_in, r1, r0) >= 2**109 + 1
    assert get_amount_out(back.amount_in - 2, r1, r0) < 2**109 + 1
    # The snapshot keeps the reserves to the wei.
    pool = m.to_dict()["pools"][0]
    assert int(pool["reserve0"]) == r0 and int(pool["reserve1"]) == r1


def test_amount_bounds_are_checked():
    m = v2_market(10**24, 10**24)
    with pytest.raises(ValueError, match="256 bits"):
        m.quote(PAIR, "WETH", amount_in=2**256)
    with pytest.raises(ValueError, match="negative"):
        m.quote(PAIR, "WETH", amount_in=-1)
    with pytest.raises(ValueError, match="int amount"):
        m.quote(PAIR, "WETH", amount_in=1.5)
    with pytest.raises(ValueError, match="exactly one"):
        m.quote(PAIR, "WETH", amount_in=1, amount_out=1)
    q = m.quote(PAIR, "WETH", amount_in=2**255)  # reverts like the contract: a result, no crash
    assert not q.ok and q.error


def test_quote_equals_cli(sample_market):
    pool = next(p for p in sample_market.pools if p.kind == "uniswap_v3")
    token = pool.tokens[0]
    q = pool.quote(token, amount_in=10**15)
    cli = cli_json("quote", "--market", str(SAMPLE_MARKET), "--pool", pool.address, "--token-in",
                   token.address, "--amount-in", str(10**15), "--json")
    assert q.to_dict() == cli
    assert q.after is not None and isinstance(q.after["sqrt_price_x96"], int)


@pytest.mark.parametrize("rounding", ["exchange", "view"])
def test_metapool_quote_equals_cli(sample_market, rounding):
    # A metapool's own coin for a base coin (get_dy_underlying), both roundings, as the CLI.
    pool = next(p for p in sample_market.pools if p.kind == "curve_meta")
    coin, usdc = pool.tokens[0], pool.tokens[2]
    q = sample_market.quote(pool, coin, amount_in=10**18, token_out=usdc, curve_rounding=rounding)
    cli = cli_json("quote", "--market", str(SAMPLE_MARKET), "--pool", pool.address, "--token-in",
                   coin.address, "--token-out", usdc.address, "--amount-in", str(10**18),
                   "--curve-rounding", rounding, "--json")
    assert q.ok and q.amount_out > 0
    assert q.to_dict() == cli and cli["curve_rounding"] == rounding
    with pytest.raises(ValueError, match="curve_rounding"):
        sample_market.quote(pool, coin, amount_in=1, token_out=usdc, curve_rounding="up")


def test_market_objects(sample_market):
    assert len(sample_market.tokens) == 201 and len(sample_market.pools) == 1719
    weth = sample_market.token("WETH")
    assert weth.address == WETH and weth.decimals == 18
    assert sample_market.token(WETH) == weth and hash(sample_market.token(WETH)) == hash(weth)
    kinds = {p.kind for p in sample_market.pools}
    assert kinds == {"uniswap_v2", "uniswap_v3", "curve_stable", "balancer_weighted",
                     "balancer_stable", "curve_meta"}
    again = macf.Market.from_dict(sample_market.to_dict())
    assert again.to_dict() == sample_market.to_dict()
    with pytest.raises(KeyError):
        sample_market.pool("0x" + "ee" * 20)


def test_gen_equals_cli(tmp_path):
    out = tmp_path / "gen.json"
    run_cli("gen", "--seed", "7", "--pools", "300", "--v3-pools", "10", "--curve-pools", "2",
            "--balancer-pools", "4", "--curve-meta-pools", "2", "-o", str(out))
    m = macf.gen(seed=7, pools=300, v3_pools=10, curve_pools=2, balancer_pools=4,
                 curve_meta_pools=2)
    assert m.to_dict() == json.loads(out.read_text())
    metapools = [p for p in m.pools if p.kind == "curve_meta"]
    assert len(metapools) == 2
    # Own coin, the base LP token, then the base pool's three coins.
    assert [t.symbol for t in metapools[0].tokens][1:] == ["3CRV", "USDC", "USDT", "DAI"]


def cli_error(args: list[str]) -> str:
    """The message the CLI logs for a failed command (after the timestamp and level)."""
    p = run_cli(*args, check=False)
    assert p.returncode == 1, p
    line = [ln for ln in p.stderr.splitlines() if " error " in ln][-1]
    return re.sub(r"^\S+ error ", "", line)


@pytest.mark.parametrize("body", [
    "{not json",
    '{"format":"macf-market/1","chain_id":1,"tokens":[],"pools":[{"kind":"uniswap_v9"}]}',
    json.dumps({"format": "macf-market/1", "chain_id": 1,
                "tokens": [{"address": WETH, "symbol": "WETH", "decimals": 18},
                           {"address": BIG, "symbol": "BIG", "decimals": 18}],
                "pools": [{"kind": "uniswap_v2", "address": PAIR, "token0": WETH, "token1": BIG,
                           "reserve0": str(2**112), "reserve1": "1", "fee_bps": 30}]}),
])
def test_bad_snapshot_raises_the_cli_message(tmp_path, body):
    path = tmp_path / "bad.json"
    path.write_text(body)
    expected = cli_error(["scan", "--market", str(path)])
    with pytest.raises(macf.MarketError) as e:
        macf.Market.load(path)
    assert str(e.value) == expected
    assert isinstance(e.value, ValueError) and isinstance(e.value, macf.MacfError)


def test_unknown_token_raises_the_cli_message(sample_market):
    expected = cli_error(["scan", "--market", str(SAMPLE_MARKET), "--base", "NOPE"])
    with macf.MACFCoordinator() as c, pytest.raises(macf.MarketError) as e:
        c.scan(sample_market, ["NOPE"])
    assert str(e.value) == expected
