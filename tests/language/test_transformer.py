"""The transformer backend's loading code, on a tiny BERT with random weights built here."""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

import numpy as np
import pytest

from shomer.language.corpus import Example
from shomer.language.embeddings import EmbeddingHead, SimilarIndex
from shomer.language.transformer import (
    WordPieceTokenizer,
    gelu,
    load_bert,
    load_safetensors,
    save_safetensors,
)

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", ",", "!", ".", "שלום", "תודה", "רבה", "אידיוט",
         "אתה", "world", "##s", "hello", "idiot", "you", "are", "thanks", "great", "ש", "##לום",
         "service", "the", "router", "is", "down"]  # fmt: skip
HIDDEN, LAYERS, HEADS, INTERMEDIATE, POSITIONS = 16, 2, 2, 32, 64


def tiny_weights(seed: int = 7, prefix: str = "") -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)

    def matrix(*shape: int) -> np.ndarray:
        return rng.normal(0.0, 0.2, shape).astype(np.float32)

    weights = {
        "embeddings.word_embeddings.weight": matrix(len(VOCAB), HIDDEN),
        "embeddings.position_embeddings.weight": matrix(POSITIONS, HIDDEN),
        "embeddings.token_type_embeddings.weight": matrix(2, HIDDEN),
        "embeddings.LayerNorm.weight": np.ones(HIDDEN, np.float32),
        "embeddings.LayerNorm.bias": np.zeros(HIDDEN, np.float32),
    }
    for i in range(LAYERS):
        base = f"encoder.layer.{i}."
        for part in ("attention.self.query", "attention.self.key", "attention.self.value",
                     "attention.output.dense"):  # fmt: skip
            weights[base + part + ".weight"] = matrix(HIDDEN, HIDDEN)
            weights[base + part + ".bias"] = matrix(HIDDEN)
        weights[base + "intermediate.dense.weight"] = matrix(INTERMEDIATE, HIDDEN)
        weights[base + "intermediate.dense.bias"] = matrix(INTERMEDIATE)
        weights[base + "output.dense.weight"] = matrix(HIDDEN, INTERMEDIATE)
        weights[base + "output.dense.bias"] = matrix(HIDDEN)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            weights[base + norm + ".weight"] = 1.0 + matrix(HIDDEN)
            weights[base + norm + ".bias"] = matrix(HIDDEN)
    return {prefix + name: value for name, value in weights.items()}


def write_checkpoint(directory: Path, weights: dict[str, np.ndarray] | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    config = {"hidden_size": HIDDEN, "num_hidden_layers": LAYERS, "num_attention_heads": HEADS,
              "intermediate_size": INTERMEDIATE, "max_position_embeddings": POSITIONS,
              "hidden_act": "gelu", "layer_norm_eps": 1e-12}  # fmt: skip
    (directory / "config.json").write_text(json.dumps(config), encoding="utf-8")
    (directory / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    save_safetensors(weights or tiny_weights(), directory / "model.safetensors")
    return directory


def test_basic_split_and_wordpieces() -> None:
    tokenizer = WordPieceTokenizer(VOCAB)
    assert tokenizer.basic("שלום, worlds!") == ["שלום", ",", "worlds", "!"]
    assert tokenizer.tokenize("שלום, worlds!") == ["שלום", ",", "world", "##s", "!"]
    assert tokenizer.tokenize("hello zebra") == ["hello", "[UNK]"]
    assert tokenizer.encode("hello world", max_tokens=3) == [2, 14, 3]


def test_lower_case_tokenizer_strips_niqqud_and_case() -> None:
    tokenizer = WordPieceTokenizer(VOCAB, lower_case=True)
    assert tokenizer.tokenize("שָׁלוֹם HELLO") == ["שלום", "hello"]


def test_tokenizer_needs_the_special_tokens() -> None:
    with pytest.raises(ValueError, match=r"\[CLS\]"):
        WordPieceTokenizer(["[PAD]", "[UNK]", "[SEP]"])


def test_gelu_exact_and_tanh_forms() -> None:
    values = np.array([0.0, 1.0, -1.0], dtype=np.float32)
    assert np.allclose(gelu(values), [0.0, 0.8413447, -0.1586553], atol=1e-6)
    assert np.allclose(gelu(values, "gelu_new"), [0.0, 0.8411920, -0.1588080], atol=1e-6)


def test_safetensors_round_trip_and_bfloat16(tmp_path: Path) -> None:
    tensors = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.array([1.5], np.float32)}
    save_safetensors(tensors, tmp_path / "x.safetensors")
    loaded = load_safetensors(tmp_path / "x.safetensors")
    assert sorted(loaded) == ["a", "b"]
    assert np.array_equal(loaded["a"], tensors["a"])
    # bfloat16 of 1.0 and -2.0 are the top halves of their float32 bits.
    halves = (np.array([1.0, -2.0], np.float32).view(np.uint32) >> 16).astype(np.uint16)
    header = json.dumps({"w": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}}).encode()
    (tmp_path / "bf16.safetensors").write_bytes(
        struct.pack("<Q", len(header)) + header + halves.tobytes()
    )
    assert load_safetensors(tmp_path / "bf16.safetensors")["w"].tolist() == [1.0, -2.0]
    (tmp_path / "bad.safetensors").write_bytes(b"\xff" * 16)
    with pytest.raises(ValueError, match="not a safetensors file"):
        load_safetensors(tmp_path / "bad.safetensors")


