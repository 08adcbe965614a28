"""The open ticket: its header and fields, the conversation (internal notes look different from replies), and the
reply editor with its macro picker. The inbox screen wires its controls to the presenter."""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.enums import MessageKind, TicketPriority, TicketStatus
from ecrm_desktop.domain.helpdesk.inbox import Agent, Conversation, MessageView
from ecrm_desktop.domain.helpdesk.macros import MacroDef
from ecrm_desktop.domain.mail import DeliveryState
from ecrm_desktop.views.format import file_size, status, when
from ecrm_desktop.views.inbox_table import sla_text

BUBBLES = {MessageKind.INBOUND: ("#ffffff", "#d0d0d0", "Customer"),
           MessageKind.REPLY: ("#e8f1fd", "#8fb3e8", "Reply"),
           MessageKind.NOTE: ("#fff6d5", "#e0c35a", "Internal note — not sent to the customer")}
NOBODY = "Unassigned"


def conversation_html(conversation: Conversation) -> str:
    parts = []
    if conversation.merged_into_id is not None:
        parts.append(f"<p><i>Merged into ticket #{conversation.merged_into_id}.</i></p>")
    parts += [_message_html(m) for m in conversation.messages]
    return "".join(parts) or "<p><i>No messages.</i></p>"


def _message_html(m: MessageView) -> str:
    background, border, label = BUBBLES[m.kind]
    delivery = f" · {escape(status(m.delivery))}" if m.delivery else ""
    if m.delivery == DeliveryState.FAILED:  # why, and the way to send it again once the agent has checked
        delivery = (f" · <span style='color:#b00020'>Not sent: {escape(m.delivery_error or 'unknown reason')}</span>"
                    f" <a href='retry:{m.id}'>Send again</a>")
    # an HTML mail as it was written (sanitised on arrival: nothing runs, nothing remote loads), else its text
    body = f"<div>{m.body_html}</div>" if m.body_html else escape(m.body_text).replace("\n", "<br>")
    files = "".join(f"<br>📎 <a href='attachment:{a.id}'>{escape(a.filename)}</a>"
                    f" <span style='color:#666'>({file_size(a.size)})</span>" for a in m.attachments)
    return (f"<table width='100%' cellpadding='8' style='background:{background}; border:1px solid {border};"
            f" margin-bottom:8px'><tr><td><b>{escape(m.author or 'Unknown')}</b>"
            f" <span style='color:#666'>· {label} · {when(m.sent_at)}{delivery}</span><br>{body}{files}"
            "</td></tr></table>")


