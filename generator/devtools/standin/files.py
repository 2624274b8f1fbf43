"""Files: multipart upload to a temporary upload key, download by a record's file key."""

from __future__ import annotations

from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import quote

from generator.devtools.standin import errors
from generator.devtools.standin.auth import FILE_READ, FILE_WRITE, authorize, may
from generator.devtools.standin.errors import JsonObj
from generator.devtools.standin.request import Handler, Request, Response, check_space, param
from generator.devtools.standin.store import FileBlob, Store


def upload(store: Store, req: Request) -> JsonObj:
    """POST /k/v1/file.json: one part named `file` → {"fileKey": upload key}."""
    _may_upload(store, req)
    part = _file_part(req)
    data = part.get_payload(decode=True)
    blob = FileBlob(
        name=part.get_filename() or "file",
        content_type=part.get_content_type(),
        data=data if isinstance(data, bytes) else b"",
    )
    key = store.new_key("upload")
    store.uploads[key] = blob
    return {"fileKey": key}


def _may_upload(store: Store, req: Request) -> None:
    """Uploads name no app: any app the caller may add or edit records in will do."""
    if any(may(store, req.principal, app, FILE_WRITE) for app in store.apps.values()):
        return
    if req.principal.kind == "token":
        known = any(token in store.token_owner for token in req.principal.tokens)
        raise errors.token_not_allowed() if known else errors.token_mismatch()
    raise errors.no_privilege()


def _file_part(req: Request) -> EmailMessage:
    content_type = req.headers.get("Content-Type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise errors.required("file")
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=HTTP).parsebytes(head + req.body)
    if isinstance(message, EmailMessage) and message.is_multipart():
        for part in message.iter_parts():
            if (
                isinstance(part, EmailMessage)
                and part.get_param("name", header="content-disposition") == "file"
            ):
                return part
    raise errors.required("file")


def download(store: Store, req: Request) -> Response:
    """GET /k/v1/file.json?fileKey=: the bytes of a file attached to a record."""
    key = str(param(req, "fileKey"))
    blob = store.files.get(key)
    if blob is None or blob.app is None:
        raise errors.file_not_found(key)
    app = store.app(blob.app)
    check_space(req, app)
    authorize(store, req.principal, app, FILE_READ)
    # HTTP headers are Latin-1: non-ASCII names travel percent-encoded (RFC 5987).
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(blob.name)}"}
    return Response(body=blob.data, content_type=blob.content_type, headers=headers)


ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "file"): upload,
    ("GET", "file"): download,
}
