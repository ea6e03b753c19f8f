# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures: where the build, the CLI binary and the real-data folder are.

ctest sets MACF_BINARY, MACF_SOURCE_DIR and MACF_SHARED_DATA; by hand, run from the repository
root with PYTHONPATH=build/python and the defaults find build/host/macf and ../shared/data.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import macf

SOURCE_DIR = Path(os.environ.get("MACF_SOURCE_DIR", Path(__file__).resolve().parents[2]))
MACF_BINARY = Path(os.environ.get("MACF_BINARY", SOURCE_DIR / "build" / "host" / "macf"))
SHARED_DATA = Path(os.environ.get("MACF_SHARED_DATA", SOURCE_DIR.parent / "shared" / "data"))
SAMPLE_MARKET = SOURCE_DIR / "data" / "sample-market.json"
UNIV2_DIR = SHARED_DATA / "univ2-pairs-2020"


def run_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Runs the macf binary; stdout and stderr as text."""
    if not MACF_BINARY.exists():
        pytest.skip(f"no macf binary at {MACF_BINARY}")
    return subprocess.run(
        [str(MACF_BINARY), *args], capture_output=True, text=True, check=check, timeout=600
    )


def cli_json(*args: str) -> dict:
    return json.loads(run_cli(*args).stdout)


@pytest.fixture(scope="session")
def sample_market() -> macf.Market:
    return macf.Market.load(SAMPLE_MARKET)


@pytest.fixture(scope="session")
def univ2_files() -> list[tuple[Path, str, int]]:
    if not UNIV2_DIR.exists():
        pytest.skip(f"no real-data folder at {UNIV2_DIR}")
    return [
        (UNIV2_DIR / "uniswap_v2_pairs.json", "uniswap_v2", 30),
        (UNIV2_DIR / "sushiswap_pairs.json", "sushiswap", 30),
    ]


@pytest.fixture(scope="session")
def univ2_market(univ2_files) -> macf.Market:
    return macf.import_pairs(univ2_files)
