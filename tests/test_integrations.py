"""The integrations that ship in the repository (#16), run as their hosts run them:
the pre-commit hook through ``pre-commit try-repo`` on a temporary repository, the
composite GitHub Action's steps under bash with the runner's files and variables, and
the GitLab CI template's script with its variables."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GOOD = "BEGIN:VCARD\nVERSION:3.0\nUID:a-1\nFN:Ada\nTEL:+44 20 7946 0000\nEND:VCARD\n"
BAD = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=QUOTED-PRINTABLE:Ada=ZZ\r\n"
BIN = str(Path(sys.executable).parent)  # where the installed contactguard script is
BASH = shutil.which("bash") or "/bin/bash"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CG_"))}
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    env.pop("NO_COLOR", None)
    env.update(extra)
    return env


def _git(cwd: Path, *args: str) -> None:
    git = shutil.which("git")
    assert git is not None
    subprocess.run([git, *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.slow  # installs the repository into a fresh environment: about 50 s
def test_pre_commit_hook_with_try_repo(tmp_path: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["contactguard-check"]
    repo = tmp_path / "backups"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "good.vcf").write_text(GOOD, encoding="utf-8")
    (repo / "notes.txt").write_text("not a contact file\n", encoding="utf-8")
    _git(repo, "add", ".")
    env = _env(PRE_COMMIT_HOME=str(tmp_path / "cache"), GIT_AUTHOR_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com")

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT),
                               "contactguard-check", "--all-files"], cwd=repo, env=env,
                              capture_output=True, text=True, timeout=900, check=False)

    done = try_repo()
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"contactguard check \(contact backups read cleanly\)\.+Passed",
                     done.stdout), done.stdout
    (repo / "bad.vcf").write_text(BAD, encoding="utf-8", newline="")
    _git(repo, "add", "bad.vcf")
    done = try_repo()  # the environment is reused: fast
    assert done.returncode == 1, done.stdout + done.stderr
    assert "- exit code: 1" in done.stdout
    # the hook is given both vCard files (not notes.txt), and says why it failed
    assert ("FAIL: contactguard check: 2 files, 2 contacts, 2 findings (2 errors)\n"
            "  - 2 error-level findings\n") in done.stdout


def _action() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8")))


def _expand(text: str, inputs: dict[str, str]) -> str:
    """GitHub's ``${{ inputs.x }}`` expressions, for the ones the action uses."""
    def one(m: re.Match[str]) -> str:
        expr = m.group(1).strip()
        if expr.startswith("inputs.") and " " not in expr:
            return inputs[expr.removeprefix("inputs.")]
        if expr == "inputs.install != 'false'":
            return str(inputs["install"] != "false").lower()
        raise AssertionError(f"unexpected expression {expr!r}")
    return re.sub(r"\$\{\{(.*?)\}\}", one, text)


def _run_action(tmp_path: Path, **given: str) -> tuple[int, str, str, str]:
    action = _action()
    inputs = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    inputs.update(given)
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    summary.write_text("")  # fresh for each run, as each job gets its own
    output.write_text("")
    status, out = 0, ""
    for step in action["runs"]["steps"]:
        if "if" in step and _expand(step["if"], inputs) != "true":
            continue
        env = _env(GITHUB_STEP_SUMMARY=str(summary), GITHUB_OUTPUT=str(output),
                   **{k: _expand(str(v), inputs) for k, v in step.get("env", {}).items()})
        assert step["shell"] == "bash"
        done = subprocess.run([BASH, "--noprofile", "--norc", "-eo", "pipefail", "-c",
                               step["run"]], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=120, check=False)
        status, out = done.returncode, out + done.stdout
        if status:
            break
    return status, out, summary.read_text(encoding="utf-8"), output.read_text(encoding="utf-8")


def test_github_action_annotates_and_summarises(tmp_path: Path) -> None:
    (tmp_path / "old.vcf").write_text(GOOD + GOOD.replace("a-1", "b-2").replace("Ada", "Bob")
                                      .replace("0000", "0001"), encoding="utf-8")
    (tmp_path / "new.vcf").write_text(GOOD, encoding="utf-8")
    status, out, summary, output = _run_action(
        tmp_path, command="verify", args="new.vcf --against old.vcf", install="false")
    assert status == 1
    assert out.splitlines() == [
        "::error file=old.vcf,line=7,title=contactguard missing (new.vcf against old.vcf)::"
        "missing B. (UID b-2): not in new.vcf",
        "::error title=contactguard verify::FAIL: 1 of 2 contacts intact, 1 missing, "
        "0 changed, 0 added; no findings%0AFailed because:%0A- 1 contact missing in new.vcf "
        "(against old.vcf)",
    ]
    assert summary.startswith("## ❌ contactguard verify: FAIL\n")
    assert output == "exit-code=1\n"
    status, out, summary, output = _run_action(tmp_path, args="new.vcf *", install="false",
                                               summary="false")
    assert status == 2  # '*' is passed as it is (set -f), not expanded: no such file
    assert (summary, output) == ("", "exit-code=2\n")


def test_github_action_passes_a_clean_backup(tmp_path: Path) -> None:
    (tmp_path / "b.vcf").write_text(GOOD, encoding="utf-8")
    status, out, summary, output = _run_action(tmp_path, args="b.vcf", install="false")
    assert (status, output) == (0, "exit-code=0\n")
    assert out == "::notice title=contactguard check::OK: 1 file, 1 contact, no findings\n"
    assert summary.startswith("## ✅ contactguard check: OK\n")


def test_gitlab_template_writes_junit(tmp_path: Path) -> None:
    doc = yaml.safe_load((ROOT / "ci" / "contactguard.gitlab-ci.yml").read_text())
    job = doc[".contactguard"]
    assert job["artifacts"]["reports"]["junit"] == "$CONTACTGUARD_REPORT"
    (tmp_path / "a.vcf").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.vcf").write_text(BAD, encoding="utf-8", newline="")
    variables = {**{k: str(v) for k, v in job["variables"].items()},
                 "CONTACTGUARD_ARGS": "a.vcf b.vcf", "CONTACTGUARD_INSTALL": "false"}
    script = "set -e\n" + "\n".join(job["script"])
    done = subprocess.run([BASH, "-c", script], cwd=tmp_path, env=_env(**variables),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    root = ET.parse(tmp_path / "contactguard.xml").getroot()  # noqa: S314 - our own report
    cases = {c.get("name"): c.find("failure") is not None for c in root.iter("testcase")}
    assert cases == {"a.vcf reads cleanly": False, "b.vcf reads cleanly": True}


def test_the_how_to_uses_the_shipped_integrations() -> None:
    page = (ROOT / "docs" / "howto" / "ci.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", page, re.S)]
    gitlab, github, hooks = blocks
    assert gitlab["include"][0]["remote"].endswith("/ci/contactguard.gitlab-ci.yml")
    template = yaml.safe_load((ROOT / "ci" / "contactguard.gitlab-ci.yml").read_text())
    assert gitlab["verify-contacts"]["extends"] in template
    assert set(gitlab["verify-contacts"]["variables"]) <= set(
        template[".contactguard"]["variables"])
    step = github["jobs"]["verify"]["steps"][-1]
    assert set(step["with"]) <= set(_action()["inputs"])
    shipped = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks["repos"][0]["hooks"]] == [shipped[0]["id"]]
