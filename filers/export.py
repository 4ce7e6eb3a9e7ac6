"""导出我的数据: a filer downloads everything the portal holds of its own entity, as one zip — in the
spirit of 《个人信息保护法》第四十五条 (the right to consult and copy one's own information)
(REL-04, issue 13).

The zip holds
    README.txt     what is inside, in the user's language (Chinese by default)
    data.json      the account, the entity, its products and its filings — each with its working copy,
                   every submitted revision, its review history and its deadlines — and the notifications
    attachments/   every file the entity uploaded, named <id>-<kind>.<ext>; data.json lists each with its
                   original name and SHA-256, and the working copies and revisions refer to them by id

Reviewed objects are found through review.registry, so this module needs no import from products or
algorithms (apps import downward). What the review core keeps for reviewers stays out: who claimed an item,
and the reviewers' names — a history row says 审核人员, 填报人员 or 系统, never a username — and the reason
of a release or reassignment (an internal hand-over, whose text names the reviewer).

The zip is written to an anonymous temporary file, copying each upload from the storage in chunks, so a
large export never sits in memory; the caller streams the file out and closing it deletes it.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tempfile
import zipfile
from pathlib import PurePosixPath
from typing import IO, Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext as _

from review.models import Deadline, Notification, Reviewable, Revision
from review.registry import kinds
from review.selectors import review_history
from review.transitions import Action

from .models import Attachment, Entity, Role

FORMAT_VERSION = 1
CHUNK = 1024 * 1024
# Moves between reviewers; their reasons are the office's internal notes (a reassignment names the reviewer).
INTERNAL_REASONS = frozenset({Action.RELEASE, Action.REASSIGN})


def entity_export_file(*, entity: Entity) -> tuple[IO[bytes], str]:
    """The export of `entity` in a temporary file, rewound, with its download name. Closing the file
    deletes it."""
    handle = tempfile.TemporaryFile()
    try:
        entity_export_write(entity=entity, target=handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, entity_export_filename(entity=entity)


def entity_export_filename(*, entity: Entity) -> str:
    # Out of the f-string: xgettext does not read a call inside one, and makemessages dropped the msgid.
    label = _("我的数据")
    return f"{label}-{entity.uscc}-{timezone.localdate():%Y%m%d}.zip"


def entity_export_write(*, entity: Entity, target: IO[bytes]) -> None:
    """Write the zip of everything of `entity` to `target`, a binary file open for writing."""
    account = getattr(entity, "account", None)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        attachments = [_attachment_write(archive, a) for a in entity.attachments.order_by("pk")]
        data = {
            "format_version": FORMAT_VERSION,
            "exported_at": _when(timezone.now()),
            "account": _account(account) if account is not None else None,
            "entity": _reviewed(entity),
            **{
                f"{kind.key}s": [
                    _reviewed(obj)
                    for obj in kind.model._default_manager.filter(**{kind.entity_lookup: entity.pk}).order_by(
                        "pk"
                    )
                ]
                for kind in kinds()
                if kind.model is not Entity
            },
            "notifications": _notifications(account) if account is not None else [],
            "attachments": attachments,
        }
        with archive.open("data.json", "w") as member, io.TextIOWrapper(member, encoding="utf-8") as text:
            json.dump(data, text, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
        archive.writestr("README.txt", _readme(entity=entity, data=data))


def _when(value) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def _account(account) -> dict:
    return {
        "username": account.username,
        "email": account.email,
        "mobile": account.mobile,
        "date_joined": _when(account.date_joined),
        "last_login": _when(account.last_login),
    }


def _reviewed(obj: Reviewable) -> dict[str, Any]:
    """One reviewed object as its filer knows it: the working copy, each revision, history, deadlines."""
    content_type = ContentType.objects.get_for_model(obj)
    revisions = Revision.objects.filter(content_type=content_type, object_id=obj.pk).order_by("number")
    item: dict[str, Any] = {
        "id": obj.pk,
        "title": str(obj),
        "state": obj.state,
        "state_label": str(obj.get_state_display()),
    }
    if getattr(obj, "display_number", ""):
        item["filing_number"] = obj.display_number
    item.update(
        {
            "working_copy": obj.revision_data(),
            "revisions": [
                {
                    "number": revision.number,
                    "submitted_at": _when(revision.created_at),
                    "approved_at": _when(revision.approved_at),
                    "in_force": revision.pk == obj.approved_revision_id,
                    "awaiting_review": revision.pk == obj.pending_revision_id,
                    "data": revision.data,
                }
                for revision in revisions
            ],
            "history": [
                {
                    "time": _when(event.created_at),
                    "action": event.action,
                    "action_label": str(event.get_action_display()),
                    "from_state": str(event.get_from_state_display()),
                    "to_state": str(event.get_to_state_display()),
                    "by": _actor_label(event.actor),
                    "reason": "" if event.action in INTERNAL_REASONS else event.reason,
                }
                for event in review_history(obj=obj)
            ],
            "deadlines": [
                {
                    "kind": str(deadline.get_kind_display()),
                    "starts_on": deadline.starts_on,
                    "due_on": deadline.due_on,
                    "met_at": _when(deadline.met_at),
                }
                for deadline in Deadline.objects.filter(content_type=content_type, object_id=obj.pk).order_by(
                    "created_at", "pk"
                )
            ],
        }
    )
    return item


def _actor_label(actor) -> str:
    """Who made a move, by role only: the office's staff are not named to the filer."""
    if actor is None:
        return _("系统")
    return str(Role.FILER.label) if actor.role == Role.FILER else str(Role.REVIEWER.label)