def test_load_bert_embeds_unit_vectors(tmp_path: Path) -> None:
    embedder = load_bert(write_checkpoint(tmp_path / "tiny"))
    vectors = embedder.embed(["שלום, תודה רבה", "you are an idiot", ""])
    assert vectors.shape == (3, HIDDEN)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(embedder.embed(["שלום, תודה רבה"])[0], vectors[0])
    assert embedder.name.startswith("bert-tiny-")


def test_padding_does_not_change_a_text_vector(tmp_path: Path) -> None:
    embedder = load_bert(write_checkpoint(tmp_path / "tiny"))
    alone = embedder.embed(["hello"])[0]
    batched = embedder.embed(["hello", "the router is down , great service ! thanks thanks"])[0]
    assert np.allclose(alone, batched, atol=1e-5)


def test_long_text_is_cut_to_the_position_table(tmp_path: Path) -> None:
    embedder = load_bert(write_checkpoint(tmp_path / "tiny"), max_tokens=1000)
    assert embedder.max_tokens == POSITIONS
    assert embedder.embed(["hello " * 500]).shape == (1, HIDDEN)


def test_prefixed_names_and_gamma_beta_load(tmp_path: Path) -> None:
    weights = tiny_weights(prefix="bert.")
    weights["bert.embeddings.LayerNorm.gamma"] = weights.pop("bert.embeddings.LayerNorm.weight")
    weights["bert.embeddings.LayerNorm.beta"] = weights.pop("bert.embeddings.LayerNorm.bias")
    plain = load_bert(write_checkpoint(tmp_path / "plain")).embed(["hello world"])
    renamed = load_bert(write_checkpoint(tmp_path / "renamed", weights)).embed(["hello world"])
    assert np.allclose(plain, renamed, atol=1e-6)


def test_missing_pieces_are_reported(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"config\.json"):
        load_bert(tmp_path)
    weights = tiny_weights()
    del weights["encoder.layer.1.output.dense.weight"]
    with pytest.raises(ValueError, match=r"encoder\.layer\.1\.output\.dense\.weight"):
        load_bert(write_checkpoint(tmp_path / "broken", weights))


def test_heads_and_similarity_work_over_the_transformer(tmp_path: Path) -> None:
    embedder = load_bert(write_checkpoint(tmp_path / "tiny"))
    texts = ["you are an idiot", "idiot", "thanks great service", "תודה רבה"]
    examples = [Example(t, "en", s, a, 0, "f", False)
                for t, s, a in zip(texts, ["negative", "negative", "positive", "positive"],
                                   [1, 1, 0, 0], strict=True)]  # fmt: skip
    vectors = embedder.embed(texts)
    examples.append(Example("hello", "en", "neutral", 0, 1, "f", False))
    vectors = np.vstack([vectors, embedder.embed(["hello"])])
    head = EmbeddingHead.train(vectors, examples, c=1000.0)
    labels, binary = head.predict(vectors)
    assert labels == ["negative", "negative", "positive", "positive", "neutral"]
    assert [bool(p >= 0.5) for p in binary[:, 0]] == [True, True, False, False, False]
    index = SimilarIndex.build(embedder, list(zip(["a", "b"], texts[:2], strict=True)))
    assert math.isclose(index.nearest("you are an idiot", k=1)[0].score, 1.0, abs_tol=1e-5)
