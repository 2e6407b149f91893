"""Drop the rules of JupyterLab's stylesheet that nothing on a finished page can match.

nbconvert's lab template embeds the whole of JupyterLab's stylesheet (about 210 KB: the editor,
widgets, menus, every icon as a data URI) in every page; a report uses a small part of it. The
pruning is conservative, as PurgeCSS is:

- a selector is dropped only when it names a class or an id that no element of the page
  carries (in a ``class`` or ``id`` attribute anywhere in the page, scripts included, so an
  element a page script makes with a class written in it is counted); classes inside
  ``:not(...)`` never drop a selector, and a selector with ``:is``, ``:where`` or ``:has``
  is kept whole;
- a rule goes when all its selectors go; an ``@media`` or ``@supports`` block when all its
  rules go; ``@font-face``, ``@keyframes`` and every other at-rule stay as they are;
- a custom property (``--jp-…``) declared in a rule that is kept goes when no ``var(--…)``
  anywhere on the page (kept rules, the page's own styles, ``style`` attributes, scripts, and
  the values of the custom properties that are kept) refers to it.

Only the stylesheets :func:`~claimscope.build.html.minify_styles` shrank (those that open with
its notice) are pruned; the page's own styles are left alone.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace

_ATTRIBUTE = re.compile(r"""\b(class|id)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_ID = re.compile(r"#(-?[_a-zA-Z][\w-]*)")
_NOT = re.compile(r":not\((?:[^()]|\([^()]*\))*\)")
_KEEP_WHOLE = re.compile(r":(is|where|has|host|host-context)\(", re.I)
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_CUSTOM = re.compile(r"^\s*(--[\w-]+)\s*:")
_NESTED = ("@media", "@supports", "@layer", "@container", "@document")


@dataclass(frozen=True)
class _Rule:
    prelude: str
    children: tuple[_Rule, ...] | None = None  # a block of rules (@media …)
    verbatim: str = ""  # an at-rule kept as written (@font-face, @keyframes, @import …)
    kept: tuple[str, ...] = ()  # the selectors kept
    selectors: tuple[str, ...] = field(default=(), compare=False)
    declarations: tuple[str, ...] = field(default=(), compare=False)


