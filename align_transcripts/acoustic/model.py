"""The en-us acoustic model inside the pocketsphinx wheel, read into numpy arrays.

PocketSphinx's model is a phonetically tied mixture (PTM) HMM: 42 base phones, each with one
codebook of 128 diagonal Gaussians per feature stream (3 streams of 13: cepstra, deltas,
double deltas); 5,126 senones (tied HMM states) each weighting its base phone's codebook;
3-state left-to-right HMMs with one transition matrix per base phone; triphones found
through the model definition's context tree. The files are Sphinx-3 binaries: `means`,
`variances` and `transition_matrices` (an "s3" header, then int32 dimensions and float32s),
`sendump` (mixture weights, 8-bit -log values) and `mdef` (the binary model definition).
"""
from __future__ import annotations

import functools
import os
import struct
from dataclasses import dataclass, field

import numpy as np

__all__ = ["AcousticModel", "ci_senones", "load_model", "model_dir"]

WPOS = {"internal": 0, "begin": 1, "end": 2, "single": 3}  # word positions, as the context tree keys them
MIXW_NATS = 1024 * np.log(1.0001)  # one step of a sendump weight: logmath base 1.0001, shifted by 10 bits
VAR_FLOOR = 1e-4  # PocketSphinx's -varfloor: no variance below this


def model_dir() -> str:
    """The en-us model folder shipped inside the pocketsphinx wheel."""
    import pocketsphinx

    return os.path.join(os.path.dirname(pocketsphinx.__file__), "model", "en-us", "en-us")


@dataclass(frozen=True, eq=False)
class AcousticModel:
    """What scoring and searching need, as arrays (log values in natural logs)."""

    phones: tuple[str, ...]  # base (CI) phone names, in the model's order
    filler: np.ndarray = field(repr=False)  # bool per CI phone: silence and noise models
    sil: int  # the silence phone's id
    means: np.ndarray = field(repr=False)  # (codebook, stream, density, dim) float32
    inv_var: np.ndarray = field(repr=False)  # 1 / variance, same shape
    log_norm: np.ndarray = field(repr=False)  # (codebook, stream, density): -0.5 * sum(log(2 pi var))
    log_mixw: np.ndarray = field(repr=False)  # (stream, density, senone) float32: log mixture weights
    sen2cb: np.ndarray = field(repr=False)  # senone -> its codebook (base phone)
    log_trans: np.ndarray = field(repr=False)  # (tmat, 3, 4): log P(state j | state i), j == 3 the exit
    phone_sseq: np.ndarray = field(repr=False)  # (phone id,) -> senone sequence id
    phone_tmat: np.ndarray = field(repr=False)  # (phone id,) -> transition matrix id
    sseq: np.ndarray = field(repr=False)  # (sseq id, 3) senone ids
    cd_tree: np.ndarray = field(repr=False)  # (node, 3): ctx, n_down, pid-or-first-child

    @functools.cached_property
    def phone_index(self) -> dict[str, int]:
        return {p: i for i, p in enumerate(self.phones)}

    def triphone(self, base: int, left: int, right: int, wpos: int) -> int:
        """The phone id of base in its context (fillers count as silence), else the base phone."""
        ctx = (wpos, base, self.sil if self.filler[left] else left, self.sil if self.filler[right] else right)
        node, count = 0, len(WPOS)
        for level in range(4):
            kids = self.cd_tree[node: node + count]
            hit = np.nonzero(kids[:, 0] == ctx[level])[0]
            if not len(hit):
                return base
            ctx_node = kids[hit[0]]
            if ctx_node[1] == 0:
                return int(ctx_node[2]) if ctx_node[2] >= 0 else base
            node, count = int(ctx_node[2]), int(ctx_node[1])
        return base

    def senones(self, phone: int) -> np.ndarray:
        """The three senones of a phone's emitting states."""
        return self.sseq[self.phone_sseq[phone]]

    def transitions(self, phone: int) -> np.ndarray:
        """(3, 4) log transition probabilities of a phone's HMM."""
        return self.log_trans[self.phone_tmat[phone]]


def _s3(path: str) -> tuple[dict[str, str], np.ndarray]:
    """A Sphinx-3 binary: its header fields and the int32/float32 body that follows."""
    with open(path, "rb") as fh:
        data = fh.read()
    end = data.index(b"endhdr\n") + len(b"endhdr\n")
    fields = dict(line.split(None, 1) for line in data[:end].decode("ascii").splitlines()[1:-1] if " " in line.strip())
    if struct.unpack("<I", data[end:end + 4])[0] != 0x11223344:
        raise ValueError(f"{path}: not a little-endian Sphinx-3 file")
    return fields, np.frombuffer(data, dtype="<i4", offset=end + 4)


def _gaussians(path: str) -> np.ndarray:
    _, body = _s3(path)
    n_cb, n_feat, n_dens = (int(x) for x in body[:3])
    lens = [int(x) for x in body[3:3 + n_feat]]
    total = int(body[3 + n_feat])
    if len(set(lens)) != 1 or total != n_cb * n_dens * sum(lens):
        raise ValueError(f"{path}: unexpected shape")
    values = body[4 + n_feat: 4 + n_feat + total].view("<f4")
    return values.reshape(n_cb, n_feat, n_dens, lens[0]).astype(np.float32)


