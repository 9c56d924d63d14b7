"""Demo staff accounts for each role (and each app's demo data), with printed logins."""

import importlib
import os
import secrets

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.db import transaction

from apps.core import roles
from apps.core.commands import ActorCommand
from apps.core.models import Region, StaffProfile

# (username, display name, group, region code or None for the whole city)
DEMO_STAFF = [
    ("shifuban", "市府办 演示", "市府办", None),
    ("minzheng", "民政 演示", "民政", None),
    ("renshe", "人社 演示", "人社", None),
    ("tuiyi", "退役军人 演示", "退役军人", None),
    ("fagaiwei", "发改委 演示", "发改委", None),
    ("yibao", "医保 演示", "医保", None),
    ("shichang", "市场监管 演示", "市场监管", None),
    ("shengtai", "生态环境 演示", "生态环境", None),
    ("ziyuan", "资源规划 演示", "资源规划", None),
    ("jingxin", "经信 演示", "经信", None),
    ("shenji", "审计 演示", roles.AUDITOR, None),
    ("kecheng_minzheng", "柯城区民政 演示", "民政", "330802"),
    ("jiangshan_minzheng", "江山市民政 演示", "民政", "330881"),
    # 三员分立 (issue 11 §5): no business data, one duty each.
    ("xitong", "系统管理员 演示", roles.SYSADMIN, None),
    ("anquan", "安全管理员 演示", roles.SECADMIN, None),
    ("shenjiyuan", "审计员 演示", roles.SECAUDITOR, None),
]


def demo_password() -> str:
    """A random password that satisfies the policy (≥ 10 characters, four classes)."""
    return f"Qz{secrets.token_urlsafe(9)}-{secrets.randbelow(90) + 10}"


class Command(ActorCommand):
    help = "创建演示账号(每个角色一个)并加载各模块演示数据,打印登录信息"

    def add_arguments(self, parser):
        parser.add_argument("--password", help="演示密码(默认 DEMO_PASSWORD 或随机生成)")
        parser.add_argument("--allow-production", action="store_true",
                            help="DEBUG=0 时也执行(会重置演示账号和 admin 的密码)")

    @transaction.atomic
    def handle(self, *args, password=None, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG=0:拒绝创建演示账号和演示数据(会重置 admin 密码);"
                               "确需执行请加 --allow-production")
        password = password or os.environ.get("DEMO_PASSWORD") or demo_password()
        User = get_user_model()
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        for username in ["admin", *(row[0] for row in DEMO_STAFF)]:
            try:
                validate_password(password, User(username=username))
            except ValidationError as exc:
                raise CommandError(f"演示密码不符合密码策略:{';'.join(exc.messages)}") from None
        admin, _ = User.objects.get_or_create(username="admin", defaults={"is_staff": True,
                                                                          "is_superuser": True})
        admin.is_staff = admin.is_superuser = True
        admin.set_password(password)
        admin.save()
        for username, name, group, code in DEMO_STAFF:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name = name
            user.is_staff = True
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=group)])
            region = Region.objects.get(code=code) if code else None
            StaffProfile.objects.update_or_create(user=user, defaults={"region": region})

        for config in django_apps.get_app_configs():
            if not config.name.startswith("apps."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            summary = module.load(stdout=self.stdout)
            if summary:
                self.stdout.write(f"[{config.verbose_name}] {summary}")

        self.stdout.write("")
        if settings.OTP_REQUIRED:
            self.stdout.write("OTP_REQUIRED=1:工作人员首次登录须扫码绑定动态验证码(TOTP),之后每次登录输入密码和6位验证码")
        else:
            self.stdout.write("OTP_REQUIRED=0:演示环境仅用密码登录(未启用第二因素;生产环境 DEBUG=0 时默认启用,设 OTP_REQUIRED=1 可在演示中启用)")
        self.stdout.write(self.style.SUCCESS("演示账号(登录 http://127.0.0.1:8000/admin/):"))
        self.stdout.write(f"  {'admin':<20} 超级管理员(仅供安装,操作全部审计) 密码 {password}")
        for username, _name, group, code in DEMO_STAFF:
            scope = code or "全市"
            self.stdout.write(f"  {username:<20} {group:<6} 范围 {scope:<8} 密码 {password}")
