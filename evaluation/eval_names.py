"""Evaluate the name-consistency family (checks/names.py).

1. Our labelled news paragraphs (samples/names/paragraphs.jsonl): every expected flag (span text and suggestion)
   against what the check finds; trap paragraphs (different people with similar names) must stay silent.
2. The OFAC sanctions list's romanisations (../shared/eval/name-variants, or $COPYDESK_EVAL_DIR/name-variants):
   - variant items: one person's primary spelling planted twice and an alias spelling once in a news paragraph;
     a flag on the alias spelling suggesting the primary one is expected. Aliases that are unrelated names are
     filtered out by surname similarity (rapidfuzz ratio of the folded surnames >= 70); at most three aliases
     per person, so a person with fifteen aliases does not weigh fifteen times.
   - trap items: two different listed people whose names look alike (similar surnames, different given names)
     planted together, once introduced in one sentence and once in different sentences; no flag is expected.
   Pairwise precision = items rightly flagged / items flagged; recall = variant items flagged on the planted spelling;
   right canonical = those whose first suggestion is the primary spelling.
3. Clean news (../shared/eval/onestopenglish, 273 articles nobody planted anything in): every flag is printed, so a
   reader can judge it; the flags per 10,000 words bound the false-alarm rate from above.
4. Archive clusters on the same articles (the names family's ArchiveTable, as `checks batch` runs it): every cluster
   is printed with its label from samples/names/archive_clusters.jsonl (same name spelled two ways or not, with the
   reason and where the label came from); cluster precision = labelled-same clusters / labelled clusters found, and
   the labelled sample's own precision (the clusters the code found when it was labelled) for comparison.

Usage: python evaluation/eval_names.py [--limit N] [--show K] [--show-misses]
(--show-misses lists every missed OFAC variant of the tune half with the two folded spellings, for studying what is
not accepted; --show and --show-misses print only the tune half's items, never the report half's.)
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import zlib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz  # noqa: E402

from checks.config import Config  # noqa: E402
from checks.document import Document  # noqa: E402
from checks.inputs import decode_document  # noqa: E402
from checks.names import check  # noqa: E402
from checks.names.keys import fold, name_data  # noqa: E402
from checks.registry import family  # noqa: E402
from evaluation.common import eval_dir  # noqa: E402

SAMPLES = ROOT / "samples" / "names" / "paragraphs.jsonl"
CLUSTER_LABELS = ROOT / "samples" / "names" / "archive_clusters.jsonl"
HONORIFICS = {
    "dr",
    "dr.",
    "sheikh",
    "shaikh",
    "haji",
    "hajji",
    "mullah",
    "maulvi",
    "mawlawi",
    "general",
    "colonel",
    "qari",
    "mufti",
    "imam",
    "sayyid",
    "sayed",
}


# --------------------------------------------------------------------------- our labelled paragraphs


def evaluate_samples(path: Path = SAMPLES, show: int = 0) -> dict:
    items = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    expected_total = found = right = false_alarms = trap_merges = flagged = 0
    for item in items:
        flags = check(Document(item["text"]), Config()).flags
        expected = {(e["text"], e["suggestion"]) for e in item.get("expect", [])}
        expected_total += len(expected)
        flagged += len(flags)
        hits = set()
        for flag in flags:
            wanted = [s for t, s in expected if t == flag.text]
            if wanted:
                hits.add(flag.text)
                right += bool(flag.suggestions) and flag.suggestions[0] in wanted
            else:
                false_alarms += 1
                if item.get("trap"):
                    trap_merges += 1
                if show:
                    print(f"  false alarm in {item['id']}: {flag.text!r} -> {flag.suggestions}")
        found += len(hits)
        for text, suggestion in expected:
            if text not in hits and show:
                print(f"  missed in {item['id']}: {text!r} -> {suggestion!r}")
    right_flags = flagged - false_alarms
    return {
        "paragraphs": len(items),
        "traps": sum(1 for i in items if i.get("trap")),
        "expected": expected_total,
        "precision": right_flags / flagged if flagged else 1.0,
        "recall": found / expected_total if expected_total else 0.0,
        "right_canonical": right / right_flags if right_flags else 0.0,
        "false_alarms": false_alarms,
        "trap_merges": trap_merges,
    }


# --------------------------------------------------------------------------- OFAC romanisations


def _news_word(word: str) -> str:
    """A sanctions-list word in news casing: AL-ZOMOR -> al-Zomor, 'ALI -> 'Ali, BIN -> bin, ABU -> Abu."""
    data = name_data()
    parts = word.split("-")
    out = []
    for i, part in enumerate(parts):
        lower = part.lower()
        last = i == len(parts) - 1
        if not last and lower in data.hyphen_particles:
            out.append(lower if lower not in ("abu", "abou", "umm") else lower.capitalize())
            continue
        part = part.lstrip("'`")  # a leading ayn mark is never part of a word token in running text
        out.append(part.capitalize())
    return "-".join(out)


def _news_name(raw: str) -> tuple[list[str], list[str]] | None:
    """(given words, surname words) in news casing from "SURNAME, Given Names"; None when there is no surname."""
    if "," not in raw:
        return None
    surname_raw, given_raw = (p.strip() for p in raw.split(",", 1))
    data = name_data()
    surname = []
    for word in surname_raw.split():
        lower = word.lower()
        if lower in data.word_particles and lower not in ("abu", "abou"):
            surname.append(lower)
        else:
            surname.append(_news_word(word))
    given = [
        _news_word(w) if w.isupper() else w.lstrip("'`")
        for w in given_raw.split()
        if w.lower().strip(".") not in HONORIFICS and w.strip(".").lower() not in ("", "al", "bin")
    ]
    given = [w for w in given if len(fold(w)) > 1 and not w.endswith(".")]
    if not surname or not given or fold(" ".join(surname)) == "":
        return None
    return given, surname


def _core(surname: list[str]) -> str:
    return fold(surname[-1].split("-")[-1])


def _short(surname: list[str]) -> str:
    return " ".join(surname)


def _full(given: list[str], surname: list[str]) -> str:
    return " ".join(given[:2] + surname)


VARIANT_TEMPLATE = (
    "{p_full} was named on the new sanctions list on Tuesday, officials in Washington said. "
    "According to the Treasury, {p_short} moved money through several trading companies in the region. "
    "A lawyer for {a_ref} did not respond to a request for comment on Wednesday."
)
TRAP_TEMPLATES = (
    "{x_full} and {y_full} were both named on the new sanctions list on Tuesday, officials said. "
    "According to the Treasury, {x_short} ran a network of trading companies, while {y_short} "
    "was described as a financier of the group.",
    # the two people introduced in different sentences, the second after the first is already known
    "{x_full} was named on the new sanctions list on Tuesday, officials said. According to the Treasury, "
    "{x_short} ran a network of trading companies. The list also names {y_full}, who was described as a "
    "financier of the group; a lawyer for {y_short} declined to comment.",
)


def load_entities(path: Path) -> list[dict]:
    entities = []
    for line in path.read_text("utf-8").splitlines():
        row = json.loads(line)
        primary = _news_name(row["primary"])
        if primary is None:
            continue
        aliases = [a for a in (_news_name(x["name"]) for x in row["aliases"] if x["type"] == "aka") if a]
        entities.append({"id": row["ent_num"], "primary": primary, "aliases": aliases})
    return entities


def _word_parts(word: str) -> tuple[str | None, str]:
    """(particle key, core) of one news-cased name word: "al-Zomor" -> ("al", "Zomor"), "Marzuk" -> (None, ...)."""
    parts = word.split("-")
    particles = [p.lower() for p in parts[:-1]]
    return ("-".join(particles) or None), parts[-1]


def variant_items(entities: list[dict]) -> list[dict]:
    """One item per (person, alias) whose spellings differ but are plausibly the same name.

    The planted word is the alias's surname when its core or its particle differs from the primary's ("al-Zumar",
    "el-Zomor" for "al-Zomor"; a dropped particle is an accepted short form, not a variant), else the alias's first
    given name when that differs ("Usama" for "Osama")."""
    items = []
    for entity in entities:
        p_given, p_surname = entity["primary"]
        seen: set[str] = set()
        for a_given, a_surname in entity["aliases"]:
            (p_particle, p_core), (a_particle, a_core) = _word_parts(p_surname[-1]), _word_parts(a_surname[-1])
            if fuzz.ratio(fold(p_core), fold(a_core)) < 70 or len(seen) >= 3:
                continue  # an unrelated a.k.a. name, not a romanisation
            core_differs = p_core != a_core
            particle_differs = p_particle is not None and a_particle is not None and p_particle != a_particle
            if core_differs or particle_differs:
                planted, canonical = a_surname[-1], (p_particle if a_particle else None, p_core)
                a_ref = _short(a_surname)
            elif (
                a_given[0] != p_given[0]
                and fold(a_given[0]) != fold(p_given[0])
                and fuzz.ratio(fold(a_given[0]), fold(p_given[0])) >= 70
            ):
                planted, canonical = a_given[0], (None, p_given[0])
                a_ref = _full(a_given[:1], a_surname)
            else:
                continue
            if planted in seen:
                continue
            seen.add(planted)
            text = VARIANT_TEMPLATE.format(p_full=_full(p_given, p_surname), p_short=_short(p_surname), a_ref=a_ref)
            # two given names the check may rightly suggest for one joined word ("Gholam Ali" for "Gholamali")
            pairs = {fold(" ".join(pair)) for pair in zip(p_given, p_given[1:], strict=False)}
            items.append(
                {"entity": entity["id"], "text": text, "planted": planted, "canonical": canonical, "pairs": pairs}
            )
    return items


FULL_TEMPLATE = (
    "{p_full} was named on the new sanctions list on Tuesday, officials in Washington said. "
    "According to the Treasury, {p_short} moved money through several trading companies in the region. "
    "A lawyer for {a_full} did not respond to a request for comment on Wednesday."
)


def _words_differ(primary: list[str], alias: list[str]) -> bool:
    """The alias writes the same name another way: the same words one for one, or given names written as one word or
    two ("Mohammadbagher" / "Mohammad Bagher"), each pair of words alike (rapidfuzz ratio >= 70 once folded)."""
    p, a = _cores(primary), _cores(alias)
    if p == a:
        return False  # a particle added, dropped or spelled apart ("al-Gaddafi", "al Zahrani"): a short form
    if len(p) == len(a):
        return all(x == y or fuzz.ratio(x, y) >= 70 for x, y in zip(p, a, strict=True))
    return "".join(p) == "".join(a)  # only the spacing of the given names differs


def _cores(words: list[str]) -> list[str]:
    """The folded name words less particles, standalone or hyphenated: ["Hafez", "al-Assad"] -> ["hafez", "assad"]."""
    particles = name_data().word_particles
    return [fold(_word_parts(w)[1]) for w in words if w.lower() not in particles and fold(_word_parts(w)[1])]


def full_name_items(entities: list[dict]) -> list[dict]:
    """The person's primary name in full first, later an alias spelling in full (issue 16's plants): one item per
    (person, alias) whose full name (two given names at most, and the surname) differs from the primary's word for
    word in spelling, or only in writing given names as one word or two; at most three per person. Expected: a flag
    inside the alias's full name and nowhere else."""
    items = []
    for entity in entities:
        p_given, p_surname = entity["primary"]
        p_words = [*p_given[:2], *p_surname]
        seen: set[str] = set()
        for a_given, a_surname in entity["aliases"]:
            a_words = [*a_given[:2], *a_surname]
            if len(seen) >= 3 or not _words_differ(p_words, a_words):
                continue
            a_full = " ".join(a_words)
            if a_full in seen:
                continue
            seen.add(a_full)
            text = FULL_TEMPLATE.format(p_full=" ".join(p_words), p_short=_short(p_surname), a_full=a_full)
            start = text.rindex(a_full)
            items.append({"entity": entity["id"], "text": text, "span": (start, start + len(a_full)), "alias": a_full})
    return items


