"""What a column's name says, read the way people write names: `Customer ID`, `CustomerID`,
`cust-id` and `Client No` are ids; `Annual Income (k$)` is money in thousands of dollars;
`Spending Score (1-100)` is a score on a 1-100 scale, whatever its first word.

`init` combines these readings with what the values show (analysis.init_config); nothing
here looks at values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .money import currency_in_name, scaled_unit

# Who a number may identify ("Client No", "account number", "member_nr").
ENTITY_WORDS = {"customer", "customers", "cust", "client", "clients", "member", "account",
                "acct", "user", "buyer", "shopper", "household", "card", "contract",
                "subscriber", "consumer", "person", "guest", "patron", "record", "row"}
ID_WORDS = {"id", "ids", "uuid", "guid"}
NUMBER_WORDS = {"no", "nr", "num", "number", "key", "code", "ref", "reference"}
# A saved row index: pandas' "Unnamed: 0", "index", "__index_level_0__", an empty header.
INDEX_NAME = re.compile(r"^(|index|unnamed:? ?\d+|__index_level_\d+__|level_\d+)$", re.I)

# Words that make a number a score, a count or a share rather than an amount of money.
SCORE_WORDS = {"score", "rating", "rank", "ranking", "grade", "index", "level", "tier",
               "points", "percent", "percentage", "pct", "%", "share", "ratio", "rate",
               "probability", "prob", "propensity", "satisfaction", "nps"}
COUNT_WORDS = {"count", "number", "num", "qty", "quantity", "frequency", "freq", "visits",
               "orders", "purchases", "transactions", "times", "items", "units"}
# Money that is not what customers spend with the business.
NOT_SPEND_WORDS = {"income", "salary", "wage", "wages", "earnings", "balance", "limit",
                   "credit", "debt", "price", "cost", "costs", "budget", "wealth", "worth",
                   "loan", "savings", "deposit", "deposits"}
SPEND_WORDS = {"monetary", "spend", "spending", "spent", "revenue", "revenues", "sales",
               "amount", "turnover", "mnt", "purchases_value"}
# Units a name may state in brackets or as its last word ("(days)", "tenure_years").
UNIT_WORDS = {"days": "days", "day": "days", "weeks": "weeks", "months": "months",
              "years": "years", "yrs": "years", "hours": "hours", "minutes": "minutes",
              "mins": "minutes", "%": "%", "pct": "%", "percent": "%", "kg": "kg", "km": "km"}
# Words that give a column a meaning (a measure), so distinct whole numbers under such a
# name are not taken for an id.
MEASURE_WORDS = {"age", "income", "salary", "price", "cost", "total", "sum", "avg", "average",
                 "mean", "weight", "height", "size", "balance", "value", "amount", "kids",
                 "children", "distance", "duration", "minutes", "days", "years", "months"}

_RANGE = re.compile(r"\(?\b(\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(\d+(?:\.\d+)?)\b\)?")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)"
                    r"|(?<=\d)(?=[A-Za-z])")


def words(name: str) -> list[str]:
    """The words of a name, whatever its case and separators: "CustomerID" -> Customer, ID;
    "cust-id" -> cust, id; "Annual Income (k$)" -> Annual, Income, k$."""
    spaced = _CAMEL.sub(" ", name)
    return re.findall(r"[^\W_]+(?:\$|€|£)?|[$€£¥₹%]", spaced)


@dataclass(frozen=True)
class NameReading:
    column: str
    words: tuple[str, ...]  # lower case
    label: str  # the name for people: its words and punctuation, without the unit marker
    unit: str  # the unit the name states ("k$", "€", "days"), "" when none
    unit_note: str  # how the name states it, for the config's comment
    currency: str | None  # the money unit when the name states a currency
    bounds: tuple[float, float] | None  # a range the name states: (1, 100) for "(1-100)"

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def has(self, vocabulary: set[str]) -> str | None:
        """The first of the name's words in `vocabulary`, if any."""
        return next((w for w in self.words if w in vocabulary), None)

    @property
    def is_index(self) -> bool:
        return INDEX_NAME.match(self.column.strip()) is not None

    @property
    def says_id(self) -> bool:
        """Named like an identifier: "ID", "Customer ID", "cust_id", "Client No", "account
        number", "member_nr", "CustomerKey", a lone "customer"."""
        w = self.words
        if not w:
            return False
        if w[-1] in ID_WORDS:
            return True
        if w[-1] in NUMBER_WORDS and (len(w) == 1 and w[0] != "number"
                                      or len(w) >= 2 and w[-2] in ENTITY_WORDS):
            return True
        return len(w) == 1 and w[0] in {"customer", "client", "member", "account"}

    @property
    def has_meaning(self) -> bool:
        """The name says what is measured (a unit, money, a score, a count, a measure word)."""
        return bool(self.unit or self.bounds or self.has(SCORE_WORDS | COUNT_WORDS
                                                        | SPEND_WORDS | MEASURE_WORDS
                                                        | NOT_SPEND_WORDS))


