"""kintone-shaped failures: the exception handlers raise and the catalogue of codes they use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

JsonObj = dict[str, Any]

# Codes marked "assumed" are not recorded in our sources (kintone-api.md §5.2 and the
# emulator's real-kintone notes); they are our best guess and may differ from real kintone.
# Codes starting with STANDIN_ are the stand-in's own, for situations kintone never shows.
MISSING_INPUT = "Missing or invalid input."
REQUIRED_PARAM = "Required field."
REQUIRED_VALUE = "Required."


class KintoneError(Exception):
    """Raised when a request fails as kintone would fail it; rendered as {code, id, message}."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        errors: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = dict(errors) if errors else None
        self.headers = dict(headers or {})

    def body(self, error_id: str) -> JsonObj:
        """The JSON body kintone sends: errors only for validation failures."""
        out: JsonObj = {"code": self.code, "id": error_id, "message": self.message}
        if self.errors is not None:
            out["errors"] = {key: {"messages": msgs} for key, msgs in self.errors.items()}
        return out


class BasicAuthRequired(Exception):
    """Raised when the domain's Basic-auth layer rejects a request, before kintone sees it."""

    def __init__(self, realm: str = "kintone stand-in") -> None:
        super().__init__("Basic authentication required")
        self.headers = {"WWW-Authenticate": f'Basic realm="{realm}"'}


class Problems:
    """Collects validation messages by error key, in kintone's `errors` layout."""

    def __init__(self) -> None:
        self.items: dict[str, list[str]] = {}

    def add(self, key: str, message: str) -> None:
        self.items.setdefault(key, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise KintoneError(400, "CB_VA01", MISSING_INPUT, self.items)


def invalid(key: str, message: str) -> KintoneError:
    """CB_VA01 with one message under one key (parameter or record value)."""
    return KintoneError(400, "CB_VA01", MISSING_INPUT, {key: [message]})


def required(key: str) -> KintoneError:
    return invalid(key, REQUIRED_PARAM)


def bad_json() -> KintoneError:
    return KintoneError(400, "CB_IJ01", "Failed to parse JSON.")


def not_logged_in() -> KintoneError:
    return KintoneError(401, "CB_AU01", "Please login.")


def wrong_password() -> KintoneError:
    return KintoneError(401, "CB_WA01", "Password authentication failed.")


def no_privilege() -> KintoneError:
    return KintoneError(403, "CB_NO02", "No privilege to proceed.")


def token_mismatch() -> KintoneError:
    msg = "The specified API token does not match the API token generated via an app."
    return KintoneError(400, "GAIA_IA02", msg)


def token_not_allowed() -> KintoneError:
    return KintoneError(403, "GAIA_NO01", "Using this API token, you cannot run the specified API.")


def token_duplicated() -> KintoneError:
    msg = "You cannot specify a duplicate API token for the same app."
    return KintoneError(400, "GAIA_DA03", msg)


def too_many_tokens() -> KintoneError:
    # Code assumed: kintone rejects 10+ tokens but our sources do not record the code.
    return invalid("X-Cybozu-API-Token", "Up to 9 API tokens can be specified.")


def app_not_found(app: str) -> KintoneError:
    msg = f"The app (ID: {app}) not found. The app may have been deleted."
    return KintoneError(404, "GAIA_AP01", msg)


def record_not_found(record: str) -> KintoneError:
    return KintoneError(404, "GAIA_RE01", f"The specified record (ID: {record}) is not found.")


def comment_not_found() -> KintoneError:
    msg = "The specified comment does not exist. The comment may have been deleted."
    return KintoneError(400, "GAIA_RE02", msg)


def file_not_found(key: str) -> KintoneError:
    return KintoneError(404, "GAIA_BL01", f"The specified file (id: {key}) not found.")


def revision_conflict() -> KintoneError:
    msg = "The revision is not the latest. Someone may update a record after you opened it."
    return KintoneError(409, "GAIA_CO02", msg)


def update_key_not_found() -> KintoneError:
    msg = "The record to update was not found with the specified updateKey."
    return KintoneError(400, "GAIA_RE20", msg)


def guest_app_via_normal_path() -> KintoneError:
    # HTTP status assumed (the observation records only the code).
    return KintoneError(400, "GAIA_IL23", "The app is in a guest space; use the guest space path.")


def lookup_not_found(code: str, value: str) -> KintoneError:
    msg = (
        f"A value {value} in the field {code} does not exist in the datasource app for lookup, "
        "or you do not have permission to view the app or the field."
    )
    return KintoneError(400, "GAIA_LO04", msg)


def cursor_limit() -> KintoneError:
    msg = "The cursor limit has been reached. Delete unneeded cursors or try again later."
    return KintoneError(429, "GAIA_TM12", msg)


def cursor_not_found() -> KintoneError:
    msg = "The specified cursor does not exist or has already expired."
    return KintoneError(404, "GAIA_CN01", msg)


def webhook_not_found(webhook: str) -> KintoneError:
    # GAIA_WH01 is our invented code: the integration API is undocumented.
    return KintoneError(404, "GAIA_WH01", f"The specified webhook (ID: {webhook}) is not found.")


def process_disabled() -> KintoneError:
    # Code assumed.
    return KintoneError(400, "GAIA_ST01", "Process management is not enabled for this app.")


def action_not_available(action: str) -> KintoneError:
    # Code assumed.
    msg = f'The action "{action}" cannot be performed on the record in its current status.'
    return KintoneError(400, "GAIA_ST02", msg)


def not_assignee() -> KintoneError:
    # Code assumed.
    return KintoneError(403, "GAIA_ST03", "Only the assignees of the record can run this action.")


def too_many_requests(limit: int, running: int) -> KintoneError:
    headers = {
        "X-Cybozu-Error": "GAIA_TO04",
        "X-ConcurrencyLimit-Limit": str(limit),
        "X-ConcurrencyLimit-Running": str(running),
    }
    msg = "The number of concurrent API requests exceeds the limit."
    return KintoneError(429, "GAIA_TO04", msg, headers=headers)


def unknown_api(path: str) -> KintoneError:
    return KintoneError(404, "STANDIN_NF01", f"The stand-in has no API at {path}.")


def method_not_allowed(method: str, path: str) -> KintoneError:
    return KintoneError(405, "STANDIN_MA01", f"{method} is not supported on {path}.")
