"""The CLI's one error path: an unexpected failure is one line on stderr and exit code 1."""

from __future__ import annotations

import pytest

from flows.cli.app import run


def _broken() -> None:
    raise ValueError("the input is bad\nsecond line of detail")


def test_unexpected_failure_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(_broken, []) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "ValueError: the input is bad" in lines[0]
    assert "Traceback" not in lines[0]


def test_verbose_shows_the_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(_broken, ["--verbose"]) == 1
    assert "Traceback (most recent call last)" in capsys.readouterr().err


@pytest.mark.parametrize(("code", "expected"), [(0, 0), (2, 2), (None, 0)],
                         ids=["ok", "usage-error", "none"])
def test_exit_codes_pass_through(code: int | None, expected: int) -> None:
    def command() -> None:
        raise SystemExit(code)

    assert run(command, []) == expected
