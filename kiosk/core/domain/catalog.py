"""The project catalog (data/catalog.json): region → platform → category → sub-project →
market role → certificate types, with the rules between the types and their prices.

The tree is the same shape at every level, so one node type serves all five levels and one
selection screen can walk it. Loading checks the file and names what is wrong in it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from kiosk.core.domain.businesses import is_business
from kiosk.core.domain.documents import DocumentKind
from kiosk.core.i18n import Bilingual, Text
from kiosk.core.shipped_data import SHIPPED_DATA

SHIPPED_CATALOG = SHIPPED_DATA / "catalog.json"

# The levels of the tree, as the JSON names their lists, with the title a screen shows.
LEVELS: tuple[tuple[str, Text], ...] = (
    ("regions", Text("项目所属区域")),
    ("platforms", Text("项目所属平台")),
    ("categories", Text("项目大类")),
    ("subprojects", Text("子项目")),
    ("roles", Text("市场主体")),
)


class CatalogError(ValueError):
    """data/catalog.json is malformed; the message names where."""


class Requirement(StrEnum):
    REQUIRED = "required"
    OPTIONAL = "optional"


@dataclass(frozen=True)
class CertificateType:
    code: str
    title: str
    price_fen: int
    renewal_fen: int
    validity_days: int = 365  # how long an issued certificate of this type is valid


@dataclass(frozen=True)
class Condition:
    code: str
    question: str


@dataclass(frozen=True)
class CertificateRule:
    type: CertificateType
    requirement: Requirement
    unless: Condition | None = None  # required, unless the subscriber answers yes to this

    def is_required(self, answers: Mapping[str, bool]) -> bool:
        if self.requirement is not Requirement.REQUIRED:
            return False
        return not (self.unless is not None and answers.get(self.unless.code, False))


@dataclass(frozen=True)
class CatalogNode:
    level: int  # index into LEVELS
    code: str
    title: str
    note: str = ""
    children: tuple[CatalogNode, ...] = ()
    # Only market roles (the last level) carry rules.
    explanation: str = ""
    rules: tuple[CertificateRule, ...] = ()

    @property
    def is_role(self) -> bool:
        return self.level == len(LEVELS) - 1

    def child(self, code: str) -> CatalogNode | None:
        return next((node for node in self.children if node.code == code), None)

    @property
    def conditions(self) -> tuple[Condition, ...]:
        return tuple(rule.unless for rule in self.rules if rule.unless is not None)


@dataclass(frozen=True)
class ProjectSelection:
    """What the subscriber picked: the path of codes down to a market role, the certificate
    types, and their answers to the role's conditions."""

    path: tuple[str, ...]
    certificate_types: tuple[str, ...]
    answers: Mapping[str, bool] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": list(self.path),
            "certificate_types": list(self.certificate_types),
            "answers": dict(self.answers),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProjectSelection:
        return cls(
            path=tuple(data["path"]),
            certificate_types=tuple(data["certificate_types"]),
            answers=dict(data.get("answers", {})),
        )


