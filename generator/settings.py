"""Organisation settings (publisher, contact, OAuth client, brand colour) merged into the model."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from generator.load import load_description
from generator.model import AuthMethod, ConnectionParameter, Connector, Contact, Info
from generator.parse import Builder

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Reserved by the platform for connectors without their own colour.
_RESERVED_COLORS = ("#ffffff", "#007ee5")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._~-]{1,256}$")


@dataclass(frozen=True)
class ContactSettings:
    """Who answers for the connector; each key replaces the description's value."""

    name: str | None = None
    url: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class OAuthClientSettings:
    """The OAuth client a cybozu.com administrator registered for the connector."""

    client_id: str
    # No longer used: the sign-in goes to the domain of each connection (URL templates).
    domain: str | None = None


@dataclass(frozen=True)
class Settings:
    """What differs per organisation; every key is optional."""

    publisher: str | None = None
    contact: ContactSettings | None = None
    brand_color: str | None = None
    oauth: OAuthClientSettings | None = None


def load_settings(path: Path) -> Settings:
    """Read and check a settings file; raise DescriptionError with file:line on a mistake."""
    loaded = load_description(path)
    settings = Builder(loaded).build(Settings, loaded.data, "")
    for at, message in check_settings(settings):
        raise loaded.error(at, message)
    return settings


def check_settings(settings: Settings) -> Iterator[tuple[str, str]]:
    """(pointer, message) for every value the connector cannot use."""
    if settings.publisher is not None and not settings.publisher.strip():
        yield "/publisher", "the publisher must not be empty"
    if settings.contact is not None:
        yield from _check_contact(settings.contact)
    if settings.brand_color is not None:
        if not _COLOR.match(settings.brand_color):
            yield "/brand_color", f"{settings.brand_color!r} is not a colour like #f5b400"
        elif settings.brand_color.lower() in _RESERVED_COLORS:
            yield "/brand_color", f"{settings.brand_color} is reserved by the platform"
    if settings.oauth is not None:
        yield from _check_oauth(settings.oauth)


def _check_contact(contact: ContactSettings) -> Iterator[tuple[str, str]]:
    if contact.name is not None and not contact.name.strip():
        yield "/contact/name", "the contact name must not be empty"
    if contact.url is not None and not contact.url.startswith("https://"):
        yield "/contact/url", f"{contact.url!r} is not an https:// URL"
    if contact.email is not None and not _EMAIL.match(contact.email):
        yield "/contact/email", f"{contact.email!r} is not an e-mail address"


def _check_oauth(oauth: OAuthClientSettings) -> Iterator[tuple[str, str]]:
    if not _CLIENT_ID.match(oauth.client_id) or oauth.client_id == "your-client-id":
        yield "/oauth/client_id", f"{oauth.client_id!r} is not the client ID kintone showed"
    if oauth.domain is not None:
        yield (
            "/oauth/domain",
            (
                "remove this key: OAuth connections sign in to the kintone domain each connection "
                "names (the connector's URL templates are filled from it)"
            ),
        )


def apply_settings(connector: Connector, settings: Settings) -> Connector:
    """The connector with the organisation's values in place of the description's."""
    info = _info(connector.info, settings)
    connection = connector.connection
    if settings.oauth is not None:
        auth = tuple(_auth(method, settings.oauth) for method in connection.auth)
        connection = replace(connection, auth=auth)
    return replace(connector, info=info, connection=connection)


def _info(info: Info, settings: Settings) -> Info:
    contact = info.contact
    if settings.contact is not None:
        contact = Contact(
            name=settings.contact.name or contact.name,
            url=settings.contact.url or contact.url,
            email=settings.contact.email or contact.email,
        )
    return replace(
        info,
        publisher=settings.publisher or info.publisher,
        contact=contact,
        brand_color=settings.brand_color or info.brand_color,
    )


def _auth(method: AuthMethod, oauth: OAuthClientSettings) -> AuthMethod:
    if method.kind != "oauth2":
        return method
    return replace(method, parameters=tuple(_oauth(p, oauth) for p in method.parameters))


def _oauth(parameter: ConnectionParameter, oauth: OAuthClientSettings) -> ConnectionParameter:
    if parameter.oauth is None:
        return parameter
    client = replace(parameter.oauth, client_id=oauth.client_id)
    return replace(parameter, oauth=client)
