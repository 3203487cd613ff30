"""Token-pattern rules read from TOML data files, in the spirit of LanguageTool's grammar.xml and Vale's YAML rules.

docs/patterns.md is the reference: the grammar of an element, a pattern, a template and a `[lists]` table, and the
traps of the notation. In short: a rule file has optional `[defaults]` (category, severity, confidence), an optional
`[lists]` table and a list of `[[rule]]` tables:

    [[rule]]
    id = "grammar.despite-of"            # stable, unique: family.name
    pattern = "[despite of] the?"        # elements separated by spaces; [ ] marks the span to flag
    unless = ["in despite of"]           # antipatterns: a match overlapping this one silences it
    message = "'Despite' takes no 'of'."  # {N} quotes what element N matched
    suggest = ["despite"]                # templates for the marked span, best first: {1}, {3:ing}, {1>attend}
    fire = ["Despite of the rain we went. => Despite the rain we went."]   # must flag (=> text after fix 1)
    quiet = ["In spite of the rain we went."]                               # must not flag
    source = "Garner's Modern English Usage, 'despite; in spite of'"  # optional: the usage guide it follows
    link = "https://www.merriam-webster.com/dictionary/despite"        # optional: a URL (http:// or https://)

Other keys: `category`, `severity`, `confidence` (override the defaults), `description` (for the rule list instead
of the message). Any other key is an error, so that a misspelt one cannot be ignored in silence.

Pattern elements (each matches one token; case-insensitive unless `re:` says otherwise):
    word | w1|w2      a literal form, or alternatives
    @lemma            any inflected form of a lemma (@assist: assist, assists, assisted, assisting)
    tag:VB|VBG        Penn tag (needs the tagger)       pos:VERB|AUX   universal POS (needs the tagger)
    re:REGEX          a regular expression on the token text (full match, case-sensitive)
    *                 any token           ^  sentence start (zero width, first element only)
    a&b               both must hold      !x  any token except x      x?  optional element
    $name             every word of the file's list `name` (see Named word lists): $modals|may, [$plural_nouns],
                      $plural_nouns&re:[a-z]+, $modals?, !$modals; in a `re:` part, (?:w1|w2|...)
Words and `re:` cannot be alternatives in one element (`the|re:x` is an error; `tag:NN&re:x` is fine, with the `re:`
part last). A `]` at the end of an element always closes a mark, so end a regular expression that itself ends in
`]` with `{1}` (`re:[A-Z]{1}`); likewise a `?` at the end always makes the element optional, so end a regular
expression with `{0,1}` instead of `?`. `!` negates a whole element, never one part of an `a&b` combination.
Contractions split like possessives: "it's" is the tokens "it" and "'s".

Templates (in `suggest` and `message`; N counts the pattern's elements from 1, an optional element that matched
nothing gives ""):
    {N}               what element N matched
    {N:transform}     that, re-inflected: ing, base, past, pp, s, plural, singular (checks/inflect.py), lower, title
    {N>lemma}         another word in the form of element N's verb: {1>attend} gives attended for "assisted",
                      attends for "assists", attending for "assisting". The form is read from the token's Penn tag
                      (VBD past, VBN past participle: "has made" -> {1>take} "has taken", VBZ -s, VBG -ing); any
                      other tag (a base form, a noun...) or no token gives the lemma as written. A rule with such a
                      template therefore needs the tagger, on sentences it matches only. A lemma lemminflect does not
                      know is inflected by the regular spelling rules ({1>frobnicate}: frobnicated).
Templates are checked when the rule file is loaded: a malformed one (`{1>}`, `{2:past tense}`) or one naming an
element the pattern does not have is an error.

Named word lists: a long alternation that several rules share is written once, in the file's top-level `[lists]`
table, and referred to as `$name` wherever a literal word may stand, alone or among alternatives:

    [lists]
    modals = ["can", "could", "will", "would", "shall", "should", "must", "might"]
    [[rule]]
    pattern = "[$modals|may of]"            # the list's words plus "may"; `$a|$b` joins two lists

Each entry is a literal form (matched case-insensitively, like any word: never a lemma, so `@$name` is an error),
written as a plain lower-case word: letters, with an apostrophe or hyphen inside ("doesn't", "semi-final"); a list
is non-empty and names no word twice. In a `re:` part, `$name` becomes the non-capturing group `(?:w1|w2|...)` of the
escaped entries, so `re:(?!$s_words_not_verbs$)[a-z]+s` excludes the list (case-sensitively, as `re:` always
is; `\\$` stays a literal dollar). Lists are expanded once, when the file is loaded; an unknown `$name` or a malformed
list is an error that names the file, the rule and the list. Where rules need slightly different sets, keep one list and
add the difference in the rule (`$modals|may`), or keep two lists whose names say why they differ.

Every pattern needs one literal word that is not optional. One such element indexes the rule: one whose words are
none of the most frequent English words (_COMMON_WORDS) if there is one, and of those the one with the fewest
alternatives (the first, on a tie); a sentence is looked at (and tagged, for tag: and pos: elements) only when one of
the index words and a word of every required literal element occur in it. A common word such as "the" is therefore
written as a plain word like any other: where the pattern has a rarer word, "the" does not index it.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from functools import cached_property
from importlib import resources

from checks.document import OPENERS, Document, Sentence, Token
from checks.flags import Flag, RuleInfo, make_flag

# The most frequent English words: poor anchors, since nearly every sentence has them (see compile_pattern).
_COMMON_WORDS = frozenset(
    "the of and to a in is it you that he was for on are with as i his they be at one have this from or had by "
    "not but what all were we when your can said there use an each which she do how their if will up other about "
    "out many then them these so some her would make like him into time has look two more go see no way could "
    "people my than first been who its now did get come made may part over new after also back our only most "
    "where much before any same well should very".split()
)
_TEMPLATE_RE = re.compile(r"\{(\d+)(?::(\w+)|>([a-z]+(?:-[a-z]+)*))?\}")  # {N}, {N:transform}, {N>lemma}
_TEMPLATE_LIKE_RE = re.compile(r"\{\d+(?:[:>][^{}]*)?\}")  # what a template looks like, to report malformed ones
# {N>lemma}: the verb forms a lemma takes on from element N (any other tag leaves it as written)
_VERB_FORM_TAGS = frozenset({"VBD", "VBN", "VBZ", "VBG"})
_RULE_ID_RE = re.compile(r"^[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*$")
_LIST_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_LIST_ENTRY_RE = re.compile(r"^[a-z]+(?:['’-][a-z]+)*$")  # a plain lower-case word: doesn't, semi-final
_LIST_REF_IN_REGEX_RE = re.compile(r"(?<!\\)\$([a-z][a-z0-9_]*)")  # $name in a re: part; \$ is a literal dollar
_LINK_RE = re.compile(r"^https?://\S+$")
WordLists = Mapping[str, tuple[str, ...]]  # a rule file's [lists]: name -> words


class RuleError(ValueError):
    """A rule file that cannot be compiled: the message names the file and the rule."""


@dataclass(frozen=True)
class Element:
    raw: str
    words: frozenset[str] | None = None
    regex: re.Pattern | None = None
    tags: frozenset[str] | None = None
    pos: frozenset[str] | None = None
    negate: bool = False
    optional: bool = False
    marked: bool = False

    @property
    def needs_tags(self) -> bool:
        return self.tags is not None or self.pos is not None

    def matches(self, token: Token, tag) -> bool:
        """`tag` is None while matching lexically only: tag constraints are then assumed to hold."""
        ok = (
            (self.words is None or token.text.lower() in self.words)
            and (self.regex is None or self.regex.fullmatch(token.text) is not None)
            and (tag is None or self.tags is None or tag.tag in self.tags)
            and (tag is None or self.pos is None or tag.pos in self.pos)
        )
        if self.negate:
            # Without tags a negated tag constraint cannot be decided yet; let the tagged pass decide.
            return (not ok) or (tag is None and self.needs_tags)
        return ok

    def matches_lexically(self, text: str, lower: str) -> bool:
        """`matches(token, None)` from the token's text and its lower case (lowered once per document)."""
        ok = (self.words is None or lower in self.words) and (
            self.regex is None or self.regex.fullmatch(text) is not None
        )
        if self.negate:
            return (not ok) or self.needs_tags
        return ok


