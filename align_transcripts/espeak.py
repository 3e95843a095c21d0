"""espeak-ng through its C library (the library and voices ship in the `espeakng-loader` wheel).

One process-wide instance serves both of its uses: letter-to-sound rules for English words the
dictionary lacks (pronounce.py), and speech synthesis in other languages, with an SSML mark
before every token so that the audio position where each token begins comes back as an event
(warp/synth.py). The library keeps one voice and one callback for the whole process, so every
call holds the lock and sets the voice it needs.
"""
from __future__ import annotations

import ctypes
import functools
import threading
from dataclasses import dataclass
from xml.sax.saxutils import escape

import numpy as np

__all__ = ["Espeak", "Spoken", "espeak"]

AUDIO_OUTPUT_SYNCHRONOUS = 2  # no audio device: synthesis hands its samples to the callback
CHARS_UTF8, SSML = 0x01, 0x10
EVENT_END, EVENT_MARK = 0, 3
# espeak_PARAMETER: rate (words a minute), volume, pitch, range, punctuation, capitals, word gap
DEFAULTS = {1: 175, 2: 100, 3: 50, 4: 50, 5: 0, 6: 0, 7: 0}
RATE_PARAM = 1


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    """espeak_EVENT from speak_lib.h."""

    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", _EventId)]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


@dataclass(frozen=True)
class Spoken:
    """What one synthesis call said: int16 samples at `rate`, and for each mark that came back,
    the sample it begins at (marks are token indices; espeak-ng drops a few, so some may be missing)."""

    samples: np.ndarray
    rate: int
    marks: dict[int, int]


class Espeak:
    """The library, initialised once; every call under one lock."""

    _lock = threading.Lock()

    def __init__(self) -> None:
        import espeakng_loader

        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [_CALLBACK]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                                     ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), 0)
        if rate <= 0:
            raise RuntimeError("espeak-ng failed to initialise")
        self.rate = rate
        self._lib = lib
        self._voice = ""
        self._chunks: list[np.ndarray] = []
        self._marks: dict[int, int] = {}
        self._callback = _CALLBACK(self._collect)  # kept referenced: the library holds only the pointer
        lib.espeak_SetSynthCallback(self._callback)

    def _set_voice(self, voice: str) -> None:
        if voice != self._voice:
            if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise ValueError(f"espeak-ng has no voice {voice!r}")
            # a voice leaves some settings behind for the next (after cmn, French read 9 ms faster): reset them
            for param, value in DEFAULTS.items():
                self._lib.espeak_SetParameter(param, value, 0)
            self._voice = voice

    def has_voice(self, voice: str) -> bool:
        with self._lock:
            try:
                self._set_voice(voice)
            except ValueError:
                return False
            return True

    def ipa(self, word: str, voice: str = "en-us") -> str:
        """IPA of a word, as espeak-ng's rules for the voice say it."""
        with self._lock:
            self._set_voice(voice)
            ptr = ctypes.c_char_p(word.encode("utf-8"))
            parts = []
            while ptr.value:
                out = self._lib.espeak_TextToPhonemes(ctypes.byref(ptr), 1, 0x02)  # UTF-8 text, IPA out
                if out:
                    parts.append(out.decode("utf-8"))
            return " ".join(parts)

    def speak(self, voice: str, tokens: list[str], first: int = 0, rate: int | None = None) -> Spoken:
        """Synthesize the tokens as one utterance, a mark named by its number (from `first`) before
        each; rate: words a minute, for this call only (the voice's default otherwise)."""
        ssml = "<speak>" + " ".join(f'<mark name="{first + k}"/>{escape(t)}' for k, t in enumerate(tokens)) + "</speak>"
        data = ssml.encode("utf-8")
        with self._lock:
            self._set_voice(voice)
            self._lib.espeak_SetParameter(RATE_PARAM, rate or DEFAULTS[RATE_PARAM], 0)
            self._chunks, self._marks = [], {}
            if self._lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, CHARS_UTF8 | SSML, None, None) != 0:
                raise RuntimeError(f"espeak-ng could not synthesize {' '.join(tokens)[:60]!r}")
            samples = np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.int16)
            return Spoken(samples, self.rate, dict(self._marks))

    def _collect(self, wav, n: int, events) -> int:
        if n > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, (n,)).copy())
        k = 0
        while events[k].type != EVENT_END:
            e = events[k]
            if e.type == EVENT_MARK and e.id.name:
                self._marks.setdefault(int(e.id.name.decode()), e.sample)
            k += 1
        return 0


@functools.lru_cache(maxsize=1)
def espeak() -> Espeak:
    return Espeak()
