"""Stable pseudonyms for annotators, keyed by a project secret.

A pseudonym is ``annotator-`` plus 12 hex digits of HMAC-SHA256(key, identity). The
same person gets the same pseudonym in every import made with the same key; without the
key, nobody can test a guessed e-mail address against a pseudonym. The key comes from
``BEYAN_PSEUDONYM_KEY`` and is never written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from beyan.issues import fail
from beyan.secrets import require_secret

KEY_VARIABLE = "BEYAN_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 16
# Fields of a Label Studio export that identify a person.
IDENTITY_FIELDS = (
    "completed_by",
    "updated_by",
    "created_username",
    "last_created_by",
    "created_by",
    "reviewed_by",
    "user",
)
IDENTITY_LIST_FIELDS = ("comment_authors", "annotators")


class Pseudonymizer:
    __slots__ = ("_cache", "_key")

    def __init__(self, key: str) -> None:
        if len(key) < MIN_KEY_LENGTH:
            raise fail(
                "weak-pseudonym-key",
                (KEY_VARIABLE,),
                f"the pseudonymization key must have at least {MIN_KEY_LENGTH} characters",
                hint="generate one with: python -c 'import secrets; print(secrets.token_hex(32))'",
                exit_code=2,
            )
        self._key = key.encode("utf-8")
        self._cache: dict[str, str] = {}

    @classmethod
    def from_environment(cls) -> Pseudonymizer:
        key = require_secret(
            KEY_VARIABLE,
            code="missing-pseudonym-key",
            message="annotator identities must be pseudonymized before they reach the corpus, and no key is set",
            hint=f"export {KEY_VARIABLE}=<the project's secret>; keep it out of the repository "
            "(new project: python -c 'import secrets; print(secrets.token_hex(32))')",
        )
        return cls(key)

    def pseudonym(self, identity: str) -> str:
        cached = self._cache.get(identity)
        if cached is None:
            digest = hmac.new(self._key, identity.encode("utf-8"), hashlib.sha256).hexdigest()
            cached = self._cache[identity] = f"annotator-{digest[:12]}"
        return cached

    def of_user(self, user: Any) -> str:
        """Pseudonym of a Label Studio user given as an id, an e-mail, ``"email, id"`` or a user object."""
        return self.pseudonym(identity_of(user))

    def scrub(self, value: Any) -> Any:
        """A copy of an export fragment with every identity field replaced by a pseudonym."""
        if isinstance(value, list):
            return [self.scrub(item) for item in value]
        if not isinstance(value, dict):
            return value
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in IDENTITY_FIELDS and item is not None:
                out[key] = self.of_user(item)
            elif key in IDENTITY_LIST_FIELDS and isinstance(item, list):
                out[key] = [self.of_user(user) for user in item]
            else:
                out[key] = self.scrub(item)
        return out


def identity_of(user: Any) -> str:
    if isinstance(user, dict):
        email = user.get("email")
        if isinstance(email, str) and email:
            return f"email:{email.strip().lower()}"
        return f"user:{user.get('id')}"
    if isinstance(user, str):
        # created_username looks like "name@example.com, 3"
        head = user.split(",")[0].strip()
        if "@" in head:
            return f"email:{head.lower()}"
        return f"user:{head}"
    return f"user:{user}"
