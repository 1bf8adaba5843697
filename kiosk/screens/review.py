"""核对信息: everything the order holds, as it will be printed and sent: the project and its
fee, then each section's fields (personal data masked, as everywhere on screen), and the
documents still to capture. 上一步 goes back to correct; 下一步 confirms."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from kiosk.core.domain.businesses import Business, Section
from kiosk.core.domain.catalog import LEVELS, Catalog, ProjectSelection
from kiosk.core.domain.documents import DOCUMENTS, DocumentKind
from kiosk.core.domain.fees import format_yuan, quote
from kiosk.core.domain.forms import SECTION_FIELDS, SECTION_TITLES
from kiosk.core.domain.masking import mask
from kiosk.core.i18n import Text
from kiosk.screens.step import StepScreen
from kiosk.screens.widgets.plain import Static
from kiosk.services.journey import Outcome


def project_lines(catalog: Catalog, business: Business, selection: ProjectSelection) -> Iterator[Text]:
    try:
        nodes = catalog.walk(selection.path)
    except KeyError:
        return
    for (_, title), node in zip(LEVELS, nodes, strict=False):
        yield Text("{label}：{value}", label=title, value=node.title)
    for line in quote(business, catalog, selection.certificate_types).lines:
        yield Text("{label}：{value}", label=line.label, value=format_yuan(line.amount_fen))


def field_lines(sections: tuple[Section, ...], form: Mapping[str, Mapping[str, str]]) -> Iterator[Text]:
    """Each section's title, then its filled fields as 'label：value', masked where personal;
    a choice shows its title, not its code."""
    for section in sections:
        yield Text("【{section}】", section=SECTION_TITLES[section])
        values = form.get(section, {})
        for spec in SECTION_FIELDS[section]:
            value = values.get(spec.key, "")
            if not value:
                continue
            shown: str = dict(spec.choices).get(value, value) if spec.choices else mask(value, spec.masking)
            yield Text("{label}：{value}", label=spec.label, value=shown)


class ReviewScreen(StepScreen[Outcome]):
    AUTO_FOCUS = "#next"
    NEXT_LABEL = Text("确认无误")
    DEFAULT_CSS: ClassVar[str] = """
    #review-body { height: 1fr; padding: 1 3; }
    #review-body .line { padding-left: 2; height: auto; }
    """

    def __init__(
        self,
        heading: Text,
        business: Business,
        catalog: Catalog,
        form: Mapping[str, Mapping[str, str]],
        project: ProjectSelection | None,
        fee_fen: int,
        documents: tuple[DocumentKind, ...],
        *,
        acts_on: Sequence[Text] = (),
        id: str | None = "review",
    ) -> None:
        super().__init__(heading, id=id)
        self.acts_on = acts_on  # the key or the order the business is for
        self.business, self.catalog = business, catalog
        self.form, self.project, self.fee_fen, self.documents = form, project, fee_fen, documents

    def body(self) -> ComposeResult:
        t = self.t
        with VerticalScroll(id="review-body"):
            yield Static(
                t(Text("请核对以下信息，确认无误后点击“确认无误”；需要修改请点“上一步”")), classes="warning"
            )
            if self.acts_on:
                yield Static(t(Text("办理对象")), classes="section")
                for line in self.acts_on:
                    yield Static(t(line), classes="line")
            if self.project is not None:
                yield Static(t(Text("证书应用项目")), classes="section")
                for line in project_lines(self.catalog, self.business, self.project):
                    yield Static(t(line), classes="line")
            total = Text("费用合计：免费")
            if self.fee_fen:
                total = Text("费用合计：{amount}", amount=format_yuan(self.fee_fen))
            yield Static(t(total), classes="section")
            for line in field_lines(self.business.sections, self.form):
                yield Static(t(line), classes="section" if line.startswith("【") else "line")
            yield Static(t(Text("所需资料（签字盖章后拍摄）：")), classes="section")
            for number, kind in enumerate(self.documents, start=1):
                yield Static(f"{number}. {t(DOCUMENTS[kind].title)}", classes="line")

    def go(self, outcome: Outcome) -> None:
        self.dismiss(outcome)
