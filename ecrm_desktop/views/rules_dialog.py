"""The rules and SLA dialog: routing rules on the left, the chosen rule's conditions and actions on the right,
and the SLA targets per priority underneath."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.enums import TicketChannel, TicketPriority
from ecrm_desktop.domain.helpdesk.rules import STRATEGIES, RuleDef, parse_keywords
from ecrm_desktop.domain.helpdesk.sla import SlaTargets
from ecrm_desktop.presenters.rules_editor import RulesEditorPresenter
from ecrm_desktop.views.format import status

ANY = "Any"
NOBODY = "Leave as it is"


def _combo(items: list[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    for label, value in items:
        combo.addItem(label, value)
    return combo


class RulesDialog(QDialog):
    """Implements `presenters.rules_editor.RulesEditorView`."""

    def __init__(self, parent: QWidget | None, agents: list[str], segments: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Rules and SLA targets")
        self.resize(900, 640)
        self.presenter: RulesEditorPresenter | None = None
        self.rules: list[RuleDef] = []
        self.rule_id: int | None = None
        self.list = QListWidget()
        self.list.setFixedWidth(220)
        self.name = QLineEdit()
        self.enabled = QCheckBox("Enabled")
        self.on_new, self.on_update = QCheckBox("New tickets"), QCheckBox("Updated tickets")
        self.keywords = QLineEdit(placeholderText="refund, money back  (any of them, whole words)")
        self.segment = _combo([(ANY, None), *((s, s) for s in segments)])
        self.channel = _combo([(ANY, None), *((status(c.value), c) for c in TicketChannel)])
        self.min_order = QDoubleSpinBox(maximum=1_000_000, decimals=2)
        self.min_order.setSpecialValueText(ANY)
        self.assign = _combo([(NOBODY, None), *((s.replace("-", " ").capitalize(), s) for s in STRATEGIES),
                              *((a, a) for a in agents)])
        self.tag = QLineEdit(placeholderText="no tag")
        self.priority = _combo([(NOBODY, None), *((status(p.value), p) for p in TicketPriority)])
        self.sla: dict[TicketPriority, tuple[QSpinBox, QSpinBox]] = {
            p: (QSpinBox(minimum=1, maximum=100_000, suffix=" min"), QSpinBox(minimum=1, maximum=100_000,
                                                                              suffix=" min"))
            for p in reversed(TicketPriority)}
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #a11212;")
        self.problem.setWordWrap(True)
        self.new, self.save, self.delete, self.save_sla, self.close_button = (QPushButton(t) for t in (
            "New rule", "Save rule", "Delete rule", "Save SLA targets", "Close"))
        self._layout()

    def _layout(self) -> None:
        when = QHBoxLayout()
        for box in (self.enabled, self.on_new, self.on_update):
            when.addWidget(box)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Runs on", when)
        form.addRow(QLabel("<b>When every condition set holds</b>"))
        form.addRow("Subject or message has", self.keywords)
        form.addRow("Sender is in segment", self.segment)
        form.addRow("Channel", self.channel)
        form.addRow("Last order worth at least", self.min_order)
        form.addRow(QLabel("<b>Then</b>"))
        form.addRow("Assign to", self.assign)
        form.addRow("Add tag", self.tag)
        form.addRow("Set priority", self.priority)
        buttons = QHBoxLayout()
        for b in (self.new, self.save, self.delete):
            buttons.addWidget(b)
        buttons.addStretch(1)
        sla_box = QGroupBox("SLA targets (from a ticket's creation; new tickets)")
        grid = QGridLayout(sla_box)
        grid.addWidget(QLabel("First response"), 0, 1)
        grid.addWidget(QLabel("Resolution"), 0, 2)
        for row, (priority, (first, resolve)) in enumerate(self.sla.items(), start=1):
            grid.addWidget(QLabel(status(priority.value)), row, 0)
            grid.addWidget(first, row, 1)
            grid.addWidget(resolve, row, 2)
        grid.addWidget(self.save_sla, len(self.sla) + 1, 2)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addLayout(buttons)
        right.addWidget(sla_box)
        bottom = QHBoxLayout()
        bottom.addWidget(self.problem, 1)
        bottom.addWidget(self.close_button)
        right.addLayout(bottom)
        layout = QHBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(right, 1)

    def attach(self, presenter: RulesEditorPresenter) -> None:
        self.presenter = presenter
        self.list.currentRowChanged.connect(self._pick)
        self.new.clicked.connect(lambda: self._fill(RuleDef("")))
        self.save.clicked.connect(lambda: presenter.save_rule(self.current()))
        self.delete.clicked.connect(lambda: presenter.delete_rule(self.rule_id) if self.rule_id else None)
        self.save_sla.clicked.connect(lambda: presenter.save_sla(
            {p: SlaTargets(first.value(), resolve.value()) for p, (first, resolve) in self.sla.items()}))
        self.close_button.clicked.connect(self.accept)
        self.finished.connect(lambda _r: presenter.close())
        presenter.start()

    def current(self) -> RuleDef:
        cents = round(self.min_order.value() * 100) or None
        return RuleDef(self.name.text(), self.segment.currentData(), parse_keywords(self.keywords.text()),
                       self.channel.currentData(), cents, self.assign.currentData(), self.tag.text().strip() or None,
                       self.priority.currentData(), self.on_new.isChecked(), self.on_update.isChecked(),
                       self.enabled.isChecked(), self.rule_id)

    # RulesEditorView
    def show_rules(self, rules: list[RuleDef], selected: int | None) -> None:
        self.rules = rules
        self.list.blockSignals(True)
        self.list.clear()
        self.list.addItems([r.name + ("" if r.enabled else "  (off)") for r in rules])
        self.list.blockSignals(False)
        index = next((i for i, r in enumerate(rules) if r.id == selected), 0 if rules else -1)
        self.list.setCurrentRow(index)
        if index < 0:
            self._fill(RuleDef(""))

    def show_sla(self, targets: dict[TicketPriority, SlaTargets]) -> None:
        for priority, (first, resolve) in self.sla.items():
            first.setValue(targets[priority].first_response_minutes)
            resolve.setValue(targets[priority].resolution_minutes)

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)

    def _pick(self, row: int) -> None:
        if 0 <= row < len(self.rules):
            self._fill(self.rules[row])

    def _fill(self, r: RuleDef) -> None:
        self.rule_id = r.id
        self.name.setText(r.name)
        self.enabled.setChecked(r.enabled)
        self.on_new.setChecked(r.on_new)
        self.on_update.setChecked(r.on_update)
        self.keywords.setText(", ".join(r.keywords))
        for combo, value in ((self.segment, r.segment), (self.channel, r.channel), (self.assign, r.assign),
                             (self.priority, r.set_priority)):
            combo.setCurrentIndex(max(combo.findData(value), 0))
        self.min_order.setValue((r.min_order_cents or 0) / 100)
        self.tag.setText(r.add_tag or "")
