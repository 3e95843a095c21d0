import pytest
from hypothesis import given
from hypothesis import strategies as st

from align_transcripts.timefmt import clock, parse_clock, seconds


@pytest.mark.parametrize("text,ms", [
    ("00:10:53", 653_000), ("10:53", 653_000), ("1:02:03.5", 3_723_500), ("83.25", 83_250),
    ("100:00:00", 360_000_000), ("00:00:01,250", 1_250), ("75:30", 4_530_000), ("99:00.5", 5_940_500),
])
def test_parse_clock(text, ms):
    assert parse_clock(text) == ms


@pytest.mark.parametrize("bad", ["", "1:2:3", "00:61:00", "ten", "00:10:5", "10:75", "1:60:00"])
def test_parse_clock_rejects(bad):
    with pytest.raises(ValueError):
        parse_clock(bad)


@given(st.integers(min_value=0, max_value=99 * 3600 * 1000))
def test_clock_round_trip(ms):
    assert parse_clock(clock(ms, millis=True)) == ms
    assert parse_clock(clock(ms)) == ms - ms % 1000


def test_seconds():
    assert seconds(1234) == 1.234
    assert seconds(None) is None