class TicketPane(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.title = QLabel("No ticket open")
        self.title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.title.setWordWrap(True)
        self.meta = QLabel()
        self.meta.setStyleSheet("color: palette(mid);")
        self.status = QComboBox()
        for s in TicketStatus:
            if s is not TicketStatus.SNOOZED:
                self.status.addItem(status(s.value), s)
        self.priority = QComboBox()
        for p in TicketPriority:
            self.priority.addItem(status(p.value), p)
        self.assignee = QComboBox()
        self.assignee.setMinimumWidth(130)
        self.tag = QLineEdit(placeholderText="Add tag")
        self.tag.setMaximumWidth(120)
        self.tags = QLabel()
        self._editor()
        self._layout()
        self.show_conversation(None, datetime.now().astimezone())

    def _editor(self) -> None:
        self.conversation = QTextBrowser()
        self.conversation.setOpenLinks(False)
        self.reply_mode = QRadioButton("Reply  (r)")
        self.note_mode = QRadioButton("Internal note  (n)")
        self.reply_mode.setChecked(True)
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.reply_mode)
        self.modes.addButton(self.note_mode)
        self.macro = QComboBox()
        self.macro.setMinimumWidth(200)
        self.macro.setToolTip("Fill the reply from a macro; edit it before sending (Ctrl+M, or m in the list, "
                              "opens this list: type or use the arrows, then Enter)")
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText("Write a reply… (Ctrl+Enter sends, Esc goes back to the list)")
        self.actions_label = QLabel()
        self.actions_label.setStyleSheet("color: #1d4f91;")
        self.actions_label.setWordWrap(True)
        self.send = QPushButton("Send reply")
        self.send.setDefault(True)
        self.send_shortcut = QShortcut(QKeySequence("Ctrl+Return"), self.editor)
        self.escape_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.editor)
        self.macro_shortcut = QShortcut(QKeySequence("Ctrl+M"), self, context=Qt.ShortcutContext.
                                        WidgetWithChildrenShortcut)
        self.macro_shortcut.activated.connect(self.pick_macro)
        self.note_mode.toggled.connect(self._mode)

    def _layout(self) -> None:
        fields = QHBoxLayout()
        for label, widget in (("Status", self.status), ("Priority", self.priority), ("Assignee", self.assignee)):
            fields.addWidget(QLabel(label))
            fields.addWidget(widget)
        fields.addWidget(self.tag)
        fields.addWidget(self.tags, 1)
        editor_bar = QHBoxLayout()
        editor_bar.addWidget(self.reply_mode)
        editor_bar.addWidget(self.note_mode)
        editor_bar.addStretch(1)
        editor_bar.addWidget(QLabel("Macro (Ctrl+M)"))
        editor_bar.addWidget(self.macro)
        bottom = QWidget()
        editor_box = QVBoxLayout(bottom)
        editor_box.setContentsMargins(0, 0, 0, 0)
        editor_box.addLayout(editor_bar)
        editor_box.addWidget(self.editor, 1)
        send_row = QHBoxLayout()
        send_row.addWidget(self.actions_label, 1)
        send_row.addWidget(self.send)
        editor_box.addLayout(send_row)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.conversation)
        split.addWidget(bottom)
        split.setSizes([420, 200])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        layout.addLayout(fields)
        layout.addWidget(split, 1)

    def show_conversation(self, conversation: Conversation | None, now: datetime) -> None:
        enabled = conversation is not None and conversation.merged_into_id is None
        for widget in (self.status, self.priority, self.assignee, self.tag, self.editor, self.send, self.macro):
            widget.setEnabled(enabled)
        if conversation is None:
            self.title.setText("No ticket open")
            self.meta.setText("Choose a ticket from the list (j / k to move).")
            self.tags.setText("")
            self.conversation.setHtml("")
            return
        t = conversation.ticket
        self.title.setText(f"#{t.id}  {t.subject}")
        due = sla_text(t, now)
        self.meta.setText(f"{t.requester} · {status(t.channel.value)} · opened {when(t.created_at)}"
                          + (f" · {due}" if due else ""))
        self._choose(self.status, t.status if t.status is not TicketStatus.SNOOZED else TicketStatus.OPEN)
        self._choose(self.priority, t.priority)
        self._choose(self.assignee, t.assignee)
        self.tags.setText("Tags: " + (", ".join(t.tags) if t.tags else "none"))
        self.conversation.setHtml(conversation_html(conversation))
        bar = self.conversation.verticalScrollBar()
        bar.setValue(bar.maximum())

    def show_agents(self, agents: list[Agent]) -> None:
        chosen = self.assignee.currentData()
        self.assignee.blockSignals(True)
        self.assignee.clear()
        self.assignee.addItem(NOBODY, None)
        for a in agents:
            self.assignee.addItem(f"{a.name} ({a.open_tickets} open{'' if a.available else ', away'})", a.name)
        self._choose(self.assignee, chosen)
        self.assignee.blockSignals(False)

    def show_macros(self, macros: list[MacroDef]) -> None:
        self.macro.blockSignals(True)
        self.macro.clear()
        self.macro.addItem("Insert a macro…", None)
        for m in macros:
            self.macro.addItem(m.name, m.id)
        self.macro.blockSignals(False)

    def show_draft(self, text: str, actions: str) -> None:
        self.reply_mode.setChecked(True)
        self.editor.setPlainText(text)
        self.editor.moveCursor(QTextCursor.MoveOperation.End)
        self.actions_label.setText(actions)
        self.editor.setFocus()

    def clear_draft(self) -> None:
        self.editor.clear()
        self.actions_label.clear()
        self.macro.blockSignals(True)
        self.macro.setCurrentIndex(0)
        self.macro.blockSignals(False)

    def start(self, note: bool) -> None:
        (self.note_mode if note else self.reply_mode).setChecked(True)
        self.editor.setFocus()

    def pick_macro(self) -> None:
        """Reply with a macro: open the picker, where typing or the arrows choose and Enter fills the reply."""
        if self.macro.isEnabled() and self.macro.count() > 1:
            self.start(False)
            self.macro.setFocus()
            self.macro.showPopup()

    def _mode(self, note: bool) -> None:
        self.send.setText("Add note" if note else "Send reply")
        self.editor.setStyleSheet("background: #fff6d5;" if note else "")
        self.editor.setPlaceholderText("Write an internal note… (Ctrl+Enter adds it)" if note else
                                       "Write a reply… (Ctrl+Enter sends, Esc goes back to the list)")

    @staticmethod
    def _choose(combo: QComboBox, value: object) -> None:
        combo.blockSignals(True)
        combo.setCurrentIndex(max(combo.findData(value), 0))
        combo.blockSignals(False)
