"""Tool errors reach the agent as one line, pydantic's multi-line reports included."""

from __future__ import annotations

import pytest

from askbrief.mcp.messages import one_line


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("unknown source 'x.txt'", "unknown source 'x.txt'"),
        (
            "Error executing tool ask: 1 validation error for askArguments\nquestion\n"
            "  Field required [type=missing, input_value={}, input_type=dict]\n"
            "    For further information visit https://errors.pydantic.dev/2.14/v/missing",
            "Error executing tool ask: invalid arguments: question: Field required",
        ),
        (
            "Error executing tool read_source: 2 validation errors for read_sourceArguments\n"
            "start\n  Input should be a valid integer [type=int_type, input_value='a', "
            "input_type=str]\nend\n  Field required [type=missing, input_value={}, "
            "input_type=dict]",
            "Error executing tool read_source: invalid arguments: "
            "start: Input should be a valid integer; end: Field required",
        ),
        ("first line\n  second line\n", "first line second line"),
        ("", "the tool failed"),
    ],
)
def test_a_message_is_folded_onto_one_line(message: str, expected: str) -> None:
    assert one_line(message) == expected
