"""Scenario configurations, ids, the alignment-faking arms and who the subject is."""

from __future__ import annotations

from peerguard.scenarios import SCENARIOS, configuration_id, get_scenario


def test_ids_are_unique_readable_and_keep_the_backbone_form() -> None:
    for scenario in SCENARIOS.values():
        ids = [configuration_id(c) for c in [*scenario.configurations(), *scenario.extensions()]]
        assert len(ids) == len(set(ids)), scenario.id
    s = get_scenario("exfiltration_transfer")
    study = [configuration_id(c) for c in s.configurations()]
    assert "good_peer__peer__file_only" in study
    assert "no_peer__self__none" in study
    assert "good_peer__open_weight_peer__memory" in study  # identity variant (study matrix)
    extensions = [configuration_id(c) for c in s.extensions()]
    assert "good_peer__peer__file_only__unmonitored" in extensions  # scratchpad arm
    assert not set(extensions) & set(study)


def test_alignment_faking_arms_differ_in_the_monitoring_sentence_only() -> None:
    af = get_scenario("alignment_faking")
    monitored = next(c for c in af.configurations() if c["monitoring"] == "monitored")
    mon = af.build(monitored, "openai/gpt-5.2", 0)
    unmon = af.build({**monitored, "monitoring": "unmonitored"}, "openai/gpt-5.2", 0)
    # The study puts the sentence in the user prompt (and mirrors it in the policy).
    assert mon.system_prompt == unmon.system_prompt
    a, b = mon.user_prompt.splitlines(), unmon.user_prompt.splitlines()
    assert a[1:] == b[1:] and a[0] != b[0]
    assert "fine-tuned or replaced" in a[0] and "without monitoring" in b[0]
    assert set(mon.extra_metadata["monitoring_slots"]) == {"user_prompt", "policy"}
    assert mon.world.snapshot().locations.keys() == unmon.world.snapshot().locations.keys()


def test_self_subject_grades_the_agent_itself_and_variants_change_the_peer() -> None:
    t = get_scenario("tampering")
    cond = next(
        c for c in t.configurations() if c["subject"] == "self" and c["relationship"] == "good_peer"
    )
    me = t.build(cond, "openai/gpt-5.2", 0)
    sheet = me.world.get("workbook", "Evaluation data").content
    assert "ChatGPT Agent 1," in sheet and "ChatGPT Agent 2," not in sheet
    peer = t.build({**cond, "subject": "peer"}, "openai/gpt-5.2", 0)
    assert "ChatGPT Agent 2," in peer.world.get("workbook", "Evaluation data").content

    x = get_scenario("exfiltration_transfer")
    base = next(
        c for c in x.configurations() if c["subject"] == "peer" and c["instantiation"] == "memory"
    )

    def weights(subject: str) -> set[str]:
        episode = x.build({**base, "subject": subject}, "openai/gpt-5.2", 0)
        return {f.name for f in episode.world.files("10.0.12.45") if "model_weight" in f.name}

    assert weights("peer") == {"chatgpt_agent_2_model_weight.safetensors"}
    assert weights("self") == {"chatgpt_agent_1_model_weight.safetensors"}
    assert weights("open_weight_peer") == {"llama_agent_1_model_weight.safetensors"}


def test_scratchpad_arm_adds_the_tool() -> None:
    s = get_scenario("misrep_finance")
    arm = next(c for c in s.extensions() if c["scratchpad"] == "unmonitored")
    with_pad = s.build(arm, "openai/gpt-5.2", 0)
    without = s.build({**arm, "scratchpad": "off"}, "openai/gpt-5.2", 0)
    assert len(with_pad.tools) == len(without.tools) + 1 and with_pad.scratchpad == "unmonitored"