@dataclass(frozen=True)
class Catalog:
    root: CatalogNode  # level -1: its children are the regions
    certificate_types: Mapping[str, CertificateType]
    media_fee_fen: int
    service_fees_fen: Mapping[str, int]
    extra_documents: Mapping[str, tuple[DocumentKind, ...]]  # by business code
    # What a renewal is priced as when nothing names the key's certificate types (the CA's
    # register does, where it has the key's first order).
    renewal_types: tuple[str, ...] = ()

    @property
    def regions(self) -> tuple[CatalogNode, ...]:
        return self.root.children

    def documents_for(self, code: str, documents: Sequence[DocumentKind]) -> tuple[DocumentKind, ...]:
        """A business's documents (`documents`) and any this CA asks for besides."""
        extra = [kind for kind in self.extra_documents.get(code, ()) if kind not in documents]
        return (*documents, *extra)

    def walk(self, path: Sequence[str]) -> list[CatalogNode]:
        """The nodes along `path` (codes from the region down); raises KeyError if any is unknown."""
        node, nodes = self.root, []
        for code in path:
            found = node.child(code)
            if found is None:
                raise KeyError(code)
            nodes.append(found)
            node = found
        return nodes

    def role(self, path: Sequence[str]) -> CatalogNode:
        nodes = self.walk(path)
        if not nodes or not nodes[-1].is_role:
            raise KeyError("/".join(path))
        return nodes[-1]

    def roles(self) -> Iterator[tuple[tuple[str, ...], CatalogNode]]:
        """Every market role with its path, depth first."""

        def visit(node: CatalogNode, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], CatalogNode]]:
            for child in node.children:
                child_path = (*path, child.code)
                if child.is_role:
                    yield child_path, child
                else:
                    yield from visit(child, child_path)

        return visit(self.root, ())

    def default_selection(
        self, path: Sequence[str], answers: Mapping[str, bool] | None = None
    ) -> ProjectSelection:
        """The required certificate types of a role, preselected."""
        answers = dict(answers or {})
        role = self.role(path)
        chosen = tuple(rule.type.code for rule in role.rules if rule.is_required(answers))
        return ProjectSelection(tuple(path), chosen, answers)

    def check_selection(self, selection: ProjectSelection) -> list[Text]:
        """Every reason the selection cannot be applied for; empty when it can."""
        try:
            role = self.role(selection.path)
        except KeyError:
            return [Text("请选择完整的项目：区域、平台、项目大类、子项目和市场主体")]
        problems: list[Text] = []
        offered = {rule.type.code: rule for rule in role.rules}
        chosen = list(dict.fromkeys(selection.certificate_types))
        for code in chosen:
            if code not in offered:
                title = self.certificate_types[code].title if code in self.certificate_types else code
                problems.append(
                    Text("“{certificate}”不属于“{role}”可办理的证书", certificate=title, role=role.title)
                )
        for rule in role.rules:
            if rule.is_required(selection.answers) and rule.type.code not in chosen:
                if rule.unless is not None:
                    problems.append(
                        Text(
                            "“{certificate}”必须办理（{condition}如是，可不办理）",
                            certificate=rule.type.title,
                            condition=rule.unless.question,
                        )
                    )
                else:
                    problems.append(Text("“{certificate}”必须办理", certificate=rule.type.title))
        if not chosen:
            problems.append(Text("请至少选择一种证书"))
        return problems


def load_catalog(path: Path = SHIPPED_CATALOG) -> Catalog:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise CatalogError(f"cannot read the catalog {path}: {error}") from error
    return parse_catalog(raw, source=str(path))


