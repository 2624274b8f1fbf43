"""A small subset of kintone CALC formulas: numbers, field codes, + - * / ^, parentheses, SUM()."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, DivisionByZero, InvalidOperation

# A resolver gives a field's number (empty fields count as 0, as in kintone), the list of a
# table column's numbers for SUM(), or None when the code is unknown.
Resolver = Callable[[str], Decimal | list[Decimal] | None]

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([+\-*/^(),])|([^\s+\-*/^(),&=<>!\"]+))")


class _Unsupported(Exception):
    """Raised inside the evaluator when a formula uses something outside the subset."""


def evaluate(expression: str, resolve: Resolver) -> str:
    """The formula's value as kintone stores it, or "" when it cannot be computed here."""
    try:
        tokens = _tokens(expression)
        parser = _Parser(tokens, resolve)
        value = parser.expression()
        if parser.position != len(tokens):
            raise _Unsupported
    except (_Unsupported, InvalidOperation, DivisionByZero, ZeroDivisionError):
        return ""
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def _tokens(expression: str) -> list[str]:
    out: list[str] = []
    position = 0
    stripped = expression.strip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None or match.end() == position:
            raise _Unsupported
        out.append(match.group(0).strip())
        position = match.end()
    return out


class _Parser:
    def __init__(self, tokens: list[str], resolve: Resolver) -> None:
        self.tokens = tokens
        self.position = 0
        self.resolve = resolve

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise _Unsupported
        self.position += 1
        return token

    def expression(self) -> Decimal:
        value = self.term()
        while self.peek() in ("+", "-"):
            value = value + self.term() if self.take() == "+" else value - self.term()
        return value

    def term(self) -> Decimal:
        value = self.factor()
        while self.peek() in ("*", "/"):
            value = value * self.factor() if self.take() == "*" else value / self.factor()
        return value

    def factor(self) -> Decimal:
        if self.peek() in ("+", "-"):
            sign = self.take()
            return self.factor() if sign == "+" else -self.factor()
        base = self.atom()
        if self.peek() == "^":
            self.take()
            return Decimal(base ** int(self.factor()))
        return base

    def atom(self) -> Decimal:
        token = self.take()
        if token == "(":
            value = self.expression()
            self._expect(")")
            return value
        if token[0].isdigit():
            return Decimal(token)
        if token.upper() == "SUM" and self.peek() == "(":
            return self._sum()
        resolved = self.resolve(token)
        if not isinstance(resolved, Decimal):
            raise _Unsupported
        return resolved

    def _sum(self) -> Decimal:
        self._expect("(")
        total = Decimal(0)
        while True:
            values = self.resolve(self.take())
            if values is None:
                raise _Unsupported
            total += sum(values) if isinstance(values, list) else values
            separator = self.take()
            if separator == ")":
                return total
            if separator != ",":
                raise _Unsupported

    def _expect(self, token: str) -> None:
        if self.take() != token:
            raise _Unsupported
