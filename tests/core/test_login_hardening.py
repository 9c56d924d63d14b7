"""Issue 11 §5–7: login to 等保 level 3 (GB/T 22239-2019 8.1.4.1 身份鉴别, 8.1.4.3 安全审计).

Second factor, lockout per username and per address with back-off, one session per user,
12-hour absolute lifetime, password policy, 三员分立, API tokens, ``next``, retention.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core import lockout, retention
from apps.core.models import ApiToken, AuditEvent, LoginLock, PasswordRecord, UserSession
from apps.core.roles import SECADMIN, SECAUDITOR, SYSADMIN

PW = "pw-for-tests-only"
LOGIN = "/admin/login/"


def _code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _login(client, username, password=PW, next_url="/admin/", **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": next_url},
                       **extra)


def _logged_in(client) -> bool:
    return client.get("/admin/").status_code == 200


# --- second factor -------------------------------------------------------------------------


@pytest.fixture
def otp_on(settings):
    settings.OTP_REQUIRED = True
    return settings


def test_with_otp_the_password_alone_does_not_log_in_and_password_plus_token_does(
        client, make_staff, otp_on):
    user = make_staff("otpuser", "民政")
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    response = _login(client, "otpuser", next_url="/admin/core/region/")
    assert response.status_code == 302 and response["Location"] == "/admin/login/otp/"
    assert not _logged_in(client)
    # A wrong token: still not logged in, counted as a failed login.
    wrong = f"{(int(_code(device)) + 1) % 1000000:06d}"
    response = client.post("/admin/login/otp/", {"otp_token": wrong})
    assert response.status_code == 200 and "动态验证码不正确" in response.content.decode()
    assert not _logged_in(client)
    assert LoginLock.objects.get(kind="username", value="otpuser").failures == 1
    # The password step is remembered; the right token completes the login.
    _login(client, "otpuser", next_url="/admin/core/region/")
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    response = client.post("/admin/login/otp/", {"otp_token": _code(device)})
    assert response.status_code == 302 and response["Location"] == "/admin/core/region/"
    assert _logged_in(client)
    session = UserSession.objects.get(user=user)
    assert session.second_factor and session.ended_at is None


def test_a_new_staff_user_is_taken_to_enrolment_and_gets_recovery_codes(client, make_staff, otp_on):
    user = make_staff("newbie", "民政")
    response = _login(client, "newbie")
    assert response["Location"] == "/admin/login/enrol/"
    page = client.get("/admin/login/enrol/").content.decode()
    assert "<svg" in page  # the QR code is drawn here
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/admin/login/enrol/", {"otp_token": _code(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed and _logged_in(client)
    # Next login: a recovery code works once instead of the token.
    other = Client()
    assert _login(other, "newbie")["Location"] == "/admin/login/otp/"
    assert other.post("/admin/login/otp/", {"otp_token": codes[0]}).status_code == 302
    assert _logged_in(other)
    third = Client()
    _login(third, "newbie")
    assert third.post("/admin/login/otp/", {"otp_token": codes[0]}).status_code == 200
    assert StaticDevice.objects.get(user=user).token_set.count() == 9


def test_with_otp_a_session_without_second_factor_is_refused(client, make_staff, otp_on):
    client.force_login(make_staff("forced", "民政"))
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get("/api/whoami").status_code == 401


def test_with_otp_off_the_form_logs_in_as_today(client, make_staff, settings):
    settings.OTP_REQUIRED = False
    make_staff("plain", "民政")
    assert _login(client, "plain")["Location"] == "/admin/"


# --- lockout ---------------------------------------------------------------------------


def test_the_lockout_page_is_chinese_and_expires_with_back_off(client, make_staff):
    make_staff("locky", "民政")
    for _ in range(5):
        _login(client, "locky", "wrong")
    response = _login(client, "locky")
    assert response.status_code == 429
    text = response.content.decode()
    assert "登录已暂停" in text and "安全管理员" in text
    lock = LoginLock.objects.get(kind="username", value="locky")
    assert lock.lock_count == 1
    assert lock.locked_until - lock.locked_at == dt.timedelta(minutes=15)
    # The lock runs out: five more failures lock it again, for twice as long.
    LoginLock.objects.filter(pk=lock.pk).update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    for _ in range(5):
        _login(client, "locky", "wrong")
    lock.refresh_from_db()
    assert lock.lock_count == 2 and lock.locked_until - lock.locked_at == dt.timedelta(minutes=30)
    assert lockout.lock_minutes(20) == 24 * 60  # capped at LOCKOUT_MAX_MINUTES


def test_one_address_cannot_keep_other_people_locked_out(client, make_staff):
    make_staff("victim2", "民政")
    attacker = {"REMOTE_ADDR": "10.9.9.9"}
    for n in range(20):
        _login(client, "victim2" if n < 5 else f"ghost{n}", "wrong", **attacker)
    address = LoginLock.objects.get(kind="address", value="10.9.9.9")
    assert address.is_locked()
    victim_lock = LoginLock.objects.get(kind="username", value="victim2")
    LoginLock.objects.filter(pk=victim_lock.pk).update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    # The locked address adds no failures to anybody …
    for _ in range(10):
        assert _login(client, "victim2", "wrong", **attacker).status_code == 429
    assert LoginLock.objects.get(pk=victim_lock.pk).failures == 5
    # … so the victim logs in from their own address once their lock ran out.
    assert _login(Client(), "victim2", REMOTE_ADDR="10.1.1.1")["Location"] == "/admin/"


def test_behind_a_proxy_the_address_is_the_one_the_proxy_added(rf, settings):
    settings.BEHIND_PROXY = True
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert lockout.client_address(request) == "203.0.113.7"  # the client-supplied entry is ignored
    settings.BEHIND_PROXY = False
    assert lockout.client_address(request) == "10.0.0.1"


def test_a_security_administrator_unlocks_with_a_recorded_reason(client, make_staff):
    make_staff("stuck", "民政")
    for _ in range(5):
        _login(client, "stuck", "wrong")
    lock = LoginLock.objects.get(kind="username", value="stuck")
    changelist = "/admin/core/loginlock/"
    business = make_staff("mz2", "民政")
    client.force_login(business)
    assert client.get(changelist).status_code == 403
    security_admin = make_staff("anquan1", SECADMIN)
    client.force_login(security_admin)
    form = {"action": "unlock_selected", "_selected_action": [lock.pk]}
    assert "解除原因" in client.post(changelist, form).content.decode()
    client.post(changelist, {**form, "confirm": "1", "reason": ""})
    assert LoginLock.objects.get(pk=lock.pk).is_locked()  # no reason, no unlock
    client.post(changelist, {**form, "confirm": "1", "reason": "本人到场核实身份"})
    assert not LoginLock.objects.get(pk=lock.pk).is_locked()
    event = AuditEvent.objects.get(action="unlock")
    assert event.actor == security_admin and "本人到场核实身份" in event.note
    assert _login(Client(), "stuck")["Location"] == "/admin/"


# --- sessions ------------------------------------------------------------------------------


def test_a_login_through_the_form_ends_the_earlier_session(make_staff):
    user = make_staff("twice", "民政")
    first, second = Client(), Client()
    _login(first, "twice", REMOTE_ADDR="10.0.0.5")
    assert _logged_in(first)
    _login(second, "twice", REMOTE_ADDR="10.0.0.6")
    assert _logged_in(second)
    assert not _logged_in(first)
    ended = UserSession.objects.get(user=user, address="10.0.0.5")
    assert ended.ended_at is not None and "10.0.0.6" in ended.end_reason
    assert AuditEvent.objects.filter(action="logout", object_id=str(user.pk)).exists()


def test_sessions_opened_in_code_are_unaffected(make_staff):
    user = make_staff("scripted", "民政")
    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(user)
    assert _logged_in(first) and _logged_in(second)


def test_a_session_ends_12_hours_after_login_whatever_the_activity(client, make_staff):
    client.force_login(make_staff("longday", "民政"))
    assert _logged_in(client)
    session = client.session
    session["qz_login_at"] = int(time.time()) - 12 * 3600 - 60
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not _logged_in(client)


def test_the_idle_timeout_runs_from_the_last_minute_of_activity(client, make_staff):
    """30 minutes idle ends a session (SESSION_COOKIE_AGE); its expiry moves on with activity,
    saved at most once a minute (SESSION_TOUCH_SECONDS), not an UPDATE on every request."""
    from django.contrib.sessions.models import Session

    client.force_login(make_staff("idler", "民政"))
    client.get("/admin/")
    key = client.session.session_key
    session = client.session
    session["_qz_touched_at"] = int(time.time()) - 50  # saved 50 s ago
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(
        seconds=30 * 60 - 50))
    before = Session.objects.get(session_key=key).expire_date
    client.get("/admin/")  # within the minute: not saved
    assert Session.objects.get(session_key=key).expire_date == before
    session = client.session
    session["_qz_touched_at"] = int(time.time()) - 61
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(
        seconds=30 * 60 - 61))
    client.get("/admin/")  # a minute on: saved, 30 minutes from now
    after = Session.objects.get(session_key=key).expire_date
    assert abs((after - timezone.now()).total_seconds() - 30 * 60) < 5
    # 30 minutes without a saved touch: the session is over.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(
        seconds=1))
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("next_url,expected", [
    ("/awards/", "/awards/"),
    ("https://evil.example/", "/admin/"),
    ("//evil.example/x", "/admin/"),
    ("/\\evil.example", "/admin/"),
    ("http://testserver/awards/", "/admin/"),  # same host but not relative
])
def test_next_is_followed_only_for_relative_urls_on_this_host(client, make_staff, next_url, expected):
    make_staff("nexter", "市府办")
    assert _login(client, "nexter", next_url=next_url)["Location"] == expected


# --- passwords -----------------------------------------------------------------------------


@pytest.mark.parametrize("password,reason", [
    ("Ab1-xyz", "太短"),
    ("lowercase-only-words", "两类"),   # lower + other
    ("Zhangwei-2026", "含用户名"),
    ("Password123", "常见"),
])
def test_weak_passwords_are_refused(db, password, reason):
    user = get_user_model()(username="zhangwei")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_strong_password_passes_and_the_last_five_cannot_be_reused(make_staff):
    user = make_staff("rotator", "民政")
    validate_password("Qz-Strong-2026", user)
    used = [f"Qz-Rotation-{n}x" for n in range(6)]
    for password in used:
        user.set_password(password)
        user.save()
    for password in used[1:]:
        with pytest.raises(ValidationError, match="最近5次"):
            validate_password(password, user)
    validate_password(used[0], user)  # the sixth-last may come back


def test_an_expired_password_must_be_changed_before_anything_else(client, make_staff):
    user = make_staff("oldpw", "民政")
    PasswordRecord.objects.filter(user=user).update(set_at=timezone.now() - dt.timedelta(days=91))
    response = _login(client, "oldpw")
    assert response["Location"] == "/admin/password_change/"
    assert client.get("/admin/core/region/")["Location"] == "/admin/password_change/"
    response = client.post("/admin/password_change/", {
        "old_password": PW, "new_password1": "Qz-Fresh-2026!", "new_password2": "Qz-Fresh-2026!"})
    assert response.status_code == 302
    assert client.get("/admin/core/region/").status_code == 200


def test_an_account_without_a_date_starts_counting_now(client, make_staff):
    user = make_staff("legacy", "民政")
    PasswordRecord.objects.filter(user=user).delete()
    assert _login(client, "legacy")["Location"] == "/admin/"
    record = PasswordRecord.objects.get(user=user)
    assert timezone.now() - record.set_at < dt.timedelta(minutes=1)


# --- 三员分立 -------------------------------------------------------------------------------


def test_the_three_administrators_have_one_duty_each_and_no_business_data(client, make_staff):
    sysadmin, secadmin, secauditor = (make_staff("x1", SYSADMIN), make_staff("x2", SECADMIN),
                                      make_staff("x3", SECAUDITOR))
    for user in (sysadmin, secadmin, secauditor):
        client.force_login(user)
        assert client.get("/admin/subsidies/beneficiary/").status_code == 403
        assert client.get("/admin/doctors/doctor/").status_code == 403
    client.force_login(sysadmin)
    assert client.get("/admin/auth/user/add/").status_code == 200
    assert client.get("/admin/core/auditevent/").status_code == 403
    page = client.get(f"/admin/auth/user/{secadmin.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page  # only the installation superuser grants it
    assert SECADMIN not in re.sub(r"<div class=\"readonly\">.*?</div>", "", page, flags=re.S) \
        .split('name="groups"')[-1][:2000]  # the administrator roles are not offered
    client.force_login(secauditor)
    assert client.get("/admin/core/auditevent/").status_code == 200
    assert client.get("/admin/auth/user/add/").status_code == 403
    client.force_login(secadmin)
    assert client.get("/admin/core/apitoken/add/").status_code == 200


def test_every_superuser_request_is_audited(client, admin_user):
    client.force_login(admin_user)
    client.get("/admin/core/region/?q=330802")
    event = AuditEvent.objects.filter(action="superuser").latest("id")
    assert event.note == "GET /admin/core/region/ → 200"  # the path, never the query string


# --- API tokens --------------------------------------------------------------------------


def test_tokens_expire_are_scoped_and_follow_the_user(client, make_staff):
    user = make_staff("integrator", "医保")
    token, key = ApiToken.issue(user=user, name="结算系统")
    # By default the apps 医保 works in or reads; never 人社's awards.
    assert "doctors" in token.apps and "awards" not in token.apps and not token.can_write
    assert token.expires_at - timezone.now() > dt.timedelta(days=89)
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.get("/api/whoami", **auth).status_code == 200
    assert client.get("/api/awards/honours?person=x", **auth).status_code == 403  # out of scope
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/whoami", **auth).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    user.is_staff = False
    user.save()
    assert client.get("/api/whoami", **auth).status_code == 401
    user.is_staff, user.is_active = True, False
    user.save()
    assert client.get("/api/whoami", **auth).status_code == 401


def test_a_read_only_token_cannot_write(rf, make_staff):
    from apps.core.api import api_view

    @api_view(methods=("POST",))
    def write(request):
        return {"ok": True}

    user = make_staff("writer", "民政")
    _, read_key = ApiToken.issue(user=user, name="只读", apps=["tests"])
    _, write_key = ApiToken.issue(user=user, name="读写", apps=["tests"], can_write=True)
    assert write(rf.post("/x", HTTP_AUTHORIZATION=f"Token {read_key}")).status_code == 403
    assert write(rf.post("/x", HTTP_AUTHORIZATION=f"Token {write_key}")).status_code == 200


def test_a_security_administrator_revokes_a_token(client, make_staff):
    token, key = ApiToken.issue(user=make_staff("svc", "民政"), name="接口")
    client.force_login(make_staff("anquan2", SECADMIN))
    client.post("/admin/core/apitoken/", {"action": "revoke_tokens", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked and token.revoked_at is not None
    assert Client().get("/api/whoami", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


# --- retention ---------------------------------------------------------------------------


def _aged_events(days_old: list[int]) -> list[AuditEvent]:
    events = [AuditEvent.objects.create(action="login", model="auth.User", note=f"{d}天前")
              for d in days_old]
    for event, days in zip(events, days_old, strict=True):
        AuditEvent._base_manager.filter(pk=event.pk).update(at=timezone.now() - dt.timedelta(days=days))
    return events


def test_old_audit_rows_are_archived_to_a_verified_file_then_removed(db, settings, tmp_path):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    old, kept = _aged_events([200, 184]), _aged_events([182])
    result = retention.nightly()
    assert result["archived"] == 2
    files = sorted(tmp_path.glob("audit-*.jsonl"))
    assert len(files) == 1 and files[0].stat().st_mode & 0o777 == 0o600
    data = files[0].read_bytes()
    checksum = (tmp_path / (files[0].name + ".sha256")).read_text().split()[0]
    assert hashlib.sha256(data).hexdigest() == checksum
    assert [str(e.pk) in data.decode() for e in old] == [True, True]
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEvent.objects.filter(pk=kept[0].pk).exists()  # 182 days: kept (≥ 183)
    assert AuditEvent.objects.filter(action="archive").exists()


def test_nothing_is_removed_when_the_archive_does_not_verify(db, settings, tmp_path):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    old = _aged_events([300])
    with pytest.raises(retention.ArchiveError):
        retention.archive_audit(verify=lambda path: "0" * 64)
    assert AuditEvent.objects.filter(pk=old[0].pk).exists()


def test_the_audit_trail_cannot_be_edited_or_deleted(db):
    event = AuditEvent.objects.create(action="login", model="auth.User", note="原文")
    event.note = "改过"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(note="改过")
    assert AuditEvent.objects.get(pk=event.pk).note == "原文"


def test_the_retention_period_cannot_be_set_below_six_months():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=root, capture_output=True,
                            text=True, env=dict(os.environ, AUDIT_RETENTION_DAYS="90"), timeout=120)
    assert result.returncode != 0 and "AUDIT_RETENTION_DAYS must be at least 183" in result.stderr


def test_the_retention_job_is_scheduled_nightly():
    from apps.core.tasks import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["core.retention"]["task"] == "core.retention"


def test_groups_exist(db):
    assert set(Group.objects.filter(name__in=[SYSADMIN, SECADMIN, SECAUDITOR])
               .values_list("name", flat=True)) == {SYSADMIN, SECADMIN, SECAUDITOR}
