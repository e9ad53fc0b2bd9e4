from __future__ import annotations

from pathlib import Path

from shomer.language.model import LinearModel, load_or_train, model_path

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
