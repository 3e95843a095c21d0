"""The command line: a thin layer over the API. Exit 0 fine, 1 findings/nothing matched, 2 unusable input."""
from __future__ import annotations

import os
import re
import sys
from dataclasses import replace

import click

from . import __version__
from .captions import PRESETS, Rules, build_cues, estimated_words, past_end, qa
from .check import Thresholds, check, summary
from .errors import InputError
from .formats.edl import FRAME_RATES
from .output import check_file, check_folder, dumps, write_atomic
from .reconcile import reconcile
from .report import check_json, headline, qa_text, table, top_findings, trace_text, word_counts
from .text import counted
from .timefmt import clock
from .transcript import FORMATS, read_text, read_transcript, rev

# The audio stack (numpy, pydub, PocketSphinx), webvtt-py and the process pools are imported by
# the commands that use them: `align check` on a transcript alone starts in a fraction of a second.
CLIP_FORMATS = ("flac", "m4a", "mp3", "ogg", "opus", "wav")  # align_transcripts.clips.EXPORT's keys (a test keeps them equal)

D = "fixtures/demo/demo"  # the bundled demo: every example below runs from a clone as it is
EXAMPLES = {  # shown at the end of each command's --help
    "check": [
        f"align check {D}.txt",
        f"align check {D}.txt --audio {D}.mp3 --severity warning",
        f"align check {D}.txt --audio {D}.mp3 --fix-stamps -o fixed.txt",
    ],
    "words": [
        f"align words {D}.txt {D}.mp3 -o words.json",
        f"align words {D}.txt {D}.mp3 --workers 1 > words.json",
    ],
    "captions": [
        f"align captions {D}.txt --audio {D}.mp3 -o captions.vtt",
        f"align captions {D}.txt --audio {D}.mp3 -o captions.srt --preset bbc --speaker-labels name",
        f"align captions {D}.txt -o draft.vtt --max-lines 1 --report qa.json",
    ],
    "clips": [
        f'align clips {D}.txt {D}.mp3 -o clips --match "forty percent"',
        f"align clips {D}.txt {D}.mp3 -o clips --speaker maya --join",
        f"align clips {D}.txt {D}.mp3 -o clips --from 00:40 --to 1:10 --pad 0",
    ],
    "run": [
        f"align run {D}.txt {D}.mp3 -o demo-output",
        f"align run {D}.txt {D}.mp3 -o demo-bbc --preset bbc --workers 1",
    ],
    "batch": [
        "align batch pairs.csv -o archive-out",
        "align batch pairs.json -o archive-out --dask local --workers 4",
        "align batch pairs.csv -o archive-out --encoding cp1252 --force",
    ],
}


def _examples(command: str) -> str:
    lines = "\n".join(f"  {e}" for e in EXAMPLES[command])
    return f"\b\nExamples:\n{lines}"  # \b: click keeps these lines as they are


SEVERITY_ORDER = ("error", "warning", "info")


EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM


class AlignGroup(click.Group):
    """Turns InputError into one clear line on stderr and exit 2, never a traceback; Ctrl-C and
    SIGTERM end every worker and exit 130 / 143 (not 1, which means "errors found")."""

    def invoke(self, ctx: click.Context):  # noqa: D102
        from .workers import Terminated, end_children, handle_sigterm

        handle_sigterm()
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"align: error: {exc}", err=True)
            sys.exit(2)
        except (KeyboardInterrupt, Terminated) as exc:
            end_children()
            click.echo("\nalign: interrupted; no output was left half-written", err=True)
            sys.exit(EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED)


@click.group(cls=AlignGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=f"\b\nExamples:\n  align run {D}.txt {D}.mp3 -o demo-output\n"
                    f"  align check {D}.txt\n  align COMMAND --help")
@click.version_option(__version__, prog_name="align")
def main() -> None:
    """Align human transcripts with their recordings: audit the stamps, place every word, cut
    captions and clips. Each command's --help has examples."""


transcript_arg = click.argument("transcript", type=click.Path(dir_okay=False))
format_opt = click.option("--input-format", "fmt", type=click.Choice(sorted(FORMATS)), default=None,
                          help="Transcript format (default: detected).")
suspects_opt = click.option("--suspects", is_flag=True, help="Also judge every placed word against the audio and flag "
                            "those it seems to contradict (a misheard name or number): suspect_words in the audit, "
                            "\"suspect\" in words.json, highlighted on the review page. About 1.7x the time of aligning alone.")