@dataclass(frozen=True)
class Pattern:
    source: str
    elements: tuple[Element, ...]
    at_start: bool
    anchor: int  # index of the element whose literal words index the rule
    anchor_words: frozenset[str]

    @cached_property  # asked for every candidate match: derive once from the immutable elements
    def needs_tags(self) -> bool:
        return any(e.needs_tags for e in self.elements)

    def match_at(self, tokens: Sequence[Token], start: int, tags) -> list[int] | None:
        """Token index matched by each element (-1 where an optional element matched nothing), or None."""
        # (indexing, not a slice: a slice copies tokens[:start] for every start of a long sentence)
        if self.at_start and any(tokens[i].text not in OPENERS for i in range(start)):
            return None
        chosen: list[int] = []

        def walk(e: int, t: int) -> bool:
            if e == len(self.elements):
                return True
            element = self.elements[e]
            if t < len(tokens) and element.matches(tokens[t], tags[t] if tags else None):
                chosen.append(t)
                if walk(e + 1, t + 1):
                    return True
                chosen.pop()
            if element.optional:
                chosen.append(-1)
                if walk(e + 1, t):
                    return True
                chosen.pop()
            return False

        return list(chosen) if walk(0, start) else None

    def starts_for(self, anchor_position: int) -> range:
        """Possible start positions given the token where the anchor element matched."""
        before = self.elements[: self.anchor]
        fewest = sum(1 for e in before if not e.optional)
        return range(max(0, anchor_position - len(before)), anchor_position - fewest + 1)

    @cached_property
    def probes(self) -> tuple[tuple[int, Element], ...]:
        """(offset from the anchor's token, element) for each element whose token is fixed by the anchor's: the
        non-optional elements with no optional one between them and the anchor (each takes exactly one token).
        They must match there for the pattern to match with its anchor at a given token, so a candidate that fails
        one is dropped before the full match is tried. The anchor itself is left out unless it has a regex (its
        words are how the candidate was found)."""
        probes: list[tuple[int, Element]] = []
        for step in (-1, 1):
            e = self.anchor + step
            while 0 <= e < len(self.elements) and not self.elements[e].optional:
                probes.append((e - self.anchor, self.elements[e]))
                e += step
        probes.sort(key=lambda probe: abs(probe[0]))  # nearest first
        if self.elements[self.anchor].regex is not None:
            probes.insert(0, (0, self.elements[self.anchor]))
        return tuple(probes)

    @cached_property
    def _probe_tests(self) -> tuple[tuple[int, frozenset[str] | None, Element], ...]:
        """`probes` with the word set of each element that is a plain word test (no regex, tag or negation), which
        `may_match_at` looks up directly."""
        return tuple(
            (offset, e.words if e.regex is None and not e.negate and not e.needs_tags else None, e)
            for offset, e in self.probes
        )

    def may_match_at(self, tokens: Sequence[Token], lowered: Sequence[str], position: int) -> bool:
        """False when no lexical match can have its anchor at `position` (a necessary condition, cheap: see
        `probes`); `lowered` is the tokens' texts in lower case."""
        for offset, words, element in self._probe_tests:
            i = position + offset
            if not 0 <= i < len(tokens):
                return False
            if words is not None:
                if lowered[i] not in words:
                    return False
            elif not element.matches_lexically(tokens[i].text, lowered[i]):
                return False
        return True

    @cached_property
    def required_words(self) -> tuple[frozenset[str], ...]:
        """Word sets of the literal elements that must all occur in a sentence for the pattern to match there."""
        return tuple(e.words for e in self.elements if e.words and not e.negate and not e.optional)

    @cached_property
    def required_besides_anchor(self) -> tuple[frozenset[str], ...]:
        """`required_words` but the anchor's (a sentence found through the anchor has one of its words)."""
        return tuple(
            e.words
            for i, e in enumerate(self.elements)
            if i != self.anchor and e.words and not e.negate and not e.optional
        )

    def find_all(self, tokens: Sequence[Token], tags, starts: range | None = None) -> Iterable[list[int]]:
        """Matches starting at each of `starts` (default: every token)."""
        for start in range(len(tokens)) if starts is None else starts:
            found = self.match_at(tokens, start, tags)
            if found:
                yield found


