"""The log contract's sampling designs: which logs' rollouts may be pooled into one rate."""

from __future__ import annotations

from peerguard.logs import ADAPTIVE_KEY, FIXED_DESIGN, sampling_design

RULE = {"rule": "cp-bonferroni", "target": 0.05, "max_epochs": 400, "first": 25}


def test_logs_without_the_adaptive_key_are_one_fixed_design() -> None:
    assert sampling_design(None) == sampling_design({}) == FIXED_DESIGN
    assert sampling_design({"scenario": "tampering", ADAPTIVE_KEY: "junk"}) == FIXED_DESIGN


def test_rounds_of_one_adaptive_run_share_a_design_and_other_rules_do_not() -> None:
    rounds = [
        sampling_design({ADAPTIVE_KEY: {**RULE, "round": r, "epoch_offset": o}})
        for r, o in ((1, 0), (2, 25), (3, 50))
    ]
    assert len(set(rounds)) == 1
    assert rounds[0].startswith("adaptive ") and "target=0.05" in rounds[0]
    other = sampling_design({ADAPTIVE_KEY: {**RULE, "target": 0.1, "round": 1}})
    assert other not in (rounds[0], FIXED_DESIGN)
    # Key order in the stored metadata does not matter.
    shuffled = dict(reversed(list({**RULE, "round": 1}.items())))
    assert sampling_design({ADAPTIVE_KEY: shuffled}) == rounds[0]
