"""What the KUBE services share: the group a write may touch, amounts in whole Rupiah, months, and attachments
(checked by their content, images shrunk for phones)."""

import datetime
import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.core.scoping import require

from ..models import Attachment, Kube

PDF, JPEG, PNG, WEBP = "application/pdf", "image/jpeg", "image/png", "image/webp"


def policy(name: str):
    return settings.PENDAMPING[name]


def kube_for_write(*, actor, kube: Kube, capability: str) -> Kube:
    """The group, locked for this transaction, once the actor may write to it and it is still there."""
    require(actor, capability, kube.desa_id)
    locked = Kube.objects.select_for_update().get(pk=kube.pk)
    if locked.deleted_at is not None:
        raise ValidationError(_("This KUBE was removed; restore it before changing it."), code="removed")
    return locked


def whole_rupiah(value, *, field: str, label: str, allow_zero: bool = True, allow_negative: bool = False) -> int:
    """An amount as whole Rupiah, or a ValidationError naming the field."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: _("%(label)s must be a whole number of Rupiah.") % {"label": label}})
    if value < 0 and not allow_negative:
        raise ValidationError({field: _("%(label)s cannot be negative.") % {"label": label}})
    if value == 0 and not allow_zero:
        raise ValidationError({field: _("%(label)s must be more than Rp0.") % {"label": label}})
    return value


def check_date(value, *, field: str, kube: Kube, label: str) -> datetime.date:
    """A date of the group's life: not before the group was formed and not in the future."""
    if not isinstance(value, datetime.date):
        raise ValidationError({field: _("Give the date of %(label)s.") % {"label": label}})
    if value < kube.formed_on:
        raise ValidationError(
            {
                field: _("%(label)s (%(date)s) is before the group was formed (%(formed)s).")
                % {"label": label, "date": value.isoformat(), "formed": kube.formed_on.isoformat()}
            }
        )
    if value > timezone.localdate():
        raise ValidationError({field: _("%(label)s cannot be in the future.") % {"label": label}})
    return value


def first_of_month(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def _shrunk_image(data: bytes, name: str) -> bytes:
    """The image re-encoded as JPEG no wider or taller than KUBE_IMAGE_MAX_PIXELS (this also drops EXIF data such
    as the GPS position); a file that only looks like an image is refused."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            limit = int(policy("KUBE_IMAGE_MAX_PIXELS"))
            image.thumbnail((limit, limit))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=80, optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            {"files": _("%(name)s is not a readable photo.") % {"name": name}}, code="bad_image"
        ) from None


def attachment_check(uploaded) -> str:
    """The content type of an upload, judged by its bytes (not its name), or a ValidationError naming the file."""
    name = getattr(uploaded, "name", "") or "?"
    limit = int(policy("KUBE_ATTACHMENT_MAX_BYTES"))
    if uploaded.size > limit:
        raise ValidationError(
            {
                "files": _("%(name)s is %(size)s MB; a file may be at most %(limit)s MB.")
                % {"name": name, "size": f"{uploaded.size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"}
            },
            code="too_big",
        )
    uploaded.seek(0)
    kind = _sniff(uploaded.read(16))
    uploaded.seek(0)
    if kind is None:
        raise ValidationError(
            {"files": _("%(name)s is neither a photo (JPEG, PNG, WebP) nor a PDF.") % {"name": name}},
            code="bad_type",
        )
    return kind


def prepared_upload(uploaded) -> tuple[bytes, str, str]:
    """The bytes to store of an upload (PDFs as they are, photos shrunk), its content type and file extension."""
    kind = attachment_check(uploaded)
    name = getattr(uploaded, "name", "") or "berkas"
    data = uploaded.read()
    if kind != PDF:
        data, kind = _shrunk_image(data, name), JPEG
    return data, kind, ".pdf" if kind == PDF else ".jpg"


def attachment_store(*, actor, kube: Kube, uploaded, activity_record=None) -> Attachment:
    """Store an upload of the group (inside the caller's transaction and audit): PDFs as they are, images shrunk."""
    name = getattr(uploaded, "name", "") or "berkas"
    data, kind, extension = prepared_upload(uploaded)
    attachment = Attachment(
        kube=kube,
        activity_record=activity_record,
        original_name=name[:255],
        content_type=kind,
        size=len(data),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.file.save(uuid.uuid4().hex + extension, ContentFile(data), save=False)
    attachment.save()
    return attachment