def _list_words(name: str, lists: WordLists) -> tuple[str, ...]:
    if name not in lists:
        known = ", ".join(sorted(lists)) or "none: the file has no [lists] table"
        raise RuleError(f"unknown list ${name} (known lists: {known})")
    return lists[name]


def _expand_lists_in_regex(regex: str, lists: WordLists) -> str:
    """`$name` in a regular expression -> `(?:w1|w2|...)`, the list's words escaped."""
    return _LIST_REF_IN_REGEX_RE.sub(
        lambda m: "(?:" + "|".join(re.escape(w) for w in _list_words(m.group(1), lists)) + ")", regex
    )


def _parse_element(raw: str, lemma_forms: Callable[[str], Iterable[str]], lists: WordLists) -> Element:
    text, marked, optional, negate = raw, False, False, False
    if text.endswith("?") and len(text) > 1:
        optional, text = True, text[:-1]
    if text.startswith("!") and len(text) > 1:
        negate, text = True, text[1:]
    words: set[str] | None = None
    regex = tags = pos = None
    parts = text.split("&") if not text.startswith("re:") else [text]
    if any("re:" in part and not part.startswith("re:") for part in parts):
        raise RuleError(
            f"element {raw!r}: words and re: cannot be alternatives in one element; write the words "
            "into the regular expression instead"
        )
    for part in parts:
        if part == "*":
            continue
        if part.startswith("tag:"):
            tags = frozenset(part[4:].split("|"))
        elif part.startswith("pos:"):
            pos = frozenset(part[4:].split("|"))
        elif part.startswith("re:"):
            regex = re.compile(_expand_lists_in_regex(part[3:], lists))
        else:
            forms: set[str] = set()
            for alt in part.split("|"):
                if alt.startswith("@$"):
                    raise RuleError(f"element {raw!r}: a list holds literal forms, not lemmas: write {alt[1:]}")
                if alt.startswith("$"):
                    forms.update(_list_words(alt[1:], lists))
                else:
                    forms.update(lemma_forms(alt[1:]) if alt.startswith("@") else (alt.lower(),))
            words = forms if words is None else words & forms
    return Element(
        raw=raw,
        words=frozenset(words) if words is not None else None,
        regex=regex,
        tags=tags,
        pos=pos,
        negate=negate,
        optional=optional,
        marked=marked,
    )


