"""Settings → Support mailbox…: the address, the IMAP and SMTP servers and the password, "Test", "Connect"."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.mail import DEFAULT_PORTS, MailboxSettings, MailSecurity
from ecrm_desktop.presenters.mailbox import MailboxForm, MailboxPresenter

SECURITY = (("SSL/TLS", MailSecurity.SSL), ("STARTTLS", MailSecurity.STARTTLS),
            ("None (this computer only)", MailSecurity.NONE))
NOTE = ("New mail becomes tickets; replies written in ecrm are sent from this address and threaded in the "
        "customer's mail client. The password goes to the system keyring (or, without one, the encrypted "
        "workspace). HTML mail is shown without scripts or remote images.")


class _Server(QGroupBox):
    """Host, port and security of one server; the port follows the security until the person types one."""

    def __init__(self, title: str, protocol: str, placeholder: str) -> None:
        super().__init__(title)
        self.protocol = protocol
        self.host = QLineEdit(placeholderText=placeholder)
        self.port = QSpinBox(minimum=1, maximum=65535)
        self.security = QComboBox()
        for label, value in SECURITY:
            self.security.addItem(label, value)
        self.security.currentIndexChanged.connect(self._security_changed)
        row = QHBoxLayout(self)
        row.addWidget(QLabel("Host"))
        row.addWidget(self.host, 1)
        row.addWidget(QLabel("Port"))
        row.addWidget(self.port)
        row.addWidget(self.security)
        self._security_changed()

    def mode(self) -> MailSecurity:
        return MailSecurity(self.security.currentData())

    def set(self, host: str, port: int, mode: MailSecurity) -> None:
        self.host.setText(host)
        self.security.setCurrentIndex(self.security.findData(mode))
        self.port.setValue(port)

    def _security_changed(self) -> None:
        self.port.setValue(DEFAULT_PORTS[(self.protocol, self.mode())])


class MailboxDialog(QDialog):
    """Implements `presenters.mailbox.MailboxDialogView`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Support mailbox")
        self.setMinimumWidth(620)
        self.address = QLineEdit(placeholderText="support@your-shop.com")
        self.display_name = QLineEdit(placeholderText="The sender name customers see, e.g. “Northwind Support”")
        self.user = QLineEdit(placeholderText="Usually the address itself")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.imap = _Server("Incoming mail (IMAP)", "imap", "imap.your-provider.com")
        self.smtp = _Server("Outgoing mail (SMTP)", "smtp", "smtp.your-provider.com")
        self.smtp.security.setCurrentIndex(self.smtp.security.findData(MailSecurity.STARTTLS))
        self.outcome = QLabel(wordWrap=True)
        self.test_button = QPushButton("&Test connection")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.addButton("&Connect", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        form = QFormLayout()
        form.addRow("&Address", self.address)
        form.addRow("Sender &name", self.display_name)
        form.addRow("&User name", self.user)
        form.addRow("&Password", self.password)
        note = QLabel(NOTE, wordWrap=True)
        note.setStyleSheet("color: palette(mid);")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.imap)
        layout.addWidget(self.smtp)
        layout.addWidget(note)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)

    def attach(self, presenter: MailboxPresenter) -> None:
        """The dialog closes only once the mailbox is saved (`close_connected`)."""
        self.test_button.clicked.connect(lambda: presenter.test(self.form_values()))
        self.connect_button.clicked.connect(lambda: presenter.save(self.form_values()))
        presenter.load()

    def form_values(self) -> MailboxForm:
        return MailboxForm(self.address.text(), self.user.text(), self.password.text(), self.imap.host.text(),
                           self.imap.port.value(), self.smtp.host.text(), self.smtp.port.value(), self.imap.mode(),
                           self.smtp.mode(), self.display_name.text())

    # MailboxDialogView
    def show_settings(self, settings: MailboxSettings) -> None:
        self.address.setText(settings.address)
        self.display_name.setText(settings.display_name)
        self.user.setText(settings.user)
        self.imap.set(settings.imap_host, settings.imap_port, settings.security)
        self.smtp.set(settings.smtp_host, settings.smtp_port, settings.outgoing_security)
        self.password.setPlaceholderText("Saved in the keyring; type it again to change the settings")

    def show_busy(self, busy: bool) -> None:
        for button in (self.test_button, self.connect_button):
            button.setEnabled(not busy)
        if busy:
            self.show_outcome("Talking to the mail servers…", True)

    def show_outcome(self, message: str, ok: bool) -> None:
        self.outcome.setStyleSheet("" if ok else "color: #b3261e;")
        self.outcome.setText(message)

    def close_connected(self, message: str) -> None:
        self.accept()
