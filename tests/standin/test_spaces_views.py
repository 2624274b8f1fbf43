"""Space thread comments and app views in the stand-in."""

from __future__ import annotations

from generator.devtools.standin import StandIn
from generator.devtools.standin.store import FileBlob

from .helpers import Client, password_headers, token_headers


def _sato(kintone: StandIn, guest: str | None = None) -> Client:
    return Client(kintone.url, password_headers("sato", "sato-pass"), guest)


def test_thread_comment_with_mentions(kintone: StandIn) -> None:
    mentions = [{"code": "suzuki", "type": "USER"}, {"code": "sales", "type": "ORGANIZATION"}]
    body = {"space": 7, "thread": "8", "comment": {"text": "Hello team", "mentions": mentions}}
    reply = _sato(kintone).post("space/thread/comment", body)
    assert reply.status == 200 and reply.body == {"id": "1"}
    [stored] = kintone.store.spaces["7"].threads["8"].comments
    assert stored["text"] == "Hello team" and stored["mentions"] == mentions
    assert stored["creator"] == {"code": "sato", "name": "Sato Taro"}
    assert _sato(kintone).post("space/thread/comment", body).body == {"id": "2"}


def test_thread_comment_with_an_uploaded_file(kintone: StandIn) -> None:
    kintone.store.uploads["k1"] = FileBlob("a.txt", "text/plain", b"hi")
    body = {"space": "7", "thread": "9", "comment": {"files": [{"fileKey": "k1"}]}}
    assert _sato(kintone).post("space/thread/comment", body).status == 200
    [stored] = kintone.store.spaces["7"].threads["9"].comments
    assert stored["files"] == [{"name": "a.txt", "contentType": "text/plain", "size": "2"}]
    assert "k1" not in kintone.store.uploads  # an upload key is used once


def test_thread_comment_errors(kintone: StandIn) -> None:
    sato = _sato(kintone)
    post = sato.post
    assert post("space/thread/comment", {"space": 7, "thread": 8, "comment": {}}).errors == {
        "comment.text": ["Enter the text or attach a file."]
    }
    bad_mention = {"text": "x", "mentions": [{"code": "nobody", "type": "USER"}]}
    reply = post("space/thread/comment", {"space": 7, "thread": 8, "comment": bad_mention})
    assert reply.errors == {"comment.mentions[0].code": ["The user (nobody) is not found."]}
    assert post(
        "space/thread/comment", {"space": 7, "thread": 99, "comment": {"text": "x"}}
    ).code == ("GAIA_TH01")
    assert post(
        "space/thread/comment", {"space": 70, "thread": 8, "comment": {"text": "x"}}
    ).code == ("GAIA_SP01")
    assert post("space/thread/comment", {"space": 7, "thread": 8}).code == "CB_VA01"
    too_long = {"text": "x" * 65_536}
    reply = post("space/thread/comment", {"space": 7, "thread": 8, "comment": too_long})
    assert reply.errors == {"comment.text": ["Enter up to 65535 characters."]}
    assert kintone.store.spaces["7"].threads["8"].comments == []


def test_thread_comment_refuses_api_tokens(kintone: StandIn) -> None:
    token = Client(kintone.url, token_headers("deals-full"))
    body = {"space": 7, "thread": 8, "comment": {"text": "x"}}
    assert token.post("space/thread/comment", body).code == "GAIA_NO01"


def test_guest_space_thread_needs_the_guest_path(kintone: StandIn) -> None:
    body = {"space": 5, "thread": 6, "comment": {"text": "For our guests"}}
    assert _sato(kintone).post("space/thread/comment", body).code == "GAIA_IL23"
    assert _sato(kintone, guest="5").post("space/thread/comment", body).body == {"id": "1"}
    wrong = {"space": 7, "thread": 8, "comment": {"text": "x"}}
    assert _sato(kintone, guest="5").post("space/thread/comment", wrong).code == "CB_NO02"


def test_views_are_keyed_by_name_in_index_order(deals: Client) -> None:
    reply = deals.get("app/views", app=2)
    assert reply.status == 200
    views = reply.body["views"]
    assert list(views) == ["Open deals", "Meetings", "Board", "(Assigned to me)"]
    assert views["Open deals"] == {
        "type": "LIST",
        "id": "5520",
        "index": "0",
        "fields": ["Record_number", "Title", "Amount", "Stage"],
        "filterCond": 'Stage in ("Lead", "Negotiation")',
        "sort": "Record_number desc",
        "name": "Open deals",
    }
    assert views["Meetings"]["date"] == "Due" and views["Board"]["pager"] is True
    assert views["(Assigned to me)"]["builtinType"] == "ASSIGNEE"
    assert reply.body["revision"] == "5"


def test_views_of_an_app_without_views_and_permissions(kintone: StandIn) -> None:
    invoices = Client(kintone.url, token_headers("invoices-full"))
    assert invoices.get("app/views", app=3).body == {"views": {}, "revision": "1"}
    assert invoices.get("app/views", app=2).code == "GAIA_IA02"