def compile_pattern(
    source: str, lemma_forms: Callable[[str], Iterable[str]], lists: WordLists | None = None
) -> Pattern:
    """Compile one pattern string; `[` and `]` (alone or glued to an element) mark the span to flag; `$name` stands
    for the words of `lists[name]`."""
    elements: list[Element] = []
    at_start, in_mark, any_mark = False, False, False
    for raw in source.split():
        if raw == "^" and not elements:
            at_start = True
            continue
        opens, closes = raw.startswith("["), raw.endswith("]") or raw.endswith("]?")
        core = raw[1:] if opens else raw
        if closes:
            core = core[:-2] + "?" if core.endswith("]?") else core[:-1]
        if opens:
            in_mark = any_mark = True
        if core:
            element = _parse_element(core, lemma_forms, lists or {})
            elements.append(Element(**{**element.__dict__, "marked": in_mark}))
        if closes:
            in_mark = False
    if not elements:
        raise RuleError(f"empty pattern {source!r}")
    if not any_mark:
        elements = [Element(**{**e.__dict__, "marked": True}) for e in elements]
    candidates = {i: e.words for i, e in enumerate(elements) if e.words and not e.negate and not e.optional}
    if not candidates:
        raise RuleError(f"pattern {source!r} needs a literal word that is not optional (it indexes the rule)")
    # Index by the rarest element: a rule anchored on "the" would be tried at every "the" in the text.
    anchor = min(candidates, key=lambda i: (bool(candidates[i] & _COMMON_WORDS), len(candidates[i]), i))
    return Pattern(source, tuple(elements), at_start, anchor, candidates[anchor])