def read_name(column: str) -> NameReading:
    all_words = words(column)
    lowered = tuple(w.lower() for w in all_words)
    money = currency_in_name(all_words, column)
    unit, note, marker = "", "", None
    if money:
        symbol, scale, marker = money
        unit = scaled_unit(symbol, scale)
        note = f"thousands of {symbol.strip()}" if scale == 1_000 else (
            f"millions of {symbol.strip()}" if scale == 1_000_000 else symbol.strip())
    else:
        unit, marker = _unit_word(column, all_words)
        note = unit
    bounds = None
    found = _RANGE.search(column)
    if found and float(found.group(1)) < float(found.group(2)):
        bounds = (float(found.group(1)), float(found.group(2)))
    return NameReading(column=column, words=lowered, label=label(column, marker), unit=unit,
                       unit_note=note, currency=unit if money else None, bounds=bounds)


def _unit_word(column: str, all_words: list[str]) -> tuple[str, str | None]:
    """A unit the name states in brackets ("Recency (days)") or as the last of several words
    of a code-style name ("tenure_years"); "days since ..." states days but keeps its words."""
    bracket = re.search(r"[(\[]\s*([^)\]]+?)\s*[)\]]", column)
    if bracket and bracket.group(1).lower() in UNIT_WORDS:
        return UNIT_WORDS[bracket.group(1).lower()], bracket.group(1)
    lowered = [w.lower() for w in all_words]
    if " " not in column.strip() and len(lowered) >= 2 and lowered[-1] in UNIT_WORDS:
        return UNIT_WORDS[lowered[-1]], all_words[-1]
    if lowered[:2] == ["days", "since"]:
        return "days", None
    return "", None


def label(column: str, marker: str | None = None) -> str:
    """The column's name for people: its own words and punctuation, without `marker` (the
    currency or unit that becomes the feature's unit). A code-style name (no spaces:
    "annual_spend", "MntWines") gets spaces and capitals; a name written with spaces keeps
    its own ("Spending Score (1-100)")."""
    text = column.strip()
    if marker:
        escaped = re.escape(marker)
        bracket = re.compile(rf"\s*[(\[][^)\]]*{escaped}[^)\]]*[)\]]", re.I)
        if bracket.search(text):
            text = bracket.sub("", text, count=1)
        else:
            text = re.sub(rf"(^|[\s_.\-]+){escaped}(?=$|[\s_.\-])", "", text, count=1,
                          flags=re.I).strip(" _.-")
            text = text.replace(marker, "").strip(" _.-") if marker in text else text
    if " " not in text:
        parts = [p for p in re.split(r"[_.]+", _CAMEL.sub(" ", text).replace(" ", "_")) if p]
        text = " ".join(p[:1].upper() + p[1:] if p.islower() else p for p in parts)
    text = re.sub(r"\s+", " ", text).strip(" _-:")
    return text or column.strip() or "Unnamed column"


def title_from_file(stem: str) -> str:
    """A report title from a file name: "Mall_Customers" -> "Mall Customers",
    "wholesale-customers_data" -> "Wholesale customers data"."""
    parts = [p for p in re.split(r"[_\s.\-]+", stem) if p]
    text = " ".join(parts) or "Customer segments"
    return text[:1].upper() + text[1:]
