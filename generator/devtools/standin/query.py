"""The kintone query subset: conditions with and/or and parentheses, order by, limit, offset."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from generator.devtools.standin import errors
from generator.devtools.standin.errors import KintoneError
from generator.devtools.standin.fields import normalise_number, parse_date, parse_datetime
from generator.devtools.standin.store import App, Record

MAX_LIMIT = 500
MAX_OFFSET = 10_000
DEFAULT_LIMIT = 100

# Operators and functions per field type, as Cybozu's query documentation lists them
# ("Query string" https://kintone.dev/en/docs/kintone/overview/query-string/ and its Japanese
# original https://cybozu.dev/ja/kintone/docs/overview/query, the per-field-type table).
_NUMERIC = frozenset({"__ID__", "RECORD_NUMBER", "NUMBER", "CALC"})
_TIMES = frozenset({"DATE", "TIME", "DATETIME", "CREATED_TIME", "UPDATED_TIME"})
_ORDER = frozenset({"=", "!=", ">", "<", ">=", "<="})
_LISTS = frozenset({"in", "not in"})
_OPERATORS: dict[str, frozenset[str]] = {
    **dict.fromkeys(_NUMERIC, _ORDER | _LISTS),
    **dict.fromkeys(_TIMES, _ORDER),
    **dict.fromkeys(
        ("SINGLE_LINE_TEXT", "LINK"), frozenset({"=", "!=", "like", "not like"}) | _LISTS
    ),
    **dict.fromkeys(
        ("MULTI_LINE_TEXT", "FILE"), frozenset({"like", "not like", "is empty", "is not empty"})
    ),
    "RICH_TEXT": frozenset({"like", "not like"}),
    **dict.fromkeys(
        [
            "CHECK_BOX",
            "RADIO_BUTTON",
            "DROP_DOWN",
            "MULTI_SELECT",
            "CATEGORY",
            "USER_SELECT",
            "ORGANIZATION_SELECT",
            "GROUP_SELECT",
            "STATUS_ASSIGNEE",
            "CREATOR",
            "MODIFIER",
        ],
        _LISTS,
    ),
    "STATUS": frozenset({"=", "!="}) | _LISTS,
}
_PERIODS = ("WEEK", "MONTH", "YEAR")
_DATE_FUNCTIONS = frozenset(
    {
        "TODAY",
        "YESTERDAY",
        "TOMORROW",
        "FROM_TODAY",
        *(f"{when}_{unit}" for when in ("THIS", "LAST", "NEXT") for unit in _PERIODS),
    }
)
_LOGIN = frozenset({"LOGINUSER"})
_FUNCTIONS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("DATETIME", "CREATED_TIME", "UPDATED_TIME"), _DATE_FUNCTIONS | {"NOW"}),
    "DATE": _DATE_FUNCTIONS,
    **dict.fromkeys(("CREATOR", "MODIFIER", "USER_SELECT", "STATUS_ASSIGNEE"), _LOGIN),
    "ORGANIZATION_SELECT": frozenset({"PRIMARY_ORGANIZATION"}),
}
_WEEKDAYS = ("SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY")
_SORTABLE = (
    _NUMERIC
    | _TIMES
    | frozenset(
        {"SINGLE_LINE_TEXT", "LINK", "RADIO_BUTTON", "DROP_DOWN", "STATUS", "CREATOR", "MODIFIER"}
    )
)
_TOKEN = re.compile(
    r'(?P<string>"(?:[^"\\]|\\.)*")|(?P<number>-?\d+(?:\.\d+)?)(?![^\s(),])|'
    r"(?P<op>!=|>=|<=|=|>|<)|(?P<punct>[(),])|(?P<word>[^\s()=!<>,\"]+)",
    re.DOTALL,
)
_SPACE = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True)
class Token:
    kind: str  # string, number, op, punct, word
    text: str

    def keyword(self, *words: str) -> bool:
        return self.kind == "word" and self.text.lower() in words


@dataclass(frozen=True)
class Call:
    """A query function such as TODAY() or FROM_TODAY(-3, DAYS)."""

    name: str
    args: tuple[str, ...]


@dataclass(frozen=True)
class Condition:
    field: str
    operator: str
    values: tuple[str | Call, ...] = ()


@dataclass(frozen=True)
class Junction:
    kind: str  # "and" or "or"
    parts: tuple[Node, ...]


Node = Condition | Junction


@dataclass
class Query:
    condition: Node | None = None
    order: list[tuple[str, bool]] = field(default_factory=list)  # (code, descending)
    limit: int | None = None
    offset: int | None = None


@dataclass(frozen=True)
class Context:
    """What query functions need: the time and the caller."""

    now: datetime
    login: str | None
    file_name: Callable[[str], str] = str
    organization: str | None = None  # the caller's primary organization


@dataclass(frozen=True)
class Span:
    """The days a date function stands for (THIS_MONTH() is a month, TODAY() one day)."""

    first: date
    last: date


def syntax_error() -> KintoneError:
    return errors.invalid("query", "The query format is incorrect.")


def tokenize(text: str) -> list[Token]:
    tokens = []
    position = 0
    while position < len(text):
        space = _SPACE.match(text, position)
        if space:
            position = space.end()
            continue
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:
            raise syntax_error()
        tokens.append(Token(match.lastgroup, match.group(0)))
        position = match.end()
    return tokens


def _unquote(text: str) -> str:
    body = text[1:-1]
    if any(ch in body for ch in "\t\r\n"):
        raise syntax_error()  # raw control characters inside a string are refused
    escapes = {'"': '"', "\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), body)


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self, ahead: int = 0) -> Token | None:
        index = self.position + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise syntax_error()
        self.position += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text.lower() != text:
            raise syntax_error()

    def query(self) -> Query:
        result = Query()
        first = self.peek()
        if first is not None and not self._at_clause():
            result.condition = self.disjunction()
        if self._at("order"):
            self.take()
            self.expect("by")
            result.order = self.order_items()
        if self._at("limit"):
            self.take()
            result.limit = self.count()
        if self._at("offset"):
            self.take()
            result.offset = self.count()
        if self.peek() is not None:
            raise syntax_error()
        return result

    def _at(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token.keyword(word)

    def _at_clause(self) -> bool:
        token, after = self.peek(), self.peek(1)
        if token is None:
            return False
        if token.keyword("order"):
            return after is not None and after.keyword("by")
        return token.keyword("limit", "offset") and after is not None and after.kind == "number"

    def count(self) -> int:
        token = self.take()
        # ASCII digits, and few enough for int() (a 5,000-digit limit is a syntax error too).
        if token.kind != "number" or not token.text.isascii() or not token.text.isdigit():
            raise syntax_error()
        if len(token.text) > 18:
            raise syntax_error()
        return int(token.text)

    def order_items(self) -> list[tuple[str, bool]]:
        items = []
        while True:
            code = self.take()
            if code.kind != "word":
                raise syntax_error()
            descending = False
            if self._at("asc") or self._at("desc"):
                descending = self.take().text.lower() == "desc"
            items.append((code.text, descending))
            token = self.peek()
            if token is None or token.text != ",":
                return items
            self.take()

    def disjunction(self) -> Node:
        parts = [self.conjunction()]
        while self._at("or"):
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else Junction("or", tuple(parts))

    def conjunction(self) -> Node:
        parts = [self.unit()]
        while self._at("and"):
            self.take()
            parts.append(self.unit())
        return parts[0] if len(parts) == 1 else Junction("and", tuple(parts))

    def unit(self) -> Node:
        token = self.take()
        if token.text == "(":
            node = self.disjunction()
            self.expect(")")
            return node
        if token.kind != "word":
            raise syntax_error()
        return self.condition(token.text)

    def condition(self, code: str) -> Condition:
        token = self.take()
        if token.kind == "op":
            return Condition(code, token.text, (self.value(),))
        word = token.text.lower()
        if word == "not":
            word = "not " + self.take().text.lower()
        if word in ("in", "not in"):
            return Condition(code, word, self.value_list())
        if word in ("like", "not like"):
            value = self.take()
            if value.kind != "string":
                raise syntax_error()
            return Condition(code, word, (_unquote(value.text),))
        if word == "is":
            negated = self._at("not") and bool(self.take())
            self.expect("empty")
            return Condition(code, "is not empty" if negated else "is empty")
        raise syntax_error()

    def value_list(self) -> tuple[str | Call, ...]:
        self.expect("(")
        values = [self.value()]
        while self.peek() is not None and self.take().text == ",":
            values.append(self.value())
        if self.tokens[self.position - 1].text != ")":
            raise syntax_error()
        return tuple(values)

    def value(self) -> str | Call:
        token = self.take()
        if token.kind == "string":
            return _unquote(token.text)
        if token.kind == "number":
            return token.text
        following = self.peek()
        if token.kind == "word" and following is not None and following.text == "(":
            return self.call(token.text)
        raise syntax_error()

    def call(self, name: str) -> Call:
        self.expect("(")
        args: list[str] = []
        while True:
            token = self.take()
            if token.text == ")":
                return Call(name.upper(), tuple(args))
            if token.text == ",":
                continue
            if token.kind == "punct":
                raise syntax_error()
            args.append(_unquote(token.text) if token.kind == "string" else token.text)


def parse(text: str) -> Query:
    """Parse a query string; CB_VA01 (errors.query) on a syntax error."""
    return _Parser(tokenize(text)).query()


def check_limits(query: Query) -> None:
    if query.limit is not None and query.limit > MAX_LIMIT:
        raise KintoneError(400, "GAIA_QU01", "Specify a value of 500 or less for limit.")
    if query.offset is not None and query.offset > MAX_OFFSET:
        raise KintoneError(400, "GAIA_QU02", "Specify a value of 10,000 or less for offset.")


# ---- checking against the app's fields -------------------------------------------------


def field_types(app: App) -> dict[str, tuple[str, str | None]]:
    """Query-able codes: type and, for table columns, the table's code."""
    types: dict[str, tuple[str, str | None]] = {"$id": ("__ID__", None)}
    for code, prop in app.fields.items():
        if prop["type"] == "SUBTABLE":
            for inner, inner_prop in prop["fields"].items():
                types[inner] = (inner_prop["type"], code)
        elif prop["type"] not in ("GROUP", "REFERENCE_TABLE"):
            types[code] = (prop["type"], None)
    return types