@dataclass(frozen=True)
class PatternRule:
    id: str
    category: str
    severity: str
    confidence: float
    message: str
    pattern: Pattern
    unless: tuple[Pattern, ...] = ()
    suggest: tuple[str, ...] = ()
    fire: tuple[str, ...] = ()
    quiet: tuple[str, ...] = ()
    description: str = ""
    defined_in: str = ""  # the rule file
    source: str = ""  # a citation: the usage guide or style book the rule follows
    link: str = ""  # a URL that explains the rule
    off_by_default: bool = False  # a preference: only where the house style's [rules] enabled names it
    whole_sentence: bool = False  # the flag spans the match's sentence: page furniture is deleted whole

    @cached_property
    def lexical_unless(self) -> tuple[Pattern, ...]:
        return tuple(u for u in self.unless if not u.needs_tags)

    @cached_property
    def tagged_unless(self) -> tuple[Pattern, ...]:
        return tuple(u for u in self.unless if u.needs_tags)

    @cached_property
    def inflects(self) -> bool:
        """Whether a template puts a lemma in the form of a matched verb ({N>lemma}), which the tagger decides."""
        return any(m.group(3) for template in (self.message, *self.suggest) for m in _TEMPLATE_RE.finditer(template))

    @cached_property
    def needs_tags(self) -> bool:
        return self.pattern.needs_tags or bool(self.tagged_unless) or self.inflects

    def info(self) -> RuleInfo:
        example = self.fire[0] if self.fire else ""
        return RuleInfo(
            self.id,
            self.category,
            self.description or self.message,
            example,
            self.severity,
            self.defined_in,
            source=self.source,
            link=self.link,
            off_by_default=self.off_by_default,
        )


def fill_template(template: str, texts: Sequence[str], tags: Sequence[str] = ()) -> str:
    """Replace {N} and {N:transform} with what element N matched (1-based), and {N>lemma} with the lemma in the form
    of element N's verb, given by its Penn tag in `tags` (one per element, "" where none)."""
    from checks.inflect import inflect, inflect_lemma

    def repl(m: re.Match) -> str:
        i = int(m.group(1)) - 1
        if not 0 <= i < len(texts):
            raise RuleError(f"template {template!r} refers to element {i + 1}, the pattern has {len(texts)}")
        lemma = m.group(3)
        if lemma:
            tag = tags[i] if i < len(tags) else ""
            return inflect_lemma(lemma, tag) if tag in _VERB_FORM_TAGS else lemma
        value = texts[i]
        return inflect(value, m.group(2)) if (m.group(2) and value) else value

    return re.sub(r"\s{2,}", " ", _TEMPLATE_RE.sub(repl, template)).strip()


def _check_templates(templates: Iterable[str], elements: int) -> None:
    """Fail at load time on a malformed template or one naming an element the pattern does not have."""
    from checks.inflect import TRANSFORMS

    transforms = {*TRANSFORMS, "lower", "title", "thousands"}
    for template in templates:
        for found in _TEMPLATE_LIKE_RE.finditer(template):
            m = _TEMPLATE_RE.fullmatch(found.group())
            if m is None:
                raise RuleError(
                    f"template {template!r}: malformed {found.group()!r}; write {{N}}, {{N:transform}} "
                    "or {N>lemma} with a lower-case lemma, as in {1>attend}"
                )
            if not 1 <= int(m.group(1)) <= elements:
                raise RuleError(f"template {template!r} refers to element {m.group(1)}, the pattern has {elements}")
            if m.group(2) and m.group(2) not in transforms:
                raise RuleError(
                    f"template {template!r}: unknown transform {m.group(2)!r} (known: {', '.join(sorted(transforms))})"
                )


def match_case(suggestion: str, original: str) -> str:
    """Keep the capital a sentence start needs: "Despite of" -> "Despite", "U.S." stays as the rule wrote it."""
    if original[:1].isupper() and suggestion[:1].islower():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion


_RULE_SET_SERIALS = itertools.count()  # one per RuleSet: names its entry in a document's cache


