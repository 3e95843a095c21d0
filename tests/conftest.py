from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI replays the same examples every run (a red build must mean a change broke something);
# local runs keep drawing new ones, and keep the failures they find in .hypothesis/.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = Path(os.environ.get("ALIGN_SHARED", ROOT.parent / "shared"))
SEED = SHARED / "seeds" / "000_70e3aa26d3a7e318.txt"
INTERVIEW = FIXTURES / "audio"  # interview.mp3: espeak-ng voices, with its transcript and sentence timings
INTERVIEW_TEXT = (INTERVIEW / "interview.txt").read_text()
INTERVIEW_TRUTH = json.loads((INTERVIEW / "interview.truth.json").read_text())["sentences"]


@pytest.fixture(scope="session")
def interview_audio():
    from align_transcripts.audio import decode

    return decode(str(INTERVIEW / "interview.mp3"))


@pytest.fixture
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip(f"the shared seed transcript is not at {SEED}")
    return SEED


@pytest.fixture
def quirks() -> Path:
    return FIXTURES / "transcripts" / "quirks.txt"
