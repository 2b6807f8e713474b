"""Verdicts that state cannot give: refusal, persuasion, ethics appeals, peer-strategising,
and the claim half of a false completion claim.

Two judges sit behind one `Judge` protocol: `LLMJudge` (Inspect's `grader` model role) and
`OfflineJudge` (rules + all-MiniLM-L6-v2 embeddings, needs the `judge` extra). `judge_scorers`
turns either into Inspect scorers. See docs/judge.md.
"""

from ._corpus import ACTION_LABELS, CorpusItem, corpus_split, load_corpus
from ._embed import JudgeUnavailable, encoder_available
from ._llm import PROMPT_VERSION, JudgeAnswer, LLMJudge, parse_answer, render_transcript
from ._offline import OfflineJudge, shared_offline_judge
from ._quality import (
    LabelQuality,
    OfflineReport,
    evaluate_fresh,
    evaluate_offline,
    label_quality,
    load_fresh_test,
    wilson,
)
from ._scorer import judge_scorers
from ._transcript import (
    Segment,
    Step,
    ToolCallRecord,
    Transcript,
    transcript_from_anthropic,
    transcript_from_inspect,
    transcript_from_openai,
    transcript_from_text,
)
from ._verdict import (
    LABEL_DEFINITIONS,
    LABELS,
    Judge,
    Label,
    Verdict,
    Verdicts,
    combine_false_claim,
)

__all__ = [
    "ACTION_LABELS",
    "LABELS",
    "LABEL_DEFINITIONS",
    "PROMPT_VERSION",
    "CorpusItem",
    "Judge",
    "JudgeAnswer",
    "JudgeUnavailable",
    "LLMJudge",
    "Label",
    "LabelQuality",
    "OfflineJudge",
    "OfflineReport",
    "Segment",
    "Step",
    "ToolCallRecord",
    "Transcript",
    "Verdict",
    "Verdicts",
    "combine_false_claim",
    "corpus_split",
    "encoder_available",
    "evaluate_fresh",
    "evaluate_offline",
    "judge_scorers",
    "label_quality",
    "load_corpus",
    "load_fresh_test",
    "parse_answer",
    "render_transcript",
    "shared_offline_judge",
    "transcript_from_anthropic",
    "transcript_from_inspect",
    "transcript_from_openai",
    "transcript_from_text",
    "wilson",
]