def in_half(entity: int, half: str) -> bool:
    """OFAC items split by a stable hash of the person (crc32 of the entity number): rules and thresholds are
    studied on the "tune" half (even), and the "report" half (odd) is reported on apart from it."""
    return half == "all" or (zlib.crc32(str(entity).encode()) % 2 == 0) == (half == "tune")


def evaluate_full_names(entities: list[dict], limit: int, show_misses: bool = False) -> dict:
    """Recall and wrong flags on `full_name_items`, per half."""
    config = Config()
    out: dict = {}
    for half in ("tune", "report"):
        items = [i for i in full_name_items(entities) if in_half(i["entity"], half)][:limit]
        found = wrong = 0
        for item in items:
            start, end = item["span"]
            flags = check(Document(item["text"]), config).flags
            inside = [f for f in flags if start <= f.start and f.end <= end]
            found += bool(inside)
            wrong += len(flags) - len(inside)
            if show_misses and not inside and half == "tune":
                print(f"  missed in full: {item['alias']!r} in: {item['text'][:60]}...")
        out[half] = {"items": len(items), "recall": found / len(items) if items else 0.0, "wrong": wrong}
    return out


def trap_items(entities: list[dict], limit: int, seed: int = 7) -> list[dict]:
    """Pairs of different people with look-alike surnames (ratio >= 75, different spellings) and different given
    names; blocked by the surname's first letter so nothing compares every pair."""
    by_letter = defaultdict(list)
    for entity in entities:
        given, surname = entity["primary"]
        by_letter[_core(surname)[:1]].append(entity)
    pairs = []
    for group in by_letter.values():
        for i, x in enumerate(group):
            for y in group[i + 1 :]:
                (xg, xs), (yg, ys) = x["primary"], y["primary"]
                xc, yc = _core(xs), _core(ys)
                if xc == yc and fold(xg[0]) == fold(yg[0]):
                    continue
                if fold(xg[0]) == fold(yg[0]):
                    continue  # same first given name: too likely the same family and name
                if fuzz.ratio(xc, yc) >= 75:
                    pairs.append((x, y))
    random.Random(seed).shuffle(pairs)
    items = []
    for x, y in pairs[:limit]:
        (xg, xs), (yg, ys) = x["primary"], y["primary"]
        for template in TRAP_TEMPLATES:
            text = template.format(x_full=_full(xg, xs), y_full=_full(yg, ys), x_short=_short(xs), y_short=_short(ys))
            items.append({"entities": (x["id"], y["id"]), "text": text})
    return items


