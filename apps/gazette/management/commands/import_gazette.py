import json

from django.conf import settings
from django.core.management.base import CommandError

from apps.core.commands import ActorCommand
from apps.gazette.services import import_gazette_file


class Command(ActorCommand):
    help = "导入一期衢州政报:拆分文件并交给各业务解析器(可重复运行)"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="政报全文 TXT(默认 GAZETTE_PATH)")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 报告")

    def handle(self, *args, path=None, json=False, **options):
        path = path or settings.GAZETTE_PATH
        try:
            report = import_gazette_file(path, actor=self.actor)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        out = self.stdout
        out.write(f"{report.issue}:{report.articles} 篇文件")
        for number in report.numbers:
            out.write(f"  {number}")
        for name, result in sorted(report.parser_results.items()):
            out.write(f"解析器 {name}:新增 {result['created']},更新 {result['updated']}")
            for message in result["messages"]:
                out.write(f"  ! {message}")
        for message in report.unplaced:
            out.write(self.style.WARNING(f"未能归位:{message}"))
        if report.unparsed:
            out.write(f"暂无业务解析器的文件:{'、'.join(report.unparsed)}")
        if report.changed:
            out.write(self.style.SUCCESS("导入完成"))
        else:
            out.write("本期已导入,内容无变化(未做任何修改)")
        if json:
            out.write(_json(report.as_dict()))


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False)
