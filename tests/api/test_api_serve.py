"""`openimr serve` runs the API; the real pipeline stages behind it when they are installed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from openimr.cli import main

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_runs_uvicorn_with_keys_from_env(tmp_path) -> None:  # type: ignore[no-untyped-def]
    port = _free_port()
    env = {**os.environ, "OPENIMR_API_KEYS": "admin=serve-admin-key"}
    env.pop("OPENIMR_API_KEYS_FILE", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "openimr",
            "serve",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "serve.db"),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("server did not start: " + proc.stderr.read1().decode(errors="replace"))
        assert httpx.get(f"{base}/cases", headers={"X-API-Key": "serve-admin-key"}).json() == []
        assert httpx.get(f"{base}/cases", headers={"X-API-Key": "nope-nope"}).status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_without_keys_is_a_clear_error(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("OPENIMR_API_KEYS", raising=False)
    monkeypatch.delenv("OPENIMR_API_KEYS_FILE", raising=False)
    assert main(["serve", "--db", str(tmp_path / "x.db")]) == 2
    assert "no API keys configured" in capsys.readouterr().err


def test_real_pipeline_behind_the_api(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The seed's massage case through the real engine and renderer."""
    from fastapi.testclient import TestClient

    from openimr.api.app import create_app
    from openimr.intake import load_case

    case_file = REPO / "examples" / "cases" / "massage-right-wrist.yaml"
    keys = {"admin-key-00001": "admin"}
    app = create_app(f"sqlite:///{tmp_path / 'real.db'}", api_keys=keys)
    admin = {"X-API-Key": "admin-key-00001"}
    number = load_case(case_file).case_number
    try:
        with TestClient(app) as client:
            created = client.post(
                "/cases/upload",
                headers=admin,
                files={"file": (case_file.name, case_file.read_bytes())},
            )
            assert created.status_code == 201, created.text
            client.post(f"/cases/{number}/screen", headers=admin)
            client.post(f"/cases/{number}/assign", json={"on": "2015-01-12"}, headers=admin)
            decided = client.post(f"/cases/{number}/decide", headers=admin)
            assert decided.status_code == 200, decided.text
            items = decided.json()["items"]
            assert [i["outcome"] for i in items] == ["Upheld"]  # 12 massage visits against 4-6
            letter = client.get(f"/cases/{number}/letter", params={"format": "html"}, headers=admin)
            assert letter.status_code == 200 and number in letter.text
    finally:
        app.state.store.close()


def test_the_worker_factory_reads_the_environment(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from openimr.api.app import create_app_from_env

    monkeypatch.setenv("OPENIMR_DB", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("OPENIMR_API_KEYS", "intake=env-intake-key")
    monkeypatch.delenv("OPENIMR_API_KEYS_FILE", raising=False)
    monkeypatch.setenv("OPENIMR_MAX_BODY", "100")
    app = create_app_from_env()
    with TestClient(app) as client:
        headers = {"X-API-Key": "env-intake-key"}
        assert client.get("/cases", headers=headers).json() == []
        assert client.post("/cases", json={"x": "y" * 200}, headers=headers).status_code == 413
    app.state.store.close()
    assert (tmp_path / "env.db").exists()
