"""The patient form arranged for its template: sections, repeated items, each problem at
the field its JSON path names (or the nearest item, section or the form as a whole)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from gistcds.errors import Problem
from gistcds.web.form import (
    FieldView,
    FormView,
    GroupView,
    ItemView,
    SectionView,
    html_id,
    item_count,
    place_problems,
)
from gistcds.web.form_spec import SECTIONS, Field, Group, join


class _Builder:
    def __init__(self, flat: Mapping[str, str]) -> None:
        self.flat = flat
        self.known: set[str] = set()
        self.views: list[SectionView] = []

    def fields(self, specs: Iterable[Field], base: str) -> list[FieldView]:
        out = []
        for f in specs:
            name = join(base, f.key)
            self.known.add(name)
            out.append(FieldView(name, f, self.flat.get(name, ""), []))
        return out

    def group(self, prefix: str, spec: Group) -> GroupView:
        self.known.add(prefix)
        items = []
        for i in range(item_count(self.flat, prefix)):
            base = f"{prefix}[{i}]"
            self.known.add(base)
            children = [self.group(join(base, c.key), c) for c in spec.children]
            title = f"{spec.item_label} {i + 1}"
            items.append(ItemView(base, title, self.fields(spec.fields, base), children, []))
        return GroupView(prefix, spec, items)

    def build(self) -> list[SectionView]:
        for s in SECTIONS:
            if s.key:
                self.known.add(s.key)
            fields = self.fields(s.fields, s.key)
            groups = [self.group(join(s.key, g.key), g) for g in s.groups]
            self.views.append(SectionView(s.anchor or s.key, s.title, fields, groups))
        return self.views


def _attach(views: list[SectionView], placed: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """Put the placed messages on their fields/items; returns (path, message, element id)."""
    where: list[tuple[str, str, str]] = []

    def on_group(g: GroupView) -> None:
        for item in g.items:
            item.errors = placed.get(item.name, [])
            where.extend((item.name, m, html_id(item.name)) for m in item.errors)
            for fv in item.fields:
                fv.errors = placed.get(fv.name, [])
                where.extend((fv.name, m, fv.id) for m in fv.errors)
            for child in item.children:
                on_group(child)

    for s in views:
        s.errors = placed.get(s.anchor, []) + [
            m for g in s.groups for m in placed.get(g.name, []) if g.name != s.anchor
        ]
        where.extend((s.anchor, m, "s-" + s.anchor) for m in s.errors)
        for fv in s.fields:
            fv.errors = placed.get(fv.name, [])
            where.extend((fv.name, m, fv.id) for m in fv.errors)
        for g in s.groups:
            on_group(g)
    return where


def build_view(flat: Mapping[str, str], problems: Iterable[Problem] = ()) -> FormView:
    """The form for ``flat`` with ``problems`` (from ``gistcds.io``) at their fields."""
    builder = _Builder(flat)
    views = builder.build()
    problems = list(problems)
    placed = place_problems(problems, builder.known)
    where = _attach(views, placed)
    where += [("", m, "") for m in placed.get("", [])]
    return FormView(views, where)
