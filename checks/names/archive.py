"""Archive clusters: variant spellings of one name across a whole archive, for a style-book editor (batch mode's
names.parquet).

Across an archive two spellings share no text, and with thousands of names some pairs of different words always
look like romanisations of each other (Taff/Teff, Dennis/Danes, Haringey/Harringay, Deli/Telly). So a pair passes
the same spelling and full-name tests as in one document (`variant_groups`) and must also be corroborated
(`_corroborated`) by one of:
- one document uses both and the document check groups them there (`document_groups`: the document's own context,
  its places, derived words and common words, exactly as a draft is checked);
- both spellings stand in full names that can be one person's (the other words agree: "Muammar Gaddafi" and
  "Muammar Qaddafi");
- the house style lists both as one name.
A word never written in a full name anywhere, in no document beside a variant of it, stays out of every cluster:
bare capitalised words are places, things and English words as often as people.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from checks.config import Config
from checks.document import Document
from checks.names.grouping import MAX_CONTEXTS, Context, _spellings, compatible_names, variant_groups
from checks.names.house import HouseStyle, _house_canonical, house_style
from checks.names.keys import fold, key
from checks.names.mentions import find_mentions
from checks.names.particles import _parse_spelling, _split_hyphen_particle


def _core_word(word: str) -> str:
    last = word.split()[-1]
    split = _split_hyphen_particle(last)
    return split[1] if split else last


# A collected key that starts with this marks a group the document check formed in one document (the group's
# case-folded name words, tab-separated); a spelling never starts with it (a name's first character is a letter).
GROUPED = "="


def document_groups(doc: Document) -> dict[str, int]:
    """The variant groups the document check forms in this document, as keys for `archive_clusters`: one key per
    group, GROUPED followed by its case-folded name words joined by tabs."""
    mentions = find_mentions(doc)
    if not mentions:
        return {}
    return {GROUPED + "\t".join(group): 1 for group in variant_groups(_spellings(doc, mentions))}


def _grouped_pairs(key: str) -> set[tuple[str, str]]:
    idents = sorted(key[len(GROUPED) :].split("\t"))
    return {(a, b) for i, a in enumerate(idents) for b in idents[i + 1 :]}


@dataclass
class _ArchiveSpelling:
    core: str
    written: Counter = field(default_factory=Counter)
    sources: list[set[str]] = field(default_factory=list)  # the document sets of the spellings it occurs in
    mentions: int = 0
    contexts: set[Context] = field(default_factory=set)
    runs: frozenset[int] = frozenset()  # names are never shared across documents; keeps different_people's contract


def archive_clusters(rows: Iterable[tuple[str, str, int]], config: Config | None = None) -> list[dict]:
    """Variant clusters across an archive, one dict per (cluster, spelling), for a style-book editor.

    `rows` are (document_id, spelling, count) as collected by `document_names`. Spellings are split into name
    words, blocked by transliteration key (never all pairs), merged when they are variants and their full-name
    context does not say different people. Each dict: cluster_id (stable: the key and the canonical), canonical
    (the house style's when listed, else the spelling in most documents), spelling, documents, mentions,
    document_ids. Only clusters with at least two spellings are returned, biggest first."""
    import hashlib  # only archive mode needs it; keeps the module import light

    config = config or Config()
    house = house_style(config)
    # One pass over the rows groups them by spelling; each distinct spelling is then parsed once, and document sets
    # are merged only for the spellings that end up in a cluster.
    by_spelling: dict[str, tuple[set[str], list[int]]] = {}
    together: set[tuple[str, str]] = set()  # pairs of ids some document's check grouped
    for document_id, spelling, count in rows:
        if spelling.startswith(GROUPED):
            together |= _grouped_pairs(spelling)
            continue
        found = by_spelling.get(spelling)
        if found is None:
            found = by_spelling[spelling] = (set(), [0])
        found[0].add(str(document_id))
        found[1][0] += int(count)
    entries: dict[str, _ArchiveSpelling] = {}
    for spelling, (documents, (mentions,)) in by_spelling.items():
        words = _parse_spelling(spelling)
        cores = [_core_word(w) for w in words]
        for position, (word, core) in enumerate(zip(words, cores, strict=True)):
            ident = core.casefold()
            entry = entries.get(ident)
            if entry is None:
                entry = entries[ident] = _ArchiveSpelling(core)
            entry.written[word] += mentions
            entry.sources.append(documents)
            entry.mentions += mentions
            if len(cores) > 1 and len(entry.contexts) < MAX_CONTEXTS:
                entry.contexts.add((tuple(cores), position))
    clusters = variant_groups(entries, lambda a, b: _corroborated(a, b, entries, together, house))
    out: list[dict] = []
    for idents in clusters:
        doc_sets = {i: set().union(*entries[i].sources) for i in idents}
        ranked = sorted(idents, key=lambda i: (-len(doc_sets[i]), -entries[i].mentions, entries[i].core))
        members = [(entries[i], doc_sets[i]) for i in ranked]
        listed = next((c for e, _ in members if (c := _house_canonical(e.core, house)) is not None), None)
        top = members[0][0]
        canonical = listed.written if listed is not None else top.written.most_common(1)[0][0]
        cluster_id = "names-" + hashlib.sha1(f"{key(top.core)}|{fold(_core_word(canonical))}".encode()).hexdigest()[:12]
        for entry, docs in members:
            out.append(
                {
                    "cluster_id": cluster_id,
                    "canonical": canonical,
                    "spelling": entry.written.most_common(1)[0][0],
                    "documents": len(docs),
                    "mentions": entry.mentions,
                    "document_ids": sorted(docs),
                }
            )
    totals: Counter[str] = Counter()
    for row in out:
        totals[row["cluster_id"]] += row["documents"]
    out.sort(key=lambda r: (-totals[r["cluster_id"]], r["cluster_id"], -r["documents"], r["spelling"]))
    return out


def _corroborated(a: str, b: str, entries: dict[str, _ArchiveSpelling], together, house: HouseStyle) -> bool:
    """Evidence beyond spelling that two archive spellings are one name (see the module docstring)."""
    if (a, b) in together:
        return True
    first, second = entries[a], entries[b]
    if any(compatible_names(x, y) for x in first.contexts for y in second.contexts):
        return True
    listed = _house_canonical(first.core, house)
    return listed is not None and listed == _house_canonical(second.core, house)
