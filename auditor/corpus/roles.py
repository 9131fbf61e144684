"""The column roles of a corpus, listed once: the column each role becomes in a
:class:`~auditor.corpus.corpus.Corpus`, the library keyword that names it, the command-line flag
and its help. Loading, the audit options, compare, partial states, the Ray engine, the result
cache and the CLI all read this table, so a new role is one row here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """``column``: the corpus frame's column; ``keyword``: the library parameter (``group_col``);
    ``label``: one label per text that partial states carry and group by (the id and the
    translation are not labels); ``help``: the help of its command-line flag, :attr:`flag`."""

    column: str
    keyword: str
    help: str
    label: bool = True

    @property
    def flag(self) -> str:
        """The command-line option: the keyword with dashes (``--group-col``, ``--strata``)."""
        return "--" + self.keyword.replace("_", "-")


TEXT = Role("text", "text_col", "Column holding the text (default: 'text', or the only text column).",
            label=False)
ROLES = (
    Role("group", "group_col", "Column to split the corpus by (brand, source, locale...)."),
    Role("time", "time_col", "Column with a date or year for each text."),
    Role("stratum", "strata", "Column naming the prompt, brief, product or question each text answers: "
         "homogeneity is also measured within each, and comparisons permute labels within them."),
    Role("locale", "locale_col", "Column with each text's locale (fr-FR, de, ja...): how far each "
         "locale's copy sits from the others and whether they converge on one voice (with --strata on an item id, "
         "version by version)."),
    Role("translation", "translation_col", "With --locale-col: column with a plain translation "
         "of the source locale's version into each text's language (empty for the source's own texts): how close "
         "each locale's copy sits to a literal translation.", label=False),
    Role("id", "id_col", "Column with a unique id per row (default: 'id' if present, else the row "
         "number).", label=False),
)
#: The keywords that name a corpus's columns (text and every role).
COLUMN_KEYWORDS = (TEXT.keyword, *(role.keyword for role in ROLES))
#: The per-text labels (group, time, stratum, locale), by their corpus column.
LABELS = tuple(role.column for role in ROLES if role.label)
#: Each role's library keyword by its corpus column, for messages (the CLI words it as the flag).
KEYWORDS = {role.column: role.keyword for role in (TEXT, *ROLES)}


def role_columns(**keywords: str | None) -> dict[str, str | None]:
    """The roles named by library keywords (``group_col="brand"``) as {corpus column: source
    column}; an unknown keyword is a ``TypeError``, as for any function.

    >>> role_columns(group_col="brand", strata="product")["stratum"]
    'product'
    """
    known = {role.keyword: role.column for role in ROLES}
    unknown = sorted(set(keywords) - set(known))
    if unknown:
        raise TypeError(f"unknown column keyword {unknown[0]!r} (known: {', '.join(known)})")
    return {column: keywords.get(keyword) for keyword, column in known.items()}
