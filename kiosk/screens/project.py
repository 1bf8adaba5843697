"""项目选择: region → platform → category → sub-project → market role, one level at a time, then
the role's certificate types with the manual's rules (the required ones ticked, what a condition
changes, the price of each) and the fee. A level with a single choice is taken for the
subscriber; the picks so far stay on the left, each one a way back to that level."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox

from kiosk.core.domain.businesses import Business
from kiosk.core.domain.catalog import LEVELS, Catalog, CatalogNode, ProjectSelection, Requirement
from kiosk.core.domain.fees import format_yuan, quote
from kiosk.core.i18n import Text
from kiosk.screens.step import StepScreen
from kiosk.screens.widgets.pane import Pane
from kiosk.screens.widgets.plain import Static
from kiosk.screens.widgets.tile import Tile
from kiosk.services.journey import Outcome

ProjectAnswer = tuple[Outcome, ProjectSelection | None]


class ProjectScreen(StepScreen[ProjectAnswer]):
    AUTO_FOCUS = "#project-choices Tile, #project-choices Checkbox, #next"
    DEFAULT_CSS: ClassVar[str] = """
    #project-body { height: 1fr; }
    #project-path { width: 38; padding: 1 2; border-right: tall $panel; }
    #project-path Tile { height: auto; padding: 0 1; margin-bottom: 1; }
    #project-choices { width: 1fr; padding: 1 2; }
    #project-choices Tile { height: auto; padding: 0 2; margin-bottom: 1; border: round $primary; }
    #project-choices Checkbox { height: auto; }
    #project-fee { margin-top: 1; text-style: bold; height: auto; }
    #project-problems { height: auto; margin-top: 1; }
    """

    def __init__(
        self,
        heading: Text,
        business: Business,
        catalog: Catalog,
        selection: ProjectSelection | None,
        *,
        id: str | None = "select-project",
    ) -> None:
        super().__init__(heading, id=id)
        self.business = business
        self.catalog = catalog
        self.path: list[str] = list(selection.path) if selection else []
        self.chosen: list[str] = list(selection.certificate_types) if selection else []
        self.answers: dict[str, bool] = dict(selection.answers) if selection else {}
        self.problems: list[Text] = []
        self._descend_single_choices()

    # --- where the subscriber is -------------------------------------------------------------------
    @property
    def nodes(self) -> list[CatalogNode]:
        return self.catalog.walk(self.path)

    @property
    def role(self) -> CatalogNode | None:
        nodes = self.nodes
        return nodes[-1] if nodes and nodes[-1].is_role else None

    def _options(self) -> tuple[CatalogNode, ...]:
        nodes = self.nodes
        return nodes[-1].children if nodes else self.catalog.regions

    def _descend_single_choices(self) -> None:
        while self.role is None and len(options := self._options()) == 1:
            self.path.append(options[0].code)
        if self.role is not None and not self.chosen:
            self.chosen = list(self.catalog.default_selection(self.path, self.answers).certificate_types)

    def _single_choice(self, level: int) -> bool:
        parent = self.catalog.walk(self.path[:level])
        return len(parent[-1].children if parent else self.catalog.regions) == 1

    # --- layout ------------------------------------------------------------------------------------
    def body(self) -> ComposeResult:
        t = self.t
        with Horizontal(id="project-body"):
            with Vertical(id="project-path"):
                yield Static(t(Text("已选择：")), classes="section")
                for level, node in enumerate(self.nodes):
                    yield Tile(
                        t(Text("{label}：{value}", label=LEVELS[level][1], value=node.title)),
                        id=f"level-{level}",
                    )
                if not self.nodes:
                    yield Static(t(Text("（尚未选择）")), classes="item")
            with Pane(id="project-choices"):
                yield from self._role_page() if self.role is not None else self._level_page()
                problems = "\n".join(t(problem) for problem in self.problems)
                yield Static(problems, id="project-problems", classes="error")

    def _level_page(self) -> ComposeResult:
        level = len(self.path)
        yield Static(self.t(Text("请选择{level}", level=LEVELS[level][1])), classes="section")
        for node in self._options():
            note = f"\n{self.t(node.note)}" if node.note else ""
            yield Tile(f"{self.t(node.title)}{note}", id=f"choice-{node.code}")

    def _role_page(self) -> ComposeResult:
        t, role = self.t, self.role
        assert role is not None
        yield Static(t(role.explanation), classes="item")
        for condition in role.conditions:
            yield Checkbox(
                t(condition.question), self.answers.get(condition.code, False), id=f"answer-{condition.code}"
            )
        yield Static(t(Text("请选择证书类型：")), classes="section")
        for rule in role.rules:
            required = rule.is_required(self.answers)
            kind = Text("必须办理") if required else Text("可选")
            if rule.unless is not None and rule.requirement is Requirement.REQUIRED and not required:
                kind = Text("可不办理")
            price = quote(self.business, self.catalog, [rule.type.code]).total_fen
            yield Checkbox(
                t(Text("{type}（{kind}）{price}", type=rule.type.title, kind=kind, price=format_yuan(price))),
                rule.type.code in self.chosen,
                id=f"certificate-{rule.type.code}",
            )
        yield Static(self._fee_line(), id="project-fee")

    def _fee_line(self) -> str:
        total = quote(self.business, self.catalog, self.chosen).total_fen
        return self.t(Text("费用合计：{amount}（审核通过后付款）", amount=format_yuan(total)))

    # --- choosing ----------------------------------------------------------------------------------
    async def on_tile_pressed(self, event: Tile.Pressed) -> None:
        tile_id = event.tile.id or ""
        if tile_id.startswith("choice-"):
            self.path.append(tile_id.removeprefix("choice-"))
            self._descend_single_choices()
        elif tile_id.startswith("level-"):
            self._back_to(int(tile_id.removeprefix("level-")))
        else:
            return
        self.problems = []
        await self.recompose()

    def _back_to(self, level: int) -> None:
        """Choose again at `level` (and below), stepping over levels that had one choice."""
        while level > 0 and self._single_choice(level):
            level -= 1
        del self.path[level:]
        self.chosen = []

    async def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        box = event.checkbox.id or ""
        if box.startswith("answer-"):
            self.answers[box.removeprefix("answer-")] = event.value
            required = self.catalog.default_selection(self.path, self.answers).certificate_types
            self.chosen += [code for code in required if code not in self.chosen]
            await self.recompose()
        elif box.startswith("certificate-"):
            code = box.removeprefix("certificate-")
            if event.value and code not in self.chosen:
                self.chosen.append(code)
            elif not event.value and code in self.chosen:
                self.chosen.remove(code)
            self.query_one("#project-fee", Static).update(self._fee_line())

    def selection(self) -> ProjectSelection:
        role = self.role
        order = [rule.type.code for rule in role.rules] if role else []
        chosen = tuple(sorted(self.chosen, key=lambda code: order.index(code) if code in order else 99))
        return ProjectSelection(tuple(self.path), chosen, dict(self.answers))

    def go(self, outcome: Outcome) -> None:
        if outcome is Outcome.NEXT:
            self.problems = self.catalog.check_selection(self.selection())
            if self.problems:
                self.query_one("#project-problems", Static).update(
                    "\n".join(self.t(problem) for problem in self.problems)
                )
                return
            self.dismiss((Outcome.NEXT, self.selection()))
        elif outcome is Outcome.BACK and self.path:
            self._back_to(len(self.path) - 1)
            self.problems = []
            self.refresh(recompose=True)
        else:
            self.dismiss((outcome, None))