def _check_language(ctx, param, value: str) -> str:
    from .warp.languages import language

    try:
        return language(value).code
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


language_opt = click.option("--language", "-l", "language", default="en", show_default=True, callback=_check_language,
                            help="The recording's language (ISO 639-1). English uses the acoustic model; other "
                            "languages are aligned by reading the transcript aloud with espeak-ng and warping it onto "
                            "the recording (coarser: see the README).")
encoding_opt = click.option("--encoding", default=None,
                            help="Text encoding of the transcript (default: UTF-8/UTF-16 by BOM).")


def _progress(label: str):
    """A progress callback drawing a bar on stderr when it is a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        return None
    state: dict = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(done - state.get("done", 0))
        state["done"] = done
        if done >= total:
            state["bar"].__exit__(None, None, None)

    return update


def _emit(data: dict, output: str | None) -> None:
    text = dumps(data)
    if output:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)


@main.command("check", short_help="Audit a transcript's stamps; with --audio, measure them.", epilog=_examples("check"))
@transcript_arg
@click.option("--audio", type=click.Path(dir_okay=False), default=None, help="The recording, to measure against.")
@click.option("--json", "as_json", is_flag=True, help="Print the full audit as JSON.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the JSON here (with --fix-stamps: the corrected transcript).")
@click.option("--fix-stamps", is_flag=True,
              help="With --audio: write the transcript with stamps moved to where each turn's speech starts (-o).")
@click.option("--severity", type=click.Choice(SEVERITY_ORDER), default="info", show_default=True,
              help="Lowest severity shown in the table.")
@click.option("--fast-rate", type=click.FloatRange(min=1), default=Thresholds.fast_rate, show_default=True,
              help="Fastest plausible speech (syllables/s): text needing more than its slot at this pace is an overlap.")
@click.option("--slow-rate", type=click.FloatRange(min=0.5), default=Thresholds.slow_rate, show_default=True,
              help="Slowest plausible speech (syllables/s) used to judge gaps.")
@click.option("--gap", "gap_s", type=click.FloatRange(min=0), default=Thresholds.gap_ms / 1000, show_default=True,
              help="Seconds of unexplained slot time that make a gap.")
@click.option("--stamp-offset", type=click.FloatRange(min=0), default=Thresholds.stamp_offset_ms / 1000, show_default=True,
              help="With --audio: seconds between a stamp and its turn's first word that make a stamp_offset.")
@click.option("--untranscribed", type=click.FloatRange(min=0), default=Thresholds.untranscribed_ms / 1000, show_default=True,
              help="With --audio: seconds of uncovered speech that make an untranscribed_speech finding.")
@click.option("--long-silence", type=click.FloatRange(min=0), default=Thresholds.long_silence_ms / 1000, show_default=True,
              help="With --audio: seconds of silence that make a long_silence finding.")
@suspects_opt
@format_opt
@encoding_opt
@language_opt
def check_cmd(transcript, audio, as_json, output, fix_stamps, severity, fast_rate, slow_rate, gap_s,
              stamp_offset, untranscribed, long_silence, suspects, fmt, encoding, language):
    """Audit a transcript's timing: same-second and backwards stamps, empty turns, overlaps, gaps,
    stamps past the end; with --audio, stamps seconds off, untranscribed speech, long silences.
    Exit 0 no errors, 1 at least one error-severity finding, 2 unusable input."""
    th = Thresholds(fast_rate=fast_rate, slow_rate=slow_rate, gap_ms=round(gap_s * 1000),
                    stamp_offset_ms=round(stamp_offset * 1000), untranscribed_ms=round(untranscribed * 1000),
                    long_silence_ms=round(long_silence * 1000))
    th = _language_pace(th, language)
    if fix_stamps and not (audio and output):
        raise click.UsageError("--fix-stamps needs --audio and -o FILE for the corrected transcript")
    if output and os.path.abspath(output) == os.path.abspath(transcript):
        raise click.UsageError("-o must not be the input transcript: align never modifies its inputs")
    if output:
        check_file(output)  # before aligning, not after
    if fix_stamps and read_transcript(transcript, fmt, encoding).format != "rev":
        raise click.UsageError("--fix-stamps rewrites Rev-style transcripts only "
                               "(subtitles: `align captions SUBS --audio A --keep-cues -o OUT` re-syncs them)")
    if audio is None:
        t = read_transcript(transcript, fmt, encoding)
        r = reconcile(t)
        found = check(t, r, th)
    else:
        from .pipeline import align_files, audit, fixed_stamps

        a = align_files(transcript, audio, fmt, encoding, progress=_progress("aligning"), suspects=suspects,
                        language=language)
        t, r = a.transcript, a.reconciled
        found = audit(a, th)
        if fix_stamps:
            original = read_text(transcript, encoding)
            fixed = rev.restamp(original, fixed_stamps(a))
            write_atomic(output, fixed)
            changed = sum(x != y for x, y in zip(original.split("\n"), fixed.split("\n")))
            far = sum(1 for f in found if f.kind == "stamp_offset")
            click.echo(f"wrote {output}: {counted(changed, 'stamp')} corrected to the second its turn's speech "
                       f"starts in ({far} of them off by more than {th.stamp_offset_ms / 1000:g} s: stamp_offset)",
                       err=True)
    summ = summary(t, r.segments, found)
    if (as_json or output) and not fix_stamps:
        _emit(check_json(summ, r.segments, found), output)
        if output:  # the audit went to a file: say what it found, most important first
            click.echo(f"{headline(transcript, summ)}; wrote {output}", err=True)
            for line in top_findings(found):
                click.echo(line, err=True)
    else:
        shown = set(SEVERITY_ORDER[: SEVERITY_ORDER.index(severity) + 1])
        click.echo(table(transcript, summ, found, shown), nl=False)
    sys.exit(1 if summ["severities"]["error"] else 0)


@main.command("words", short_help='Place every word on the audio (words.json).', epilog=_examples("words"))
@transcript_arg
@click.argument("audio", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write here instead of stdout: .json, .TextGrid (Praat), .csv or .txt (Audacity labels).")
@click.option("--to", "to_format", default=None, metavar="NAME",
              help="Output format by name (json, textgrid, csv, audacity) instead of from -o's extension.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes to align with (default: up to 2 cores).")
@click.option("--trace", is_flag=True, help="Also say which pass placed the turns and why others were rejected "
              "(words.json's \"turns\" has it per turn).")
@suspects_opt
@format_opt
@encoding_opt
@language_opt
def words_cmd(transcript, audio, output, workers, trace, to_format, suspects, fmt, encoding, language):
    """Place every transcript word on the audio: JSON with start, end, speaker, segment, aligned,
    score (times in seconds; an unaligned word's times are interpolated, never heard)."""
    from .formats import pick, render_words
    from .pipeline import align_files

    kind = pick(output, "words", to_format)
    if output:
        check_file(output)  # before aligning, not after
    a = align_files(transcript, audio, fmt, encoding, progress=_progress("aligning"), workers=workers,
                    suspects=suspects, language=language)
    text = render_words(kind, a.words, a.audio.duration, a.trace, a.adapted)
    if output:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)
    s = word_counts(a.words)
    click.echo(f"{s['aligned']} of {counted(s['words'], 'word')} aligned"
               + (f" ({counted(s['tags'], 'sound tag')} kept as tags)" if s["tags"] else "")
               + (f"; {s['suspect']} suspect" if "suspect" in s else ""), err=True)
    if trace:
        click.echo(trace_text(a.trace, a.adapted), err=True, nl=False)