def _scan(css: str, start: int, stops: str) -> int:
    """Index of the first of ``stops`` at nesting depth 0 from ``start``, outside strings."""
    depth, quote, i = 0, "", start
    while i < len(css):
        c = css[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and c in stops:
            return i
        i += 1
    return len(css)


def _block_end(css: str, brace: int) -> int:
    """Index just past the ``}`` closing the ``{`` at ``brace`` (nested braces counted)."""
    depth, i = 0, brace
    while i < len(css):
        i = _scan(css, i, "{}")
        if i >= len(css):
            return len(css)
        depth += 1 if css[i] == "{" else -1
        i += 1
        if depth == 0:
            return i
    return len(css)


@functools.lru_cache(maxsize=4)
def _parse(css: str) -> tuple[_Rule, ...]:
    """The rules of ``css``, split into selectors and declarations once per process.

    Every page embeds the same JupyterLab stylesheet; only the selection differs by page.
    """
    rules, i = [], 0
    while i < len(css):
        stop = _scan(css, i, "{;}")
        if stop >= len(css) or css[stop] == "}":
            if css[i:stop].strip():
                rules.append(_Rule("", verbatim=css[i:stop]))
            i = stop + 1
            continue
        prelude = css[i:stop].strip()
        if css[stop] == ";":  # @import, @charset: kept as written
            rules.append(_Rule(prelude, verbatim=css[i : stop + 1]))
            i = stop + 1
            continue
        end = _block_end(css, stop)
        if prelude.lower().startswith(_NESTED):
            rules.append(_Rule(prelude, children=_parse(css[stop + 1 : end - 1])))
        elif prelude.startswith("@"):
            rules.append(_Rule(prelude, verbatim=css[i:end]))
        else:
            body = css[stop + 1 : end - 1]
            selectors, declarations = tuple(_selectors(prelude)), tuple(_declarations(body))
            rules.append(_Rule(prelude, selectors=selectors, declarations=declarations))
        i = end
    return tuple(rules)


def _matchable(selector: str, classes: set[str], ids: set[str]) -> bool:
    if _KEEP_WHOLE.search(selector):
        return True
    plain = _NOT.sub("", selector)
    return all(c in classes for c in _CLASS.findall(plain)) and all(
        i in ids for i in _ID.findall(plain)
    )


def _split(text: str, stop: str) -> list[str]:
    """``text`` cut at each ``stop`` outside strings and brackets, empty parts left out.

    >>> _split(".a :is(.b, .c),.d", ",")
    ['.a :is(.b, .c)', '.d']
    """
    out, i = [], 0
    while i < len(text):
        end = _scan(text, i, stop)
        if text[i:end].strip():
            out.append(text[i:end])
        i = end + 1
    return out


def _declarations(body: str) -> list[str]:
    return _split(body, ";")


def _selectors(prelude: str) -> list[str]:
    return _split(prelude, ",")


def _select(rules: tuple[_Rule, ...], classes: set[str], ids: set[str]) -> tuple[_Rule, ...]:
    """The rules with a selector that may match, each with only such selectors kept."""
    kept = []
    for rule in rules:
        if rule.children is not None:
            children = _select(rule.children, classes, ids)
            if children:
                kept.append(replace(rule, children=children))
        elif rule.verbatim:
            kept.append(rule)
        else:
            selectors = tuple(s for s in rule.selectors if _matchable(s, classes, ids))
            if selectors:
                kept.append(replace(rule, kept=selectors))
    return tuple(kept)


def _plain_text(rules: tuple[_Rule, ...]) -> str:
    """The kept CSS that declares no custom property (what refers to custom properties)."""
    parts = []
    for rule in rules:
        if rule.children is not None:
            parts.append(_plain_text(rule.children))
        elif rule.verbatim:
            parts.append(rule.verbatim)
        else:
            parts += [d for d in rule.declarations if not _CUSTOM.match(d)]
    return " ".join(parts)


def _custom_values(rules: tuple[_Rule, ...], into: dict[str, list[str]]) -> dict[str, list[str]]:
    for rule in rules:
        if rule.children is not None:
            _custom_values(rule.children, into)
        elif not rule.verbatim:
            for d in rule.declarations:
                found = _CUSTOM.match(d)
                if found:
                    into.setdefault(found.group(1), []).append(d)
    return into


def _used_properties(rules: tuple[_Rule, ...], elsewhere: frozenset[str]) -> set[str]:
    """The custom properties ``rules`` or the names ``elsewhere`` refer to, directly or not."""
    values = _custom_values(rules, {})
    used = set(_VAR.findall(_plain_text(rules))) | elsewhere
    todo = list(used)
    while todo:
        for declaration in values.get(todo.pop(), []):
            for name in _VAR.findall(declaration):
                if name not in used:
                    used.add(name)
                    todo.append(name)
    return used


def _write(rules: tuple[_Rule, ...], used: set[str]) -> str:
    out = []
    for rule in rules:
        if rule.children is not None:
            inner = _write(rule.children, used)
            if inner:
                out.append(f"{rule.prelude}{{{inner}}}")
        elif rule.verbatim:
            out.append(rule.verbatim)
        else:
            kept = [
                d
                for d in rule.declarations
                if not _CUSTOM.match(d) or _CUSTOM.match(d).group(1) in used
            ]
            if kept:
                out.append(f"{','.join(rule.kept)}{{{';'.join(kept)}}}")
    return "".join(out)


_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.S | re.I)


def prune_styles(page: str, notice: str) -> str:
    """Return ``page`` with the unmatched rules of its stylesheets opening with ``notice`` gone.

    >>> page = ('<style>/*N*/.a{color:red}.b{color:blue}:root{--x:1px;--y:2px}p{margin:var(--x)}'
    ...     '@media print{.b{color:red}}</style><p class="a">text</p>')
    >>> prune_styles(page, "/*N*/").split("</style>")[0]
    '<style>/*N*/.a{color:red}:root{--x:1px}p{margin:var(--x)}'
    """
    classes: set[str] = set()
    ids: set[str] = set()
    for kind, double, single in _ATTRIBUTE.findall(page):
        value = double or single
        if kind.lower() == "class":
            classes.update(value.split())
        else:
            ids.add(value.strip())
    sheets = [m for m in _STYLE.finditer(page) if m.group(2).startswith(notice)]
    if not sheets:
        return page
    starts = [0, *(m.end() for m in sheets)]
    ends = [*(m.start() for m in sheets), len(page)]
    elsewhere = frozenset(
        _VAR.findall("".join(page[a:b] for a, b in zip(starts, ends, strict=True)))
    )
    texts = tuple(m.group(2)[len(notice) :] for m in sheets)
    pruned = _prune(texts, frozenset(classes), frozenset(ids), elsewhere)
    out, at = [], 0
    for match, text in zip(sheets, pruned, strict=True):
        out += [page[at : match.start()], match.group(1), notice, text, match.group(3)]
        at = match.end()
    out.append(page[at:])
    return "".join(out)


@functools.lru_cache(maxsize=16)
def _prune(
    sheets: tuple[str, ...], classes: frozenset[str], ids: frozenset[str], refs: frozenset[str]
) -> tuple[str, ...]:
    """``sheets`` pruned for a page with these classes, ids and ``var()`` references.

    Kept per process: the pages of a sweep carry the same classes and get the same sheets.
    """
    parsed = [_select(_parse(css), set(classes), set(ids)) for css in sheets]
    used = _used_properties(tuple(r for rules in parsed for r in rules), refs)
    return tuple(_write(rules, used) for rules in parsed)
