"""信息公告 (PUB-04): announcements written by administrators in Markdown and shown to everyone.

The body is Markdown; what reaches a page or the feed is the HTML Markdown makes of it, cleaned by
nh3 down to a short list of harmless tags, so an administrator's paste cannot carry a script."""

from __future__ import annotations

import markdown
import nh3
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "blockquote",
    "code",
    "pre",
    "br",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "*": set()}  # "*": no lang, no title anywhere
# The tables extension writes align="…" on cells; only these three values pass.
ALIGN = {"align": {"left", "center", "right"}}
ALLOWED_VALUES = {"th": ALIGN, "td": ALIGN}
URL_SCHEMES = {"http", "https", "mailto"}
MARKDOWN_EXTENSIONS = ("tables", "fenced_code", "sane_lists")


class _HeadingLevels(Treeprocessor):
    """The page's own title is the only h1: Markdown headings are kept between h2 and h4."""

    def run(self, root):
        for element in root.iter():
            if element.tag in {"h1", "h5", "h6"}:
                element.tag = "h2" if element.tag == "h1" else "h4"


class _HeadingLevelsExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - the name Markdown calls
        md.treeprocessors.register(_HeadingLevels(md), "beian_heading_levels", 0)


def render_markdown(text: str) -> SafeString:
    """Markdown → HTML → only the allowed tags and attributes; links get rel="noopener noreferrer"."""
    html = markdown.markdown(
        text or "",
        extensions=[*MARKDOWN_EXTENSIONS, _HeadingLevelsExtension()],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=ALLOWED_VALUES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just cleaned it


class AnnouncementQuerySet(models.QuerySet):
    def published(self) -> AnnouncementQuerySet:
        """What the public may see: a publication time that has come."""
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now())

    def drafts(self) -> AnnouncementQuerySet:
        return self.filter(published_at__isnull=True)

    def scheduled(self) -> AnnouncementQuerySet:
        return self.filter(published_at__gt=timezone.now())


class Announcement(models.Model):
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(
        _("正文"),
        blank=True,
        help_text=_("Markdown 格式：支持标题、列表、链接、表格、引用和代码；不支持图片、样式和脚本。"),
    )
    published_at = models.DateTimeField(
        _("发布时间"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("留空为草稿；填写将来的时间则到时发布。"),
    )
    pinned = models.BooleanField(_("置顶"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("信息公告")
        verbose_name_plural = _("信息公告")
        ordering = ["-pinned", models.F("published_at").desc(nulls_last=True), "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("announcements:detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.published_at <= timezone.now()

    def body_html(self) -> SafeString:
        return render_markdown(self.body)