def evaluate_ofac(limit: int, show: int, show_misses: bool = False) -> dict | None:
    path = eval_dir() / "name-variants" / "ofac_sdn" / "individuals_grouped.jsonl"
    if not path.is_file():
        return None
    entities = load_entities(path)
    variants = variant_items(entities)[:limit]
    traps = trap_items(entities, limit)
    config = Config()
    found = right = wrong_target = 0
    shown = 0
    hits = []
    for item in variants:
        flags = check(Document(item["text"]), config).flags
        # the flag covers the whole name word, a standalone particle included; a trailing ayn mark ("Ala'") is
        # not part of a word token in running text
        planted = item["planted"].rstrip("'`’")
        on_target = [f for f in flags if f.text == planted or f.text.endswith(" " + planted)]
        hits.append(bool(on_target))
        wrong_target += len(flags) > 0 and not on_target
        if on_target:
            found += 1
            suggestion = on_target[0].suggestions[0] if on_target[0].suggestions else ""
            particle, core = _word_parts(suggestion.split()[-1])
            want_particle, want_core = item["canonical"]
            right += (core == want_core and (want_particle is None or (particle or "").lower() == want_particle)) or (
                fold(suggestion) in item["pairs"]
            )
        elif not in_half(item["entity"], "tune"):
            continue  # the report half's items are never printed: nothing is tuned on them
        elif show_misses:
            print(
                f"  missed: {fold(item['planted']):>18} ~ {fold(item['canonical'][1]):<18} "
                f"{item['planted']!r} (want {item['canonical']!r})"
            )
        elif shown < show:
            shown += 1
            print(f"  missed: {item['planted']!r} (want {item['canonical']!r}) in: {item['text'][:90]}...")
    trap_flagged = 0
    shown = 0
    for item in traps:
        flags = check(Document(item["text"]), config).flags
        if flags:
            trap_flagged += 1
            if shown < show:
                shown += 1
                print(f"  trap merged: {[(f.text, f.suggestions) for f in flags]} in: {item['text'][:110]}...")
    flagged = found + wrong_target + trap_flagged
    halves = {
        half: sum(1 for item, hit in zip(variants, hits, strict=True) if hit and in_half(item["entity"], half))
        / max(1, sum(1 for item in variants if in_half(item["entity"], half)))
        for half in ("tune", "report")
    }
    return {
        "recall_tune": halves["tune"],
        "recall_report": halves["report"],
        "full_names": evaluate_full_names(entities, limit, show_misses),
        "variant_items": len(variants),
        "trap_items": len(traps),
        "precision": found / flagged if flagged else 1.0,
        "recall": found / len(variants) if variants else 0.0,
        "right_canonical": right / found if found else 0.0,
        "trap_merges": trap_flagged,
        "wrong_target": wrong_target,
    }


