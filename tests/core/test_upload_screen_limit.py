"""The one-step ``upload/`` beside a list (``WholeFileImportMixin``, issue 14 §4; review
finding 8): a file over the inline limit (issue 11 §3: never a long request) is not imported
inside the request — refused with a Chinese message stating the limit, nothing read or
written — for the screens with no worker path (ecology here; bizenv, tourism and pairings
share the code); doctors' large upload still goes to the worker."""

import io

import pytest
from openpyxl import Workbook

from apps.ecology import imports
from apps.ecology.models import Machine

pytestmark = pytest.mark.django_db

URL = "/admin/ecology/machine/upload/"
HEADER = "所有者,区划代码,类别,机型,出厂编号,燃料,排气烟度类别,识别标志编号,使用场所\n"
ROW = "衢州某建设有限公司,330802,工程机械,挖掘机PC200,SN-{},柴油,Ⅲ类,QZ-{},荷花街道工地\n"


@pytest.fixture
def spy(monkeypatch):
    calls = []
    real = imports.import_file
    monkeypatch.setattr(imports, "import_file", lambda **kw: calls.append(kw) or real(**kw))
    return calls


def post(client, name: str, data: bytes):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(URL, {"file": upload})


def csv(rows: int) -> bytes:
    return (HEADER + "".join(ROW.format(i, i) for i in range(rows))).encode()


def test_a_csv_over_the_inline_size_is_refused_stating_the_limit(client, make_staff, settings,
                                                                 spy):
    settings.IMPORT_INLINE_MAX_BYTES = 2048
    client.force_login(make_staff("shengtai", "生态环境"))
    data = csv(40)
    assert len(data) > 2048
    response = post(client, "m.csv", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert (f"文件过大({len(data) // 1024}KB),超过页面直接导入的上限(2KB或5000行),"
            "未导入任何数据;请分批上传") in page
    assert spy == [] and not Machine.objects.exists()  # not read in the request
    # Under the limit the same screen imports at once.
    assert post(client, "m.csv", csv(2)).status_code == 302 and Machine.objects.count() == 2


def test_a_csv_over_the_inline_rows_and_a_large_xlsx_are_refused(client, make_staff, settings,
                                                                 spy):
    settings.IMPORT_INLINE_MAX_ROWS = 3
    client.force_login(make_staff("shengtai", "生态环境"))
    assert "超过页面直接导入的上限(1024KB或3行)" in post(client, "m.csv", csv(4)).content.decode()
    settings.IMPORT_INLINE_MAX_BYTES = 4096  # an XLSX counts four times its size: 1KB
    book = Workbook()
    for line in csv(30).decode().splitlines():
        book.active.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    assert len(buffer.getvalue()) * 4 > 4096
    assert "超过页面直接导入的上限(XLSX文件1KB)" in post(client, "m.xlsx", buffer.getvalue()).content.decode()
    assert spy == [] and not Machine.objects.exists()
