"""What a person is told when something failed that nothing else handled (the app's error net,
kiosk/ui/app.py): one plain sentence, in both languages, of what happened and what was kept."""

from __future__ import annotations

from kiosk.core.i18n import Text

STORAGE_FULL = Text(
    "本机存储空间已满，刚才的操作没有保存；之前保存的信息和资料都还在。请联系大厅工作人员清理后再试"
)
UNEXPECTED = Text(
    "本机出现意外问题，刚才的操作没有完成；之前保存的信息和资料都还在。请再试一次，或联系大厅工作人员"
)


def failure_sentence(error: BaseException) -> Text:
    from kiosk.store import StorageFull

    return STORAGE_FULL if isinstance(error, StorageFull) else UNEXPECTED