def _notifications(account) -> list[dict]:
    return [
        {
            "time": _when(n.created_at),
            "title": n.title,
            "body": n.body,
            "link": n.url,
            "read_at": _when(n.read_at),
        }
        for n in Notification.objects.filter(user=account).order_by("created_at", "pk")
    ]


def _attachment_write(archive: zipfile.ZipFile, attachment: Attachment) -> dict:
    """Copy one upload into the zip in chunks (stored, not deflated: PDF, JPEG and PNG are compressed)."""
    suffix = PurePosixPath(attachment.file.name).suffix
    path = f"attachments/{attachment.pk}-{attachment.kind}{suffix}"
    entry = {
        "id": attachment.pk,
        "kind": attachment.kind,
        "kind_label": str(attachment.get_kind_display()),
        "original_name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "uploaded_at": _when(attachment.uploaded_at),
        "path": path,
    }
    try:
        source = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        return {**entry, "path": None, "missing": True}
    digest = hashlib.sha256()
    info = zipfile.ZipInfo(path, date_time=timezone.localtime(attachment.uploaded_at).timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    with source, archive.open(info, "w", force_zip64=True) as member:
        shutil.copyfileobj(_Hashing(source, digest), member, CHUNK)
    return {**entry, "sha256": digest.hexdigest()}


class _Hashing:
    def __init__(self, raw, digest):
        self._raw, self._digest = raw, digest

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._digest.update(data)
        return data


def _readme(*, entity: Entity, data: dict) -> str:
    counts = {
        "products": len(data.get("products", [])),
        "filings": len(data.get("filings", [])),
        "notifications": len(data["notifications"]),
        "attachments": len(data["attachments"]),
    }
    lines = [
        _("%(name)s（统一社会信用代码 %(uscc)s）在互联网信息服务算法备案系统中的全部数据")
        % {"name": entity.name, "uscc": entity.uscc},
        _("导出时间：%(time)s") % {"time": data["exported_at"]},
        "",
        _("本压缩包包含："),
        _(
            "· data.json：账号信息；主体信息；产品及功能信息（%(products)s 个）；"
            "算法备案（%(filings)s 项）；消息（%(notifications)s 条）。"
        )
        % counts,
        _(
            "  主体、产品和备案各含：当前填写内容（working_copy）、每次提交的版本（revisions，注明生效版本和"
            "待审核版本）、审核记录（history，含驳回理由）和期限（deadlines）。"
        ),
        _(
            "· attachments/：本主体上传的全部附件（%(attachments)s 个），文件名为“附件编号-附件类型”；"
            "data.json 的 attachments 列出每个附件的原文件名、大小和 SHA-256 校验值，"
            "填写内容和版本中以附件编号引用附件。"
        )
        % counts,
        "",
        _(
            "审核记录只注明操作人的身份（填报人员、审核人员或系统），不含审核人员的姓名或账号，"
            "也不含审核部门内部释放和改派事项的说明。"
        ),
        _("时间均为北京时间（ISO 8601 格式）。data.json 为 UTF-8 编码的 JSON，可用任何文本编辑器打开。"),
        "",
    ]
    return "\n".join(lines)
