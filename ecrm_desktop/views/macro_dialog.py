"""The macro editor dialog: macros on the left; name, text with placeholders, actions and a live preview on the
ticket open in the inbox on the right."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.enums import TicketStatus
from ecrm_desktop.domain.helpdesk.macros import MacroDef
from ecrm_desktop.presenters.macro_editor import PLACEHOLDERS, MacroEditorPresenter
from ecrm_desktop.views.format import status


class MacroDialog(QDialog):
    """Implements `presenters.macro_editor.MacroEditorView`."""

    def __init__(self, parent: QWidget | None, agents: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Macros")
        self.resize(900, 560)
        self.presenter: MacroEditorPresenter | None = None
        self.macros: list[MacroDef] = []
        self.list = QListWidget()
        self.list.setFixedWidth(220)
        self.name = QLineEdit()
        self.body = QPlainTextEdit()
        self.placeholder = QComboBox()
        self.placeholder.addItem("Insert a placeholder…")
        self.placeholder.addItems(list(PLACEHOLDERS))
        self.set_status = QComboBox()
        self.set_status.addItem("Leave as it is", None)
        for s in (TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.SOLVED):
            self.set_status.addItem(status(s.value), s)
        self.tag = QLineEdit(placeholderText="no tag")
        self.assign = QComboBox()
        self.assign.addItem("Leave as it is", None)
        for name in agents:
            self.assign.addItem(name, name)
        self.preview = QTextBrowser()
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #a11212;")
        self.problem.setWordWrap(True)
        self.new, self.save, self.delete, self.close_button = (QPushButton(t) for t in (
            "New", "Save", "Delete", "Close"))
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._layout()

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Reply", self.body)
        form.addRow("", self.placeholder)
        form.addRow("Then set status", self.set_status)
        form.addRow("And tag", self.tag)
        form.addRow("And assign to", self.assign)
        form.addRow("Preview", self.preview)
        buttons = QHBoxLayout()
        for b in (self.new, self.save, self.delete):
            buttons.addWidget(b)
        buttons.addWidget(self.problem, 1)
        buttons.addWidget(self.close_button)
        right = QVBoxLayout()
        right.addLayout(form, 1)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(right, 1)

    def attach(self, presenter: MacroEditorPresenter) -> None:
        self.presenter = presenter
        self.list.currentRowChanged.connect(self._pick)
        self.body.textChanged.connect(self._timer.start)
        self._timer.timeout.connect(lambda: presenter.preview(self.body.toPlainText()))
        self.placeholder.activated.connect(self._insert)
        self.new.clicked.connect(lambda: self._fill(MacroDef(0, "", "")))
        self.save.clicked.connect(lambda: presenter.save(self.current()))
        self.delete.clicked.connect(self._delete)
        self.close_button.clicked.connect(self.accept)
        self.finished.connect(self._timer.stop)
        self.finished.connect(lambda _r: presenter.close())
        presenter.start()

    def current(self) -> MacroDef:
        return MacroDef(int(self.name.property("macro_id") or 0), self.name.text(), self.body.toPlainText(),
                        self.set_status.currentData(), self.tag.text().strip() or None, self.assign.currentData())

    # MacroEditorView
    def show_macros(self, macros: list[MacroDef], selected: int | None) -> None:
        self.macros = macros
        self.list.blockSignals(True)
        self.list.clear()
        self.list.addItems([m.name for m in macros])
        self.list.blockSignals(False)
        index = next((i for i, m in enumerate(macros) if m.id == selected), 0 if macros else -1)
        self.list.setCurrentRow(index)
        if index < 0:
            self._fill(MacroDef(0, "", ""))

    def show_preview(self, text: str) -> None:
        self.preview.setPlainText(text)

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)

    def _pick(self, row: int) -> None:
        if 0 <= row < len(self.macros):
            self._fill(self.macros[row])

    def _fill(self, m: MacroDef) -> None:
        self.name.setProperty("macro_id", m.id)
        self.name.setText(m.name)
        self.body.setPlainText(m.body)
        self.set_status.setCurrentIndex(max(self.set_status.findData(m.set_status), 0))
        self.tag.setText(m.add_tag or "")
        self.assign.setCurrentIndex(max(self.assign.findData(m.assign_to), 0))
        self.name.setFocus()

    def _insert(self, index: int) -> None:
        if index > 0:
            self.body.insertPlainText(self.placeholder.itemText(index))
            self.placeholder.setCurrentIndex(0)
            self.body.setFocus()

    def _delete(self) -> None:
        macro_id = int(self.name.property("macro_id") or 0)
        if macro_id and self.presenter is not None:
            self.presenter.delete(macro_id)
