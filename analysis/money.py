"""Money as column names and units write it: currency symbols and codes, and the scale a
name states (`Annual Income (k$)` is in thousands of dollars).

A money unit is a symbol (`$`, `€`, `CHF `) optionally with a scale letter before or after it
(`k$`, `€k`, `M£`): the table's numbers times the scale are the amounts. `init` writes such
units from column names; the report shows the amounts (`60 k$` as `$60,000`).
"""

from __future__ import annotations

import re

SYMBOLS = ("$", "€", "£", "¥", "₹")
# Currency codes and words a column name may carry (revenue_eur, Spend GBP, sales_dollars).
CODES = {
    "usd": "$", "dollar": "$", "dollars": "$", "eur": "€", "euro": "€", "euros": "€",
    "gbp": "£", "sterling": "£", "jpy": "¥", "yen": "¥", "inr": "₹", "rupees": "₹",
    "chf": "CHF ", "cad": "CA$", "aud": "A$", "sek": "SEK ", "nok": "NOK ", "dkk": "DKK ",
}
SCALE_LETTERS = {"k": 1_000, "K": 1_000, "M": 1_000_000}
SCALE_WORDS = {"thousand": 1_000, "thousands": 1_000, "000s": 1_000, "'000": 1_000,
               "million": 1_000_000, "millions": 1_000_000, "mn": 1_000_000}
_KNOWN = sorted({*SYMBOLS, *CODES.values()}, key=len, reverse=True)


def money_unit(unit: str) -> tuple[str, int] | None:
    """(symbol, scale) of a money unit such as `€`, `k$`, `$k` or `CHF `; None otherwise."""
    if not unit:
        return None
    for symbol in _KNOWN:
        if unit == symbol or unit.strip() == symbol.strip():
            return symbol, 1
        for letter, scale in SCALE_LETTERS.items():
            if unit in (letter + symbol.strip(), symbol.strip() + letter):
                return symbol, scale
    return None


def format_money(value: float, unit: str, decimals: int = 0) -> str:
    """`value` in the money unit `unit` as an amount: 60 in `k$` is `$60,000`; a unit that is
    not money is written before the number as given."""
    symbol, scale = money_unit(unit) or (unit, 1)
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{abs(value) * scale:,.{decimals}f}"


def scaled_unit(symbol: str, scale: int) -> str:
    """The unit for amounts of `symbol` counted in `scale`s: ("$", 1000) -> "k$"."""
    letter = {1: "", 1_000: "k", 1_000_000: "M"}[scale]
    return letter + symbol.strip() if letter else symbol


# A currency as a name shows it: a symbol (with a scale letter on either side), or a code or
# word standing as a word of its own ("revenue_eur", "Spend (GBP)", "[EUR]").
_SYMBOL = "|".join(re.escape(s) for s in SYMBOLS)
_SCALED_SYMBOL = re.compile(rf"(?<![A-Za-z])([kKM])?({_SYMBOL})([kKM])?(?![A-Za-z])")


def currency_in_name(words: list[str], name: str) -> tuple[str, int, str] | None:
    """(symbol, scale, the text that said so) for a column name naming a currency, if any.

    `words` are the name's words (see analysis.init_config): codes count only as whole words,
    so "europe" or "peur" name none."""
    lowered = [w.lower() for w in words]
    in_words = next((SCALE_WORDS[w] for w in lowered if w in SCALE_WORDS), 1)
    match = _SCALED_SYMBOL.search(name)
    if match:
        letter = match.group(1) or match.group(3)
        return match.group(2), SCALE_LETTERS[letter] if letter else in_words, match.group(0)
    for i, word in enumerate(lowered):
        if word in CODES:
            return CODES[word], in_words, words[i]
        if len(word) == 4 and word[0] in "km" and word[1:] in CODES:  # keur, kusd, meur
            return CODES[word[1:]], 1_000 if word[0] == "k" else 1_000_000, words[i]
    return None
