"""Degrade a benchmark interview (bench/interview.py) the ways real recordings and transcripts disagree.

    python bench/degrade.py bench/out/exact ads cuts minutes nostamps subs --out bench/out
    python bench/degrade.py bench/out/exact fillers babble phone crosstalk --out bench/out     # issue 15
    python bench/degrade.py bench/out/exact band narrow reverb noise --out bench/out

Variants (each a folder with interview.wav, a transcript and truth.json, as bench/interview.py writes):
  ads       breaks of 15-120 s of other speech over a music bed inserted between words (dynamic ad insertion;
            the transcript was made on the ad-free cut)
  cuts      whole turns and single utterances taken out of the audio, the transcript unchanged
  minutes   every stamp 137 s early (the recording has an intro the transcript's cut lacks)
  nostamps  the transcript as plain text, `Name:` paragraphs, no stamps at all
  subs      SRT cues of about 7 words, every time stretched 25/23.976 and moved 2.3 s (another frame rate and cut)
  fillers   real "uh"s, "um"s and "hm"s (MFA's disfluency clips) spliced between words inside one word in 8
            utterances, the transcript unchanged: clean verbatim (issue 15)
  babble    four streams of other speech mixed under the interview at 10 dB SNR (a café)
  phone     a telephone line: 300-3400 Hz, 8 kHz, G.711 mu-law
  crosstalk at a dozen changes of speaker the next one starts 0.8 s before the last one's last word ends
  stereo    crosstalk at a dozen changes between the interviewer (left channel) and a guest (right channel)
  band      300-3400 Hz only (no codec); narrow 500-3000 Hz (a speakerphone); reverb a room (0.4 s of decaying
            noise after the direct sound); noise white noise at 15 dB SNR: the channels the model's adaptation
            (align_transcripts.adapt) was checked on after it was built on phone alone
  bed       a music bed (the synthesized jingle music) under the whole interview, 15 dB below its speech
truth.json words carry "in_audio" (false for cut words) and the file lists the breaks ("at", "length" in s).
The other speech is LibriSpeech and LibriVox German from ../shared (read there, never copied in); the music is
synthesized here.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from interview import write_wav  # noqa: E402

from align_transcripts.audio import RATE, decode  # noqa: E402
from align_transcripts.timefmt import clock  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "speech"


def other_speech() -> np.ndarray:
    """Speech the interview does not have, end to end (English, German, French)."""
    files = sorted((SHARED / "librispeech").glob("*.wav")) + sorted((SHARED / "librispeech").glob("*.flac"))
    parts = [decode(str(f)).samples for f in files]
    parts.append(decode(str(SHARED / "lang" / "deu_aeneas_librivox_simplicissimus" / "de.mp3")).samples)
    parts.append(decode(str(SHARED / "lang" / "fra_sppas_F_F_B003-P8" / "F_F_B003-P8.wav")).samples)
    return np.concatenate(parts)


def music(seconds: float, rng: random.Random) -> np.ndarray:
    """A chord progression of decaying harmonic tones with a beat: enough like a jingle for a speech detector."""
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    out = np.zeros(n)
    beat = 0.5
    for k in range(int(seconds / beat) + 1):
        root = 110 * 2 ** (rng.choice([0, 3, 5, 7, 10]) / 12)
        a, b = int(k * beat * RATE), min(n, int((k + 1) * beat * RATE))
        if a >= n:
            break
        tt = t[a:b] - t[a]
        env = np.exp(-3 * tt)
        for h, amp in ((1, 1.0), (2, 0.5), (3, 0.3), (5 / 4 * 2, 0.3), (3 / 2 * 2, 0.25)):
            out[a:b] += amp * env * np.sin(2 * np.pi * root * h * tt)
    return (out / np.abs(out).max() * 3000).astype(np.int16)


def advert(seconds: float, speech: np.ndarray, rng: random.Random) -> np.ndarray:
    """Other speech over a music bed, with a jingle at each end."""
    n = int(seconds * RATE)
    if len(speech) <= n:
        speech = np.tile(speech, n // len(speech) + 2)
    at = rng.randrange(0, len(speech) - n)
    voice = speech[at:at + n].astype(np.int32)
    bed = music(seconds, rng).astype(np.int32) // 3
    jingle = int(min(2.0, seconds / 6) * RATE)
    voice[:jingle] = 0
    voice[-jingle:] = 0
    bed[:jingle] *= 3
    bed[-jingle:] *= 3
    return np.clip(voice + bed, -32768, 32767).astype(np.int16)


def gaps(words: list[dict]) -> list[float]:
    """Midpoints of the pauses between words (where an edit can be made without cutting a word)."""
    return [(a["end"] + b["start"]) / 2 for a, b in zip(words, words[1:]) if b["start"] - a["end"] > 0.15]


def write(folder: Path, audio: np.ndarray, transcript: str, name: str, truth: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_wav(folder / "interview.wav", audio)
    for old in folder.glob("transcript.*"):
        old.unlink()
    (folder / name).write_text(transcript, encoding="utf-8")
    (folder / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    kept = sum(w["in_audio"] for w in truth["words"] if w["transcribed"])
    print(f"{folder.name}: {len(audio) / RATE:.1f} s, {kept} transcribed words in the audio, "
          f"{len(truth.get('breaks', []))} breaks -> {folder}")


def ads(src: Path, out: Path, rng: random.Random) -> None:
    audio = decode(str(src / "interview.wav")).samples
    truth = json.loads((src / "truth.json").read_text())
    words = truth["words"]
    points = sorted(rng.sample([g for g in gaps(words) if g > 30], 3))
    speech = other_speech()
    pieces, breaks, prev, moved = [], [], 0, 0.0
    for p in points:
        length = rng.uniform(15, 120)
        cut = int(p * RATE)
        pieces += [audio[prev:cut], advert(length, speech, rng)]
        breaks.append({"at": round(p + moved, 3), "length": round(length, 3)})
        moved += len(pieces[-1]) / RATE
        prev = cut
    pieces.append(audio[prev:])

    def later(t: float) -> float:
        return t + sum(b["length"] for b, p in zip(breaks, points) if p < t)

    new = [{**w, "start": round(later(w["start"]), 3), "end": round(later(w["end"]), 3), "in_audio": True} for w in words]
    write(out / "ads", np.concatenate(pieces), (src / "transcript.txt").read_text(), "transcript.txt",
          {"duration": sum(len(x) for x in pieces) / RATE, "words": new, "breaks": breaks})


def cuts(src: Path, out: Path, rng: random.Random) -> None:
    audio = decode(str(src / "interview.wav")).samples
    truth = json.loads((src / "truth.json").read_text())
    words = truth["words"]
    turns = sorted({w["turn"] for w in words})
    whole = set(rng.sample(turns[2:-1], 3))
    utts = sorted({(w["turn"], w["utt"]) for w in words if w["turn"] not in whole})
    multi = [u for u in utts if sum(1 for v in utts if v[0] == u[0]) > 1]
    parts = set(rng.sample(multi, 2))
    gone = [w for w in words if w["turn"] in whole or (w["turn"], w["utt"]) in parts]
    spans: list[tuple[float, float]] = []  # audio removed: from the pause before to the pause after
    for key in sorted({(w["turn"], w["utt"]) for w in gone}, key=lambda k: next(i for i, w in enumerate(words)
                                                                                  if (w["turn"], w["utt"]) == k)):
        ws = [w for w in words if (w["turn"], w["utt"]) == key]
        i = words.index(ws[0])
        j = words.index(ws[-1])
        a = (words[i - 1]["end"] + ws[0]["start"]) / 2 if i else 0.0
        b = (ws[-1]["end"] + words[j + 1]["start"]) / 2 if j + 1 < len(words) else len(audio) / RATE
        if spans and abs(spans[-1][1] - a) < 1e-6:
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    keep, prev = [], 0
    for a, b in spans:
        keep.append(audio[prev:int(a * RATE)])
        prev = int(b * RATE)
    keep.append(audio[prev:])

    def earlier(t: float) -> float:
        return t - sum(b - a for a, b in spans if b <= t)

    gone_ids = {id(w) for w in gone}
    new = [{**w, "start": round(earlier(w["start"]), 3), "end": round(earlier(w["end"]), 3),
            "in_audio": id(w) not in gone_ids} for w in words]
    breaks = [{"at": round(earlier(a), 3), "length": -round(b - a, 3)} for a, b in spans]
    write(out / "cuts", np.concatenate(keep), (src / "transcript.txt").read_text(), "transcript.txt",
          {"duration": sum(len(x) for x in keep) / RATE, "words": new, "breaks": breaks})


def _turns(src: Path) -> list[tuple[str, int, str]]:
    """(speaker, stamp ms, text) of each turn of the source transcript."""
    lines = (src / "transcript.txt").read_text().split("\n")
    out = []
    for k, line in enumerate(lines):
        if line.endswith("):") and "(" in line:
            name, stamp = line[:-2].rsplit(" (", 1)
            h, m, s = (int(x) for x in stamp.split(":"))
            out.append((name, ((h * 60 + m) * 60 + s) * 1000, lines[k + 2]))
    return out


def minutes(src: Path, out: Path, rng: random.Random) -> None:
    # every stamp 137 s early: the audio gets a 137 s intro (other speech over music), the stamps stay
    audio = decode(str(src / "interview.wav")).samples
    intro = advert(137, other_speech(), rng)
    truth = json.loads((src / "truth.json").read_text())
    new = [{**w, "start": round(w["start"] + 137, 3), "end": round(w["end"] + 137, 3), "in_audio": True}
           for w in truth["words"]]
    write(out / "minutes", np.concatenate([intro, audio]), (src / "transcript.txt").read_text(),
          "transcript.txt", {"duration": (len(intro) + len(audio)) / RATE, "words": new,
                             "breaks": [{"at": 0.0, "length": 137.0}]})


def nostamps(src: Path, out: Path, rng: random.Random) -> None:
    text = "\n\n".join(f"{name}: {body}" for name, _, body in _turns(src)) + "\n"
    truth = json.loads((src / "truth.json").read_text())
    write(out / "nostamps", decode(str(src / "interview.wav")).samples, text, "transcript.txt",
          {**truth, "words": [{**w, "in_audio": True} for w in truth["words"]]})


def subs(src: Path, out: Path, rng: random.Random) -> None:
    truth = json.loads((src / "truth.json").read_text())
    words = [w for w in truth["words"] if w["transcribed"]]
    cues, cur = [], []
    for w in words:
        if cur and (len(cur) >= 7 or w["turn"] != cur[-1]["turn"]):
            cues.append(cur)
            cur = []
        cur.append(w)
    cues.append(cur)

    def warp(t: float) -> int:
        return round((t * 25 / 23.976 + 2.3) * 1000)

    blocks = []
    for n, c in enumerate(cues, 1):
        a, b = warp(c[0]["start"]), warp(c[-1]["end"] + 0.3)
        blocks.append(f"{n}\n{clock(a, True, ',')} --> {clock(b, True, ',')}\n" + " ".join(w["word"] for w in c) + "\n")
    write(out / "subs", decode(str(src / "interview.wav")).samples, "\n".join(blocks), "transcript.srt",
          {**truth, "words": [{**w, "in_audio": True} for w in truth["words"]]})


# The fillers spliced in: (clip, start s, end s) in ../shared/data/speech/disfluency/, where our own
# alignment of the clip's verbatim transcript puts them (used only to cut them out)
FILLER_CLIPS = [("mfa_uh", 2.41, 3.65), ("mfa_um", 3.744, 5.196), ("mfa_uhuh", 1.69, 1.89), ("mfa_uhuh", 2.40, 2.60),
                ("mfa_uhuh", 3.00, 3.52), ("mfa_uhum", 1.81, 2.89), ("mfa_uhum", 2.89, 3.80)]


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) if len(x) else 0.0


def fillers(src: Path, out: Path, rng: random.Random) -> None:
    audio = decode(str(src / "interview.wav")).samples
    truth = json.loads((src / "truth.json").read_text())
    words = truth["words"]
    pool = []
    for name, a, b in FILLER_CLIPS:
        x = decode(str(SHARED / "disfluency" / f"{name}.flac")).samples
        pool.append(x[int(a * RATE):int(b * RATE)])
    inner = [k for k in range(len(words) - 1) if (words[k]["turn"], words[k]["utt"]) == (words[k + 1]["turn"], words[k + 1]["utt"])]
    picks = sorted(rng.sample(inner, len(inner) // 8))
    pad = np.zeros(int(0.05 * RATE), dtype=np.int16)
    pieces, inserted, prev = [], [], 0
    for k in picks:
        at = (words[k]["end"] + words[k + 1]["start"]) / 2
        cut = int(at * RATE)
        near = audio[int(words[k]["start"] * RATE):cut]
        f = pool[rng.randrange(len(pool))].astype(np.float64)
        f = np.clip(f * (_rms(near) / max(1.0, _rms(f))), -32768, 32767).astype(np.int16)
        piece = np.concatenate([pad, f, pad])
        pieces += [audio[prev:cut], piece]
        inserted.append((at, len(piece) / RATE))
        prev = cut
    pieces.append(audio[prev:])

    def later(t: float, starts: bool = False) -> float:
        """Where t moved to: past every filler spliced before it. Most words abut (one's end is the
        next one's start, where the filler goes): a word starting there starts after the filler,
        a word ending there ends before it (until session 13 the next word's span took the filler)."""
        return t + sum(length for at, length in inserted if at < t or (starts and at == t))

    new = [{**w, "start": round(later(w["start"], starts=True), 3), "end": round(later(w["end"]), 3), "in_audio": True}
           for w in words]
    # the transcript of this recording: its stamps where its turns now start (floored, as Rev does)
    text = "\n\n".join(f"{name} ({clock(int(later(stamp / 1000) * 1000) // 1000 * 1000)}):\n\n{body}"
                        for name, stamp, body in _turns(src)) + "\n"
    write(out / "fillers", np.concatenate(pieces), text, "transcript.txt",
          {"duration": sum(len(x) for x in pieces) / RATE, "words": new,
           "fillers": [{"at": round(later(at) - length, 3), "length": round(length, 3)} for at, length in inserted]})


def babble(src: Path, out: Path, rng: random.Random, snr_db: float = 10.0) -> None:
    audio = decode(str(src / "interview.wav")).samples
    truth = json.loads((src / "truth.json").read_text())
    speech = other_speech()
    n = len(audio)
    mix = np.zeros(n)
    for _ in range(4):
        at = rng.randrange(0, max(1, len(speech) - n))
        mix += np.resize(speech[at:], n).astype(np.float64)
    spoken = np.concatenate([audio[int(w["start"] * RATE):int(w["end"] * RATE)] for w in truth["words"]])
    gain = _rms(spoken) / max(1.0, _rms(mix)) / 10 ** (snr_db / 20)
    noisy = np.clip(audio.astype(np.float64) + gain * mix, -32768, 32767).astype(np.int16)
    write(out / "babble", noisy, (src / "transcript.txt").read_text(), "transcript.txt",
          {**truth, "words": [{**w, "in_audio": True} for w in truth["words"]]})


def phone(src: Path, out: Path, rng: random.Random) -> None:
    """300-3400 Hz, down to 8 kHz and back, each sample through G.711 mu-law (8 bits)."""
    audio = decode(str(src / "interview.wav")).samples.astype(np.float64)
    truth = json.loads((src / "truth.json").read_text())
    spec = np.fft.rfft(audio)
    hz = np.fft.rfftfreq(len(audio), 1 / RATE)
    spec[(hz < 300) | (hz > 3400)] = 0
    band = np.fft.irfft(spec, len(audio))
    narrow = band[::2] / 32768.0  # 8 kHz: nothing above 4 kHz is left to alias
    mu = 255.0
    coded = np.round(np.sign(narrow) * np.log1p(mu * np.abs(np.clip(narrow, -1, 1))) / np.log1p(mu) * 127) / 127
    expanded = np.sign(coded) * ((1 + mu) ** np.abs(coded) - 1) / mu
    up = np.fft.irfft(np.fft.rfft(expanded), 2 * len(expanded)) * 2  # back to 16 kHz, band-limited
    line = np.clip(up[:len(audio)] * 32768.0, -32768, 32767).astype(np.int16)
    write(out / "phone", line, (src / "transcript.txt").read_text(), "transcript.txt",
          {**truth, "words": [{**w, "in_audio": True} for w in truth["words"]]})


def _same_words(src: Path, out: Path, name: str, samples: np.ndarray) -> None:
    """The source's transcript and truth over other samples of the same length."""
    truth = json.loads((src / "truth.json").read_text())
    write(out / name, np.clip(samples, -32768, 32767).astype(np.int16), (src / "transcript.txt").read_text(),
          "transcript.txt", {**truth, "words": [{**w, "in_audio": True} for w in truth["words"]]})


def _band(audio: np.ndarray, lo: float, hi: float) -> np.ndarray:
    spec = np.fft.rfft(audio)
    hz = np.fft.rfftfreq(len(audio), 1 / RATE)
    spec[(hz < lo) | (hz > hi)] = 0
    return np.fft.irfft(spec, len(audio))


def band(src: Path, out: Path, rng: random.Random) -> None:
    """300-3400 Hz only, no codec: the telephone band a wideband call keeps."""
    _same_words(src, out, "band", _band(decode(str(src / "interview.wav")).samples.astype(np.float64), 300, 3400))


def narrow(src: Path, out: Path, rng: random.Random) -> None:
    """500-3000 Hz only: a cheap headset or a speakerphone."""
    _same_words(src, out, "narrow", _band(decode(str(src / "interview.wav")).samples.astype(np.float64), 500, 3000))


def reverb(src: Path, out: Path, rng: random.Random, decay_s: float = 0.08, length_s: float = 0.4) -> None:
    """A room: the speech convolved with 0.4 s of exponentially decaying noise (RT60 about 0.55 s) behind the direct sound."""
    audio = decode(str(src / "interview.wav")).samples.astype(np.float64)
    n = int(length_s * RATE)
    noise = np.random.default_rng(rng.randrange(2 ** 32)).standard_normal(n)
    ir = noise * np.exp(-np.arange(n) / (decay_s * RATE))
    ir[0] = 8.0  # the direct sound
    ir /= np.abs(ir).sum() / 4
    _same_words(src, out, "reverb", np.convolve(audio, ir)[:len(audio)])


def bed(src: Path, out: Path, rng: random.Random, snr_db: float = 15.0) -> None:
    """A music bed under the whole interview, 15 dB below its speech (a podcast's theme left running)."""
    audio = decode(str(src / "interview.wav")).samples.astype(np.float64)
    truth = json.loads((src / "truth.json").read_text())
    spoken = np.concatenate([audio[int(w["start"] * RATE):int(w["end"] * RATE)] for w in truth["words"]])
    tune = music(len(audio) / RATE + 1, rng).astype(np.float64)[:len(audio)]
    _same_words(src, out, "bed", audio + tune * _rms(spoken) / max(1.0, _rms(tune)) / 10 ** (snr_db / 20))


def noise(src: Path, out: Path, rng: random.Random, snr_db: float = 15.0) -> None:
    """White noise at 15 dB below the recording's mean power: hiss, a fan, a far street."""
    audio = decode(str(src / "interview.wav")).samples.astype(np.float64)
    hiss = np.random.default_rng(rng.randrange(2 ** 32)).standard_normal(len(audio))
    _same_words(src, out, "noise", audio + hiss * np.sqrt(np.mean(audio ** 2) / 10 ** (snr_db / 10)))


def crosstalk(src: Path, out: Path, rng: random.Random, overlap: float = 0.8, changes: int = 12,
              stereo: bool = False) -> None:
    """Each turn's audio (from the middle of the pause before it to the middle of the pause after)
    laid so that its first word starts `overlap` s before the previous turn's last word ends, at
    `changes` of the changes of speaker; the pieces summed; stamps where the turns now start.
    stereo: the interviewer on the left channel, the guests on the right (a microphone a person),
    the overlaps at changes between the two."""
    audio = decode(str(src / "interview.wav")).samples
    truth = json.loads((src / "truth.json").read_text())
    words = truth["words"]
    turns = sorted({w["turn"] for w in words})
    first = {t: min(w["start"] for w in words if w["turn"] == t) for t in turns}
    last = {t: max(w["end"] for w in words if w["turn"] == t) for t in turns}
    cuts = [0.0] + [(last[a] + first[b]) / 2 for a, b in zip(turns, turns[1:])] + [len(audio) / RATE]
    speaker = {w["turn"]: w["speaker"] for w in words}
    side = {t: int(stereo and speaker[t] != "Interviewer") for t in turns}  # the channel each turn is on
    switches = [k for k in range(1, len(turns)) if speaker[turns[k]] != speaker[turns[k - 1]]
                and (not stereo or side[turns[k]] != side[turns[k - 1]])]  # two microphones: they talk over each other
    chosen = set(rng.sample(switches, min(changes, len(switches))))
    shift, moves = 0.0, {}
    for k, t in enumerate(turns):
        if k in chosen:
            shift += first[t] - (last[turns[k - 1]] - overlap)  # this much earlier than it was
        moves[t] = shift
    total = int((len(audio) / RATE - shift) * RATE) + RATE
    mix = np.zeros((total, 2 if stereo else 1), dtype=np.float64)
    for k, t in enumerate(turns):
        a, b = int(cuts[k] * RATE), int(cuts[k + 1] * RATE)
        at = a - int(moves[t] * RATE)
        mix[at:at + (b - a), side[t]] += audio[a:b]
    mix = np.clip(mix, -32768, 32767).astype(np.int16)
    new = [{**w, "start": round(w["start"] - moves[w["turn"]], 3), "end": round(w["end"] - moves[w["turn"]], 3),
            "in_audio": True} for w in words]
    text = "\n\n".join(f"{name} ({clock(int((stamp / 1000 - moves[t]) * 1000) // 1000 * 1000)}):\n\n{body}"
                        for t, (name, stamp, body) in zip(turns, _turns(src))) + "\n"
    write(out / ("stereo" if stereo else "crosstalk"), mix[:int((max(w["end"] for w in new) + 1) * RATE)], text,
          "transcript.txt", {"duration": len(mix) / RATE, "words": new})


def stereo(src: Path, out: Path, rng: random.Random) -> None:
    crosstalk(src, out, rng, stereo=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", type=Path)
    ap.add_argument("variants", nargs="+", choices=["ads", "cuts", "minutes", "nostamps", "subs", "fillers", "babble", "phone",
                                                      "crosstalk", "stereo", "band", "narrow", "reverb", "noise", "bed"])
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    args = ap.parse_args()
    for v in args.variants:
        globals()[v](args.source, args.out, random.Random(args.seed))


if __name__ == "__main__":
    main()
