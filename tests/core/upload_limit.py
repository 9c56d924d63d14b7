"""Shared check (review finding 1, issue 11 §3): a screen with no worker path treats a file
over the inline limit alike on its two-step ``import/`` (preview → confirm) and its one-step
``upload/`` — refused in the same words naming the limit, nothing read, kept or written — and
takes a file exactly at the limit on both."""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile


def both_paths_at_and_over_the_limit(client, settings, *, base: str, data: bytes,
                                     stored: Callable[[], int], service=None,
                                     monkeypatch=None) -> None:
    """``base`` is the list URL (``/admin/<app>/<model>/``); ``data`` a clean file whose line
    count becomes ``IMPORT_INLINE_MAX_ROWS``; ``stored()`` counts the rows it writes;
    ``service`` (module, attribute) is spied on: never called for the file over the limit."""
    lines = data.count(b"\n")
    settings.IMPORT_INLINE_MAX_ROWS = lines
    over = data + b"\n"  # one line more than the limit
    said = (f"文件过大({len(over) // 1024}KB),超过页面直接导入的上限(1024KB或{lines}行),"
            "未导入任何数据;请分批上传")
    calls: list = []
    if service is not None:
        module, name = service
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, **kw: calls.append(kw) or real(*a, **kw))
    kept = sorted(p.name for p in settings.IMPORT_DIR.rglob("*")) if settings.IMPORT_DIR.exists() else []
    before = stored()

    def two_step(content: bytes):
        return client.post(base + "import/", {"resource": "0", "format": "0", "import_file":
                                              SimpleUploadedFile("f.csv", content)})

    def one_step(content: bytes):
        return client.post(base + "upload/", {"file": SimpleUploadedFile("f.csv", content)})

    for post in (two_step, one_step):
        page = post(over)
        html = page.content.decode()
        assert page.status_code == 200 and said in html, post.__name__
        assert 'name="import_file_name"' not in html  # no confirm offered
    assert calls == [] and stored() == before
    now = sorted(p.name for p in settings.IMPORT_DIR.rglob("*")) if settings.IMPORT_DIR.exists() else []
    assert now == kept  # the refused upload is not kept for a confirm
    # At the limit: the preview offers the confirm (nothing written), the one step imports.
    page = two_step(data)
    assert page.status_code == 200 and 'name="import_file_name"' in page.content.decode()
    assert stored() == before
    assert one_step(data).status_code == 302 and stored() > before