class RuleSet:
    """Rules indexed by their anchor words; `check` visits only sentences containing an anchor word."""

    def __init__(self, rules: Sequence[PatternRule]) -> None:
        self.rules = tuple(rules)
        # anchor word -> (rule number, rule, its other required words); the number keys a sentence's verdict on them
        self._index: dict[str, list[tuple[int, PatternRule, tuple[frozenset[str], ...]]]] = {}
        for number, rule in enumerate(self.rules):
            for word in rule.pattern.anchor_words:
                self._index.setdefault(word, []).append((number, rule, rule.pattern.required_besides_anchor))
        self._cache_key = f"patterns:{next(_RULE_SET_SERIALS)}"

    def __len__(self) -> int:
        return len(self.rules)

    def infos(self) -> list[RuleInfo]:
        return [rule.info() for rule in self.rules]

    def check(
        self, doc: Document, enabled: Callable[[str], bool] = lambda rule_id: True, switched_on: Set[str] = frozenset()
    ) -> list[Flag]:
        """Flags of the rules `enabled` accepts; a rule that is off by default also needs its id in `switched_on`."""
        flags: list[Flag] = []
        for sentence in doc.sentences:
            candidates = self._candidates(doc, sentence, enabled, switched_on)
            for rule, position in candidates:
                flag = self._try(rule, doc, sentence, position)
                if flag is not None:
                    flags.append(flag)
        return _unique(flags)

    def _candidates(self, doc: Document, sentence: Sentence, enabled, switched_on) -> list[tuple[PatternRule, int]]:
        """(rule, anchor token) pairs worth a full match, in token order (see `_find_candidates`), of the enabled
        rules. Found once per document: the pipeline asks before tagging and again when checking."""
        found = doc.cache.get(self._cache_key)
        if found is None:
            found = doc.cache[self._cache_key] = [
                self._find_candidates(sentence.tokens, lowered)
                for sentence, lowered in zip(doc.sentences, doc.lower_tokens, strict=True)
            ]
        return [
            (rule, position)
            for rule, position in found[sentence.index]
            if enabled(rule.id) and (not rule.off_by_default or rule.id in switched_on)
        ]

    def _find_candidates(self, tokens: Sequence[Token], lowered: Sequence[str]) -> list[tuple[PatternRule, int]]:
        """(rule, anchor token) pairs of one sentence where an anchor word occurs, a word of each of the rule's
        required elements occurs in the sentence, and the tokens at fixed distances from the anchor fit."""
        index = self._index
        hits = [(position, index[word]) for position, word in enumerate(lowered) if word in index]
        if not hits:
            return []
        present = set(lowered)
        verdicts: dict[int, bool] = {}  # rule number -> its other required words occur (decided once a sentence)
        found = []
        for position, indexed in hits:
            for number, rule, others in indexed:
                ok = verdicts.get(number)
                if ok is None:
                    ok = verdicts[number] = not others or all(not words.isdisjoint(present) for words in others)
                if ok and rule.pattern.may_match_at(tokens, lowered, position):
                    found.append((rule, position))
        return found

    def sentences_needing_tags(
        self, doc: Document, enabled: Callable[[str], bool] = lambda rule_id: True, switched_on: Set[str] = frozenset()
    ):
        """Sentences where a rule matches on words alone and only the tagger can decide whether it fires (or, for
        {N>lemma} templates, how its suggestions are inflected). The pipeline tags these
        for every family in one batch before the checks run (one spaCy batch costs less than a call per sentence)."""
        needed = []
        for sentence in doc.sentences:
            for rule, position in self._candidates(doc, sentence, enabled, switched_on):
                if rule.needs_tags and next(self._lexical_matches(rule, sentence.tokens, position), None):
                    needed.append(sentence)
                    break
        return needed

    def _lexical_matches(self, rule: PatternRule, tokens, position: int):
        """(start, chosen) where the rule matches on words alone, its anchor at `position`, and no antipattern
        that needs no tags silences it."""
        anchor = rule.pattern.anchor
        for start in rule.pattern.starts_for(position):
            chosen = rule.pattern.match_at(tokens, start, None)
            if (
                chosen is not None
                and chosen[anchor] == position
                and not self._silenced(rule.lexical_unless, tokens, None, chosen)
            ):
                yield start, chosen

    def _try(self, rule: PatternRule, doc: Document, sentence: Sentence, position: int) -> Flag | None:
        tokens = sentence.tokens
        for start, chosen in self._lexical_matches(rule, tokens, position):
            tags = None
            if rule.needs_tags:
                tags = doc.tags(sentence)
                if rule.pattern.needs_tags:
                    chosen = rule.pattern.match_at(tokens, start, tags)
                    if (
                        chosen is None
                        or chosen[rule.pattern.anchor] != position
                        or self._silenced(rule.lexical_unless, tokens, None, chosen)
                    ):
                        continue
                if self._silenced(rule.tagged_unless, tokens, tags, chosen):
                    continue
            return self._flag(rule, doc, sentence, chosen, tags)
        return None

    @staticmethod
    def _silenced(antipatterns, tokens, tags, chosen: list[int]) -> bool:
        used = [i for i in chosen if i >= 0]
        lo, hi = min(used), max(used)
        for anti in antipatterns:
            # Only a match starting in this window can overlap tokens lo..hi (each element takes at most one
            # token); searching the whole sentence for every candidate was quadratic in the sentence's length.
            window = range(max(0, lo - len(anti.elements) + 1), min(hi + 1, len(tokens)))
            for found in anti.find_all(tokens, tags, window):
                hit = [i for i in found if i >= 0]
                if hit and min(hit) <= hi and max(hit) >= lo:
                    return True
        return False

    @staticmethod
    def _flag(rule: PatternRule, doc: Document, sentence: Sentence, chosen: list[int], tags) -> Flag:
        tokens = sentence.tokens
        marked = [i for e, i in zip(rule.pattern.elements, chosen, strict=True) if e.marked and i >= 0]
        start, end = tokens[marked[0]].start, tokens[marked[-1]].end
        if rule.whole_sentence:  # with the spaces after it, so that deleting it leaves one space between sentences
            start, end = sentence.start, sentence.end
            while end < len(doc.text) and doc.text[end] in " \t":
                end += 1
        texts = [tokens[i].text if i >= 0 else "" for i in chosen]
        penn = [tags[i].tag if i >= 0 else "" for i in chosen] if rule.inflects else ()
        original = doc.text[start:end]
        suggestions = []
        for template in rule.suggest:
            suggestion = match_case(fill_template(template, texts, penn), original)
            if suggestion != original and suggestion not in suggestions:
                suggestions.append(suggestion)
        return make_flag(
            doc.text,
            start,
            end,
            category=rule.category,
            rule=rule.id,
            message=fill_template(rule.message, texts, penn),
            suggestions=tuple(suggestions),
            severity=rule.severity,
            confidence=rule.confidence,
        )