def _language_pace(th: Thresholds, language: str) -> Thresholds:
    """The language's pace limits, where the user did not set --fast-rate or --slow-rate."""
    from .warp.languages import audit_thresholds
    from .warp.languages import language as lang_of

    ctx = click.get_current_context()
    own = audit_thresholds(th, lang_of(language))
    given = {name: getattr(th, name) for name in ("fast_rate", "slow_rate")
             if ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT}
    return replace(own, **given)


def _rules(preset, language: str, overrides: dict) -> Rules:
    from .warp.languages import caption_rules
    from .warp.languages import language as lang_of

    base = caption_rules(PRESETS[preset], lang_of(language))
    changes = {k: v for k, v in overrides.items() if v is not None}
    for key in ("min_duration", "max_duration", "min_gap", "linger"):
        if key in changes:
            changes[key] = round(changes[key] * 1000)
    return replace(base, **changes)


@main.command("captions", short_help='Captions to broadcast rules: VTT, SRT, TTML, ASS, SBV, JSON.', epilog=_examples("captions"))
@transcript_arg
@click.option("--audio", type=click.Path(dir_okay=False), default=None, help="Align to this recording for word-accurate cues.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
              help="OUT.vtt, .srt, .ttml (IMSC 1.1), .ass, .ssa, .sbv or .json.")
@click.option("--to", "to_format", default=None, metavar="NAME",
              help="Caption format by name (vtt, srt, ttml, ass, ssa, sbv, json) instead of from -o's extension.")
