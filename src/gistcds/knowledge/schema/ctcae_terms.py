"""Schema of ``ctcae_terms.yaml``: the CTCAE v5.0 terms gistcds accepts, each mapped to the
event group the label dose-modification tables speak of (neutropenia, hepatotoxicity...)."""

import difflib

from pydantic import Field, model_validator

from gistcds.domain.empty import new_list
from gistcds.knowledge import Cited, KBModel


class Term(Cited):
    term: str = Field(min_length=1, description="CTCAE v5.0 term, as NCI spells it")
    meddra_code: str | None = Field(default=None, pattern=r"^[0-9]{8}$")
    group: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="event group of the rules")
    synonyms: list[str] = Field(
        default_factory=new_list, description="other spellings accepted and replaced by the term"
    )


class Table(KBModel):
    version: str = Field(min_length=1, description='CTCAE version, "5.0"')
    groups: dict[str, str] = Field(description="event group -> what it covers, in words")
    terms: list[Term] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "Table":
        seen: dict[str, str] = {}
        for t in self.terms:
            if t.group not in self.groups:
                raise ValueError(f"{t.term!r}: group {t.group!r} not declared in groups")
            for name in (t.term, *t.synonyms):
                key = _key(name)
                if key in seen:
                    raise ValueError(f"{name!r} listed twice (also under {seen[key]!r})")
                seen[key] = t.term
        return self

    def resolve(self, text: str) -> Term | None:
        """The term for a spelling (case and spacing forgiven, synonyms accepted), or None."""
        key = _key(text)
        for t in self.terms:
            if key == _key(t.term) or any(key == _key(s) for s in t.synonyms):
                return t
        return None

    def suggest(self, text: str, n: int = 3) -> list[str]:
        """The nearest valid terms to a misspelling (difflib ratio), best first."""
        names = {_key(t.term): t.term for t in self.terms}
        for t in self.terms:
            names.update({_key(s): t.term for s in t.synonyms})
        near = difflib.get_close_matches(_key(text), list(names), n=n * 2, cutoff=0.6)
        out: list[str] = []
        for k in near:
            if names[k] not in out:
                out.append(names[k])
        return out[:n]

    def canonical_term(self, text: str) -> str:
        """The table's spelling of a term, or ValueError naming the nearest terms (the
        message input validation shows; ``domain.toxicity_input.TermVocabulary``)."""
        found = self.resolve(text)
        if found is not None:
            return found.term
        near = self.suggest(text)
        hint = f"; did you mean {' or '.join(repr(t) for t in near)}?" if near else ""
        raise ValueError(f"not a CTCAE v{self.version} term known to gistcds{hint}")

    def by_term(self, term: str) -> Term:
        found = self.resolve(term)
        if found is None:
            raise KeyError(term)
        return found


def _key(text: str) -> str:
    return " ".join(text.lower().replace("–", "-").split())