def _unique(flags: list[Flag]) -> list[Flag]:
    seen, out = set(), []
    for flag in flags:
        key = (flag.rule, flag.start, flag.end)
        if key not in seen:
            seen.add(key)
            out.append(flag)
    return out


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def parse_lists(data: dict, defined_in: str) -> dict[str, tuple[str, ...]]:
    """The named word lists of a parsed rule file (its `[lists]` table), checked: every error names the file and
    the list."""
    table = data.get("lists", {})
    if not isinstance(table, dict):
        raise RuleError(f"{defined_in}: [lists] must be a table of name = [words]")
    lists = {}
    for name, words in table.items():
        where = f"{defined_in}: list {name!r}"
        if not _LIST_NAME_RE.match(name):
            raise RuleError(f"{where}: a list name is lower case, digits and underscores, starting with a letter")
        if not isinstance(words, list) or not words:
            raise RuleError(f"{where}: must be a non-empty array of words")
        for word in words:
            if not isinstance(word, str) or not _LIST_ENTRY_RE.match(word):
                raise RuleError(
                    f"{where}: entry {word!r} is not a plain lower-case word (letters, with ' or - "
                    "inside; no pattern syntax)"
                )
        twice = sorted({w for w in words if words.count(w) > 1})
        if twice:
            raise RuleError(f"{where}: {', '.join(twice)} listed twice")
        lists[name] = tuple(words)
    return lists