def _transitions(path: str) -> np.ndarray:
    _, body = _s3(path)
    n_tmat, n_src, n_dst, total = (int(x) for x in body[:4])
    counts = body[4:4 + total].view("<f4").reshape(n_tmat, n_src, n_dst).astype(np.float64)
    probs = counts / counts.sum(axis=2, keepdims=True)  # stored as counts: each row normalised, as tmat_init does
    with np.errstate(divide="ignore"):
        return np.log(probs)


def _mixture_weights(path: str, n_sen: int) -> np.ndarray:
    with open(path, "rb") as fh:
        data = fh.read()
    off = 0
    while True:  # length-prefixed header strings, ended by a zero length
        (n,) = struct.unpack("<i", data[off:off + 4])
        off += 4
        if n == 0:
            break
        text = data[off:off + n].rstrip(b"\0").decode("ascii", "replace")
        off += n
        if text.startswith("cluster_count ") and int(text.split()[1]) != 0:
            raise ValueError(f"{path}: clustered mixture weights are not supported")
    rows, cols = struct.unpack("<ii", data[off:off + 8])
    off += 8
    raw = np.frombuffer(data, dtype=np.uint8, offset=off)
    n_feat = len(raw) // (rows * cols)
    if cols != n_sen or n_feat * rows * cols != len(raw):
        raise ValueError(f"{path}: unexpected shape")
    return (-raw.reshape(n_feat, rows, cols).astype(np.float32) * np.float32(MIXW_NATS))


def _mdef(path: str) -> dict:
    with open(path, "rb") as fh:
        data = fh.read()
    magic, _version, desc_len = struct.unpack("<iii", data[:12])
    if magic != 0x46444D42:  # "BMDF"
        raise ValueError(f"{path}: not a binary model definition")
    off = 12 + desc_len
    (n_ci, n_phone, n_emit, _n_ci_sen, n_sen, _n_tmat, n_sseq, _n_ctx, n_tree, sil) = \
        struct.unpack("<10i", data[off:off + 40])
    off += 40
    names = []
    for _ in range(n_ci):
        end = data.index(b"\0", off)
        names.append(data[off:end].decode("ascii"))
        off = end + 1
    off = (off + 3) & ~3
    tree = np.frombuffer(data, dtype=np.dtype([("ctx", "<i2"), ("n_down", "<i2"), ("down", "<i4")]),
                         count=n_tree, offset=off)
    off += 8 * n_tree
    phones = np.frombuffer(data, dtype=np.dtype([("ssid", "<i4"), ("tmat", "<i4"), ("attr", "i1", 4)]),
                           count=n_phone, offset=off)
    off += 12 * n_phone
    (sseq_size,) = struct.unpack("<i", data[off:off + 4])
    off += 4
    sseq = np.frombuffer(data, dtype="<u2", count=sseq_size, offset=off).reshape(n_sseq, n_emit)
    return {"names": names, "tree": tree, "phones": phones, "sseq": sseq, "n_sen": n_sen, "sil": sil, "n_ci": n_ci}


@functools.lru_cache(maxsize=2)
def load_model(folder: str | None = None) -> AcousticModel:
    """Read the model once per process (about 0.1 s; 10 MB of arrays)."""
    folder = folder or model_dir()
    md = _mdef(os.path.join(folder, "mdef"))
    means = _gaussians(os.path.join(folder, "means"))
    var = np.maximum(_gaussians(os.path.join(folder, "variances")), VAR_FLOOR)
    log_norm = (-0.5 * np.log(2 * np.pi * var).sum(axis=-1)).astype(np.float32)
    mixw = _mixture_weights(os.path.join(folder, "sendump"), md["n_sen"])
    n_ci = md["n_ci"]
    phones = md["phones"]
    sseq = md["sseq"].astype(np.int32)
    sen2cb = np.full(md["n_sen"], -1, dtype=np.int32)
    pids = np.arange(len(phones))
    base = np.where(pids < n_ci, pids, phones["attr"][:, 1].astype(np.int32))  # a senone belongs to its phone's base phone
    sen2cb[sseq[phones["ssid"]]] = base[:, None]
    tree = np.stack([md["tree"]["ctx"].astype(np.int32), md["tree"]["n_down"].astype(np.int32),
                     md["tree"]["down"].astype(np.int32)], axis=1)
    return AcousticModel(
        phones=tuple(md["names"]), filler=phones["attr"][:n_ci, 0].astype(bool), sil=int(md["sil"]),
        means=means, inv_var=(1.0 / var).astype(np.float32), log_norm=log_norm, log_mixw=mixw, sen2cb=sen2cb,
        log_trans=_transitions(os.path.join(folder, "transition_matrices")),
        phone_sseq=phones["ssid"].astype(np.int32), phone_tmat=phones["tmat"].astype(np.int32), sseq=sseq,
        cd_tree=tree,
    )


@functools.lru_cache(maxsize=2)
def ci_senones(model: AcousticModel) -> np.ndarray:
    """The senones of the context-independent phones: their best per frame is what a free phone loop would score."""
    return np.array(sorted({int(s) for p in range(len(model.phones)) for s in model.senones(p)}))
