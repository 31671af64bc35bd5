import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pendamping.core.errors import NotAllowed
from pendamping.core.exports import Column, audit_area, export_format, table_export
from pendamping.core.forms import add_service_errors
from pendamping.core.scoping import scope_codes, user_covers
from pendamping.core.selectors import audit_events_for_object

from . import services
from .forms import (
    ApiTokenForm,
    AssignmentAddForm,
    AssignmentEndForm,
    LoginForm,
    PasswordChangeForm,
    PasswordSetForm,
    UserCreateForm,
    UserFilterForm,
    UserUpdateForm,
)
from .selectors import api_tokens_of, assignments_of, login_locked, user_get, users_visible


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _require_manager(user) -> None:
    if not user_covers(user, None, "users.manage"):
        raise NotAllowed("users.manage")


@require_GET
def user_list(request):
    form, search, role = _user_filters(request)
    users = users_visible(actor=request.user, search=search, role=role)
    page = Paginator(users, settings.PENDAMPING["LIST_PAGE_SIZE"]).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/user_list.html", {"form": form, "page": page, "query": query.urlencode()})


def _user_filters(request):
    _require_manager(request.user)
    form = UserFilterForm(request.GET or None)
    search = role = ""
    if form.is_bound and form.is_valid():
        search, role = form.cleaned_data["q"].strip(), form.cleaned_data["role"]
    return form, search, role


@require_GET
def user_export(request):
    """The users of the list (same search and role), one row each with their active roles, as XLSX or CSV
    (audited; no password or token, of course)."""
    _form, search, role = _user_filters(request)
    users = users_visible(actor=request.user, search=search, role=role)
    rows = (
        (
            u.username,
            u.full_name,
            u.email,
            u.phone,
            "; ".join(f"{a.get_role_display()} · {a.area.display_name}" for a in u.active_assignments),
            " ".join(f"{a.role}:{a.area_id}" for a in u.active_assignments),
            u.is_active,
            u.last_login,
        )
        for u in users.iterator(chunk_size=500)
    )
    return table_export(
        actor=request.user,
        thing="user",
        object_type="accounts.user",
        filename_stem=f"pengguna-{timezone.localdate():%Y-%m-%d}",
        columns=[
            Column(_("Username"), 16),
            Column(_("Full name"), 24),
            Column(_("Email"), 24),
            Column(_("Phone"), 14),
            Column(_("Roles"), 40),
            Column(_("Role codes"), 30),
            Column(_("Active"), 8),
            Column(_("Last login"), 12),
        ],
        rows=rows,
        filters={"q": search, "role": role},
        area_code=audit_area(scope_codes(request.user, "users.manage")),
        sheet_name="Pengguna",
        fmt=export_format(request),
        count=users.count,
    )


@require_http_methods(["GET", "POST"])
def user_create(request):
    _require_manager(request.user)
    form = UserCreateForm(request.POST or None, initial={"area_code": request.GET.get("area", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                password=data["password1"],
                role=data["role"],
                area_code=data["area_code"],
                email=data["email"],
                phone=data["phone"],
            )
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, _rename(error, {"password": "password1"}))
        else:
            messages.success(request, _("Account %(name)s was created.") % {"name": user.username})
            return redirect("accounts:user-detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "picked": form["area_code"].value() or ""})


def _rename(error, names: dict[str, str]):
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return ValidationError({names.get(field, field): errors for field, errors in error.error_dict.items()})
    return error


@require_GET
def user_detail(request, pk: int):
    _require_manager(request.user)
    user = user_get(actor=request.user, pk=pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": user,
            "assignments": assignments_of(user=user),
            "events": audit_events_for_object(actor=request.user, object_type="accounts.user", object_id=str(user.pk))[
                :20
            ],
            "locked": login_locked(user=user),
        },
    )


@require_http_methods(["GET", "POST"])
def user_update(request, pk: int):
    _require_manager(request.user)
    user = user_get(actor=request.user, pk=pk)
    initial = {"full_name": user.full_name, "phone": user.phone, "email": user.email, "is_active": user.is_active}
    form = UserUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=user, **form.cleaned_data)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes were saved."))
            return redirect("accounts:user-detail", pk=user.pk)
    return render(request, "accounts/user_update.html", {"form": form, "account": user})


@require_http_methods(["GET", "POST"])
def user_password_set(request, pk: int):
    _require_manager(request.user)
    user = user_get(actor=request.user, pk=pk)
    form = PasswordSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_password_set(
                actor=request.user,
                user=user,
                password=form.cleaned_data["password1"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, _rename(error, {"password": "password1"}))
        else:
            messages.success(request, _("The new password was set. Tell it to %(name)s in person.") % {"name": user})
            return redirect("accounts:user-detail", pk=user.pk)
    return render(request, "accounts/user_password_set.html", {"form": form, "account": user})


@require_http_methods(["GET", "POST"])
def assignment_add(request, pk: int):
    _require_manager(request.user)
    user = user_get(actor=request.user, pk=pk)
    form = AssignmentAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_assignment_add(actor=request.user, user=user, **form.cleaned_data)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The role was assigned."))
            return redirect("accounts:user-detail", pk=user.pk)
    return render(
        request,
        "accounts/assignment_form.html",
        {"form": form, "account": user, "picked": form["area_code"].value() or ""},
    )


@require_http_methods(["GET", "POST"])
def assignment_end(request, pk: int, assignment_pk: int):
    _require_manager(request.user)
    user = user_get(actor=request.user, pk=pk)
    assignment = get_object_or_404(user.role_assignments.select_related("area"), pk=assignment_pk)
    form = AssignmentEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_assignment_end(actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"])
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The assignment was ended."))
            return redirect("accounts:user-detail", pk=user.pk)
    return render(request, "accounts/assignment_end.html", {"form": form, "account": user, "assignment": assignment})


@require_http_methods(["POST"])
def user_unlock(request, pk: int):
    _require_manager(request.user)
    user = user_get(actor=request.user, pk=pk)
    services.user_unlock(actor=request.user, user=user)
    messages.success(request, _("%(name)s can log in again.") % {"name": user.username})
    return redirect("accounts:user-detail", pk=user.pk)


def _profile_context(request, **extra) -> dict:
    return {
        "assignments": request.user.role_assignments.active().select_related("area"),
        "api_tokens": api_tokens_of(user=request.user),
        "token_form": extra.pop("token_form", None) or ApiTokenForm(),
        **extra,
    }


@require_GET
def profile(request):
    return render(request, "accounts/profile.html", _profile_context(request))


@require_http_methods(["POST"])
def api_token_create(request):
    """Make an API token; its secret is shown on this response only (never stored, never redirected with)."""
    form = ApiTokenForm(request.POST)
    new_secret = None
    if form.is_valid():
        days = form.cleaned_data["days"]
        try:
            _token, new_secret = services.api_token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                expires_at=timezone.now() + datetime.timedelta(days=int(days)) if days else None,
            )
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            form = ApiTokenForm()
    response = render(
        request, "accounts/profile.html", _profile_context(request, token_form=form, new_secret=new_secret)
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["POST"])
def api_token_revoke(request, pk: int):
    token = get_object_or_404(api_tokens_of(user=request.user), pk=pk)
    try:
        services.api_token_revoke(actor=request.user, token=token)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    return redirect("accounts:profile")


@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})