def check_fields(query: Query, app: App) -> None:
    """GAIA_IQ11 for unknown fields, GAIA_IQ03 for operators the field type does not take,
    GAIA_IL08 / GAIA_IQ23 / GAIA_IQ25 for functions the field type or their arguments refuse."""
    types = field_types(app)
    for condition in _conditions(query.condition):
        kind, table = _known(types, condition.field)
        allowed = _OPERATORS.get(kind, frozenset())
        if table is not None:
            allowed = allowed - {"=", "!="}  # table columns are searched with in / not in
        if condition.operator not in allowed:
            op, code = condition.operator, condition.field
            msg = f"The operator {op} cannot be used for the field type of {code}."
            raise KintoneError(400, "GAIA_IQ03", msg)
        for value in condition.values:
            if isinstance(value, Call):
                check_call(value, kind)
            else:
                _literal(value, kind, _NO_CALLS)  # a number or date that does not parse
    for code, _ in query.order:
        kind, table = _known(types, code)
        if table is not None or kind not in _SORTABLE:
            raise errors.invalid("query", f"The field {code} cannot be used to sort.")


def condition_problem(text: str, app: App, *, status_allowed: bool = True) -> str | None:
    """Why kintone refuses `text` as a condition (an action's filterCond), or None.

    Conditions are parsed and checked against the app's fields like a records query; they take
    no order by, limit or offset. Process-management conditions may not name the Status field
    (openapi.yaml PreviewAppStatusPutActionForm.filterCond: "The Status field cannot be included
    in the query.")."""
    if not text.strip():
        return None
    try:
        query = parse(text)
        if query.order or query.limit is not None or query.offset is not None:
            raise syntax_error()
        check_fields(query, app)
    except KintoneError as exc:
        return next(iter((exc.errors or {}).values()), [exc.message])[0]
    types = field_types(app)
    if not status_allowed and any(
        types[c.field][0] == "STATUS" for c in _conditions(query.condition)
    ):
        return "The Status field cannot be included in the query."
    return None


