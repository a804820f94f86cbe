"""The API's OpenAPI 3.1 description, built from the views' own declarations.

A view declares what it takes and answers with `@documented(...)` (operations.py), right
under its route; `require(...)` already says which keys it takes. spec.py walks the URL map
and turns those declarations and the marshmallow schemas into the description, which
views.py serves at /api/v1/openapi.json.

Why not flask-smorest, which does this and the request plumbing around it: its parts were
weighed one by one against this API's contract, and each is one the contract does not allow.
- Arguments go through webargs, which reads a body that is not JSON as empty, so a client
  would get 422 "missing field" where the contract answers 415, and parses query strings
  with its own error wording; tests/e2e/test_errors.py and test_bad_input.py pin the
  contract's answers.
- Responses are dumped with marshmallow's `Schema.dump`; the review queue's pages skip that
  machinery (service/api/dumping.py), and its generic path cost most of a page.
- Errors are rendered by its own handler in its own shape; this API has one shape,
  {"error": {"code", "message", "fields"}}, that clients already parse, shared with the
  Akismet process and the WSGI middleware that answers before Flask runs.
Working around all three would leave flask-smorest describing views while this package did
the rest. What it builds on is used directly: apispec and its marshmallow plugin write the
description from the same schemas the views load and dump with.
"""