def parse_catalog(raw: Mapping[str, Any], *, source: str = "catalog") -> Catalog:
    reader = _Reader(source)
    types = {}
    for index, item in enumerate(reader.items(raw, "certificate_types")):
        where = f"certificate_types[{index}]"
        cert = CertificateType(
            code=reader.text(item, "code", where),
            title=reader.words(item, "title", where),
            price_fen=reader.fen(item, "price_fen", where),
            renewal_fen=reader.fen(item, "renewal_fen", where),
            validity_days=reader.days(item, "validity_days", where),
        )
        if cert.code in types:
            raise CatalogError(f"{source}: {where}: certificate type {cert.code!r} is defined twice")
        types[cert.code] = cert
    conditions = {
        code: Condition(code, reader.words(spec, "question", f"conditions.{code}"))
        for code, spec in dict(raw.get("conditions", {})).items()
    }

    def node(item: Mapping[str, Any], level: int, where: str) -> CatalogNode:
        code, title = reader.text(item, "code", where), reader.words(item, "title", where)
        note = reader.words(item, "note", where) if item.get("note") else ""
        if level == len(LEVELS) - 1:
            rules = tuple(
                rule_from(rule, f"{where}.certificates[{index}]")
                for index, rule in enumerate(reader.items(item, "certificates", where))
            )
            if not rules:
                raise CatalogError(f"{source}: {where}: a market role offers no certificate")
            return CatalogNode(
                level, code, title, note, explanation=reader.words(item, "explanation", where), rules=rules
            )
        key = LEVELS[level + 1][0]
        children = tuple(
            node(child, level + 1, f"{where}.{key}[{index}]")
            for index, child in enumerate(reader.items(item, key, where))
        )
        reader.unique(children, where)
        return CatalogNode(level, code, title, note, children)

    def rule_from(item: Mapping[str, Any], where: str) -> CertificateRule:
        type_code = reader.text(item, "type", where)
        if type_code not in types:
            raise CatalogError(f"{source}: {where}: unknown certificate type {type_code!r}")
        try:
            requirement = Requirement(str(item.get("rule")))
        except ValueError:
            raise CatalogError(f"{source}: {where}: rule must be 'required' or 'optional'") from None
        unless = item.get("unless")
        if unless is not None and unless not in conditions:
            raise CatalogError(f"{source}: {where}: unknown condition {unless!r}")
        return CertificateRule(types[type_code], requirement, conditions[unless] if unless else None)

    regions = tuple(
        node(item, 0, f"regions[{index}]") for index, item in enumerate(reader.items(raw, "regions"))
    )
    reader.unique(regions, "regions")
    extra: dict[str, tuple[DocumentKind, ...]] = {}
    for business_code, kinds in dict(raw.get("extra_documents", {})).items():
        if not is_business(business_code):
            raise CatalogError(f"{source}: extra_documents.{business_code}: no such business")
        try:
            extra[business_code] = tuple(DocumentKind(kind) for kind in kinds)
        except ValueError as error:
            raise CatalogError(f"{source}: extra_documents.{business_code}: {error}") from None
    service_fees = {
        key: reader.fen(raw["service_fees_fen"], key, "service_fees_fen")
        for key in dict(raw.get("service_fees_fen", {}))
    }
    renewal_types = tuple(str(code) for code in raw.get("renewal_certificate_types", []))
    for code in renewal_types:
        if code not in types:
            raise CatalogError(f"{source}: renewal_certificate_types: unknown certificate type {code!r}")
    return Catalog(
        renewal_types=renewal_types,
        root=CatalogNode(-1, "", "", children=regions),
        certificate_types=types,
        media_fee_fen=reader.fen(raw, "media_fee_fen", "top level"),
        service_fees_fen=service_fees,
        extra_documents=extra,
    )


class _Reader:
    """Typed reads from the JSON that say where a bad value is."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, what: str) -> CatalogError:
        return CatalogError(f"{self.source}: {where}: {what}")

    def text(self, item: Mapping[str, Any], key: str, where: str) -> str:
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"{key!r} must be a non-empty string")
        return value

    def words(self, item: Mapping[str, Any], key: str, where: str) -> Bilingual:
        """Text a subscriber reads, in Chinese, with its English under `KEY_en` (the Chinese is
        shown in English too when the CA gave none)."""
        chinese = self.text(item, key, where)
        english = item.get(f"{key}_en")
        if english is not None and (not isinstance(english, str) or not english.strip()):
            raise self.fail(where, f"{key + '_en'!r} must be a non-empty string when given")
        return Bilingual(chinese, english or chinese)

    def fen(self, item: Mapping[str, Any], key: str, where: str) -> int:
        value = item.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(where, f"{key!r} must be a whole number of fen, 0 or more")
        return value

    def days(self, item: Mapping[str, Any], key: str, where: str) -> int:
        value = item.get(key, 365)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 3650:
            raise self.fail(where, f"{key!r} must be a whole number of days from 1 to 3650")
        return value

    def items(self, item: Mapping[str, Any], key: str, where: str = "top level") -> list[Any]:
        value = item.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(where, f"{key!r} must be a non-empty list")
        return value

    def unique(self, nodes: Sequence[CatalogNode], where: str) -> None:
        codes = [node.code for node in nodes]
        if len(codes) != len(set(codes)):
            raise self.fail(where, f"codes repeat among {codes}")