def not_valid() -> KintoneError:
    return KintoneError(400, "GAIA_IL08", "The query is not valid.")


def check_call(call: Call, kind: str) -> None:
    """A function the field type takes, with the arguments kintone's documentation lists."""
    if call.name not in _FUNCTIONS.get(kind, frozenset()):
        raise not_valid()  # code assumed: kintone's generic "query is not valid"
    if call.name == "FROM_TODAY":
        _from_today_args(call.args)
    elif call.name.endswith("_WEEK"):
        if len(call.args) > 1 or (call.args and call.args[0].upper() not in _WEEKDAYS):
            raise not_valid()
    elif call.name.endswith("_MONTH"):
        if len(call.args) > 1:
            raise not_valid()
        if call.args:
            _month_day(call.args[0])
    elif call.args:
        raise not_valid()


def _from_today_args(args: tuple[str, ...]) -> tuple[int, str]:
    if len(args) != 2 or not re.fullmatch(r"-?[0-9]{1,6}", args[0]):
        raise not_valid()
    unit = args[1].upper()
    if unit not in ("DAYS", "WEEKS", "MONTHS", "YEARS"):
        msg = "The second argument of FROM_TODAY() must be DAYS, WEEKS, MONTHS or YEARS."
        raise KintoneError(400, "GAIA_IQ25", msg)
    return int(args[0]), unit


