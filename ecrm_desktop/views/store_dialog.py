"""The connect-a-store dialog: platform, name, address and credentials, the access scopes ecrm needs and why,
"Check connection", then "Connect"."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.domain.sync_status import SHOPIFY_SCOPES, ConnectionCheck, StoreInfo
from ecrm_desktop.presenters.store_connect import ConnectStorePresenter, StoreForm

SHOPIFY_HELP = ("In the store's admin, create a custom app with these read scopes, install it, and paste its "
                "Admin API access token:<ul>" + "".join(f"<li><b>{scope}</b> — {why}</li>"
                                                        for scope, why in SHOPIFY_SCOPES) + "</ul>")
WOOCOMMERCE_HELP = ("In WooCommerce → Settings → Advanced → REST API, add a key with <b>Read</b> permission and "
                    "paste its consumer key and consumer secret. ecrm reads customers, orders with refunds, "
                    "and products.")
VENDURE_HELP = ("Give the address of the Vendure server (its Admin API answers at /admin-api) and an "
                "administrator with the <b>ReadCustomer</b>, <b>ReadOrder</b> and <b>ReadProduct</b> permissions. "
                "The server's <tt>authOptions.tokenMethod</tt> must include <tt>bearer</tt>. ecrm reads customers, "
                "orders with payments and refunds, products with stock, and carts.")
SECRET_NOTE = "The token, secret or password goes to the system keyring (or, without one, the encrypted workspace)."  # noqa: S105


class StoreDialog(QDialog):
    """Implements `presenters.store_connect.StoreDialogView`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect a store")
        self.setMinimumWidth(560)
        self.presenter: ConnectStorePresenter | None = None
        self.platform = QComboBox()
        self.platform.addItem("Shopify", Platform.SHOPIFY)
        self.platform.addItem("WooCommerce", Platform.WOOCOMMERCE)
        self.platform.addItem("Vendure", Platform.VENDURE)
        self.name = QLineEdit(placeholderText="How ecrm names this store, e.g. “EU shop”")
        self.url = QLineEdit(placeholderText="https://your-shop.myshopify.com")
        self.token = QLineEdit(echoMode=QLineEdit.EchoMode.Password, placeholderText="shpat_…")
        self.key = QLineEdit(placeholderText="ck_…")
        self.secret = QLineEdit(echoMode=QLineEdit.EchoMode.Password, placeholderText="cs_…")
        self.help = QLabel(wordWrap=True)
        self.outcome = QLabel(wordWrap=True)
        self.check_button = QPushButton("C&heck connection")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.addButton("&Connect", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.check_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.form = QFormLayout()
        self.form.addRow("&Platform", self.platform)
        self.form.addRow("&Name", self.name)
        self.form.addRow("&Address", self.url)
        self.form.addRow("Access &token", self.token)
        self.form.addRow("Consumer &key", self.key)
        self.form.addRow("Consumer &secret", self.secret)
        note = QLabel(SECRET_NOTE, wordWrap=True)
        note.setStyleSheet("color: palette(mid);")
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.help)
        layout.addWidget(note)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)
        self.platform.currentIndexChanged.connect(self._platform_changed)
        self.buttons.rejected.connect(self.reject)
        self._platform_changed()

    def attach(self, presenter: ConnectStorePresenter) -> None:
        """The dialog closes only once the store is saved (`close_connected`)."""
        self.presenter = presenter
        self.check_button.clicked.connect(lambda: presenter.check(self.form_values()))
        self.connect_button.clicked.connect(lambda: presenter.connect(self.form_values()))

    def form_values(self) -> StoreForm:
        platform = Platform(self.platform.currentData())
        secret = self.token.text() if platform is Platform.SHOPIFY else self.secret.text()
        return StoreForm(platform, self.name.text(), self.url.text(), secret, self.key.text())

    # StoreDialogView
    def show_busy(self, busy: bool) -> None:
        self.check_button.setEnabled(not busy)
        self.connect_button.setEnabled(not busy)
        if busy:
            self.outcome.setStyleSheet("")
            self.outcome.setText("Talking to the store…")

    def show_check(self, check: ConnectionCheck) -> None:
        lines = [f"Connected to <b>{_escape(check.shop_name)}</b>, prices in {_escape(check.currency)}."]
        if check.granted_scopes:
            lines.append("Granted: " + ", ".join(check.granted_scopes) + ".")
        if check.missing_scopes:
            lines.append("<b>Missing: " + ", ".join(check.missing_scopes) + "</b> — add them to the app and "
                         "install it again.")
        self.outcome.setStyleSheet("color: #a01818;" if check.missing_scopes else "color: #1b6e2a;")
        self.outcome.setText("<br>".join(lines))

    def show_problem(self, message: str) -> None:
        self.outcome.setStyleSheet("color: #a01818;")
        self.outcome.setText(_escape(message))

    def close_connected(self, store: StoreInfo) -> None:
        self.accept()

    def _platform_changed(self) -> None:
        platform = Platform(self.platform.currentData())
        shopify, vendure = platform is Platform.SHOPIFY, platform is Platform.VENDURE
        for field, shown in ((self.token, shopify), (self.key, not shopify), (self.secret, not shopify)):
            self.form.setRowVisible(field, shown)
        self._label(self.key, "Administrator &user" if vendure else "Consumer &key")
        self._label(self.secret, "Pass&word" if vendure else "Consumer &secret")
        self.key.setPlaceholderText("superadmin" if vendure else "ck_…")
        self.secret.setPlaceholderText("" if vendure else "cs_…")
        self.url.setPlaceholderText("https://your-shop.myshopify.com" if shopify else "https://shop.example.com")
        self.help.setText(SHOPIFY_HELP if shopify else VENDURE_HELP if vendure else WOOCOMMERCE_HELP)
        self.outcome.clear()

    def _label(self, field: QWidget, text: str) -> None:
        label = self.form.labelForField(field)
        if isinstance(label, QLabel):
            label.setText(text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
