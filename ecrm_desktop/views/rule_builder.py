"""The visual rule builder: rows of filter, operator and value joined by "all" or "any", editing one query."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.segments.filters import FILTERS
from ecrm_desktop.domain.segments.rules import EXPRESSION, Rule, RuleSet, editable_filters

EXPRESSION_LABEL = "expression"


class RuleRow(QWidget):
    """One rule: a filter, one of its operators and a value (typed, or picked from the filter's values)."""

    changed = Signal()
    removed = Signal(object)

    def __init__(self, rule: Rule) -> None:
        super().__init__()
        self.filter = QComboBox()
        self.filter.addItems(editable_filters())
        self.filter.addItem(EXPRESSION_LABEL, EXPRESSION)
        self.filter.setMinimumWidth(200)
        self.operator = QComboBox()
        self.operator.setMinimumWidth(120)
        self.value = QComboBox(editable=True)
        self.value.setMinimumWidth(220)
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip("Remove this rule")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.filter, self.operator):
            layout.addWidget(widget)
        layout.addWidget(self.value, 1)
        layout.addWidget(self.remove)
        self._fill(rule)
        self.filter.currentIndexChanged.connect(self._filter_chosen)
        self.operator.currentIndexChanged.connect(self.changed)
        self.value.currentTextChanged.connect(self.changed)
        self.remove.clicked.connect(lambda: self.removed.emit(self))

    def rule(self) -> Rule:
        if self.filter.currentData() == EXPRESSION:
            return Rule(EXPRESSION, "", self.value.currentText())
        return Rule(self.filter.currentText(), self.operator.currentText(), self.value.currentText())

    def _fill(self, rule: Rule) -> None:
        index = self.filter.findData(EXPRESSION) if rule.filter == EXPRESSION else self.filter.findText(rule.filter)
        self.filter.setCurrentIndex(max(index, 0))
        self._offer(self.filter.currentText() if rule.filter != EXPRESSION else EXPRESSION)
        if rule.operator:
            self.operator.setCurrentText(rule.operator)
        self.value.setCurrentText(rule.value)

    def _offer(self, name: str) -> None:
        """The operators and values of filter `name`, and its example as the value's hint."""
        spec = FILTERS.get(name)
        self.operator.clear()
        self.value.clear()
        self.operator.setVisible(spec is not None)
        if spec is None:
            self._hint("products_purchased(category: 'Shoes') = true")
            return
        self.operator.addItems([op.value for op in spec.operators])
        self.value.addItems(list(spec.values))
        self.value.setCurrentText("")
        example = spec.example.split(" ", 2)[-1] if " " in spec.example else ""
        self._hint(f"for example {example}" if example else "")

    def _hint(self, text: str) -> None:
        edit = self.value.lineEdit()
        if edit is not None:
            edit.setPlaceholderText(text)

    def _filter_chosen(self) -> None:
        self._offer(EXPRESSION if self.filter.currentData() == EXPRESSION else self.filter.currentText())
        self.changed.emit()


class RuleBuilder(QWidget):
    """Emits `changed(RuleSet)` on every edit; `set_rules` shows a query's rules without emitting."""

    changed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.match = QComboBox()
        self.match.addItems(["all", "any"])
        self.add = QPushButton("Add rule")
        head = QHBoxLayout()
        head.addWidget(QLabel("Customers matching"))
        head.addWidget(self.match)
        head.addWidget(QLabel("of these rules"))
        head.addStretch(1)
        head.addWidget(self.add)
        self.rows_layout = QVBoxLayout()
        self.rows_layout.setSpacing(4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addLayout(self.rows_layout)
        self.rows: list[RuleRow] = []
        self.match.currentIndexChanged.connect(self._emit)
        self.add.clicked.connect(self._add_clicked)

    def rules(self) -> RuleSet:
        return RuleSet(tuple(r.rule() for r in self.rows), self.match.currentIndex() == 1)

    def set_rules(self, rules: RuleSet) -> None:
        self.blockSignals(True)
        self.match.setCurrentIndex(1 if rules.match_any else 0)
        for row in self.rows:
            row.deleteLater()
        self.rows = []
        for rule in rules.rules:
            self._add(rule)
        self.blockSignals(False)

    def _add_clicked(self) -> None:
        row = self._add(Rule(editable_filters()[0], "", ""))
        row.filter.setFocus()
        self._emit()

    def _add(self, rule: Rule) -> RuleRow:
        row = RuleRow(rule)
        row.changed.connect(self._emit)
        row.removed.connect(self._remove)
        self.rows.append(row)
        self.rows_layout.addWidget(row)
        return row

    def _remove(self, row: RuleRow) -> None:
        self.rows.remove(row)
        row.deleteLater()
        self._emit()

    def _emit(self) -> None:
        self.changed.emit(self.rules())
