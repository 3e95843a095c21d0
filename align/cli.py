"""The command line: a thin layer over the API. Exit 0 fine, 1 findings/nothing matched, 2 unusable input."""
from __future__ import annotations

import sys

import click

from . import __version__
from .check import Thresholds, check, summary
from .errors import InputError
from .output import dumps, write_atomic
from .reconcile import reconcile
from .report import check_json, table
from .transcript import FORMATS, read_transcript

SEVERITY_ORDER = ("error", "warning", "info")


class AlignGroup(click.Group):
    """Turns InputError into one clear line on stderr and exit 2, never a traceback."""

    def invoke(self, ctx: click.Context):  # noqa: D102
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"align: error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=AlignGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="align")
def main() -> None:
    """Align human transcripts with their recordings: audit, words, captions, clips."""


transcript_arg = click.argument("transcript", type=click.Path(dir_okay=False))
format_opt = click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default=None,
                          help="Transcript format (default: detected).")
encoding_opt = click.option("--encoding", default=None,
                            help="Text encoding of the transcript (default: UTF-8/UTF-16 by BOM).")


@main.command("check")
@transcript_arg
@click.option("--audio", type=click.Path(dir_okay=False), default=None, help="The recording, to measure against.")
@click.option("--json", "as_json", is_flag=True, help="Print the full audit as JSON.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write the JSON here instead of stdout.")
@click.option("--severity", type=click.Choice(SEVERITY_ORDER), default="info", show_default=True,
              help="Lowest severity shown in the table.")
@click.option("--fast-rate", type=click.FloatRange(min=1), default=Thresholds.fast_rate, show_default=True,
              help="Fastest plausible speech (syllables/s): text needing more than its slot at this pace is an overlap.")
@click.option("--slow-rate", type=click.FloatRange(min=0.5), default=Thresholds.slow_rate, show_default=True,
              help="Slowest plausible speech (syllables/s) used to judge gaps.")
@click.option("--gap", "gap_s", type=click.FloatRange(min=0), default=Thresholds.gap_ms / 1000, show_default=True,
              help="Seconds of unexplained slot time that make a gap.")
@format_opt
@encoding_opt
def check_cmd(transcript, audio, as_json, output, severity, fast_rate, slow_rate, gap_s, fmt, encoding):
    """Audit a transcript's timing: stamps, empty turns, overlaps, gaps. Exit 1 on any error finding."""
    t = read_transcript(transcript, fmt, encoding)
    audio_ms = None
    if audio is not None:
        from .audio import probe_duration
        audio_ms = probe_duration(audio)
    r = reconcile(t, audio_ms)
    th = Thresholds(fast_rate=fast_rate, slow_rate=slow_rate, gap_ms=round(gap_s * 1000))
    found = check(t, r, th, audio_ms)
    summ = summary(t, r.segments, found)
    if as_json or output:
        text = dumps(check_json(summ, r.segments, found))
        if output:
            write_atomic(output, text)
        else:
            click.echo(text, nl=False)
    else:
        shown = set(SEVERITY_ORDER[: SEVERITY_ORDER.index(severity) + 1])
        click.echo(table(transcript, summ, found, shown), nl=False)
    sys.exit(1 if summ["severities"]["error"] else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