def _month_day(arg: str) -> int | None:
    """THIS_MONTH(LAST) is the month's last day (None); THIS_MONTH(n) its day n, 1 to 31."""
    if arg.upper() == "LAST":
        return None
    if re.fullmatch(r"[0-9]{1,2}", arg) and 1 <= int(arg) <= 31:
        return int(arg)
    msg = f"The specified day ({arg}) is not valid. Specify an integer from 1 to 31."
    raise KintoneError(400, "GAIA_IQ23", msg)


def _known(types: Mapping[str, tuple[str, str | None]], code: str) -> tuple[str, str | None]:
    if code not in types:
        raise KintoneError(400, "GAIA_IQ11", f"The specified field ({code}) is not found.")
    return types[code]


def _conditions(node: Node | None) -> list[Condition]:
    if node is None:
        return []
    if isinstance(node, Condition):
        return [node]
    return [c for part in node.parts for c in _conditions(part)]


# ---- evaluation ---------------------------------------------------------------------------


def select(query: Query, app: App, records: list[Record], ctx: Context) -> list[Record]:
    """Matching records in query order (default: $id descending), before limit and offset."""
    types = field_types(app)
    matched = [
        r for r in records if query.condition is None or _test(query.condition, r, types, ctx)
    ]
    matched.sort(key=lambda r: r.id, reverse=True)
    for code, descending in reversed(query.order):
        matched.sort(key=partial(_sort_key, code=code, types=types), reverse=descending)
    return matched


def window(query: Query, records: list[Any]) -> list[Any]:
    offset = query.offset or 0
    limit = DEFAULT_LIMIT if query.limit is None else query.limit
    return records[offset : offset + limit]


def _sort_key(
    record: Record, code: str, types: Mapping[str, tuple[str, str | None]]
) -> tuple[bool, Any]:
    value = _scalar(record, code, types[code][0])
    return (value is not None, value if value is not None else "")


def _test(
    node: Node, record: Record, types: Mapping[str, tuple[str, str | None]], ctx: Context
) -> bool:
    if isinstance(node, Junction):
        results = (_test(part, record, types, ctx) for part in node.parts)
        return all(results) if node.kind == "and" else any(results)
    kind, table = types[node.field]
    values = _values(record, node.field, kind, table)
    if kind == "FILE":
        values = [ctx.file_name(key) for key in values if key is not None]  # like matches names
    return _OPS[node.operator](values, [_literal(v, kind, ctx) for v in node.values], kind)


def _values(record: Record, code: str, kind: str, table: str | None) -> list[Any]:
    """The record's values for a code: one for a scalar, several for lists and table columns."""
    if table is not None:
        rows = record.values.get(table) or []
        raw = [row["value"].get(code) for row in rows]
        flat = [item for value in raw for item in (value if isinstance(value, list) else [value])]
        return [_comparable(v, kind) for v in flat]
    if kind in ("STATUS_ASSIGNEE", "CREATOR", "MODIFIER", "STATUS"):
        listed = {
            "STATUS_ASSIGNEE": record.assignees,
            "CREATOR": [record.creator],
            "MODIFIER": [record.modifier],
            "STATUS": [record.status],
        }[kind]
        return list(listed)
    stored = _stored(record, code, kind)
    items = stored if isinstance(stored, list) else [stored]
    return [_comparable(v, kind) for v in items]


