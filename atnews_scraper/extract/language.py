"""Language of a text, without a model: the script for non-Latin writing, common function words
for Latin-script languages. Good enough to tell the English paper from a Dari or Pashto page."""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"[^\W\d_]+")
_STOPWORDS = {
    "en": "the of and to in is that for it on was with as are by be this from at have has an "
    "said not but which were their his they will its been who would after also had",
    "fr": "le la les de des du et en un une est que qui dans pour pas sur au aux avec il elle "
    "sont ont plus par ce cette",
    "de": "der die das und ist nicht mit den dem des ein eine zu von auf für sich im auch "
    "wird sind wurde nach bei",
    "es": "el la los las de del y en un una es que por con para se su al como más pero fue "
    "sus ha este esta",
    "pt": "o a os as de do da dos das e em um uma é que por com para se seu sua não mais foi "
    "ao pelo pela",
    "it": "il lo la gli le di del della e in un una è che per con non si sono al alla dei "
    "anche più",
    "nl": "de het een en van in is dat op te zijn met voor niet aan er ook als bij door werd",
    "tr": "ve bir bu da de için ile olarak çok daha en gibi ama olan sonra kadar",
    "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke karena oleh",
}
_STOPWORD_SETS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
# Arabic-script languages, told apart by letters only one of them uses.
_PASHTO_LETTERS = frozenset("ټډړږښځڅڼګۍې")
_PERSIAN_LETTERS = frozenset("پچژگکی")
_URDU_LETTERS = frozenset("ٹڈڑںھےۓ")
_SCRIPTS = (
    ("arabic", re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
)
_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN = re.compile(r"[^\W\d_\u0000-\u024f\u1e00-\u1eff]")
_SAMPLE = 20_000  # characters looked at; plenty to decide


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the main language of `text`, or None when there is too little text."""
    sample = text[:_SAMPLE]
    letters = len(_LETTER.findall(sample))
    if letters < 20:
        return None
    if len(_NON_LATIN.findall(sample)) > letters / 2:
        counts = {name: len(pattern.findall(sample)) for name, pattern in _SCRIPTS}
        script, count = max(counts.items(), key=lambda item: item[1])
        if count > letters / 2:
            return _arabic_script_language(sample) if script == "arabic" else script
        return None
    words = Counter(w.lower() for w in _WORD.findall(sample))
    scores = {
        lang: sum(n for w, n in words.items() if w in stops)
        for lang, stops in _STOPWORD_SETS.items()
    }
    best, score = max(scores.items(), key=lambda item: item[1])
    return best if score >= 2 else None


def _arabic_script_language(sample: str) -> str:
    """Letters only one language of the script uses decide, if they are more than a stray one
    (a Pashto name quoted in a Dari text)."""
    counts = Counter(sample)
    letters = sum(n for c, n in counts.items() if c.isalpha())
    for code, own in (("ps", _PASHTO_LETTERS), ("ur", _URDU_LETTERS), ("fa", _PERSIAN_LETTERS)):
        if sum(counts[c] for c in own) > letters / 200:
            return code
    return "ar"
