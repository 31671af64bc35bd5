"""Every write to accounts and role assignments. Each checks the actor, validates, writes and audits."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.areas.models import Area
from pendamping.areas.vocab import AreaLevel, covers
from pendamping.core.audit import audit_record, changes_between, snapshot
from pendamping.core.errors import NotAllowed
from pendamping.core.scoping import forget_scope, require, scope_codes

from .models import ApiToken, RoleAssignment, User
from .vocab import ROLE_AREA_LEVEL, Role

USER_FIELDS = ["username", "full_name", "email", "phone", "is_active"]


def _area_for_role(*, role: str, area_code: str, field: str = "area_code") -> Area:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    area_code = (area_code or "").strip()
    area = Area.objects.filter(code=area_code).first()
    if area is None:
        raise ValidationError({field: _("Area code %(code)s is not known.") % {"code": area_code or "-"}})
    level = ROLE_AREA_LEVEL[role]
    if level is not None and area.level != level:
        raise ValidationError(
            {
                field: _("The role %(role)s is held on a %(level)s, but %(area)s is a %(actual)s.")
                % {
                    "role": Role(role).label,
                    "level": AreaLevel(level).label,
                    "area": area.display_name,
                    "actual": AreaLevel(area.level).label,
                }
            }
        )
    return area


def _require_manage(actor, user: User) -> None:
    """An admin manages a user only when every active assignment of that user lies in the admin's own areas."""
    if user.is_superuser and not actor.is_superuser:
        raise NotAllowed("users.manage")
    codes = scope_codes(actor, "users.manage")
    if codes is None:
        return
    if not codes:
        raise NotAllowed("users.manage")
    for area_code in user.role_assignments.active().values_list("area_id", flat=True):
        if not any(covers(code, area_code) for code in codes):
            raise NotAllowed("users.manage", area_code)


def _clean_username(username: str, *, exclude_pk=None) -> str:
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("Username is required.")})
    try:
        User.username_validator(username)
    except ValidationError:
        raise ValidationError(
            {"username": _("Username %(name)s may hold only letters, digits and @ . + - _.") % {"name": username}}
        ) from None
    taken = User.objects.filter(username__iexact=username).exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"username": _("Username %(name)s is already taken.") % {"name": username}})
    return username


def _check_password(password: str, user: User, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    password: str,
    role: str,
    area_code: str,
    email: str = "",
    phone: str = "",
    reason: str = "",
) -> User:
    """Create an account with its first role assignment, inside the actor's own areas."""
    area = _area_for_role(role=role, area_code=area_code)
    require(actor, "users.manage", area.code)
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": _("Full name is required.")})
    user = User(username=_clean_username(username), full_name=full_name, email=email.strip(), phone=phone.strip())
    _check_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        area_code=area.code,
        changes=changes_between({}, snapshot(user, USER_FIELDS)),
        reason=reason,
    )
    _assignment_add(actor=actor, user=user, role=role, area=area, reason=reason)
    return user


@transaction.atomic
def user_update(
    *, actor, user: User, full_name: str, email: str = "", phone: str = "", is_active: bool = True, reason: str = ""
) -> User:
    _require_manage(actor, user)
    if actor.pk == user.pk and not is_active:
        raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": _("Full name is required.")})
    before = snapshot(user, USER_FIELDS)
    user.full_name, user.email, user.phone, user.is_active = full_name, email.strip(), phone.strip(), is_active
    user.save(update_fields=["full_name", "email", "phone", "is_active"])
    changes = changes_between(before, snapshot(user, USER_FIELDS))
    if changes:
        audit_record(
            actor=actor, action="user.update", obj=user, area_code=_main_area(user), changes=changes, reason=reason
        )
    return user


@transaction.atomic
def user_password_set(*, actor, user: User, password: str, reason: str = "") -> User:
    """An admin sets a new password for a user (who forgot theirs). Only the fact is audited, never the value."""
    _require_manage(actor, user)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action="user.password_set",
        obj=user,
        area_code=_main_area(user),
        changes={"password": {"before": "***", "after": "***"}},
        reason=reason,
    )
    return user


@transaction.atomic
def password_change(*, actor, old_password: str, new_password: str) -> User:
    """A user changes their own password."""
    user = actor
    if not user.check_password(old_password or ""):
        raise ValidationError({"old_password": _("The current password is not correct.")})
    if new_password == old_password:
        raise ValidationError({"new_password1": _("The new password must differ from the current one.")})
    _check_password(new_password, user, field="new_password1")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action="user.password_change",
        obj=user,
        area_code=_main_area(user),
        changes={"password": {"before": "***", "after": "***"}},
    )
    return user