def _stored(record: Record, code: str, kind: str) -> Any:
    if kind in ("__ID__", "RECORD_NUMBER"):
        return str(record.id)
    if kind in ("CREATED_TIME", "UPDATED_TIME"):
        return record.created_at if kind == "CREATED_TIME" else record.updated_at
    return record.values.get(code)


def _scalar(record: Record, code: str, kind: str) -> Any:
    values = _values(record, code, kind, None)
    return values[0] if values else None


def _comparable(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if kind in _NUMERIC:
        return Decimal(str(value))
    if kind in ("DATETIME", "CREATED_TIME", "UPDATED_TIME"):
        return parse_datetime(str(value))
    if kind == "DATE":
        return parse_date(str(value))
    return value


def _literal(value: str | Call, kind: str, ctx: Context) -> Any:
    if isinstance(value, Call):
        return _call(value, kind, ctx)
    if value == "":
        return None
    if kind in _NUMERIC:
        number = normalise_number(value)
        if number is None:
            raise syntax_error()
        return Decimal(number)
    if kind == "DATE" or (kind in _TIMES and "T" not in value and kind != "TIME"):
        parsed = parse_date(value)
        if parsed is None:
            raise syntax_error()
        return parsed
    if kind in ("DATETIME", "CREATED_TIME", "UPDATED_TIME"):
        moment = parse_datetime(value)
        if moment is None:
            raise syntax_error()
        return moment
    if kind == "TIME":
        match = re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])(?::[0-5][0-9])?", value)
        if match is None:
            raise syntax_error()
        return f"{int(match.group(1)):02d}:{match.group(2)}"  # as kintone stores times
    return value


_NO_CALLS = Context(datetime.min.replace(tzinfo=UTC), None)  # for checking literals alone
_NOBODY = object()  # equal to no value, unlike "" which also finds records without one


def _call(call: Call, kind: str, ctx: Context) -> Any:
    if call.name == "LOGINUSER":
        return ctx.login or _NOBODY
    if call.name == "PRIMARY_ORGANIZATION":
        return ctx.organization or _NOBODY  # a user in no organization matches nothing
    if call.name == "NOW":
        return ctx.now
    # Dates are the domain's: the stand-in models its domain in UTC, as it stores DATETIME values.
    today = ctx.now.astimezone(UTC).date()
    try:
        return _date_span(call, today)
    except (OverflowError, ValueError):  # a date before year 1 or after 9999
        raise not_valid() from None


def _date_span(call: Call, today: date) -> Span:
    days = {"TODAY": 0, "YESTERDAY": -1, "TOMORROW": 1}
    if call.name in days:
        return _day(today + timedelta(days=days[call.name]))
    if call.name == "FROM_TODAY":
        amount, unit = _from_today_args(call.args)
        if unit in ("DAYS", "WEEKS"):
            return _day(today + timedelta(days=amount * (7 if unit == "WEEKS" else 1)))
        return _day(add_months(today, amount * (12 if unit == "YEARS" else 1)))
    when, _, unit = call.name.partition("_")
    step = {"THIS": 0, "LAST": -1, "NEXT": 1}[when]
    if unit == "WEEK":
        return _week(today + timedelta(weeks=step), call.args)
    if unit == "MONTH":
        return _month(add_months(today.replace(day=1), step), call.args)
    year = today.year + step
    return Span(date(year, 1, 1), date(year, 12, 31))


def _day(day: date) -> Span:
    return Span(day, day)


def add_months(day: date, months: int) -> date:
    """Calendar months: 31 July + 1 month is 31 August, 31 January + 1 month is 28/29 February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, _month_length(year, month + 1)))


def _month_length(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _week(day: date, args: tuple[str, ...]) -> Span:
    """kintone's weeks run Sunday to Saturday; a weekday argument picks one day of the week."""
    sunday = day - timedelta(days=(day.weekday() + 1) % 7)
    if args:
        return _day(sunday + timedelta(days=_WEEKDAYS.index(args[0].upper())))
    return Span(sunday, sunday + timedelta(days=6))