def _print_samples(samples: dict) -> None:
    print(
        "names on samples/names/paragraphs.jsonl: {paragraphs} paragraphs ({traps} traps), {expected} expected "
        "flags".format(**samples)
    )
    print(
        "  precision {precision:.3f}  recall {recall:.3f}  right canonical {right_canonical:.3f}  "
        "false alarms {false_alarms}  trap merges {trap_merges}".format(**samples)
    )


def clean_news_documents() -> list[Document]:
    """The OneStopEnglish articles as `checks` reads them (some files are cp1252: checks.inputs decodes them)."""
    folder = eval_dir() / "onestopenglish" / "texts"
    files = sorted(folder.glob("*/*.txt")) if folder.is_dir() else []
    return [Document(decode_document(path.read_bytes(), path.name, str(path)).text, str(path)) for path in files]


def evaluate_clean_news(show: bool) -> dict | None:
    documents = clean_news_documents()
    if not documents:
        return None
    config = Config()
    words = flagged = 0
    seconds = 0.0
    for doc in documents:
        path = Path(doc.source)
        words += len(doc.words)
        _ = doc.sentences  # document analysis is not the family's cost
        started = time.perf_counter()
        found = check(doc, config).flags
        seconds += time.perf_counter() - started
        for flag in found:
            flagged += 1
            if show:
                print(f"  {path.parent.name}/{path.name}: {flag.text!r} -> {flag.suggestions} ({flag.message})")
    return {
        "articles": len(documents),
        "words": words,
        "flags": flagged,
        "per_10k": flagged * 10000 / max(words, 1),
        "ms_per_1000": seconds * 1e6 / max(words, 1),
    }


