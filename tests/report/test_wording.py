"""Suggested actions say what the numbers show and suggest; they never state a guess about
the customers as a fact."""

from __future__ import annotations

import re

import pytest

from kmeans_report.analysis.results import Action
from kmeans_report.report.wording import ACTIONS, action_text

# Words that turn a suggestion into a claim nobody measured.
GUESSES = re.compile(r"\b(probably|likely|surely|certainly|clearly|obviously|elsewhere|"
                     r"keeps (these|them)|matters? most|will (buy|come|respond|return))\b", re.I)


@pytest.mark.parametrize("kind", sorted(ACTIONS))
def test_every_action_cites_the_numbers_and_states_no_guess(kind):
    action = Action(kind, "spend", "Spend", 180.0, 120.0, "€")
    text = action_text(action, "€")
    assert "€180" in text and "€120" in text
    assert not GUESSES.search(text), text
