"""Repairing junk from a small model: recorded outputs in, well-formed completions out."""

from __future__ import annotations

import json
from typing import Any

from inspect_ai.tool import ToolInfo, ToolParam, ToolParams
from openai.types.chat import ChatCompletion

from peerguard.local import clean_arguments, clean_completion, clean_message
from peerguard.local._chat_handler import parse_tool_call_text, render_prompt
from peerguard.local._provider import LocalModelAPI

TOOLS = {"read_file", "list_files", "end_task", "transfer_server_files"}


def completion(message: dict[str, Any], finish: str = "stop") -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "smollm2",
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


def call(name: str, arguments: str, call_id: str | None = "call_1") -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


# -- arguments ---------------------------------------------------------------------------


def test_html_escaped_arguments_are_unescaped() -> None:
    # Recorded from llama_cpp's chatml-function-calling, which HTML-escapes the prompt.
    raw = "{&quot;path&quot;: &quot;docs/policy.md&quot;}"
    assert json.loads(clean_arguments(raw)) == {"path": "docs/policy.md"}


def test_entities_inside_valid_json_values_are_unescaped() -> None:
    raw = '{"content": "the peer&#39;s weights &amp; config"}'
    assert json.loads(clean_arguments(raw)) == {"content": "the peer's weights & config"}


def test_empty_arguments_become_an_empty_object() -> None:
    assert clean_arguments("") == "{}"
    assert clean_arguments(None) == "{}"
    assert clean_arguments("  ") == "{}"


def test_double_encoded_arguments_are_decoded() -> None:
    raw = json.dumps(json.dumps({"path": "a.txt"}))
    assert json.loads(clean_arguments(raw)) == {"path": "a.txt"}


def test_code_fenced_arguments_are_unwrapped() -> None:
    raw = '```json\n{"path": "a.txt"}\n```'
    assert json.loads(clean_arguments(raw)) == {"path": "a.txt"}


def test_trailing_chatter_after_an_object_is_dropped() -> None:
    raw = '{"path": "a.txt"} I will now read the file.'
    assert json.loads(clean_arguments(raw)) == {"path": "a.txt"}


def test_unrepairable_arguments_are_left_for_inspect_to_report() -> None:
    # Cut short by max_tokens: no way to know the intended value.
    raw = '{"path": "docs/pol'
    assert clean_arguments(raw) == raw


# -- messages ----------------------------------------------------------------------------


def test_names_lose_decorations_but_unknown_names_are_kept() -> None:
    msg = {
        "role": "assistant",
        "content": None,
        "tool_calls": [call("functions.read_file:", "{}", "a"), call("hack_the_planet", "{}", "b")],
    }
    out = clean_message(msg, TOOLS)
    assert [c["function"]["name"] for c in out["tool_calls"]] == ["read_file", "hack_the_planet"]


def test_missing_and_repeated_ids_are_replaced() -> None:
    msg = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            call("list_files", "{}", None),
            call("end_task", "{}", "x"),
            call("end_task", "{}", "x"),
        ],
    }
    ids = [c["id"] for c in clean_message(msg, TOOLS)["tool_calls"]]
    assert all(ids) and len(set(ids)) == 3


def test_legacy_function_call_junk_is_dropped() -> None:
    # Recorded: chatml-function-calling fills function_call with a name ending in ':'.
    msg = {
        "role": "assistant",
        "content": None,
        "tool_calls": [call("list_files", "{ }")],
        "function_call": {"name": "read_file:", "arguments": "{ }"},
    }
    out = clean_message(msg, TOOLS)
    assert "function_call" not in out
    assert out["tool_calls"][0]["function"] == {"name": "list_files", "arguments": "{}"}


