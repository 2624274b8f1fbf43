"""The stand-in's in-memory kintone domain: apps, settings, records, files, cursors, webhooks."""

from __future__ import annotations

import copy
import hashlib
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from generator.devtools.standin import errors
from generator.devtools.standin.errors import JsonObj
from generator.devtools.standin.fields import timestamp_text
from generator.devtools.standin.outbox import Delivery, Outbox
from generator.devtools.standin.seed import Entity, OAuthToken, Seed, SeedApp, SeedSpace, User

Clock = Callable[[], datetime]
ADMINISTRATOR = "Administrator"
_NAMESPACE = uuid.UUID("6f1c0b1e-3d5a-4c61-9a53-5e1d2f1b7a10")


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Comment:
    id: int
    text: str
    created_at: str
    creator: str
    mentions: list[JsonObj]


@dataclass
class Record:
    """One record: its stored values by field code and its process-management state."""

    id: int
    revision: int
    values: dict[str, Any]
    creator: str = ADMINISTRATOR
    created_at: str = ""
    modifier: str = ADMINISTRATOR
    updated_at: str = ""
    status: str = ""
    assignees: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    next_comment: int = 1


@dataclass
class Webhook:
    id: str
    app: str
    url: str
    events: frozenset[str]
    description: str
    schema_type: str
    origin: str  # "seed" or "api"


@dataclass
class Deploy:
    """A pending or finished deploy: PROCESSING on the first poll, SUCCESS afterwards."""

    revert: bool
    polls: int = 0
    done: bool = False


@dataclass
class FileBlob:
    name: str
    content_type: str
    data: bytes
    app: str | None = None


@dataclass
class Cursor:
    id: str
    app: str
    records: list[JsonObj]
    size: int
    created: datetime
    position: int = 0


@dataclass
class Thread:
    """A space thread and the comments posted to it, oldest first."""

    id: str
    name: str
    comments: list[JsonObj] = field(default_factory=list)
    body: str = ""


@dataclass
class Space:
    id: str
    name: str
    guest: bool
    members: frozenset[str]
    threads: dict[str, Thread]
    body: str = ""
    # isPrivate, fixedMember, useMultiThread, the show* switches and permissions (KDEV get-space).
    settings: JsonObj = field(default_factory=lambda: default_space_settings())
    # Member entries {entity: {type, code}, isAdmin, includeSubs}; None: the seed's users.
    entries: list[JsonObj] | None = None
    guests: list[str] = field(default_factory=list)
    creator: str = ADMINISTRATOR
    modifier: str = ADMINISTRATOR


def default_space_settings() -> JsonObj:
    return {
        "isPrivate": False,
        "fixedMember": False,
        "useMultiThread": True,
        "showAnnouncement": True,
        "showThreadList": True,
        "showAppList": True,
        "showMemberList": True,
        "showRelatedLinkList": True,
        "permissions": {"createApp": "EVERYONE"},
    }


def new_space(seed: SeedSpace) -> Space:
    threads = {t.id: Thread(t.id, t.name) for t in seed.threads}
    return Space(seed.id, seed.name, seed.guest, frozenset(seed.members), threads)


def default_settings() -> JsonObj:
    """The general settings of a new app beyond name, description and title field.

    KDEV get-general-settings lists these keys; the values are those of a new app there.
    """
    return {
        "icon": {"type": "PRESET", "key": "APP72"},
        "theme": "WHITE",
        "enableThumbnails": True,
        "enableBulkDeletion": False,
        "enableComments": True,
        "enableDuplicateRecord": True,
        "enableInlineRecordEditing": True,
        "numberPrecision": {"digits": "16", "decimalPlaces": "4", "roundingMode": "HALF_EVEN"},
        "firstMonthOfFiscalYear": "1",
    }


@dataclass
class App:
    """An app: identity, form, tokens, live and pre-live settings, and its records."""

    id: str
    code: str
    name: str
    description: str
    space_id: str | None
    thread_id: str | None
    title_field: str | None
    fields: JsonObj
    layout: list[Any]
    tokens: dict[str, frozenset[str]]
    live_status: JsonObj
    preview_status: JsonObj
    live_actions: JsonObj
    preview_actions: JsonObj
    live_revision: int
    preview_revision: int
    created_at: str
    modified_at: str
    records: dict[int, Record] = field(default_factory=dict)
    next_record: int = 1
    deploy: Deploy | None = None
    views: JsonObj = field(default_factory=dict)
    # Pre-live copies of the form, layout, general settings and views; None: same as live.
    preview_fields: JsonObj | None = None
    preview_layout: list[Any] | None = None
    settings: JsonObj = field(default_factory=lambda: default_settings())
    preview_settings: JsonObj | None = None
    preview_views: JsonObj | None = None
    # The (non-guest) space an app was created in; guest-space apps use space_id.
    home_space: str | None = None

    def pending_form(self) -> JsonObj:
        """The pre-live form (a copy of the live one until changed)."""
        if self.preview_fields is None:
            self.preview_fields = copy.deepcopy(self.fields)
        return self.preview_fields

    def _deploy_form(self) -> None:
        if self.preview_fields is not None:
            self.fields = self.preview_fields
        if self.preview_layout is not None:
            self.layout = self.preview_layout
        if self.preview_settings is not None:
            pending = dict(self.preview_settings)
            self.name = pending.pop("name", self.name)
            self.description = pending.pop("description", self.description)
            title = pending.pop("titleField", None) or {}
            manual = title.get("selectionMode") == "MANUAL"
            self.title_field = title.get("code") if manual else None
            self.settings = pending
        if self.preview_views is not None:
            self.views = self.preview_views
        self.preview_fields = self.preview_layout = None
        self.preview_settings = self.preview_views = None

    def settle(self) -> None:
        """Finish a pending deploy: pre-live settings go live (a revert restores pre-live).

        A deploy reports PROCESSING on its first poll; it finishes on the next poll or as soon
        as anything else uses the app, so that nobody sees half-deployed settings.
        """
        deploy = self.deploy
        if deploy is None or deploy.done:
            return
        if deploy.revert:
            self.preview_status = copy.deepcopy(self.live_status)
            self.preview_actions = copy.deepcopy(self.live_actions)
            self.preview_revision = self.live_revision
            self.preview_fields = self.preview_layout = None
            self.preview_settings = self.preview_views = None
        else:
            self._deploy_form()
            self.live_status = copy.deepcopy(self.preview_status)
            self.live_actions = copy.deepcopy(self.preview_actions)
            self.live_revision = self.preview_revision
        deploy.done = True


