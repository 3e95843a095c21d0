from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = Path(os.environ.get("ALIGN_SHARED", ROOT.parent / "shared"))
SEED = SHARED / "seeds" / "000_70e3aa26d3a7e318.txt"


@pytest.fixture
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip(f"the shared seed transcript is not at {SEED}")
    return SEED


@pytest.fixture
def quirks() -> Path:
    return FIXTURES / "transcripts" / "quirks.txt"