@click.option("--preset", type=click.Choice(sorted(PRESETS)), default="netflix", show_default=True)
@click.option("--max-chars", type=click.IntRange(min=10), default=None, help="Characters per line.")
@click.option("--max-lines", type=click.IntRange(1, 3), default=None, help="Lines per cue.")
@click.option("--min-duration", type=click.FloatRange(min=0), default=None, help="Seconds a cue stays at least.")
@click.option("--max-duration", type=click.FloatRange(min=1), default=None, help="Seconds a cue stays at most.")
@click.option("--max-cps", type=click.FloatRange(min=1), default=None, help="Reading speed in characters per second.")
@click.option("--max-wpm", type=click.FloatRange(min=10), default=None, help="Reading speed in words per minute.")
@click.option("--min-gap", type=click.FloatRange(min=0), default=None, help="Seconds between cues at least.")
@click.option("--linger", type=click.FloatRange(min=0), default=None, help="Seconds a cue may stay after its last word.")
@click.option("--speaker-labels", type=click.Choice(["dash", "name", "none"]), default="dash", show_default=True,
              help="Visible marker where the speaker changes (every cue also carries a <v Name> voice tag).")
@click.option("--word-timestamps", is_flag=True, help="Add a WebVTT timestamp before each word (karaoke highlighting).")
@click.option("--report", type=click.Path(dir_okay=False), default=None, help="Write the caption QA summary (JSON) here.")
@click.option("--keep-cues", is_flag=True, help="With subtitles as the transcript and --audio: the same cues, text "
              "untouched, at the times their words are said (re-sync instead of re-cutting).")
@format_opt
@encoding_opt
@language_opt
def captions_cmd(transcript, audio, output, preset, max_chars, max_lines, min_duration, max_duration, max_cps,
                 max_wpm, min_gap, linger, speaker_labels, word_timestamps, report, keep_cues, to_format, fmt, encoding,
                 language):
    """Captions to broadcast rules: WebVTT, SRT or JSON, picked by the output's extension. Without
    --audio the cue times are estimated from the stamps and the text. With --keep-cues, subtitles
    are re-synced cue for cue."""
    from .formats import pick, render_captions

    kind = pick(output, "captions", to_format)
    if keep_cues:
        _resync(transcript, audio, output, f".{kind.name}", fmt, encoding, language)
        return
    for path in (output, report) if report else (output,):
        check_file(path)  # before aligning, not after
    rules = _rules(preset, language, {"max_chars": max_chars, "max_lines": max_lines, "min_duration": min_duration,
                            "max_duration": max_duration, "max_cps": max_cps, "max_wpm": max_wpm,
                            "min_gap": min_gap, "linger": linger})
    if audio is None:
        t = read_transcript(transcript, fmt, encoding)
        r = reconcile(t)
        words, estimated, audio_end = estimated_words(r.segments, r.rate), True, None
    else:
        from .pipeline import align_files

        a = align_files(transcript, audio, fmt, encoding, progress=_progress("aligning"), language=language)
        words, estimated, audio_end = a.words, False, a.audio.duration
    cues = build_cues(words, rules, speaker_labels, end=audio_end)
    report_data = qa(cues, rules, past_end(words, audio_end))
    write_atomic(output, render_captions(kind, cues, estimated, word_timestamps, report_data))
    if report:
        write_atomic(report, dumps(report_data))
    click.echo(qa_text(output, report_data, estimated), err=True, nl=False)


def _resync(transcript, audio, output, kind, fmt, encoding, language: str = "en") -> None:
    from .pipeline import align_files
    from .resync import retime, write_resynced

    if audio is None:
        raise click.UsageError("--keep-cues needs --audio: the cues are re-synced to the recording")
    if kind not in (".srt", ".vtt"):
        raise click.UsageError("--keep-cues writes subtitles: -o must end in .srt or .vtt")
    t = read_transcript(transcript, fmt, encoding)
    if t.format not in ("srt", "vtt"):
        raise click.UsageError(f"--keep-cues re-syncs subtitles; {transcript} was read as {t.format}")
    check_file(output)
    a = align_files(transcript, audio, fmt, encoding, progress=_progress("aligning"), language=language)
    times = retime(a.reconciled.segments, [turn.end for turn in a.transcript.turns], a.words)
    write_atomic(output, write_resynced(read_text(transcript, encoding), t.format, times, kind, transcript))
    heard = sum(r.heard for r in times)
    moved = sorted(r.start - r.old_start for r in times if r.heard)
    median = moved[len(moved) // 2] / 1000 if moved else 0.0
    click.echo(f"wrote {output}: {counted(len(times), 'cue')} re-synced ({heard} by their own words, the rest moved "
               f"with their neighbours); median shift {median:+.2f} s", err=True)


@main.command("clips", short_help='Cut clips of speakers, turns, ranges or quotes.', epilog=_examples("clips"))
@transcript_arg
@click.argument("audio", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False), required=True, help="Folder for the clips.")
@click.option("--speaker", "speakers", multiple=True,
              help="A speaker's turns (repeatable; case and spacing ignored; part of a name will do when only one "
                   "speaker has it: 'maya' for 'Maya Okonkwo').")