def _assignment_add(*, actor, user: User, role: str, area: Area, reason: str) -> RoleAssignment:
    if user.role_assignments.active().filter(role=role, area=area).exists():
        raise ValidationError(
            {
                "area_code": _("%(user)s already holds %(role)s on %(area)s.")
                % {"user": user.username, "role": Role(role).label, "area": area.display_name}
            }
        )
    assignment = RoleAssignment.objects.create(
        user=user, role=role, area=area, created_by=actor if getattr(actor, "pk", None) else None
    )
    audit_record(
        actor=actor,
        action="role_assignment.add",
        obj=assignment,
        object_repr=f"{user.username}: {assignment}",
        area_code=area.code,
        changes={
            "role": {"before": None, "after": role},
            "area": {"before": None, "after": area.code},
            "user": {"before": None, "after": user.username},
        },
        reason=reason,
    )
    forget_scope(user)
    return assignment


@transaction.atomic
def role_assignment_add(*, actor, user: User, role: str, area_code: str, reason: str = "") -> RoleAssignment:
    area = _area_for_role(role=role, area_code=area_code)
    require(actor, "users.manage", area.code)
    if user.is_superuser and not actor.is_superuser:
        raise NotAllowed("users.manage")
    return _assignment_add(actor=actor, user=user, role=role, area=area, reason=reason)


@transaction.atomic
def role_assignment_end(*, actor, assignment: RoleAssignment, reason: str) -> RoleAssignment:
    require(actor, "users.manage", assignment.area_id)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for ending this assignment.")})
    if assignment.ended_at is not None:
        raise ValidationError({"reason": _("This assignment has already ended.")})
    assignment.ended_at = timezone.now()
    assignment.save(update_fields=["ended_at"])
    audit_record(
        actor=actor,
        action="role_assignment.end",
        obj=assignment,
        object_repr=f"{assignment.user.username}: {assignment}",
        area_code=assignment.area_id,
        changes={"ended_at": {"before": None, "after": assignment.ended_at}},
        reason=reason.strip(),
    )
    forget_scope(assignment.user)
    return assignment


def _main_area(user: User) -> str:
    return user.role_assignments.active().values_list("area_id", flat=True).first() or ""


@transaction.atomic
def user_unlock(*, actor, user: User, reason: str = "") -> int:
    """Lift a login lockout (5 failed tries) before its 15 minutes are over, when the admin knows the worker."""
    from axes.utils import reset

    _require_manage(actor, user)
    removed = reset(username=user.username)
    audit_record(
        actor=actor,
        action="user.unlock",
        obj=user,
        area_code=_main_area(user),
        changes={"login_locked": {"before": bool(removed), "after": False}},
        reason=reason,
    )
    return removed


# -- API tokens ---------------------------------------------------------------------------------------------------

API_TOKEN_LAST_USED_EVERY = 60  # seconds: last_used_at is written at most once a minute per token


def api_token_hash(secret: str) -> str:
    import hashlib

    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, actor, name: str, expires_at=None, user: User | None = None) -> tuple[ApiToken, str]:
    """Make a bearer token for the actor (a user makes tokens for themself only). Returns the token and its secret,
    which is shown once and never stored: only its SHA-256 is kept, and the audit log records neither."""
    import secrets

    user = user or actor
    if not getattr(actor, "is_authenticated", False) or actor.pk != user.pk or not user.is_active:
        raise NotAllowed("api.token")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name (the phone or app that uses it).")})
    if len(name) > 100:
        raise ValidationError({"name": _("A token name has at most 100 characters.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must lie in the future.")})
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, token_hash=api_token_hash(secret), prefix=secret[:8], expires_at=expires_at
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        obj=token,
        object_repr=f"{user.username}: {token.name}",
        area_code=_main_area(user),
        changes={
            "name": {"before": None, "after": token.name},
            "expires_at": {"before": None, "after": expires_at},
            "token": {"before": None, "after": "***"},
        },
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken, reason: str = "") -> ApiToken:
    """Revoke a token at once: the holder revokes their own; an admin revokes those of the users they manage."""

    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed("api.token")
    if token.user_id != actor.pk:
        _require_manage(actor, token.user)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(_("This token was already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="api_token.revoke",
        obj=token,
        object_repr=f"{token.user.username}: {token.name}",
        area_code=_main_area(token.user),
        changes={"revoked_at": {"before": None, "after": token.revoked_at}},
        reason=reason,
    )
    return token


def api_token_use(*, secret: str) -> ApiToken | None:
    """The usable token with this secret, its user active, noting when it was last used (not audited: it is a read);
    None for an unknown, revoked or expired token."""

    if not secret or len(secret) > 200:
        return None
    token = ApiToken.objects.usable().select_related("user").filter(token_hash=api_token_hash(secret)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > API_TOKEN_LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
