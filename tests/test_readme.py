"""The README's set-up commands are the ones CI runs."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from tests.support.servers import free_port, wait_for

ROOT = Path(__file__).resolve().parents[1]


def _shell_blocks(text: str) -> list[str]:
    blocks, inside, current = [], False, []
    for line in text.splitlines():
        if line.startswith("```sh"):
            inside, current = True, []
        elif line.startswith("```") and inside:
            inside = False
            blocks.append("\n".join(current))
        elif inside:
            current.append(line)
    return blocks


def _setup() -> tuple[str, list[str]]:
    """The README's "Set up" section and its shell blocks."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Set up\n") :]
    section = section[: section.index("\n## ", 1)]
    return section, _shell_blocks(section)


def test_ci_runs_the_readme_test_command() -> None:
    test_command = _setup()[1][-1].strip()
    assert test_command.endswith(".venv/bin/pytest")
    ci_lines = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()]
    assert test_command in ci_lines


def test_readme_run_command_initialises_and_serves() -> None:
    run_command = _setup()[1][0].strip()
    assert "impasto init" in run_command and run_command.endswith("impasto serve")


def test_readme_sets_up_start_use_then_test() -> None:
    """Start the server, make a user and a post, open the profile; the tests come last. Two
    commands install: the one that starts the server and the one that runs the tests."""
    section, (start, use, test) = _setup()
    assert [block for block in (start, use, test) if "pip install" in block] == [start, test]
    assert use.splitlines()[0].startswith(".venv/bin/impasto user create alice")
    assert use.splitlines()[1].startswith(".venv/bin/impasto post alice")
    profile = section.index("http://127.0.0.1:8010/@alice")
    assert section.index(use) < profile < section.index(test)


def _impasto() -> str:
    script = Path(sys.executable).parent / "impasto"
    assert script.exists(), "the `impasto` console script is installed next to this Python"
    return str(script)


def _get(url: str, accept: str) -> tuple[str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers["Content-Type"], response.read()


def test_a_newcomer_can_init_serve_create_a_user_and_post(tmp_path: Path) -> None:
    """The README's first-run path, through the installed console script, in a fresh folder."""
    impasto, port = _impasto(), free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("IMPASTO_CONFIG", None)

    def run(*args: str) -> str:
        done = subprocess.run(
            [impasto, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("init", "--url", f"http://127.0.0.1:{port}")
    assert (tmp_path / "config.toml").exists() and (tmp_path / "data" / "impasto.db").exists()
    with open(tmp_path / "serve.log", "wb") as log:
        server = subprocess.Popen(
            [impasto, "serve", "--port", str(port)], cwd=tmp_path, env=env, stdout=log, stderr=log
        )
    try:
        # The README's second-terminal block, command by command.
        outputs = []
        for line in _setup()[1][1].splitlines():
            *_, args = line.partition(".venv/bin/impasto ")
            outputs.append(run(*shlex.split(args)).strip())
        profile = f"http://127.0.0.1:{port}/@alice"
        assert outputs[0] == f"created @alice@127.0.0.1:{port} — profile: {profile}"
        post_url = outputs[1]
        assert post_url.startswith(f"{profile}/")

        def note() -> Any:
            try:
                return json.loads(_get(post_url, "application/activity+json")[1])
            except OSError:
                return None

        document = wait_for(note)
        assert document["type"] == "Note"
        image = document["attachment"][0]
        assert "lighthouse" in image["name"]
        content_type, body = _get(image["url"], "image/*")
        assert content_type == image["mediaType"] == "image/webp"
        assert body[:4] == b"RIFF" and body[8:12] == b"WEBP"
        html_type, page = _get(post_url, "text/html")
        assert html_type.startswith("text/html") and b"lighthouse" in page
        html_type, page = _get(profile, "text/html")  # "Open the profile"
        assert html_type.startswith("text/html") and image["url"].encode() in page
    finally:
        server.terminate()
        server.wait(timeout=15)