@click.option("--segments", default=None, help="Turn numbers, e.g. 3,5-9.")
@click.option("--from", "from_", default=None,
              help="Start of a time range: HH:MM:SS[.mmm], MM:SS or seconds. A range keeps whole words: a word "
                   "straddling an edge is in when its middle is inside, and is then kept whole.")
@click.option("--to", "to", default=None, help="End of the time range (same rule for the edge word).")
@click.option("--match", "quotes", multiple=True, help="A phrase to cut out exactly (repeatable; case and punctuation ignored).")
@click.option("--regex", is_flag=True, help="Treat --match as a regular expression over the words.")
@click.option("--each/--join", default=True,
              help="One clip per turn or quote (default; a range gives one per turn inside it), or one clip of the whole selection.")
@click.option("--pad", type=click.FloatRange(min=0), default=0.25, show_default=True,
              help="Seconds of silence kept around the words, never reaching into a word outside the selection; "
                   "0 cuts at the word edges.")
@click.option("--fade", type=click.FloatRange(min=0), default=0.01, show_default=True, help="Fade in/out seconds.")
@click.option("--format", "audio_format", type=click.Choice(CLIP_FORMATS), default=None,
              help="Clip format (default: the source's).")
@click.option("--bitrate", default=None, help="Encoder bitrate, e.g. 192k (default: the source's own).")
@click.option("--fps", type=click.Choice(list(FRAME_RATES)), default="25", show_default=True,
              help="Frame rate of clips.edl's timecode (29.97 and 59.94 are drop-frame): your project's.")
@click.option("--no-align", is_flag=True, help="Cut at the turns' stamps without aligning words (faster, rougher).")
@click.option("--force", is_flag=True, help="Replace existing clip files.")
@format_opt
@encoding_opt
@language_opt
def clips_cmd(transcript, audio, folder, speakers, segments, from_, to, quotes, regex, each, pad, fade,
              audio_format, bitrate, fps, no_align, force, fmt, encoding, language):
    """Cut clips of speakers, turns, a time range or exact quotes, each with its own captions and a
    row in clips.json / clips.csv; clips.edl (CMX 3600) and clips-labels.txt (Audacity) list the same
    cuts on the source for an editor. Exit 1 when nothing matched."""
    from .audio import probe_duration
    from .clips import (
        Selection,
        output_format,
        parse_segments,
        parse_time_option,
        plan_clips,
        resolve_speakers,
        write_clips,
    )

    t = read_transcript(transcript, fmt, encoding)
    check_folder(folder)  # say so before aligning, not after
    duration = probe_duration(audio)
    r = reconcile(t, duration)
    from .pipeline import cannot_be_its_recording

    problem = cannot_be_its_recording(r, duration)
    if problem:
        raise InputError(audio, f"{problem} (transcript {transcript})")
    try:
        seg_set = parse_segments(segments, len(r.segments)) if segments else frozenset()
    except ValueError as exc:
        raise InputError(None, f"--segments: {exc}") from exc
    start, end = parse_time_option(from_, "--from"), parse_time_option(to, "--to")
    if start is not None and end is not None and end <= start:
        raise InputError(None, f"--to {to} is not after --from {from_}")
    if start is not None and start >= duration:
        raise InputError(audio, f"--from {from_} is past the end of the audio ({clock(duration, True)})")
    if regex:
        for q in quotes:
            try:
                re.compile(q)
            except re.error as exc:
                raise InputError(None, f"--match {q!r} is not a valid regular expression: {exc}") from exc
    sel = Selection(resolve_speakers(speakers, r.segments), seg_set, start, end, quotes, regex, not each)
    clips = plan_clips(r, audio, sel, round(pad * 1000), align=not no_align, duration=duration, language=language)
    if not clips:
        click.echo("align: nothing matched the selection; no clips written", err=True)
        sys.exit(1)
    rows, resumed = write_clips(clips, audio, folder, output_format(audio, audio_format), bitrate,
                                round(fade * 1000), force, fps)
    for row in rows:
        click.echo(f"{row['file']}  {row['start']:.2f}-{row['end']:.2f}  {row['speaker']}: {row['text'][:60]}", err=True)
    again = ""
    if resumed == len(rows):
        again = ": all already there from the same selection (--force cuts them again)"
    elif resumed:
        again = f": {resumed} of them already written by an interrupted run, the rest now"
    click.echo(f"{counted(len(rows), 'clip')} in {folder} (clips.json, clips.csv, clips.edl, clips-labels.txt){again}", err=True)


