"""The Users page: admins see everyone, invite a person with a role, change roles and
deactivate, without the Django admin. Same services as /api/users/."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.i18n import set_preferred_language, supported
from socialops.forms import UserCreateForm, UserRolesForm
from socialops.roles import role_label
from socialops.users import create_user, deactivate_user, roles_of, set_roles, users_with_roles

User = get_user_model()


@require_http_methods(["GET", "POST"])
@permission_required("auth.view_user", raise_exception=True)
def user_list(request: HttpRequest) -> HttpResponse:
    """Everyone with their roles, and the form inviting a new person."""
    can_change = request.user.has_perms(["auth.add_user", "auth.change_user"])
    form = UserCreateForm(request.POST or None) if can_change else None
    if request.method == "POST":
        if not can_change:
            return HttpResponse(status=403)
        if form.is_valid():
            user = create_user(
                username=form.cleaned_data["username"],
                roles=form.cleaned_data["roles"],
                password=form.cleaned_data["password"] or None,
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
            messages.success(request, _("Added %(username)s.") % {"username": user.get_username()})
            return redirect("users:list")
    people = [
        (person, [role_label(role) for role in roles_of(person)]) for person in users_with_roles()
    ]
    return render(
        request,
        "users/user_list.html",
        {"people": people, "form": form, "can_change": can_change},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required("auth.change_user", raise_exception=True)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's roles."""
    person = get_object_or_404(User, pk=pk)
    form = UserRolesForm(request.POST or None, initial={"roles": roles_of(person)})
    if request.method == "POST" and form.is_valid():
        set_roles(person, form.cleaned_data["roles"])
        messages.success(
            request, _("Saved %(username)s's roles.") % {"username": person.get_username()}
        )
        return redirect("users:list")
    return render(request, "users/user_edit.html", {"person": person, "form": form})


@require_POST
@permission_required("auth.change_user", raise_exception=True)
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    if person == request.user:
        messages.error(request, _("You cannot deactivate yourself."))
    else:
        deactivate_user(person)
        messages.success(
            request,
            _("Deactivated %(username)s: they can no longer log in.")
            % {"username": person.get_username()},
        )
    return redirect("users:list")


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Pick the interface's language ("" follows the browser): stored for a logged-in person
    (every device), and in the language cookie (the login page too)."""
    language = supported(request.POST.get("language", ""))
    if request.user.is_authenticated:
        set_preferred_language(request.user, language)
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    response = redirect(target)
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, samesite="Lax")
    return response