def archive_cluster_sets(documents: list[Document]) -> list[list[str]]:
    """The names archive table's clusters over these documents, as sorted lists of spellings, biggest first."""
    table = family("names").archive
    assert table is not None
    config = Config()
    rows = [(doc.source, key, count) for doc in documents for key, count in table.collect(doc, config).items()]
    clusters: dict[str, list[str]] = {}
    for row in table.combine(rows, config):
        clusters.setdefault(row["cluster_id"], []).append(row["spelling"])
    return [sorted(spellings) for spellings in clusters.values()]


def evaluate_archive_clusters(documents: list[Document]) -> dict:
    labels = [json.loads(line) for line in CLUSTER_LABELS.read_text("utf-8").splitlines() if line.strip()]
    by_spellings = {tuple(sorted(item["spellings"])): item for item in labels}
    found = archive_cluster_sets(documents)
    same = labelled = 0
    for spellings in found:
        item = by_spellings.get(tuple(spellings))
        verdict = "UNLABELLED" if item is None else ("same name" if item["same_name"] else "NOT one name")
        print(f"  cluster {' / '.join(spellings)}: {verdict}" + (f" ({item['why']})" if item else ""))
        if item is not None:
            labelled += 1
            same += item["same_name"]
    return {
        "clusters": len(found),
        "labelled": labelled,
        "precision": same / labelled if labelled else 1.0,
        "sample_clusters": len(labels),
        "sample_precision": sum(i["same_name"] for i in labels) / len(labels) if labels else 1.0,
        "sample_found_by": labels[0]["found_by"] if labels else "",
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=5000, help="at most this many items of each kind (OFAC)")
    parser.add_argument("--show", type=int, default=0, help="print up to K misses and false alarms")
    parser.add_argument("--show-misses", action="store_true", help="list every missed OFAC variant")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if SAMPLES.is_file():
        _print_samples(evaluate_samples(show=args.show))
    else:
        print(f"names: {SAMPLES} not found")
    ofac = evaluate_ofac(args.limit, args.show, args.show_misses)
    if ofac is None:
        print(f"name-variants: skipped ({eval_dir() / 'name-variants'} not found)")
    else:
        print("names on name-variants/ofac_sdn: {variant_items} variant items, {trap_items} trap items".format(**ofac))
        print(
            "  pairwise precision {precision:.3f}  recall {recall:.3f}  right canonical {right_canonical:.3f}  "
            "trap merges {trap_merges}  flags on the wrong word {wrong_target}".format(**ofac)
        )
        print(
            "  recall by half (crc32 of the person): tune {recall_tune:.3f}  report {recall_report:.3f}".format(**ofac)
        )
        for half, result in ofac["full_names"].items():
            print(
                f"  alias in full after the primary in full, {half} half: {result['items']} items, recall "
                f"{result['recall']:.3f}, flags outside the alias {result['wrong']}"
            )
    clean = evaluate_clean_news(show=True)
    if clean is None:
        print(f"clean news: skipped ({eval_dir() / 'onestopenglish'} not found)")
    else:
        print(
            "names on onestopenglish (clean news, {articles} articles, {words:,} words): {flags} flags, "
            "{per_10k:.2f} per 10,000 words (each printed above for judgement)".format(**clean)
        )
        print(
            "  names check time (document analysis excluded, first run includes lazy loading): "
            "{ms_per_1000:.2f} ms per 1,000 words".format(**clean)
        )
        archive = evaluate_archive_clusters(clean_news_documents())
        print(
            "names archive clusters on onestopenglish: {clusters} clusters ({labelled} labelled), cluster precision "
            "{precision:.3f}; the labelled sample ({sample_clusters} clusters, found by {sample_found_by}) had "
            "precision {sample_precision:.3f}".format(**archive)
        )
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
