"""``powerbalance serve``: options, the warning when exposed, and bad input."""

from __future__ import annotations

from typing import Any

import pytest

from powerbalance.cli import main


@pytest.fixture()
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replace uvicorn.run: record what serve would start instead of listening."""
    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(app: Any, **kwargs: Any) -> None:
        seen["app"] = app
        seen.update(kwargs)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    return seen


def test_serve_defaults_to_this_machine_only(served, capsys):
    assert main(["serve"]) == 0
    assert served["host"] == "127.0.0.1" and served["port"] == 8000
    err = capsys.readouterr().err
    assert "warning" not in err and "http://127.0.0.1:8000/" in err
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    assert any(m.cls is TrustedHostMiddleware for m in served["app"].user_middleware)


def test_serve_warns_when_exposed(served, capsys):
    assert main(["serve", "--host", "0.0.0.0", "--port", "8123"]) == 0
    assert served["host"] == "0.0.0.0" and served["port"] == 8123
    assert "warning" in capsys.readouterr().err


@pytest.mark.parametrize("argv, field", [
    (["serve", "--port", "70000"], "port"),
    (["serve", "--data", "no/such/folder"], "data"),
    (["serve", "--workers", "0"], "workers"),
])
def test_serve_refuses_bad_options_in_one_line(served, capsys, argv, field):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert field in err and "Traceback" not in err and "app" not in served


def test_serve_offers_the_servers_scenario_files(served, tmp_path):
    from powerbalance.scenarios import builtin_path

    text = builtin_path("warring-states").read_text(encoding="utf-8")
    path = tmp_path / "class.toml"
    path.write_text(text.replace('name = "warring-states"', 'name = "class-scenario"', 1),
                    encoding="utf-8")
    assert main(["serve", "--scenario", str(path)]) == 0
    assert "class-scenario" in served["app"].state.lab.scenarios
