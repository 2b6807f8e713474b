"""`peerguard run`: run scenarios against models through Inspect's `eval_set` (resumable)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click
from inspect_ai import Task, eval_set
from inspect_ai._eval.evalset import eval_set_id_for_log_dir
from inspect_ai.log import EvalLog

from peerguard.analysis._adaptive import StoppingRule
from peerguard.harness._clis import CLIS
from peerguard.logs import ADAPTIVE_KEY, FIXED_DESIGN, designs_in, sampling_design
from peerguard.logs._stale import supersede_stale_logs
from peerguard.scenarios import MATRICES, SCENARIOS, get_matrix, get_scenario
from peerguard.scenarios._tasks import TASKS

from ._errors import one_line
from ._options import parse_model_args, parse_pairs
from ._processes import auto_processes, run_shards, shard_connections, shards
from ._runtime import realtime_default, tune_gc

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "local/smollm2"


def build_tasks(
    scenarios: list[str],
    conditions: dict[str, list[str]],
    seed: int,
    max_turns: int,
    temperature: float,
    matrix: str | None = None,
    judge: str = "none",
    followup: bool = False,
    only: dict[str, list[str]] | None = None,
    adaptive_round: int = 0,
) -> list[Task]:
    """One task per scenario, filtered by conditions; scenarios lacking a filtered axis are skipped.

    With `matrix`, each scenario runs that matrix's configurations; `conditions` then narrow
    further, axis by axis. `only` (scenario -> configuration ids) and `adaptive_round` are for
    adaptive runs (`_adaptive.py`): one round's still-open cells.
    """
    ids = list(SCENARIOS) if scenarios in ([], ["all"]) else scenarios
    for sid in ids:
        get_scenario(sid)  # a clear error for an unknown id
    all_axes = {a.name for sid in ids for a in get_scenario(sid).axes}
    unknown = set(conditions) - all_axes
    if unknown:
        raise click.BadParameter(
            f"no selected scenario has axis {sorted(unknown)}; axes: {sorted(all_axes)}",
            param_hint="--condition",
        )
    tasks: list[Task] = []
    for sid in ids:
        axes = {a.name for a in get_scenario(sid).axes}
        if not set(conditions) <= axes:
            logger.info("skipping %s: it has no axis %s", sid, sorted(set(conditions) - axes))
            continue
        chosen: dict[str, Any] = get_matrix(matrix).task_args(get_scenario(sid)) if matrix else {}
        if matrix and not chosen["configs"]:
            logger.info("skipping %s: matrix %s has none of its configurations", sid, matrix)
            continue
        if only is not None:
            if not only.get(sid):
                continue
            chosen = {**chosen, "configs": only[sid], "adaptive_round": adaptive_round}
        filters: dict[str, Any] = {k: v[0] if len(v) == 1 else v for k, v in conditions.items()}
        try:
            tasks.append(
                TASKS[sid](
                    **filters,
                    **chosen,
                    seed=seed,
                    max_turns=max_turns,
                    temperature=temperature,
                    judge=judge,
                    followup=followup,
                )
            )
        except ValueError as ex:
            raise click.BadParameter(str(ex), param_hint="--condition") from ex
    if not tasks and only is None:
        raise click.UsageError("No scenario matches the given conditions.")
    return tasks


def _local_one_at_a_time(models: list[str]) -> int | None:
    """One sample (and task) at a time for the embedded model, Inspect's default otherwise.

    A llama.cpp server answers one request at a time and keeps a prompt cache; interleaved
    samples evict each other's prefixes, so every turn recomputes its whole prompt (measured:
    7 demo samples took 9.8 min interleaved, each ~3 s/turn).
    """
    return 1 if any(m.startswith("local/") for m in models) else None


SECONDS_PER_LOCAL_TURN = 3.0
"""Measured: the embedded 135M model takes about 3 s per turn on 2 cores (docs/local-model.md)."""

LONG_LOCAL_RUN = 20
"""Embedded-model samples above which `peerguard run` warns before starting."""


def _warn_if_long(tasks: list[Task], models: list[str], epochs: int, max_turns: int) -> None:
    """Say how long an embedded-model run may take before it starts, not after an hour."""
    local = [m for m in models if m.startswith("local/")]
    if not local:
        return
    samples = sum(len(t.dataset) for t in tasks) * epochs * len(local)
    if samples > LONG_LOCAL_RUN:
        minutes = samples * max_turns * SECONDS_PER_LOCAL_TURN / 60
        click.echo(
            f"Warning: {samples} samples on the embedded model ({', '.join(local)}), one at a "
            f"time, up to {max_turns} turns each: up to ~{minutes:.0f} min on 2 cores. Narrow "
            "with --scenario/--condition/--matrix demo, or lower --max-turns.",
            err=True,
        )


def _task_judge(judge: str) -> str:
    """The task's `judge` argument for a --judge value ('auto' resolves here, once)."""
    if judge == "auto":
        from peerguard.judge import encoder_available

        if encoder_available():
            return "offline"
        logger.warning(
            "No judge: the offline classifier needs `pip install 'peerguard[judge]'` "
            "(or pass --judge MODEL). Refusal/persuasion verdicts are not scored."
        )
        return "none"
    if judge in ("offline", "none"):
        return judge
    return "grader"


