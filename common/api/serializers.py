"""The base serializer of every domain model: validated as the database would validate.

Writes through the API must meet the same constraints the database enforces, but be told
so field by field instead of ending in an IntegrityError: each write runs the model's own
validation (field validators, `clean()`, check and unique constraints) before it is saved.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext as _
from django_countries.serializer_fields import CountryField
from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers
from rest_framework.utils import model_meta

from common.api.errors import django_errors

# Column ranges, the same on PostgreSQL and SQLite, so the schema and the checks agree.
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
INTEGER_RANGES = {
    "IntegerField": (-(2**31), INT32_MAX),
    "PositiveIntegerField": (0, INT32_MAX),
    "SmallIntegerField": (-(2**15), 2**15 - 1),
    "PositiveSmallIntegerField": (0, 2**15 - 1),
    "BigIntegerField": (-(2**63), INT64_MAX),
    "PositiveBigIntegerField": (0, INT64_MAX),
}


def _has_unstorable_text(value: Any) -> bool:
    """NUL and lone surrogates: PostgreSQL refuses both in text and jsonb."""
    if isinstance(value, str):
        return "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(_has_unstorable_text(k) or _has_unstorable_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_unstorable_text(v) for v in value)
    return False


def storable_json(value: Any) -> None:
    if _has_unstorable_text(value):
        raise serializers.ValidationError(_("Text may not contain NUL or unpaired surrogates."))


class CountryCodeField(CountryField):
    """An ISO 3166-1 alpha-2 code, any case. django-countries' own field also guesses
    from names and numbers, and fails with a ValueError on some digits ("²")."""

    def to_internal_value(self, data: Any) -> str:
        code = data.strip().upper() if isinstance(data, str) else None
        if code == "" and self.allow_blank:
            return ""
        if code is None or not re.fullmatch(r"[A-Z]{2}", code) or not self.countries.alpha2(code):
            self.fail("invalid_choice", input=data)
        return code


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer, schema-true for read-only fields: DRF drops `allow_blank`
    from them, so the schema's enum of a blank-able choice would omit the "" answered."""

    def include_extra_kwargs(self, kwargs: dict, extra_kwargs: dict) -> dict:
        allow_blank = kwargs.get("allow_blank")
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if allow_blank and kwargs.get("read_only"):
            kwargs["allow_blank"] = True
        return kwargs


class DomainSerializer(CountryFieldMixin, ModelSerializer):
    """A ModelSerializer whose writes pass the model's validation and constraints."""

    def build_standard_field(self, field_name: str, model_field: models.Field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if field_class is CountryField:
            field_class = CountryCodeField
        elif isinstance(kwargs.get("child"), CountryField):
            kwargs["child"] = CountryCodeField(countries=kwargs["child"].countries)
        bounds = INTEGER_RANGES.get(model_field.get_internal_type())
        if bounds and issubclass(field_class, serializers.IntegerField):
            low, high = bounds
            kwargs["min_value"] = max(kwargs.get("min_value", low), low)
            kwargs["max_value"] = min(kwargs.get("max_value", high), high)
        if issubclass(field_class, serializers.ListField) and model_field.blank:
            # A multiple CountryField left blank means "none" (or "everywhere").
            kwargs["required"] = False
        if isinstance(model_field, models.JSONField):
            kwargs.setdefault("validators", []).append(storable_json)
        return field_class, kwargs

    def get_unique_together_validators(self) -> list:
        # Unique constraints are checked with the model's own validation below, which knows
        # their conditions (one channel-level metric per day) and names the fields.
        return []

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = copy.copy(self.instance) if self.instance is not None else model()
        many = {f.name for f in model._meta.many_to_many}
        for name, value in attrs.items():
            if name not in many:
                setattr(instance, name, value)
        try:
            # Field errors stop DRF before this point, so nothing is reported twice: this
            # catches what the serializer's own validators do not know (conditions, checks).
            instance.full_clean(exclude=many)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(django_errors(exc)) from exc
        return attrs

    def update(self, instance: models.Model, validated_data: dict) -> models.Model:
        """Write the fields sent. A partial update (PATCH) saves only those (`update_fields`),
        so two clients changing different fields of one object both keep their change."""
        relations = model_meta.get_field_info(instance).relations
        many = {}
        for name, value in validated_data.items():
            if name in relations and relations[name].to_many:
                many[name] = value
            else:
                setattr(instance, name, value)
        instance.save(update_fields=self.written_fields(validated_data))
        for name, value in many.items():
            getattr(instance, name).set(value)
        return instance

    def written_fields(self, validated_data: dict) -> list[str] | None:
        """The columns a save writes: on a partial update the fields sent (and the ones the
        model stamps itself, `updated_at`); None (every column) on a whole update."""
        if not self.partial:
            return None
        opts = self.Meta.model._meta
        concrete = {f.name for f in opts.concrete_fields}
        stamped = [f.name for f in opts.concrete_fields if getattr(f, "auto_now", False)]
        return sorted({name for name in validated_data if name in concrete} | set(stamped))
