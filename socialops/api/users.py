"""/api/users/ (admins: people and their roles) and /api/me/ (anyone logged in: who am I)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from common.api.viewsets import FILTER_BACKENDS
from common.i18n import preferred_language, set_preferred_language, supported
from socialops.users import (
    ROLE_NAMES,
    create_user,
    deactivate_user,
    roles_of,
    set_roles,
    users_with_roles,
)

User = get_user_model()


class UserSerializer(serializers.ModelSerializer):
    """A person, their roles and whether they may log in. The password is write-only."""

    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=ROLE_NAMES), allow_empty=True, required=False
    )
    password = serializers.CharField(
        write_only=True, required=False, allow_blank=True, style={"input_type": "password"}
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "is_active",
            "roles",
            "password",
            "date_joined",
            "last_login",
        ]
        read_only_fields = ["id", "date_joined", "last_login"]

    def to_representation(self, instance) -> dict:
        data = super().to_representation(instance)
        data["roles"] = roles_of(instance)
        return data

    def validate_password(self, value: str) -> str:
        if value:
            password_validation.validate_password(value)
        return value

    def create(self, validated: dict):
        return create_user(
            username=validated["username"],
            roles=validated.get("roles", []),
            password=validated.get("password") or None,
            email=validated.get("email", ""),
            first_name=validated.get("first_name", ""),
            last_name=validated.get("last_name", ""),
        )

    def update(self, instance, validated: dict):
        roles = validated.pop("roles", None)
        password = validated.pop("password", None)
        for name, value in validated.items():
            setattr(instance, name, value)
        if password:
            instance.set_password(password)
        instance.save()
        if roles is not None:
            set_roles(instance, roles)
            # The prefetched roles are stale now; roles_of reads them again.
            instance.__dict__.pop("roles", None)
        return instance


class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """People and their roles, for admins (auth.*_user permissions). DELETE deactivates:
    nobody is deleted, so what they did keeps its author."""

    serializer_class = UserSerializer
    filter_backends = FILTER_BACKENDS
    ordering_fields = ["username", "date_joined", "last_login"]
    search_fields = ["username", "email", "first_name", "last_name"]
    filterset_fields = ["is_active"]

    def get_queryset(self):
        return users_with_roles()

    def perform_destroy(self, instance) -> None:
        deactivate_user(instance)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        self.perform_destroy(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
LANGUAGE_HELP = (
    "The interface language the person picked: one of "
    + ", ".join(f"`{code}`" for code in LANGUAGE_CODES)
    + ', or `""` to follow the browser (Accept-Language).'
)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    is_superuser = serializers.BooleanField()
    roles = serializers.ListField(child=serializers.CharField())
    permissions = serializers.ListField(child=serializers.CharField())
    language = serializers.ChoiceField(choices=["", *LANGUAGE_CODES], help_text=LANGUAGE_HELP)
    active_language = serializers.ChoiceField(
        choices=LANGUAGE_CODES,
        help_text="The language this answer (and the pages) are in: the stored choice, else "
        "the browser's, else the site's default.",
    )


class LanguageField(serializers.CharField):
    """A supported language code (fr-FR reads as fr), or "" to follow the browser."""

    def to_internal_value(self, data) -> str:
        value = super().to_internal_value(data)
        language = supported(value)
        if value and not language:
            raise serializers.ValidationError(
                _(
                    "“%(code)s” is not a language SocialOps speaks: use one of %(codes)s, "
                    'or "" to follow the browser.'
                )
                % {"code": value, "codes": ", ".join(LANGUAGE_CODES)},
                code="invalid_choice",
            )
        return language


class MeUpdateSerializer(serializers.Serializer):
    """What a person changes about themselves."""

    language = LanguageField(
        allow_blank=True, required=False, max_length=16, help_text=LANGUAGE_HELP
    )


def _me(request: Request) -> dict:
    user = request.user
    roles = sorted(ROLE_NAMES) if user.is_superuser else roles_of(user)
    return {
        "id": user.pk,
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_superuser": user.is_superuser,
        "roles": roles,
        "permissions": sorted(user.get_all_permissions()),
        "language": preferred_language(user),
        "active_language": supported(translation.get_language()) or settings.LANGUAGE_CODE,
    }


@extend_schema(
    methods=["GET"], responses=MeSerializer, summary="Who am I: my roles, permissions, language"
)
@extend_schema(
    methods=["PATCH"],
    request=MeUpdateSerializer,
    responses=MeSerializer,
    summary="Pick my interface language",
)
@api_view(["GET", "PATCH"])
@permission_classes([IsAuthenticated])
def me(request: Request) -> Response:
    """The caller: their roles, every permission they hold ("app.codename") and their
    language. PATCH `{"language": "fr"}` picks French on every device; `""` follows the
    browser again."""
    if request.method == "PATCH":
        change = MeUpdateSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        if "language" in change.validated_data:
            set_preferred_language(request.user, change.validated_data["language"])
            # This answer is already in the new language (or the browser's again).
            translation.activate(
                preferred_language(request.user)
                or supported(translation.get_language_from_request(request._request))
                or settings.LANGUAGE_CODE
            )
    return Response(MeSerializer(_me(request)).data)