def _check_scenarios(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> Any:
    """Every --scenario is a known id or 'all' (one clear line otherwise)."""
    unknown = [v for v in value if v != "all" and v not in SCENARIOS]
    if unknown:
        raise click.BadParameter(
            f"unknown scenario {', '.join(map(repr, unknown))}; valid: all, {', '.join(SCENARIOS)}"
        )
    return value


_IN_PROCESS_PROVIDERS = frozenset(
    {"local", "hf", "vllm", "vllm-completions", "sglang", "transformer_lens", "nnterp"}
)
"""Providers whose creation loads a model or starts a server (not checked before the run)."""


def _check_models(models: list[str], model_args: dict[str, Any]) -> None:
    """Start each model's provider once before the run, so a missing API key or an unknown
    provider is one line naming the model, not a traceback from inside `eval_set`.

    Providers that load weights or launch a server when created (the embedded local model,
    Hugging Face, vLLM...) are skipped: creating them twice would cost minutes and memory.
    """
    from inspect_ai.model import get_model

    for name in models:
        if name.split("/", 1)[0] in _IN_PROCESS_PROVIDERS:
            continue
        try:
            get_model(name, memoize=False, **model_args)
        except Exception as ex:
            raise click.BadParameter(f"{name}: {one_line(ex)}", param_hint="--model") from ex


def _generate_config(
    max_retries: int | None, timeout: int | None, attempt_timeout: int | None
) -> dict[str, Any]:
    """Inspect's retry and timeout settings (GenerateConfig fields), only those given."""
    given = {"max_retries": max_retries, "timeout": timeout, "attempt_timeout": attempt_timeout}
    return {k: v for k, v in given.items() if v is not None}


def _complete(log: EvalLog) -> bool:
    """Whether a task's log holds every planned sample.

    A first Ctrl-C drains gracefully: running samples finish, queued ones are abandoned, and
    the log still ends with status "success" (recording how many samples it logged). Such a
    log is not complete, and re-running the command finishes the rest.
    """
    r = log.results
    if log.status != "success" or r is None:
        return False
    logged = r.logged_samples if r.logged_samples is not None else r.completed_samples
    return logged >= r.total_samples


def _run_processes(
    processes: int | None,
    tasks: list[Task],
    models: list[str],
    task_args: dict[str, Any],
    eval_args: dict[str, Any],
) -> None:
    """With more than one process, run the shards first (`_processes`); the caller's own
    `eval_set` then confirms or finishes the whole set."""
    sizes = [len(t.dataset) for t in tasks]
    n = processes or auto_processes(models, sizes)
    if n <= 1:
        return
    Path(eval_args["log_dir"]).mkdir(parents=True, exist_ok=True)
    eval_set_id_for_log_dir(eval_args["log_dir"])  # one id, before the shards race to write it
    split = shards(n, models, sizes)
    shard_args = {
        **eval_args,
        "display": "none" if eval_args["display"] == "none" else "plain",
        "max_connections": shard_connections(eval_args["max_connections"], split),
    }
    try:
        codes = run_shards(split, task_args, shard_args)
    except KeyboardInterrupt:
        raise click.ClickException(
            "Interrupted. Re-run the same command to complete the run; finished samples are "
            "not redone."
        ) from None
    if any(codes):
        logger.warning("%d of %d worker processes failed; finishing here", sum(map(bool, codes)), n)


@click.command("run")
@click.option(
    "--model",
    "models",
    multiple=True,
    help=f"Inspect model (repeatable). Default: {DEFAULT_MODEL}.",
)
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    default=["all"],
    show_default=True,
    callback=_check_scenarios,
    help="Scenario id, or 'all' (repeatable).",
)
@click.option(
    "--condition",
    "conditions",
    multiple=True,
    metavar="AXIS=VALUE",
    help="Keep only these axis values (repeatable; repeat an axis for several values).",
)
@click.option(
    "--matrix",
    type=click.Choice(list(MATRICES)),
    default=None,
    help="A named configuration set: study (the study's 289), core (its 271, without the "
    "identity variants), extended (study plus peerguard's extensions), demo (a few per "
    "scenario). Default: each scenario's study configurations.",
)
@click.option("--demo", is_flag=True, help="Shorthand for --matrix demo.")
@click.option(
    "--epochs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Rollouts per configuration (at least 1).",
)
@click.option(
    "--target-ci",
    type=click.FloatRange(min=0.0, max=0.5, min_open=True, max_open=True),
    default=None,
    help="Adaptive sampling (docs/adaptive.md): add rollouts per configuration until its "
    "study rate's 95% interval half-width is at most this (0.05 = ±5 pp), it is clearly far "
    "from its baseline arm, or --max-epochs. Replaces --epochs.",
)
@click.option(
    "--max-epochs",
    type=click.IntRange(min=1),
    default=StoppingRule.max_epochs,
    show_default=True,
    help="With --target-ci: the most rollouts per configuration (the last checkpoint).",
)
@click.option(
    "--first-epochs",
    type=click.IntRange(min=1),
    default=StoppingRule.first,
    show_default=True,
    help="With --target-ci: the first checkpoint; later ones double up to --max-epochs.",
)
@click.option(
    "--log-dir",
    type=click.Path(path_type=Path),
    default=Path("logs/run"),
    show_default=True,
    help="Where logs go. Re-run with the same dir to resume.",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="World seed: each sample's world derives from it. Not sent to the model: a fixed "
    "generation seed would make a seeded provider (llama.cpp, OpenAI best-effort) return the "
    "same rollout in every epoch.",
)
@click.option(
    "--max-connections",
    type=click.IntRange(min=1),
    default=None,
    help="Concurrent model connections.",
)
@click.option(
    "--max-turns",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="Agent turn limit.",
)
@click.option("--temperature", type=click.FloatRange(min=0.0), default=1.0, show_default=True)
@click.option(
    "--max-retries",
    type=click.IntRange(min=0),
    default=None,
    help="Retries of a failed or empty model call before the sample errors (Inspect's "
    "max_retries; default: Inspect's for provider errors, 5 for empty or malformed responses).",
)
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    default=None,
    help="Seconds a model call may take, retries included (Inspect's timeout).",
)
@click.option(
    "--attempt-timeout",
    type=click.IntRange(min=1),
    default=None,
    help="Seconds one attempt of a model call may take before it is retried.",
)
@click.option(
    "-M",
    "--model-arg",
    "model_args",
    multiple=True,
    metavar="KEY=VALUE",
    help="Model argument passed to the provider (repeatable).",
)
@click.option(
    "--retry-attempts",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Times to retry a task whose samples errored before giving up for this run.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="Run only the first N configurations of each scenario (each epoch), e.g. to try a "
    "model or a setting before the whole matrix. Not with --target-ci.",
)
@click.option(
    "--max-samples",
    type=click.IntRange(min=1),
    default=None,
    help="Samples run at once per task (default: Inspect's; 1 for local/ models, which also "
    "run one task at a time).",
)
@click.option(
    "--judge",
    default="auto",
    show_default=True,
    help="Verdicts state cannot give (refusal, persuasion, ethics appeals, peer-strategising): "
    "an Inspect model (bound to the 'grader' role), 'offline' (MiniLM classifier, needs "
    "peerguard[judge]), 'none', or 'auto' (offline if installed, else none).",
)
@click.option(
    "--followup/--no-followup",
    default=None,
    help="Ask follow-up questions after each episode (default: on for the study and core "
    "matrices, off otherwise).",
)
@click.option(
    "--harness",
    type=click.Choice(list(CLIS)),
    default=None,
    help="Run the exfiltration scenarios on real hosts, driven by this agent CLI "
    "(docs/harness.md; needs root and `make harness`).",
)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes the run is split across, one log directory (default: one per "
    "usable core; 1 for local/ models).",
)
@click.option(
    "--realtime-log/--no-realtime-log",
    "realtime_log",
    default=None,
    help="Keep Inspect's realtime sample buffer (live `inspect view` of running samples; a "
    "killed run recovers samples finished since the last log flush). Default: off when every "
    "model is scripted/ (a sixth of such a run's CPU), on otherwise.",
)
@click.option(
    "--display",
    type=click.Choice(["full", "rich", "plain", "log", "none"]),
    default=None,
    help="Inspect's progress display (default: chosen for the terminal).",
)
def run_command(
    models: tuple[str, ...],
    scenarios: tuple[str, ...],
    conditions: tuple[str, ...],
    matrix: str | None,
    demo: bool,
    epochs: int,
    target_ci: float | None,
    max_epochs: int,
    first_epochs: int,
    log_dir: Path,
    seed: int,
    max_connections: int | None,
    max_turns: int,
    temperature: float,
    max_retries: int | None,
    timeout: int | None,
    attempt_timeout: int | None,
    model_args: tuple[str, ...],
    retry_attempts: int,
    limit: int | None,
    max_samples: int | None,
    judge: str,
    followup: bool | None,
    harness: str | None,
    processes: int | None,
    realtime_log: bool | None,
    display: str | None,
) -> None:
    """Run the benchmark. Interrupted? Run the same command again: finished samples are kept."""
    if demo and matrix not in (None, "demo"):
        raise click.UsageError("--demo is --matrix demo; do not combine it with another matrix.")
    rule = _stopping_rule(target_ci, max_epochs, first_epochs, harness, limit)
    task_args: dict[str, Any] = {
        "scenarios": list(scenarios),
        "conditions": parse_pairs(conditions, "--condition"),
        "seed": seed,
        "max_turns": max_turns,
        "temperature": temperature,
        "matrix": "demo" if demo else matrix,
        "judge": _task_judge(judge),
        "followup": matrix in ("study", "core") if followup is None else followup,
    }
    if harness:
        if matrix or demo or followup:
            raise click.UsageError(
                "--harness runs the exfiltration scenarios by --scenario/--condition; it takes "
                "no --matrix, --demo or --followup."
            )
        if processes is not None and processes > 1:
            raise click.UsageError("--harness runs in one process (each episode is a lab).")
        # Worker processes rebuild simulated tasks from task_args: a harness run stays in one.
        processes = 1
        tasks = _harness_tasks(list(scenarios), task_args["conditions"], seed, harness)
    else:
        tasks = build_tasks(**task_args)
    roles = {} if judge in ("auto", "offline", "none") else {"grader": judge}
    model_list = list(models) or [DEFAULT_MODEL]
    _warn_if_long(tasks, model_list, max_epochs if rule else epochs, max_turns)
    if display is None and not sys.stdout.isatty():
        # Redirected output: one plain progress line per event instead of a silent live view.
        display = "plain"
    provider_args = parse_model_args(model_args)
    _check_models(model_list, provider_args)
    _check_design(log_dir, rule)
    supersede_stale_logs(log_dir)
    # Inspect takes the base URL as its own argument; inside model_args it is passed twice.
    base_url = provider_args.pop("base_url", None)
    eval_args: dict[str, Any] = dict(
        log_dir=str(log_dir),
        model_base_url=base_url,
        model_args=provider_args,
        model_roles=roles or None,
        epochs=epochs,
        max_connections=max_connections,
        limit=limit,
        max_samples=max_samples or _local_one_at_a_time(model_list),
        max_tasks=_local_one_at_a_time(model_list),
        retry_attempts=retry_attempts,
        retry_wait=1,
        # Finish every other sample before failing the task, so one bad sample costs one re-run.
        continue_on_fail=True,
        log_realtime=realtime_default(model_list) if realtime_log is None else realtime_log,
        display=display,
        **_generate_config(max_retries, timeout, attempt_timeout),
    )
    tune_gc()
    if rule is not None:
        # Adaptive rounds run in this process; each round is its own eval set (_adaptive.py).
        _run_adaptive(
            rule,
            tasks,
            model_list,
            log_dir,
            lambda only, r: build_tasks(**task_args, only=only, adaptive_round=r),
            {k: v for k, v in eval_args.items() if k not in ("log_dir", "epochs")},
        )
    else:
        _run_fixed(processes, tasks, model_list, task_args, eval_args)


