"""Words for the numbers: a value in its feature's unit, and the sentence of each suggested
action. Analysis decides *which* actions a segment's numbers suggest (analysis.segments);
this module only says them, citing the segment's own numbers.

No sentence names a unit, a role or a business notion the configuration did not give: units
and labels come from the features, currency from `roi.currency`.
"""

from __future__ import annotations

from kmeans_report.analysis.money import money_unit
from kmeans_report.analysis.results import Action

from .formatting import money, number

# {label} {value} {overall} {index} {ratio} are filled in by `action_text`.
ACTIONS = {
    "retain-top-spend": (
        "Protect this revenue: {label} averages {value} here against {overall} overall "
        "({ratio}× the average). Keep these customers close (named contact, early access) "
        "before spending on acquisition."
    ),
    "test-low-cost": (
        "Keep the cost of reaching them low: {label} averages {value} against {overall} "
        "overall. Test inexpensive digital offers and measure the lift before investing more."
    ),
    "reward-frequency": (
        "Reward the habit: {label} is {value} against {overall} overall; try a membership "
        "tier or a subscription to keep these customers coming back."
    ),
    "reactivate": (
        "Bring them back more often: {label} is {value} against {overall} overall; time "
        "reminders and offers to the usual gap between purchases."
    ),
    "win-back": (
        "Win them back: {label} is {value} against {overall} overall; on average their last "
        "purchase lies further back. Test a win-back offer and measure how many buy again."
    ),
    "follow-up-recent": (
        "Follow up while their last purchase is recent: {label} is {value} against {overall} "
        "overall; test a next-purchase offer on them soon after they buy."
    ),
    "premium-basket": (
        "Offer premium products and bundles: {label} is {value} against {overall} overall."
    ),
    "grow-basket": (
        "Grow the basket: {label} is {value} against {overall} overall; try bundles and "
        "add-ons at checkout."
    ),
    "loyal-advocates": (
        "Turn long relationships into referrals: {label} is {value} against {overall} "
        "overall; invite them into a referral or membership programme."
    ),
    "onboard-new": (
        "Help newer customers settle in: {label} is {value} against {overall} overall; try "
        "an onboarding series and a second-purchase offer."
    ),
    "category-strength": (
        "Lead with {label}: this segment buys it at index {index} (100 = average), {value} "
        "against {overall} overall; feature it in campaigns to them."
    ),
    "category-cross-sell": (
        "Cross-sell {label}: {value} against {overall} overall (index {index}); test an "
        "offer on it and measure whether their spend on it grows."
    ),
    "feature-high": (
        "{label} stands out high: {value} against {overall} overall (index {index}); find "
        "out what it means for these customers before shaping offers around it."
    ),
    "feature-low": (
        "{label} stands out low: {value} against {overall} overall (index {index}); find out "
        "why before targeting on it."
    ),
    "watch-average": (
        "Close to the average customer on every feature (the largest difference: {label}, "
        "{value} against {overall} overall): use this segment as the baseline and test "
        "messages on it first."
    ),
}


def unit_name(unit: str) -> str:
    """A unit as a table heading shows it: amounts of a scaled money unit are shown in full,
    so "k$" reads "$ (thousands in the table)"."""
    money = money_unit(unit)
    if money and money[1] != 1:
        scale = {1_000: "thousands", 1_000_000: "millions"}[money[1]]
        return f"{money[0].strip()} ({scale} in the table)"
    return unit


SCALERS = {
    "standard": "standard (zero mean, unit variance per feature)",
    "minmax": "minmax (each feature to the range 0–1)",
    "robust": "robust (median and interquartile range per feature)",
}


def scaling_sentence(units: list[str], scaler: str) -> str:
    """What Methods says of the features' units and their scaling, true for these features
    (one unit per feature, "" for none): "different units" only when they differ."""
    named = list(dict.fromkeys(unit_name(u) for u in units if u))
    differ = len(set(units)) > 1
    listed = ", ".join(named) + (", and some have none" if named and "" in units else "")
    if len(units) == 1:
        subject = f"The one feature ({listed})" if named else "The one feature"
        if scaler == "none":
            return f"{subject} is used as measured (scaler none)."
        return f"{subject} is rescaled before clustering: scaler {SCALERS[scaler]}."
    if scaler == "none":
        if differ:
            return (f"The features are measured in different units ({listed}) but used as "
                    "measured (scaler none): the features with the widest spread weigh most "
                    "in the distances.")
        unit = f"all measured in {named[0]} and " if named else ""
        return (f"The features are {unit}used as measured (scaler none): the features with "
                "the widest spread weigh most in the distances.")
    how = f"scaler {SCALERS[scaler]}"
    if differ:
        return (f"The features are measured in different units ({listed}), so each is "
                f"rescaled before clustering: {how}.")
    if named:
        return (f"The features are all measured in {named[0]}; each is still rescaled before "
                f"clustering, so that a wider spread alone does not give a feature more "
                f"weight: {how}.")
    return f"The features are rescaled before clustering: {how}."


def is_money(unit: str, currency: str) -> bool:
    """The unit is an amount of money: the currency, or "k$" (thousands of $)."""
    return bool(unit) and (unit == currency or money_unit(unit) is not None)


def measure(value: float | None, unit: str, currency: str) -> str:
    """A value in its unit: money for the currency unit, else a number and the unit's name."""
    if value is None:
        return "—"
    if is_money(unit, currency):
        return money(value, unit)
    size = abs(value)
    decimals = 0 if size >= 100 else 1 if size >= 1 else 2
    text = number(value, decimals)
    return f"{text} {unit}" if unit else text


def action_text(action: Action, currency: str) -> str:
    index = action.value / action.overall * 100 if action.overall > 0 else None
    ratio = action.value / action.overall if action.overall > 0 else None
    return ACTIONS[action.kind].format(
        label=action.label,
        value=measure(action.value, action.unit, currency),
        overall=measure(action.overall, action.unit, currency),
        index=number(index) if index is not None else "—",
        ratio=number(ratio, 1) if ratio is not None else "—",
    )
