from __future__ import annotations

from pathlib import Path

import shomer.language.model as model_module
from shomer.language.corpus import Example
from shomer.language.model import (
    LinearModel,
    examples_hash,
    load_or_train,
    model_key,
    model_path,
    newest_corrected_path,
)

TINY = """@family tiny
pos 0 0 | thanks, great service
pos 0 0 | thank you, great help
neu 0 0 | what time do you open
neu 0 0 | what is my invoice number
neg 1 0 | you idiot, useless service
neg 1 0 | you idiot, you are useless
neg 0 1 | urgent, the system is down now
neg 0 1 | urgent, everything is down
"""


def write_corpus(directory: Path, text: str = TINY) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "en_tiny.txt").write_text(text, encoding="utf-8")
    return directory


def test_it_trains_once_then_loads_from_the_cache(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    models = tmp_path / "models"
    first = load_or_train(models, corpus)
    path = model_path(models, corpus)
    assert path.exists()
    stamp = path.stat().st_mtime_ns
    second = load_or_train(models, corpus)
    assert path.stat().st_mtime_ns == stamp
    assert second.index == first.index
    assert second.score("you idiot") == first.score("you idiot")


def test_a_changed_corpus_gets_a_new_model(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    models = tmp_path / "models"
    load_or_train(models, corpus)
    old_path = model_path(models, corpus)
    write_corpus(corpus, TINY + "pos 0 0 | thanks, wonderful\n")
    new_path = model_path(models, corpus)
    assert new_path != old_path
    load_or_train(models, corpus)
    assert sorted(p.name for p in models.iterdir()) == sorted([old_path.name, new_path.name])


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    models = tmp_path / "models"
    path = model_path(models, corpus)
    models.mkdir()
    path.write_bytes(b"not a model")
    model = load_or_train(models, corpus)
    assert LinearModel.load(path).index == model.index


def test_scores_are_probabilities(tmp_path: Path) -> None:
    model = load_or_train(tmp_path / "models", write_corpus(tmp_path / "corpus"))
    scores = model.score("you idiot, useless")
    assert abs(scores.negative + scores.neutral + scores.positive - 1.0) < 1e-9
    assert -1.0 <= scores.sentiment <= 1.0
    assert 0.0 <= scores.abuse <= 1.0
    assert scores.label == "negative"


def correction(text: str, abuse: int) -> Example:
    return Example(text, "en", "negative", abuse, 0, "staff_corrections", False)


def test_staff_corrections_train_a_model_of_their_own_which_is_preferred(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    models = tmp_path / "models"
    plain = load_or_train(models, corpus)
    extra = [correction("you absolute turnip", 1), correction("the turnip soup was cold", 0)]

    corrected = load_or_train(models, corpus, extra)

    path = model_path(models, corpus, extra)
    assert path.name == f"language-{model_key(corpus)}+c{examples_hash(extra)[:8]}.npz"
    assert corrected.version == path.stem.removeprefix("language-")
    assert plain.version == model_key(corpus)
    assert "w:turnip" in corrected.index and "w:turnip" not in plain.index
    assert newest_corrected_path(models, corpus) == path
    assert load_or_train(models, corpus).version == corrected.version
    assert load_or_train(models, corpus, ()).version == plain.version


def test_the_corrections_hash_ignores_order_but_not_labels() -> None:
    a, b = correction("you turnip", 1), correction("nice turnip", 0)
    assert examples_hash([a, b]) == examples_hash([b, a])
    assert examples_hash([a]) != examples_hash([correction("you turnip", 0)])


def test_a_damaged_corrections_model_falls_back_to_the_corpus_model(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    models = tmp_path / "models"
    plain = load_or_train(models, corpus)
    models.joinpath(f"language-{model_key(corpus)}+cdeadbeef.npz").write_bytes(b"junk")

    assert load_or_train(models, corpus).version == plain.version


def test_changed_training_settings_change_the_key(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = model_key()
    monkeypatch.setitem(model_module.CLASS_WEIGHTS, "abuse", None)
    assert model_key() != before
    assert model_key().split("-")[1] == before.split("-")[1]  # same corpus hash