class Store:
    """All state of one stand-in domain; hold `lock` while reading or changing it."""

    def __init__(self, seed: Seed, clock: Clock | None = None) -> None:
        self.lock = threading.RLock()
        self.seed = seed
        self.clock: Clock = clock or system_clock
        self.users: dict[str, User] = {user.login: user for user in seed.users}
        self.organizations: dict[str, Entity] = {e.code: e for e in seed.organizations}
        self.groups: dict[str, Entity] = {e.code: e for e in seed.groups}
        self.oauth: dict[str, OAuthToken] = {t.token: t for t in seed.oauth_tokens}
        self.apps: dict[str, App] = {a.id: self._new_app(a) for a in seed.apps}
        self.token_owner = {t: app.id for app in self.apps.values() for t in app.tokens}
        self.cursors: dict[str, Cursor] = {}
        self.uploads: dict[str, FileBlob] = {}
        self.files: dict[str, FileBlob] = {}
        self.webhooks: list[Webhook] = []
        self.spaces: dict[str, Space] = {s.id: new_space(s) for s in seed.spaces}
        self.space_templates = {t.id: t.name for t in seed.space_templates}
        # Guest users added with POST guests.json, by e-mail address (their login name).
        self.guests: dict[str, JsonObj] = {}
        self.outbox = Outbox(seed.webhooks_per_minute, self.now)
        self.base_url = "http://127.0.0.1"
        self._counters: dict[str, int] = {}
        # While a bulkRequest runs, notifications wait here until it commits (None: send now).
        self.held_deliveries: list[Delivery] | None = None

    def _new_app(self, seed: SeedApp) -> App:
        stamp = timestamp_text(self.now())
        return App(
            id=seed.id,
            code=seed.code,
            name=seed.name,
            description=seed.description,
            space_id=seed.space_id,
            thread_id=seed.thread_id,
            title_field=seed.title_field,
            fields=copy.deepcopy(dict(seed.fields)),
            layout=copy.deepcopy(list(seed.layout)) if seed.layout is not None else [],
            tokens={t.token: t.permissions for t in seed.tokens},
            live_status={},
            preview_status={},
            live_actions={},
            preview_actions={},
            live_revision=seed.revision,
            preview_revision=seed.revision,
            created_at=stamp,
            modified_at=stamp,
            views=copy.deepcopy(dict(seed.views or {})),
        )

    def now(self) -> datetime:
        return self.clock()

    def deliver(self, delivery: Delivery) -> None:
        """Queue a webhook notification, or hold it while a bulkRequest is not yet committed."""
        if self.held_deliveries is not None:
            self.held_deliveries.append(delivery)
        else:
            self.outbox.put(delivery)

    def next_number(self, kind: str) -> int:
        """A domain-wide counter (row IDs, action IDs, webhook IDs...), starting at 1."""
        self._counters[kind] = self._counters.get(kind, 0) + 1
        return self._counters[kind]

    def new_key(self, kind: str) -> str:
        """A random-looking but reproducible key (file keys, cursor IDs, notification IDs)."""
        return str(uuid.uuid5(_NAMESPACE, f"{kind}:{self.next_number('key:' + kind)}"))

    def error_id(self) -> str:
        """The `id` of an error body: 20 characters, reproducible from run to run."""
        digest = hashlib.sha256(f"error:{self.next_number('error')}".encode()).hexdigest()
        alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
        number = int(digest, 16)
        return "".join(alphabet[(number >> (6 * i)) % 62] for i in range(20))

    def app(self, app_id: str) -> App:
        found = self.apps.get(app_id)
        if found is None:
            raise errors.app_not_found(app_id)
        return found

    def entity_name(self, kind: str, code: str) -> str | None:
        """The display name of a user, organization or group; None when unknown."""
        if kind == "USER":
            user = self.users.get(code)
            return user.name if user else None
        table = self.organizations if kind == "ORGANIZATION" else self.groups
        entity = table.get(code)
        return entity.name if entity else None

    def person(self, login: str) -> JsonObj:
        """{code, name} of a user; API tokens act as kintone's built-in Administrator."""
        user = self.users.get(login)
        return {"code": login, "name": user.name if user else login}

    def primary_organization(self, login: str | None) -> str | None:
        for entity in self.organizations.values():
            if login in entity.members:
                return entity.code
        return None

    def members(self, kind: str, code: str) -> list[str]:
        table = self.organizations if kind == "ORGANIZATION" else self.groups
        entity = table.get(code)
        return list(entity.members) if entity else []
