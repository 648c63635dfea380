"""Production settings are safe by construction: `check --deploy` is clean, secrets required."""

import os
import subprocess
import sys
from pathlib import Path

PARINDEX = Path(sys.executable).with_name("parindex")


def run_parindex(*args, **env):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE would make check --deploy warn.
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update(env)
    return subprocess.run(
        [str(PARINDEX), *args], capture_output=True, text=True, env=full_env, timeout=120
    )


def test_check_deploy_is_clean_in_production_settings():
    result = run_parindex(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="parindex.settings.production",
        SECRET_KEY="k9#Xq2!vLm8@Tz4$Rw7^Yp1&Hs6*Nd3(Bf5)Gc0-Ja+Ue=Oi_Pl;Vn:Wt,Ky.",
        ALLOWED_HOSTS="parindex.example.gov.vn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_real_secret_key():
    result = run_parindex(
        "check", DJANGO_SETTINGS_MODULE="parindex.settings.production", SECRET_KEY=""
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_cli_accepts_hyphenated_command_names():
    result = run_parindex("help", "import-framework")
    assert result.returncode == 0, result.stderr
    assert "import_framework" in result.stdout or "usage" in result.stdout.lower()
