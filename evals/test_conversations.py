"""Issue 14: multi-turn dialogues (evals/conversations.yaml), every turn scored through
Assistant.ask(question, history=...) against the real assistant on the seeds."""

from __future__ import annotations

from hpassist.evaluation import TURN_PASS_THRESHOLD, ConversationReport, meets

# Measured 2026-12-07: turn pass rate 0.916 (98 of 107 turns; 0.888 the night before), follow-up detection
# 0.944, so the target gates. No follow-up to an uncovered entity states the earlier entity's figures.


def test_turn_pass_rate(conversation_report: ConversationReport) -> None:
    failing = [f"{t.dialogue}: {t.result.question}" for t in conversation_report.turns if not t.passed]
    rate = conversation_report.turn_pass_rate
    assert meets(rate, ">=", TURN_PASS_THRESHOLD), f"turn pass rate {rate} (needs >= {TURN_PASS_THRESHOLD}); failing: {failing}"


def test_a_follow_up_to_an_uncovered_entity_never_states_the_earlier_entitys_figures(
    conversation_report: ConversationReport,
) -> None:
    leaked = [f"{t.dialogue}: {t.forbidden_found}" for t in conversation_report.turns if t.forbidden_found]
    assert not leaked


def test_no_figure_in_another_unit_than_its_citation(conversation_report: ConversationReport) -> None:
    assert conversation_report.report.unit_mismatches == 0, [t.result.unit_errors for t in conversation_report.turns]