@main.command("run", short_help='Everything at once, with review.html.', epilog=_examples("run"))
@transcript_arg
@click.argument("audio", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False), required=True, help="Folder for the outputs.")
@click.option("--preset", type=click.Choice(sorted(PRESETS)), default="netflix", show_default=True, help="Caption rules.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes to align with (default: up to 2 cores).")
@suspects_opt
@format_opt
@encoding_opt
@language_opt
def run_cmd(transcript, audio, folder, preset, workers, suspects, fmt, encoding, language):
    """Everything at once: audit, segments, words, captions (VTT, SRT) and review.html in one
    folder, the audio decoded once. Exit 1 when the audit found errors."""
    from .pipeline import run_all

    res = run_all(transcript, audio, folder, PRESETS[preset], fmt=fmt, encoding=encoding, language=language,
                  progress=_progress("aligning"), workers=workers, suspects=suspects)
    s = res["summary"]
    kinds = ", ".join(f"{k} {v}" for k, v in s["findings"].items()) or "none"
    broken = {k: v["count"] for k, v in res["captions"]["rules"].items() if v["count"]}
    audio_s = res["audio_ms"] / 1000
    lines = [
        f"{transcript}: {counted(s['turns'], 'turn')}, {counted(len(s['speakers']), 'speaker')} ({', '.join(s['speakers'])})",
        f"  findings: {counted(s['severities']['error'], 'error')}, {counted(s['severities']['warning'], 'warning')}, "
        f"{counted(s['severities']['info'], 'note')} ({kinds})",
        *top_findings(res["findings"]),
        f"  words: {res['aligned']} of {res['words']} aligned" + (f", {res['suspect']} suspect" if "suspect" in res else ""),
        f"  captions: {counted(res['captions']['cues'], 'cue')}, " + (", ".join(f"{k} {v}" for k, v in broken.items())
                                                         + " broken" if broken else "every rule met"),
        f"  time: {res['seconds']:.1f} s for {audio_s:.0f} s of audio ({audio_s / max(res['seconds'], 1e-3):.0f}x real time)",
        f"wrote {folder}/: " + ", ".join(os.path.basename(p) for p in res["outputs"]),
        f"open {os.path.join(folder, 'review.html')} in a browser to review",
    ]
    click.echo("\n".join(lines))
    sys.exit(1 if s["severities"]["error"] else 0)


@main.command("batch", short_help='`align run` over every pair a manifest lists.', epilog=_examples("batch"))
@click.argument("manifest", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False), required=True,
              help="Folder; each pair's outputs go to FOLDER/<name>/.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Pairs run at once.")
@click.option("--dask", "dask_address", default=None,
              help="Run on a Dask cluster: a scheduler address, or 'local' for a LocalCluster.")
@click.option("--force", is_flag=True, help="Re-run pairs whose outputs are already up to date.")
@click.option("--preset", type=click.Choice(sorted(PRESETS)), default="netflix", show_default=True, help="Caption rules.")
@click.option("--encoding", default=None,
              help="Text encoding of the transcripts (a manifest column 'encoding' sets it per pair).")
@language_opt
def batch_cmd(manifest, folder, workers, dask_address, force, preset, encoding, language):
    """`align run` over every transcript/audio pair a CSV (transcript,audio[,name,encoding,language]) or
    JSON manifest lists, in a process pool or on a Dask cluster. Exit 1 if any pair failed."""
    from .batch import read_manifest, run_batch, summary_table

    pairs = read_manifest(manifest, encoding, language)
    rows = run_batch(pairs, folder, workers, dask_address, force, preset, progress=_progress("pairs"))
    click.echo(summary_table(rows), nl=False)
    sys.exit(1 if any(r["status"] == "failed" for r in rows) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
