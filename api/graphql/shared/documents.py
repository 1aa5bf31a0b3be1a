"""Parsed and validated GraphQL documents: prepared off the event loop, bounded
in cost, and cached.

A document is parsed (at most ``max_tokens`` tokens), its cost is measured and
only then is it validated: graphql-core's validation compares every pair of
fields with one response key in a selection set (OverlappingFieldsCanBeMerged),
so 400 repetitions of ``procedures { code }`` (8 KB, under the token limit) cost
1.6 s. Refused before that work starts, with ``QUERY_TOO_COMPLEX`` naming the
``rule`` and its ``limit``: more than ``max_fields`` field selections (fragment
spreads expanded; ``max_fields``), or one response key selected more than
``max_repeats`` times in one selection set (``max_field_repeats``).

:meth:`DocumentCache.prepare` is blocking CPU work; the schema
(api/graphql/schema.py) runs it in the thread pool, so no request can hold the
event loop (and with it /healthz and every other request) while it is parsed or
validated. Results are kept in a bounded LRU keyed by the document text and
operation name, so the clients' few documents are parsed and validated once.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)
from graphql.validation import ASTValidationRule
from strawberry.schema.schema import validate_document

QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
DEFAULT_CACHE_SIZE = 512


@dataclass(frozen=True)
class Prepared:
    """A parsed document (None when it does not parse) and its errors: syntax,
    a limit, or validation. No errors: ready to execute."""

    document: DocumentNode | None
    errors: tuple[GraphQLError, ...] = ()


def too_complex(rule: str, limit: int, message: str, message_ja: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": QUERY_TOO_COMPLEX, "rule": rule, "limit": limit,
                                             "messageJa": message_ja})


@dataclass
class Cost:
    """What validation will have to compare: every field selection (fragments
    expanded), and the most times one response key is selected in one selection
    set (fields of one key are compared pairwise)."""

    fields: int = 0
    repeats: int = 0


def measure(document: DocumentNode, stop_after: int) -> Cost:
    """The document's :class:`Cost`; stops counting once over ``stop_after`` fields."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    cost = Cost()

    def keys(selection_set: SelectionSetNode | None, seen: frozenset[str], into: Counter[str]) -> None:
        """Fields at this level (inline fragments and spreads flattened) by response key."""
        for selection in selection_set.selections if selection_set else ():
            if cost.fields > stop_after:
                return
            if isinstance(selection, FieldNode):
                into[(selection.alias or selection.name).value] += 1
                cost.fields += 1
                level(selection.selection_set, seen)
            elif isinstance(selection, InlineFragmentNode):
                keys(selection.selection_set, seen, into)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in fragments:  # else a cycle or unknown: validation says so
                    keys(fragments[name].selection_set, seen | {name}, into)

    def level(selection_set: SelectionSetNode | None, seen: frozenset[str]) -> None:
        if selection_set is None:
            return
        counts: Counter[str] = Counter()
        keys(selection_set, seen, counts)
        cost.repeats = max(cost.repeats, *counts.values(), 0)

    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            level(definition.selection_set, frozenset())
    return cost


def check_cost(document: DocumentNode, max_fields: int, max_repeats: int) -> GraphQLError | None:
    cost = measure(document, max_fields)
    if cost.fields > max_fields:
        return too_complex("max_fields", max_fields, f"the document selects more than {max_fields} fields",
                           f"問い合わせの項目数が上限（{max_fields}）を超えています")
    if cost.repeats > max_repeats:
        return too_complex(
            "max_field_repeats", max_repeats,
            f"a field is selected more than {max_repeats} times in one selection set",
            f"同じ項目の指定が上限（{max_repeats}回）を超えています",
        )
    return None


class DocumentCache:
    """Thread-safe, bounded: the most recently used ``maxsize`` documents of one
    schema (whose validation rules are the same for every request)."""

    def __init__(self, schema: GraphQLSchema, *, max_fields: int, max_repeats: int,
                 max_tokens: int | None = None, maxsize: int = DEFAULT_CACHE_SIZE) -> None:
        self.schema = schema
        self.max_fields = max_fields
        self.max_repeats = max_repeats
        self.max_tokens = max_tokens
        self.maxsize = maxsize
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, str | None], Prepared] = OrderedDict()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphql-documents")
        self.hits = 0
        self.misses = 0

    def cached(self, query: str, operation_name: str | None = None) -> Prepared | None:
        """The prepared document if it is cached (cheap: fine on the event loop)."""
        key = (query, operation_name)
        with self._lock:
            prepared = self._entries.get(key)
            if prepared is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            return prepared

    def prepare(self, query: str, operation_name: str | None = None,
                rules: Sequence[type[ASTValidationRule]] = ()) -> Prepared:
        """Parse, measure and validate (blocking CPU work); cache the result.
        ``rules`` are the schema's own (fresh classes per request, the same checks)."""
        if (prepared := self.cached(query, operation_name)) is not None:
            return prepared
        prepared = self._prepare(query, tuple(rules))
        with self._lock:
            self.misses += 1
            self._entries[(query, operation_name)] = prepared
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return prepared

    async def prepare_off_loop(self, query: str, operation_name: str | None,
                               rules: Sequence[type[ASTValidationRule]]) -> Prepared:
        """A cached document at once; any other in this cache's one preparing
        thread, so documents being validated never take more than one core's
        worth of the interpreter from the event loop (and the other requests)."""
        if (prepared := self.cached(query, operation_name)) is not None:
            return prepared
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.prepare, query, operation_name, rules)

    def _prepare(self, query: str, rules: tuple[type[ASTValidationRule], ...]) -> Prepared:
        try:
            document = parse(query, max_tokens=self.max_tokens)
        except GraphQLError as error:
            return Prepared(None, (error,))
        if (refused := check_cost(document, self.max_fields, self.max_repeats)) is not None:
            return Prepared(document, (refused,))
        return Prepared(document, tuple(validate_document(self.schema, document, rules)))