def test_tool_call_written_as_text_becomes_a_tool_call() -> None:
    msg = {
        "role": "assistant",
        "content": 'Let me look.\n<tool_call>\n{"name": "read_file", "arguments": {"path": "a.md"}}\n</tool_call>',
    }
    out = clean_completion(completion(msg), TOOLS)
    choice = out["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] == "Let me look."
    fn = choice["message"]["tool_calls"][0]["function"]
    assert fn["name"] == "read_file" and json.loads(fn["arguments"]) == {"path": "a.md"}


def test_bare_json_call_in_content_is_recovered_only_for_offered_tools() -> None:
    offered = {
        "role": "assistant",
        "content": '```json\n{"name": "list_files", "arguments": {}}\n```',
    }
    out = clean_message(offered, TOOLS)
    assert out["tool_calls"][0]["function"]["name"] == "list_files"
    # A JSON object that is not a call to one of our tools stays text.
    prose = {"role": "assistant", "content": '{"name": "Alice", "age": 3}'}
    assert clean_message(prose, TOOLS).get("tool_calls") is None


def test_no_tool_call_at_all_stays_a_text_answer() -> None:
    # Recorded: SmolLM2-135M answering in prose instead of acting.
    msg = {
        "role": "assistant",
        "content": 'Write a function called "end_task.js" that will call eval_sheet.csv.',
    }
    out = clean_completion(completion(msg), TOOLS)
    assert out["choices"][0]["message"]["tool_calls"] is None
    assert out["choices"][0]["finish_reason"] == "stop"


def test_truncated_call_in_text_keeps_its_name_and_malformed_arguments() -> None:
    msg = {
        "role": "assistant",
        "content": '<tool_call>\n{"name": "read_file", "arguments": {"path": "do',
    }
    out = clean_completion(completion(msg, finish="length"), TOOLS)
    choice = out["choices"][0]
    assert choice["finish_reason"] == "length"
    fn = choice["message"]["tool_calls"][0]["function"]
    assert fn["name"] == "read_file"
    assert fn["arguments"].startswith('{"path": "do')


def test_without_tools_nothing_is_turned_into_a_call() -> None:
    msg = {
        "role": "assistant",
        "content": '<tool_call>{"name": "read_file", "arguments": {}}</tool_call>',
    }
    assert clean_message(msg, set()).get("tool_calls") is None


# -- through Inspect's parser ------------------------------------------------------------

INFOS = [
    ToolInfo(
        name="read_file",
        description="Read a file.",
        parameters=ToolParams(properties={"path": ToolParam(type="string")}, required=["path"]),
    ),
    ToolInfo(name="end_task", description="End the task.", parameters=ToolParams()),
]


def choices_for(message: dict[str, Any], finish: str = "stop") -> Any:
    # The provider's hook without a server: only the cleaning path is exercised.
    api = LocalModelAPI.__new__(LocalModelAPI)
    return api.chat_choices_from_completion(
        ChatCompletion.model_validate(completion(message, finish)), INFOS
    )


def test_recorded_junk_reaches_inspect_well_formed() -> None:
    junk = {
        "role": "assistant",
        "content": None,
        "tool_calls": [call("read_file", "{&quot;path&quot;: &quot;a.md&quot;}")],
    }
    [choice] = choices_for(junk, "tool_calls")
    [tool_call] = choice.message.tool_calls
    assert tool_call.function == "read_file"
    assert tool_call.arguments == {"path": "a.md"}
    assert tool_call.parse_error is None


def test_malformed_arguments_reach_inspect_as_a_parse_error_not_a_crash() -> None:
    junk = {
        "role": "assistant",
        "content": None,
        "tool_calls": [call("read_file", '{"path": "a.m')],
    }
    [choice] = choices_for(junk, "length")
    [tool_call] = choice.message.tool_calls
    assert tool_call.parse_error  # Inspect answers the model with this error


# -- the server's chat format (pure parts) -----------------------------------------------


def test_prompt_renders_tool_results_and_calls_without_escaping() -> None:
    messages = [
        {"role": "system", "content": "You are Agent 1."},
        {"role": "user", "content": 'Read "policy.md".'},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [call("read_file", '{"path": "policy.md"}', "c1")],
        },
        {"role": "tool", "tool_call_id": "c1", "content": 'Shutdown: "enabled" & <final>'},
    ]
    tools = [
        {"type": "function", "function": {"name": "read_file", "parameters": {"type": "object"}}}
    ]
    prompt = render_prompt(messages, tools)
    assert prompt.startswith("<|im_start|>system\nYou are Agent 1.")
    assert '"name": "read_file"' in prompt
    assert '<tool_response name="read_file">\nShutdown: "enabled" & <final>' in prompt
    assert "&quot;" not in prompt and "&amp;" not in prompt
    assert prompt.endswith("<|im_start|>assistant\n")


def test_parse_tool_call_text_reads_complete_and_truncated_calls() -> None:
    text = '<tool_call>\n{"name": "end_task", "arguments": {}}\n</tool_call>'
    assert parse_tool_call_text(text) == [("end_task", "{}")]
    truncated = '<tool_call>\n{"name": "read_file", "arguments": {"path": "a'
    [(name, args)] = parse_tool_call_text(truncated)
    assert name == "read_file" and args.startswith('{"path"')
    assert parse_tool_call_text("just prose") == []