def _reference(entry: dict, key: str) -> str:
    """A rule's optional `source` (a citation) or `link` (a URL), checked."""
    value = entry.get(key, "")
    if not isinstance(value, str) or (key in entry and not value.strip()):
        raise RuleError(f"{key!r} must be a non-empty string")
    if key == "link" and value and not _LINK_RE.match(value):
        raise RuleError(f"link {value!r} must be one http:// or https:// URL")
    return value


def parse_rules(
    data: dict, defined_in: str, lemma_forms: Callable[[str], Iterable[str]] | None = None
) -> list[PatternRule]:
    """Compile the rules of one parsed rule file (`defined_in` names it); every error names the file and the rule (or
    the list)."""
    if lemma_forms is None:
        from checks.inflect import forms_of

        lemma_forms = forms_of
    lists = parse_lists(data, defined_in)
    defaults = data.get("defaults", {})
    rules = []
    known = {
        "id",
        "pattern",
        "unless",
        "message",
        "suggest",
        "fire",
        "quiet",
        "category",
        "severity",
        "confidence",
        "description",
        "source",
        "link",
        "off_by_default",
        "whole_sentence",
    }
    for entry in data.get("rule", []):
        rule_id = entry.get("id", "?")
        try:
            if not _RULE_ID_RE.match(rule_id):
                raise RuleError("id must look like family.some-name (lower case, digits, hyphens)")
            for key in ("pattern", "message"):
                if key not in entry:
                    raise RuleError(f"missing {key!r}")
            if set(entry) - known:  # a misspelt key ("sugest") would otherwise be ignored in silence
                raise RuleError(f"unknown keys {sorted(set(entry) - known)}; known: {', '.join(sorted(known))}")
            pattern = compile_pattern(entry["pattern"], lemma_forms, lists)
            _check_templates((entry["message"], *_as_tuple(entry.get("suggest"))), len(pattern.elements))
            rules.append(
                PatternRule(
                    id=rule_id,
                    category=entry.get("category", defaults.get("category", "grammar")),
                    severity=entry.get("severity", defaults.get("severity", "warning")),
                    confidence=float(entry.get("confidence", defaults.get("confidence", 0.9))),
                    message=entry["message"],
                    pattern=pattern,
                    unless=tuple(compile_pattern(p, lemma_forms, lists) for p in _as_tuple(entry.get("unless"))),
                    suggest=_as_tuple(entry.get("suggest")),
                    fire=_as_tuple(entry.get("fire")),
                    quiet=_as_tuple(entry.get("quiet")),
                    description=entry.get("description", ""),
                    defined_in=defined_in,
                    source=_reference(entry, "source"),
                    link=_reference(entry, "link"),
                    off_by_default=_flag(entry, "off_by_default"),
                    whole_sentence=_flag(entry, "whole_sentence"),
                )
            )
        except (RuleError, re.error, KeyError, TypeError, ValueError) as exc:
            raise RuleError(f"{defined_in}: rule {rule_id}: {exc}") from exc
    return rules


def _flag(entry: Mapping, key: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise RuleError(f"{key} must be true or false")
    return value


def load_rule_file(name: str) -> RuleSet:
    """Load a rule file shipped in checks/data (by file name)."""
    text = resources.files("checks.data").joinpath(name).read_text("utf-8")
    return RuleSet(parse_rules(tomllib.loads(text), f"checks/data/{name}"))


def lemmas_used(data: dict) -> set[str]:
    """Every @lemma a parsed rule file mentions (for the pre-generated inflection table)."""
    found: set[str] = set()
    for entry in data.get("rule", []):
        for pattern in (entry.get("pattern", ""), *_as_tuple(entry.get("unless"))):
            for raw in pattern.split():
                for part in raw.strip("[]?!").split("&"):
                    found.update(alt[1:].lower() for alt in part.split("|") if alt.startswith("@"))
    return found


def split_example(example: str) -> tuple[str, str | None]:
    """A `fire` example is "text" or "text => text after applying the first suggestion"."""
    text, sep, fixed = example.partition(" => ")
    return text, (fixed if sep else None)