def _check_design(log_dir: Path, rule: StoppingRule | None) -> None:
    """Refuse to add rollouts of one sampling design to a directory that holds another's:
    a fixed and an adaptive run (or two adaptive rules) number their epochs from 1 alike, and
    results would pool them into rates that neither design's intervals describe."""
    design = FIXED_DESIGN if rule is None else sampling_design({ADAPTIVE_KEY: rule.to_metadata()})
    others = {d: f for d, f in designs_in(log_dir).items() if d != design}
    if others:
        held = "; ".join(f"{d} ({f})" for d, f in sorted(others.items()))
        raise click.UsageError(
            f"--log-dir {log_dir} already holds logs of another sampling design: {held}. "
            f"This run is {design}; rollouts of two designs cannot be pooled, so give it its "
            "own --log-dir (or re-run the original command to resume that run)."
        )


def _stopping_rule(
    target_ci: float | None,
    max_epochs: int,
    first_epochs: int,
    harness: str | None,
    limit: int | None,
) -> StoppingRule | None:
    """`--target-ci`'s stopping rule (None for a fixed design), its option conflicts checked
    before any task is built."""
    if target_ci is None:
        return None
    if harness:
        # Adaptive rounds rebuild the simulated tasks; harness episodes are few and costly.
        raise click.UsageError("--target-ci is for simulated runs; it takes no --harness.")
    if limit is not None:
        # Adaptive rounds choose the configurations themselves, cell by cell.
        raise click.UsageError("--target-ci samples every configuration; drop --limit.")
    source = click.get_current_context().get_parameter_source("epochs")
    if source is click.core.ParameterSource.COMMANDLINE:
        # Silently ignoring a fixed epoch count would run a different design than asked.
        raise click.UsageError("--target-ci chooses the rollouts itself; drop --epochs.")
    try:
        return StoppingRule(target_ci, max_epochs=max_epochs, first=first_epochs)
    except ValueError as ex:
        raise click.BadParameter(str(ex), param_hint="--target-ci") from ex


