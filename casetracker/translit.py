"""Names folded to one key across scripts and spellings: the one place search crosses them.

People type a name as they know it: in Cyrillic (Russian or Kazakh), or in one of the Latin
spellings the press uses (Zhanaozen, Janaozen, Jana Ozen; Aktau, Aqtau; Sapargali,
Sapargaliyev). :func:`fold` reduces every such spelling to one ASCII key, so that both the
stored names and the typed query meet on it:

1. Kazakh letters become the Russian letters they are transliterated like (ә→а, ғ→г, қ→к,
   ң→н, ө→о, ұ→у, ү→у, һ→х, і→и): Жаңаөзен and Жанаозен are the same key.
2. ``anyascii`` (a maintained Unicode-to-ASCII table) writes any script in Latin letters:
   Козлов → kozlov, Ақтау → aqtau.
3. Our own folding of the English spellings, applied alike to both sides: zh/dzh/j → j,
   kh → h, gh → g, q → k, w → v, x → ks, y → i; "ie" at the start of a word or after a
   vowel → e (Yerlan/Ерлан, Sergeyev/Сергеев); repeated letters once (Yessenov/Есенов).
4. Spaces, hyphens and punctuation go (Jana Ozen = Janaozen).

:func:`fold` with ``stem=True`` also drops the Russian surname endings -ov/-ev/-ova/-eva from
each word of at least four letters before them, so Sapargaliyev finds Sapargali and Kozlova
finds Kozlov. A record stores both forms (:func:`folded_lines`); a query is matched in both
(:func:`query_keys`). The key is for matching only: it is never shown.

What it does not do: reorder words (Kozlov Vladimir does not find Vladimir Kozlov unless a
variant is recorded), translate (Zhanaozen does not find "Новый Узень"), or forgive typing
errors (PostgreSQL's trigram index serves the substring match; see docs/search.md).
"""

from __future__ import annotations

import re

from anyascii import anyascii

#: Kazakh letters -> the Russian letter they are romanised like, so both scripts meet.
KAZAKH = str.maketrans("әғқңөұүһі", "агкноуухи")

#: English spelling variants -> one form (order matters: "dzh" before "zh").
_SPELLINGS = (
    ("dzh", "j"),
    ("zh", "j"),
    ("dj", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("q", "k"),
    ("w", "v"),
    ("x", "ks"),
    ("y", "i"),
)
_IE = re.compile(r"(^|[aeiou])ie")
_REPEATED = re.compile(r"([a-z])\1+")
_WORD = re.compile(r"[a-z0-9]+")
#: Russian surname endings (masculine and feminine), dropped for the stemmed key.
_ENDINGS = re.compile(r"^([a-z]{4,}?)(ova|eva|ov|ev)$")


def _latin(text: str) -> str:
    """``text`` in lower-case ASCII letters (Kazakh letters first made Russian)."""
    return anyascii(text.casefold().translate(KAZAKH)).lower()


def fold_word(word: str, *, stem: bool = False) -> str:
    """One lower-case ASCII word (from :func:`_latin`) with the English spelling variants folded."""
    for written, key in _SPELLINGS:
        word = word.replace(written, key)
    word = _IE.sub(r"\1e", word)
    word = _REPEATED.sub(r"\1", word)
    if stem:
        word = _ENDINGS.sub(r"\1", word)
    return word


def fold_words(text: str, *, stem: bool = False) -> list[str]:
    """The folded words of ``text``, in order (apostrophes and soft signs dropped, not splitting a word)."""
    latin = _latin(text).replace("'", "").replace("’", "")
    return [fold_word(word, stem=stem) for word in _WORD.findall(latin)]


def fold(text: str, *, stem: bool = False) -> str:
    """``text`` as one key: its folded words written together ("Jana Ozen" and "Жаңаөзен" → "janaozen")."""
    return "".join(fold_words(text, stem=stem))


def folded_lines(names) -> str:
    """A record's folded search key: each distinct key of each name (plain and stemmed), one per line."""
    keys = []
    for name in names:
        keys.extend((fold(name), fold(name, stem=True)))
    return "\n".join(key for key in dict.fromkeys(keys) if key)


def query_keys(text: str) -> list[str]:
    """The folded keys a typed query is looked for with (plain, then stemmed when that differs)."""
    return [key for key in dict.fromkeys((fold(text), fold(text, stem=True))) if key]


def same_name(a: str, b: str) -> bool:
    """True when two names fold to the same key (imports match a typed name to a record with it)."""
    key = fold(a, stem=True)
    return bool(key) and key == fold(b, stem=True)