def _month(first: date, args: tuple[str, ...]) -> Span:
    length = _month_length(first.year, first.month)
    last = first.replace(day=length)
    if not args:
        return Span(first, last)
    wanted = _month_day(args[0])
    # A day the month lacks (31 in April) is its last day, as in calendar arithmetic.
    return _day(last if wanted is None else first.replace(day=min(wanted, length)))


def _compare(op: str) -> Callable[[list[Any], list[Any], str], bool]:
    def test(values: list[Any], literals: list[Any], kind: str) -> bool:
        target = literals[0]
        if isinstance(target, Span):
            return _in_span(op, [_day_of(v) for v in values if v is not None], target)
        if isinstance(target, datetime):
            target = target.replace(second=0, microsecond=0)  # kintone times are to the minute
        present = [_align(v, target) for v in values if v is not None]
        if op == "!=":
            return not any(_equal(v, target) for v in present)
        if op == "=":
            return any(_equal(v, target) for v in present) or (target is None and not present)
        if target is None:
            return False
        checks = {">": lambda a: a > target, "<": lambda a: a < target}
        checks |= {">=": lambda a: a >= target, "<=": lambda a: a <= target}
        return any(_safe(checks[op], v) for v in present)

    return test


def _day_of(value: Any) -> Any:
    return value.astimezone(UTC).date() if isinstance(value, datetime) else value


def _in_span(op: str, days: list[Any], span: Span) -> bool:
    """= is inside the span, != outside; > after its last day, < before its first, and so on."""
    checks: dict[str, Callable[[Any], bool]] = {
        "=": lambda d: span.first <= d <= span.last,
        "!=": lambda d: span.first <= d <= span.last,
        ">": lambda d: d > span.last,
        ">=": lambda d: d >= span.first,
        "<": lambda d: d < span.first,
        "<=": lambda d: d <= span.last,
    }
    hit = any(_safe(checks[op], d) for d in days)
    return not hit if op == "!=" else hit


def _align(value: Any, target: Any) -> Any:
    """A date-time compared with a date compares its (UTC) day."""
    if (
        isinstance(value, datetime)
        and isinstance(target, date)
        and not isinstance(target, datetime)
    ):
        return value.astimezone(UTC).date()
    if isinstance(value, datetime) and isinstance(target, datetime):
        return value.replace(second=0, microsecond=0)
    return value


def _equal(value: Any, target: Any) -> bool:
    if isinstance(target, datetime) and isinstance(value, datetime):
        return value == target.replace(second=0, microsecond=0)
    return bool(value == target)


def _safe(check: Callable[[Any], bool], value: Any) -> bool:
    try:
        return check(value)
    except (TypeError, InvalidOperation):
        return False


def _in(values: list[Any], literals: list[Any], kind: str) -> bool:
    present = [v for v in values if v is not None]
    if None in literals and not present:
        return True  # in ("") also finds records with no value
    return any(_equal(v, lit) for v in present for lit in literals if lit is not None)


def _like(values: list[Any], literals: list[Any], kind: str) -> bool:
    # kintone's like is a word search on a full-text index; a substring test is close enough here.
    needle = str(literals[0] or "").lower()
    return any(needle in _text(v).lower() for v in values if v is not None)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return re.sub(r"<[^>]*>", "", value)
    return str(value)


def _empty(values: list[Any], literals: list[Any], kind: str) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


_OPS: dict[str, Callable[[list[Any], list[Any], str], bool]] = {
    **{op: _compare(op) for op in ("=", "!=", ">", "<", ">=", "<=")},
    "in": _in,
    "not in": lambda v, lit, k: not _in(v, lit, k),
    "like": _like,
    "not like": lambda v, lit, k: not _like(v, lit, k),
    "is empty": _empty,
    "is not empty": lambda v, lit, k: not _empty(v, lit, k),
}


def run(
    text: str, app: App, records: list[Record], ctx: Context
) -> tuple[list[Record], int, Query]:
    """Parse, check and run a query: the page of records, the total count, the parsed query."""
    query = parse(text or "")
    check_limits(query)
    check_fields(query, app)
    matched = select(query, app, records, ctx)
    return window(query, matched), len(matched), query