def _harness_tasks(
    scenarios: list[str], conditions: dict[str, list[str]], seed: int, cli: str
) -> list[Task]:
    """The `--harness` tasks (real hosts driven by an agent CLI); bad selections are usage
    errors."""
    from peerguard.harness._task import build_harness_tasks

    try:
        return build_harness_tasks(scenarios, conditions, seed, cli)
    except (ValueError, FileNotFoundError) as ex:
        raise click.UsageError(str(ex)) from ex


def _run_fixed(
    processes: int | None,
    tasks: list[Task],
    models: list[str],
    task_args: dict[str, Any],
    eval_args: dict[str, Any],
) -> None:
    """A fixed design: the worker processes' shards (if any), then this process's eval set,
    which confirms or finishes the whole run."""
    log_dir = eval_args["log_dir"]
    _run_processes(processes, tasks, models, task_args, eval_args)
    success, logs = eval_set(tasks, model=models, **eval_args)
    # A killed earlier run left its log at "started"; this run recovered it into a new one.
    supersede_stale_logs(Path(log_dir))
    click.echo(f"Logs: {log_dir}  (open with: inspect view --log-dir {log_dir})")
    # After a Ctrl-C, eval_set returns success with no logs: count what came back, too.
    unfinished = len(logs) < len(tasks) * len(models) or not all(map(_complete, logs))
    if not success or unfinished:
        raise click.ClickException(
            "Some samples did not finish (see errors above). Re-run the same command to "
            "complete them; finished samples are not redone."
        )


def _run_adaptive(
    rule: StoppingRule,
    tasks: list[Task],
    models: list[str],
    log_dir: Path,
    build_round: Any,
    set_args: dict[str, Any],
) -> None:
    """`--target-ci`: the rounds of an adaptive run (`_adaptive.py`), then what they used."""
    from ._adaptive import run_adaptive, summary_lines

    statuses = run_adaptive(rule, models, log_dir, tasks, build_round, set_args)
    for line in summary_lines(statuses, rule):
        click.echo(line)
    click.echo(f"Logs: {log_dir}  (open with: inspect view --log-dir {log_dir})")
