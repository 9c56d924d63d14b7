import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_deploy_check_passes_with_debug_off_and_secure_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_ALLOW", "SECURE_"))}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="qzgov.example.cn",
               RESIDENT_ID_KEY=secrets.token_urlsafe(32))
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_fails_when_https_is_switched_off():
    env = dict(os.environ, DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50),
               ALLOWED_HOSTS="qzgov.example.cn", SECURE_SSL_REDIRECT="0",
               RESIDENT_ID_KEY=secrets.token_urlsafe(32))
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_debug_off_without_secret_key_fails_loudly():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DEBUG"] = "0"
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_off_without_resident_id_key_fails_loudly():
    env = {k: v for k, v in os.environ.items() if k != "RESIDENT_ID_KEY"}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50))
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "RESIDENT_ID_KEY must be set" in result.stderr


def test_bad_boolean_is_refused_not_guessed():
    result = _manage("check", env=dict(os.environ, DEBUG="maybe"))
    assert result.returncode != 0 and "DEBUG must be" in result.stderr


def test_language_time_zone_and_session_idle_expiry():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # Idle time, not time since login: saved at most once a minute by the middleware
    # (tests/core/test_login_hardening.py), not on every request (issue 13 §3).
    assert settings.SESSION_TOUCH_SECONDS == 60 and not settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.LOCKOUT_USERNAME_LIMIT == 5
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600  # issue 11 §5


def test_deploy_settings_require_otp_by_default():
    """OTP_REQUIRED defaults to on whenever DEBUG=0 (issue 11 §5)."""
    env = {k: v for k, v in os.environ.items() if k != "OTP_REQUIRED"}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="qzgov.example.cn",
               RESIDENT_ID_KEY=secrets.token_urlsafe(32))
    result = _manage("shell", "-c", "from django.conf import settings; print(settings.OTP_REQUIRED)",
                     env=env)
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr


def test_a_short_resident_id_key_is_refused_with_a_clear_error():
    """≥ 32 bytes of key material (issue 11 §6): 16 random bytes are not enough."""
    env = dict(os.environ, DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50),
               ALLOWED_HOSTS="qzgov.example.cn", RESIDENT_ID_KEY=secrets.token_urlsafe(16))
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "RESIDENT_ID_KEY must hold at least 32 bytes of key material, this one holds 16" in result.stderr


def test_key_material_is_counted_after_decoding():
    from apps.core.keys import key_material_bytes

    assert key_material_bytes(secrets.token_hex(32)) == 32      # 64 hex characters
    assert key_material_bytes(secrets.token_urlsafe(32)) == 32  # 43 base64 characters
    assert key_material_bytes("a" * 31) < 32


def test_the_dev_secret_key_file_is_private():
    """var/ files are 0600 (issue 11 §6)."""
    key_file = ROOT / "var" / "dev-secret-key"
    assert key_file.exists()
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert key_file.parent.stat().st_mode & 0o077 == 0
