"""The API's OpenAPI 3.1 description, built from the views' own declarations.

A view declares what it takes and answers with `@documented(...)` (operations.py), right
under its route; `require(...)` already says which keys it takes. spec.py walks the URL map
and turns those declarations and the marshmallow schemas into the description, which
views.py serves at /api/v1/openapi.json.
"""
