"""The patient form's state: flat ``{json path: text}`` pairs, as the browser posts them.

- ``to_document`` turns the texts into the patient document (numbers as numbers, yes/no
  as booleans, comma lists as lists, blanks left out); wrong values are passed on as typed,
  so the one validation (``gistcds.io``, as the CLI) words the problem;
- ``from_document`` fills the form from a document (import, or a stored assessment);
- ``add_item`` / ``remove_item`` grow and shrink a repeated group;
- ``build_view`` arranges the sections for the template, with each problem at its field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gistcds.errors import Problem
from gistcds.web.form_spec import SECTIONS, Field, Group, Section, join

Flat = dict[str, str]
_INDEXED = re.compile(r"^(?P<head>.*)\[(?P<i>\d+)\](?P<tail>.*)$")
_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")
MAX_ITEMS = 200


def item_count(flat: Mapping[str, str], prefix: str) -> int:
    """How many items of the group at ``prefix`` the state holds (highest index + 1)."""
    start = prefix + "["
    top = -1
    for name in flat:
        if name.startswith(start):
            end = name.find("]", len(start))
            index = name[len(start) : end]
            if index.isdigit():
                top = max(top, int(index))
    return min(top + 1, MAX_ITEMS)


def _group_prefix(section: Section, group: Group) -> str:
    return join(section.key, group.key)


def _groups_of(spec: Iterable[Section]) -> Iterable[tuple[str, Group]]:
    for section in spec:
        for group in section.groups:
            yield _group_prefix(section, group), group


def add_item(flat: Flat, prefix: str) -> Flat:
    """One more (blank) item at the end of the group ``prefix``."""
    group = _find_group(prefix)
    if group is None:
        return flat
    n = item_count(flat, prefix)
    if n >= MAX_ITEMS:
        return flat
    return {**flat, join(f"{prefix}[{n}]", group.fields[0].key): ""}


def _find_group(prefix: str) -> Group | None:
    """The group a (possibly nested, indexed) prefix names, e.g. ``imaging[0].lesions``."""
    generic = re.sub(r"\[\d+\]", "", prefix)
    for top, group in _groups_of(SECTIONS):
        if generic == top:
            return group
        for child in group.children:
            if generic == join(top, child.key):
                return child
    return None


def remove_item(flat: Flat, item: str) -> Flat:
    """Remove the item ``imaging[1]`` (say) and renumber the ones after it."""
    match = _INDEXED.match(item)
    if not match or match["tail"]:
        return flat
    head, k = match["head"], int(match["i"])
    start = head + "["
    out: Flat = {}
    for name, value in flat.items():
        if not name.startswith(start):
            out[name] = value
            continue
        end = name.find("]", len(start))
        index = name[len(start) : end]
        if not index.isdigit() or int(index) < k:
            out[name] = value
        elif int(index) > k:
            out[f"{start}{int(index) - 1}{name[end:]}"] = value
    return out


# --------------------------------------------------------------------------- conversion


def _number(text: str) -> Any:
    try:
        value = float(text)
    except ValueError:
        return text  # the validation says "must be a number" at this field
    if not math.isfinite(value):
        return text
    return int(value) if value.is_integer() and re.fullmatch(r"[+-]?\d+", text) else value


def typed(f: Field, text: str) -> Any:
    """A field's text as the document holds it; None when left blank."""
    text = text.strip()
    if not text:
        return None
    if f.kind in ("number", "int"):
        return _number(text)
    if f.kind == "flag":
        return {"yes": True, "no": False}.get(text, text)
    if f.kind == "list":
        items = [t.strip() for t in re.split(r"[,;\n]", text) if t.strip()]
        return items or None
    return text


def _put(doc: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = doc
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _fields_into(
    target: dict[str, Any], fields: Iterable[Field], flat: Mapping[str, str], base: str
) -> None:
    for f in fields:
        value = typed(f, flat.get(join(base, f.key), ""))
        if value is not None:
            _put(target, f.key, value)


def _items(flat: Mapping[str, str], prefix: str, group: Group) -> list[dict[str, Any]]:
    out = []
    for i in range(item_count(flat, prefix)):
        base = f"{prefix}[{i}]"
        item: dict[str, Any] = {}
        _fields_into(item, group.fields, flat, base)
        for child in group.children:
            item[child.key] = _items(flat, join(base, child.key), child)
        out.append(item)
    return out


def to_document(flat: Mapping[str, str]) -> dict[str, Any]:
    """The patient document the form describes (blank fields and empty sections left out)."""
    doc: dict[str, Any] = {"schema_version": "1"}
    for section in SECTIONS:
        part: dict[str, Any] = {}
        _fields_into(part, section.fields, flat, section.key)
        for group in section.groups:
            items = _items(flat, _group_prefix(section, group), group)
            if items:
                part[group.key] = items
        if not part:
            continue
        if section.key:
            doc[section.key] = part.get("", part)
        else:
            doc.update(part)
    return doc


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _get(obj: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _flatten_fields(out: Flat, obj: Any, fields: Iterable[Field], base: str) -> None:
    for f in fields:
        value = _get(obj, f.key)
        if value is not None:
            out[join(base, f.key)] = _text(value)


def _flatten_items(out: Flat, items: Any, prefix: str, group: Group) -> None:
    if not isinstance(items, list):
        return
    for i, item in enumerate(items[:MAX_ITEMS]):
        base = f"{prefix}[{i}]"
        out.setdefault(join(base, group.fields[0].key), "")
        _flatten_fields(out, item, group.fields, base)
        for child in group.children:
            _flatten_items(out, _get(item, child.key), join(base, child.key), child)


def from_document(doc: Mapping[str, Any]) -> Flat:
    """The form state that shows ``doc``."""
    out: Flat = {}
    for section in SECTIONS:
        obj = doc.get(section.key) if section.key else doc
        _flatten_fields(out, obj, section.fields, section.key)
        for group in section.groups:
            items = _get(obj, group.key) if group.key else obj
            _flatten_items(out, items, _group_prefix(section, group), group)
    return out


# --------------------------------------------------------------------------- view


def html_id(name: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")


@dataclass
class FieldView:
    name: str
    spec: Field
    value: str
    errors: list[str]

    @property
    def id(self) -> str:
        return html_id(self.name)


@dataclass
class ItemView:
    name: str
    title: str
    fields: list[FieldView]
    children: list[GroupView]
    errors: list[str]

    @property
    def id(self) -> str:
        return html_id(self.name)


@dataclass
class GroupView:
    name: str
    spec: Group
    items: list[ItemView]

    @property
    def id(self) -> str:
        return "g" + html_id(self.name)[1:]


@dataclass
class SectionView:
    anchor: str
    title: str
    fields: list[FieldView]
    groups: list[GroupView]
    errors: list[str] = field(default_factory=list)


@dataclass
class FormView:
    sections: list[SectionView]
    problems: list[tuple[str, str, str]]  # (path, message, id of the element it sits at)


def _parent(path: str) -> str:
    """``a.b[1].c`` -> ``a.b[1]`` -> ``a.b`` -> ``a`` -> ``""``."""
    if path.endswith("]"):
        return path[: path.rfind("[")]
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def place_problems(problems: Iterable[Problem], known: set[str]) -> dict[str, list[str]]:
    """Each problem under the nearest field, item or section its path names ("" = the form)."""
    placed: dict[str, list[str]] = {}
    for p in problems:
        path = p.path
        while path and path not in known:
            path = _parent(path)
        text = p.message if path == p.path else f"{p.path}: {p.message}"
        placed.setdefault(path, []).append(text)
    return placed
