"""The inbox screen: views with counts on the left, the ticket list, the open ticket and the customer sidebar.

Keyboard-first: in the list, j / k move, r replies, m replies with a macro (Ctrl+M in the reply editor), n writes
a note, e solves, a assigns, s snoozes, c creates a ticket by hand and / (or Ctrl+F) searches. Selected rows take
the bulk actions above the list.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QStandardPaths, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.enums import TicketPriority, TicketStatus
from ecrm_desktop.domain.helpdesk.inbox import Agent, Conversation, SenderCard, ViewCount
from ecrm_desktop.domain.helpdesk.macros import MacroDef
from ecrm_desktop.presenters.inbox import SNOOZE_CHOICES, InboxPresenter
from ecrm_desktop.views.inbox_table import TicketTableModel
from ecrm_desktop.views.macro_dialog import MacroDialog
from ecrm_desktop.views.new_ticket_dialog import NewTicketDialog
from ecrm_desktop.views.rules_dialog import RulesDialog
from ecrm_desktop.views.sender_card import card_html
from ecrm_desktop.views.ticket_import_dialog import TicketImportDialog
from ecrm_desktop.views.ticket_pane import TicketPane

RECOUNT_MS = 60_000
WIDTHS = (185, 290, 170, 80, 75, 100, 120, 45, 130)


class InboxScreen(QWidget):
    """Implements `presenters.inbox.InboxScreenView`."""

    def __init__(self) -> None:
        super().__init__()
        self.presenter: InboxPresenter | None = None
        self.model: TicketTableModel | None = None
        self.agents: list[Agent] = []
        self.shown_id: int | None = None
        self.files: dict[int, str] = {}  # the open conversation's attachments: id → file name
        self.rules_dialog: RulesDialog | None = None
        self.views = QListWidget()
        self.views.setFixedWidth(190)
        self.search = QLineEdit(placeholderText="Search subject, requester or #id  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()
        self.notice = QLabel()
        self.notice.setStyleSheet("color: #1d6b2f;")
        self.table = QTableView()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.bulk: dict[str, QPushButton] = {name: QPushButton(name) for name in (
            "New ticket… (c)", "Import…", "Assign… (a)", "Tag…", "Priority…", "Snooze… (s)", "Solve (e)", "Merge",
            "Macros…", "Rules…")}
        self.pane = TicketPane()
        self.sidebar = QTextBrowser()
        self.sidebar.setOpenLinks(False)
        self.sidebar.setMinimumWidth(280)
        self._layout()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        bulk = QHBoxLayout()
        for button in self.bulk.values():
            bulk.addWidget(button)
        bulk.addWidget(self.notice, 1)
        middle = QWidget()
        column = QVBoxLayout(middle)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addLayout(bulk)
        column.addWidget(self.table, 1)
        right = QSplitter(Qt.Orientation.Horizontal)
        right.addWidget(self.pane)
        right.addWidget(self.sidebar)
        right.setSizes([560, 320])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(middle)
        split.addWidget(right)
        split.setSizes([300, 520])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.views)
        layout.addWidget(split, 1)

    def attach(self, presenter: InboxPresenter) -> None:
        self.presenter = p = presenter
        self.model = TicketTableModel(p.rows, p.now, lambda _k, descending: p.sort_by_due(descending))
        self.table.setModel(self.model)
        for i, width in enumerate(WIDTHS):
            self.table.setColumnWidth(i, width)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _prev: p.open_row(current.row()))
        self.views.currentRowChanged.connect(p.choose_view)
        self.search.textChanged.connect(p.search)
        self.search.returnPressed.connect(self.table.setFocus)
        self.bulk["New ticket… (c)"].clicked.connect(self.new_ticket)
        self.bulk["Import…"].clicked.connect(self.import_tickets)
        self.bulk["Import…"].setToolTip("Import tickets from another help desk's CSV export")
        self.bulk["Assign… (a)"].clicked.connect(self._assign_menu)
        self.bulk["Tag…"].clicked.connect(self._tag)
        self.bulk["Priority…"].clicked.connect(self._priority_menu)
        self.bulk["Snooze… (s)"].clicked.connect(self._snooze_menu)
        self.bulk["Solve (e)"].clicked.connect(self._solve)
        self.bulk["Merge"].clicked.connect(lambda: p.merge(self.selected_ids()))
        self.bulk["Macros…"].clicked.connect(self.edit_macros)
        self.bulk["Rules…"].clicked.connect(self.edit_rules)
        pane = self.pane
        # (Qt hands item data back as plain strings: make them the enums again)
        pane.status.activated.connect(lambda _i: p.set_status(self._open_ids(),
                                                              TicketStatus(pane.status.currentData())))
        pane.priority.activated.connect(lambda _i: p.set_priority(self._open_ids(),
                                                                  TicketPriority(pane.priority.currentData())))
        pane.assignee.activated.connect(lambda _i: p.assign(self._open_ids(), pane.assignee.currentData()))
        pane.tag.returnPressed.connect(self._tag_open)
        pane.macro.activated.connect(self._macro)
        pane.send.clicked.connect(self._send)
        pane.send_shortcut.activated.connect(self._send)
        pane.escape_shortcut.activated.connect(self.table.setFocus)
        self.sidebar.anchorClicked.connect(self._link)
        pane.conversation.anchorClicked.connect(self._conversation_link)
        self.recount = QTimer(self, interval=RECOUNT_MS)  # new mail and woken snoozes show in the counts
        self.recount.timeout.connect(lambda: p.refresh_counts() if self.isVisible() else None)
        self.recount.start()
        for widget in (self.table, pane.conversation, self.sidebar, self.views):
            widget.installEventFilter(self)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        p.start()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def selected_ids(self) -> list[int]:
        """The selected rows' tickets (the open one when nothing else is selected)."""
        if self.presenter is None:
            return []
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        found = [r.id for r in (self.presenter.rows.row(i) for i in sorted(rows)) if r is not None]
        return found or self._open_ids()

    def _open_ids(self) -> list[int]:
        return [self.presenter.open_id] if self.presenter and self.presenter.open_id is not None else []

    # keyboard: single keys act where no text is typed
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.KeyPress and self.presenter is not None and isinstance(event, QKeyEvent):
            if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier & ~Qt.KeyboardModifier.ShiftModifier:
                return False
            action = {"j": lambda: self._move(1), "k": lambda: self._move(-1),
                      "r": lambda: self.pane.start(False), "n": lambda: self.pane.start(True), "e": self._solve,
                      "m": self.pane.pick_macro, "c": self.new_ticket,
                      "a": self._assign_menu, "s": self._snooze_menu, "/": self.focus_search}.get(event.text())
            if action is not None:
                action()
                return True
        return super().eventFilter(watched, event)

    def new_ticket(self) -> NewTicketDialog | None:
        """Take a ticket by hand (a phone call, a chat transcript)."""
        if self.presenter is None:
            return None
        dialog = NewTicketDialog(self, self.presenter.create_ticket)
        dialog.open()
        return dialog

    def import_tickets(self) -> TicketImportDialog | None:
        """Import another help desk's CSV export (a dry run first)."""
        if self.presenter is None:
            return None
        dialog = TicketImportDialog(self, self.presenter)
        dialog.open()
        return dialog

    def edit_macros(self) -> MacroDialog | None:
        """Open the macro editor (non-modal; it previews on the open ticket)."""
        if self.presenter is None:
            return None
        dialog = MacroDialog(self, [a.name for a in self.agents])
        dialog.attach(self.presenter.macro_editor(dialog))
        dialog.show()
        return dialog

    def edit_rules(self) -> None:
        """Open the rules and SLA editor once the saved segments it offers are read."""
        if self.presenter is not None:
            self.presenter.rule_segments(self._open_rules)

    def _open_rules(self, segments: list[str]) -> None:
        dialog = RulesDialog(self, [a.name for a in self.agents], segments)
        editor = self.presenter.rules_editor(dialog) if self.presenter else None
        if editor is not None:
            dialog.attach(editor)
            dialog.show()
            self.rules_dialog = dialog

    def _solve(self) -> None:
        if self.presenter is not None:
            self.presenter.solve(self.selected_ids())

    def _move(self, step: int) -> None:
        if self.presenter is not None:
            self.table.setFocus()
            self.presenter.move(step)

    # InboxScreenView
    def show_views(self, counts: list[ViewCount], current: int) -> None:
        self.views.blockSignals(True)
        self.views.clear()
        for c in counts:
            item = QListWidgetItem(f"{c.label}   {c.count:,}")
            if c.tag is not None or c.priority is not None:
                item.setForeground(Qt.GlobalColor.darkGray)
            self.views.addItem(item)
        self.views.setCurrentRow(current)
        self.views.blockSignals(False)

    def show_count(self, total: int) -> None:
        self.count.setText(f"{total:,} ticket{'s' if total != 1 else ''}")

    def show_conversation(self, conversation: Conversation | None) -> None:
        now = self.presenter.now() if self.presenter else None
        if now is not None:
            self.pane.show_conversation(conversation, now)
        ticket_id = conversation.ticket.id if conversation else None
        self.files = {a.id: a.filename for m in (conversation.messages if conversation else ()) for a in m.attachments}
        if ticket_id != self.shown_id:  # a draft belongs to its ticket
            self.pane.clear_draft()
        self.shown_id = ticket_id

    def show_sender(self, card: SenderCard | None) -> None:
        self.sidebar.setHtml(card_html(card))

    def show_macros(self, macros: list[MacroDef]) -> None:
        self.pane.show_macros(macros)

    def show_agents(self, agents: list[Agent]) -> None:
        self.agents = agents
        self.pane.show_agents(agents)

    def show_draft(self, text: str, actions: str) -> None:
        self.pane.show_draft(text, actions)

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)

    def select_row(self, index: int) -> None:
        if self.model is None or index >= self.model.rowCount():
            return
        target = self.model.index(index, 0)
        self.table.selectionModel().setCurrentIndex(
            target, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(target)
        if self.presenter is not None:
            self.presenter.open_row(index)

    # actions
    def _send(self) -> None:
        if self.presenter is None:
            return
        text = self.pane.editor.toPlainText()
        if self.pane.note_mode.isChecked():
            self.presenter.add_note(text)
        else:
            self.presenter.send_reply(text)
        self.pane.clear_draft()
        self.table.setFocus()

    def _macro(self, index: int) -> None:
        macro_id = self.pane.macro.itemData(index)
        if macro_id is not None and self.presenter is not None:
            self.presenter.apply_macro(int(macro_id))

    def _menu(self, choices: list[tuple[str, object]], chosen: object) -> None:
        menu = QMenu(self)
        for label, value in choices:
            menu.addAction(label).setData(value)
        picked = menu.exec(self.mapToGlobal(self.table.geometry().topLeft()))
        if picked is not None:
            chosen(picked.data())  # type: ignore[operator]

    def _assign_menu(self) -> None:
        if self.presenter is not None:
            ids, p = self.selected_ids(), self.presenter
            self._menu([("Unassign", None), *((a.name + ("" if a.available else " (away)"), a.name)
                                              for a in self.agents)], lambda name: p.assign(ids, name))

    def _priority_menu(self) -> None:
        if self.presenter is not None:
            ids, p = self.selected_ids(), self.presenter
            self._menu([(x.value.title(), x) for x in reversed(TicketPriority)],
                       lambda v: p.set_priority(ids, TicketPriority(v)))

    def _snooze_menu(self) -> None:
        if self.presenter is not None:
            ids, p = self.selected_ids(), self.presenter
            self._menu([(f"Snooze {c}", c) for c in SNOOZE_CHOICES], lambda c: p.snooze(ids, c))

    def _tag(self) -> None:
        if self.presenter is None:
            return
        name, ok = QInputDialog.getText(self, "Tag tickets", "Tag the selected tickets with:")
        if ok and name.strip():
            self.presenter.add_tag(self.selected_ids(), name.strip())

    def _tag_open(self) -> None:
        name = self.pane.tag.text().strip()
        if name and self.presenter is not None:
            self.presenter.add_tag(self._open_ids(), name)
            self.pane.tag.clear()

    def _conversation_link(self, url: QUrl) -> None:
        """An attachment is saved where the agent chooses; a failed reply can be sent again; web links open in
        the browser."""
        if url.scheme() == "retry" and self.presenter is not None:
            self.presenter.retry_reply(int(url.path()))
        elif url.scheme() == "attachment" and self.presenter is not None:
            attachment_id = int(url.path())
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
            path, _filter = QFileDialog.getSaveFileName(self, "Save the attachment",
                                                        str(Path(folder) / self.files.get(attachment_id, "")))
            if path:
                self.presenter.save_attachment(attachment_id, Path(path))
        elif url.scheme() in {"http", "https"}:
            QDesktopServices.openUrl(url)

    def _link(self, url: QUrl) -> None:
        if self.presenter is None:
            return
        scheme, rest = url.scheme(), url.path()
        if scheme == "customer":
            self.presenter.open_customer(int(rest))
        elif scheme == "link":
            self.presenter.link_customer(int(rest))
        elif scheme == "create":
            self.presenter.create_customer()
        elif scheme in {"http", "https"}:
            QDesktopServices.openUrl(url)

