"""How the API's own marshmallow fields read in JSON Schema.

apispec describes a field by its marshmallow base class (a `CleanString` is a string, a
`CleanUrl` a string with format `url`). These fields refuse more than that, and a client (or
the fuzzer, which sends what the description allows and expects it accepted) must be told:
no control characters, at least one non-blank character where a value is required, http(s)
URLs as marshmallow's URL validator reads them, IPv4 or IPv6 addresses.

Patterns are ECMA-262 regular expressions, as JSON Schema says, written in the part of the
syntax Python's `re` reads the same way (the fuzzer generates with Python).
"""

from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin, OpenAPIConverter
from apispec.ext.marshmallow.field_converter import FieldConverterMixin
from marshmallow import fields, validate

from service.api.schemas import CleanString, CleanUrl, IPAddressString

# A character CleanString keeps: anything but the control characters it refuses
# (schemas.CONTROL_CHARACTERS; tests/unit/service/api/openapi/test_fields.py compares them).
ALLOWED = "[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]"
# Python's white space (str.strip, and `\\s` in marshmallow's expressions): wider than ASCII's,
# and not ECMA-262's `\\s` either (which has U+FEFF but not U+0085), so spelt out.
WHITE_SPACE = (
    "\\x09-\\x0d\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
)
# A character str.strip() keeps, and not a control.
NON_BLANK = f"[^\\x00-\\x20{WHITE_SPACE}]"
TEXT = f"^{ALLOWED}*$"
NON_BLANK_TEXT = f"^{ALLOWED}*{NON_BLANK}{ALLOWED}*$"

# marshmallow.validate.URL's expression for absolute http(s) URLs, with require_tld=False.
LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOSTS = (
    f"(?:{LABEL}\\.)+(?:[A-Za-z]{{2,6}}\\.?|[A-Za-z0-9-]{{2,}}\\.?)",
    "localhost",
    "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
    "\\[[A-Fa-f0-9]*:[A-Fa-f0-9:]+\\]",
    f"{LABEL}\\.?",
)
URL = (
    "^[Hh][Tt][Tt][Pp][Ss]?://"
    "(?:(?:[A-Za-z0-9\\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*@)?"
    f"(?:{'|'.join(HOSTS)})"
    "(?::[0-9]+)?"
    f"(?:/?|[/?][^\\x00-\\x1f{WHITE_SPACE}]+)$"  # nor controls: CleanString refuses them
)


def converter_of(plugin: MarshmallowPlugin) -> OpenAPIConverter:
    """The plugin's converter, which it has once it was given to an APISpec."""
    if plugin.converter is None:
        raise RuntimeError("Give the MarshmallowPlugin to an APISpec first.")
    return plugin.converter


def describe_custom_fields(plugin: MarshmallowPlugin) -> None:
    """Teach the plugin's converter the API's fields."""
    converter = converter_of(plugin)
    # The address's own format comes from `ip_formats`; apispec's "ip" is no JSON Schema format.
    converter.map_to_openapi_type(IPAddressString, "string", None)
    converter.add_attribute_function(text_attributes)


def text_attributes(
    self: FieldConverterMixin, field: fields.Field, ret: dict[str, Any], **kwargs: Any
) -> dict[str, Any]:
    """The pattern of a CleanString (or its URL form); the formats of an IP address."""
    if isinstance(field, IPAddressString):
        return {"anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]}
    if isinstance(field, CleanUrl):
        # No `format: uri`: marshmallow takes IRIs too (`http://example.it/città`), and the
        # pattern says exactly what it takes.
        return {"pattern": URL}
    # An address's own format says it all; a choice among words needs no pattern; a field's
    # own pattern (its metadata) says more than this one.
    if (
        not isinstance(field, CleanString)
        or isinstance(field, fields.Email)
        or "enum" in ret
        or "pattern" in ret
    ):
        return {}
    return {"pattern": NON_BLANK_TEXT if requires_text(field) else TEXT}


def requires_text(field: fields.Field) -> bool:
    """Whether the field needs at least one character (after trimming)."""
    return any(
        isinstance(validator, validate.Length) and (validator.min or validator.equal or 0) > 0
        for validator in field.validators
    )
