"""The Sync screen: connected stores and their last sync, the schedule, live progress per store and resource,
past runs, and the records held in quarantine with a preview of what the store sent."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QAction, QKeySequence, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.sync_status import QuarantineRow, ResourceTally, StoreInfo, SyncRunRow, SyncSchedule
from ecrm_desktop.presenters.sync_screen import SyncPresenter
from ecrm_desktop.views.format import platform_name, status, when
from ecrm_desktop.views.store_dialog import StoreDialog
from ecrm_desktop.views.tables import ID_ROLE, add_row, read_only_table, text_model

EMPTY = ("No store connected yet — connect one with “Connect a store…”,\n"
         "or try the demo emulator: run “ecrm emulator serve --platform shopify” and connect to the address it "
         "prints.")
PROGRESS_COLUMNS = ["Store", "Resource", "Pages", "Fetched", "New", "Updated", "Quarantined", "Rate-limit waits"]
NUMERIC = (2, 3, 4, 5, 6, 7)
KEPT_IN = {"keyring": "system keyring", "database": "encrypted workspace"}


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "running…"
    minutes, rest = divmod(round(seconds), 60)  # runs are timed to the second
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def waits(tally: ResourceTally) -> str:
    return f"{tally.waits} ({tally.waited_seconds:.1f} s)" if tally.waits else "0"


class SyncScreen(QWidget):
    """Implements `presenters.sync_screen.SyncView`."""

    def __init__(self) -> None:
        super().__init__()
        self.presenter: SyncPresenter | None = None
        self.running = self.cancelling = False
        self.dialog: StoreDialog | None = None  # the connection dialog while it is open
        self.connect_button = QPushButton("&Connect a store…")
        self.sync_button = QPushButton("&Sync now")
        self.sync_button.setToolTip("Sync every connected store now (Ctrl+R)")
        sync_key = QAction(self, shortcut=QKeySequence("Ctrl+R"),
                           shortcutContext=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sync_key.triggered.connect(self.sync_button.click)
        self.addAction(sync_key)
        self.sync_one_button = QPushButton("Sync se&lected")
        self.cancel_button = QPushButton("Cancel s&ync")
        self.cancel_button.setEnabled(False)
        self.cancel_button.setToolTip("Stop after the page being written; the next sync resumes there")
        self.disconnect_button = QPushButton("&Disconnect")
        self.disconnect_button.setToolTip("Forget the selected store's secret; its synced data stays")

        self.stores_model = text_model(["Store", "Platform", "Address", "Currency", "Last sync", "Last result",
                                        "Secret kept in"])
        self.stores = read_only_table(self.stores_model, [170, 110, 260, 70, 140, 100])
        self.stores.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.empty = QLabel(EMPTY)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: palette(mid); font-size: 11pt;")
        self.stores_stack = QStackedWidget()
        self.stores_stack.addWidget(self.empty)
        self.stores_stack.addWidget(self.stores)

        self.periodic = QCheckBox("Sync e&very")
        self.minutes = QSpinBox(minimum=1, maximum=7 * 24 * 60, suffix=" minutes")
        self.on_start = QCheckBox("Sync when ecrm s&tarts")
        self.show_schedule(SyncSchedule())
        self.schedule_note = QLabel("while ecrm is open")
        self.schedule_note.setStyleSheet("color: palette(mid);")

        self.result = QLabel("No sync has run since ecrm started.")
        self.result.setWordWrap(True)
        self.progress_model = text_model(PROGRESS_COLUMNS)
        self.progress = read_only_table(self.progress_model, [170, 110, 70, 90, 90, 90, 100])
        self._progress_rows: dict[tuple[str, str], int] = {}

        self.history_model = text_model(["Started", "Store", "Result", "Duration", "Fetched", "New", "Updated",
                                         "Quarantined", "Errors"])
        self.history = read_only_table(self.history_model, [140, 150, 90, 80, 80, 70, 80, 90])
        self.quarantine_model = text_model(["Held since", "Store", "Resource", "External id", "Reason"])
        self.quarantine = read_only_table(self.quarantine_model, [130, 140, 80, 90])
        self.quarantine.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.payload = QPlainTextEdit(readOnly=True, placeholderText="Select a record to see what the store sent.")
        self.payload.setStyleSheet("font-family: monospace;")
        self.tabs = QTabWidget()
        self._layout()
        self._enable()

    def _layout(self) -> None:
        for table in (self.stores, self.progress, self.history, self.quarantine):
            table.setWordWrap(False)
            table.verticalHeader().setDefaultSectionSize(24)
        self.tabs.addTab(self.history, "&History")
        held = QSplitter(Qt.Orientation.Horizontal)
        held.addWidget(self.quarantine)
        held.addWidget(self.payload)
        held.setSizes([820, 380])
        self.tabs.addTab(held, "&Quarantined records")
        buttons = QHBoxLayout()
        for b in (self.connect_button, self.sync_button, self.sync_one_button, self.cancel_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.disconnect_button)
        schedule = QHBoxLayout()
        for item in (self.periodic, self.minutes, self.schedule_note, self.on_start):
            schedule.addWidget(item)
        schedule.addStretch(1)
        stores_box = QGroupBox("Stores")
        column = QVBoxLayout(stores_box)
        column.addWidget(self.stores_stack, 1)
        column.addLayout(buttons)
        column.addLayout(schedule)
        progress_box = QGroupBox("This sync")
        column = QVBoxLayout(progress_box)
        column.addWidget(self.result)
        column.addWidget(self.progress, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        for w in (stores_box, progress_box, self.tabs):
            split.addWidget(w)
        split.setSizes([190, 290, 320])
        layout = QVBoxLayout(self)
        layout.addWidget(split)

    def attach(self, presenter: SyncPresenter) -> None:
        self.presenter = presenter
        self.sync_button.clicked.connect(self._sync_all)
        self.sync_one_button.clicked.connect(self._sync_selected)
        self.cancel_button.clicked.connect(presenter.cancel)
        self.disconnect_button.clicked.connect(self._disconnect_selected)
        self.periodic.toggled.connect(self._schedule_changed)
        self.on_start.toggled.connect(self._schedule_changed)
        self.minutes.editingFinished.connect(self._schedule_changed)
        self.quarantine.selectionModel().selectionChanged.connect(self._quarantine_selected)
        presenter.start()

    def focus_search(self) -> None:
        """There is no search here: the stores list takes the focus (Ctrl+F and arriving on the screen)."""
        (self.stores if self.stores_model.rowCount() else self.connect_button).setFocus()

    def show_dialog(self, dialog: StoreDialog) -> None:
        """Open the connection dialog over the screen; it is deleted once closed."""
        self.dialog = dialog

        def closed() -> None:
            self.dialog = None
            dialog.deleteLater()

        dialog.finished.connect(closed)
        dialog.open()

    def selected_store(self) -> str | None:
        index = self.stores.currentIndex()
        return str(self.stores_model.index(index.row(), 0).data()) if index.isValid() else None

    # SyncView
    def show_stores(self, stores: list[StoreInfo]) -> None:
        self.stores_model.removeRows(0, self.stores_model.rowCount())
        for s in stores:
            add_row(self.stores_model, [s.name, platform_name(s.platform.value), s.url or "", s.currency,
                                        when(s.last_sync_at), status(s.last_status or "never synced"),
                                        KEPT_IN.get(s.secret_location, s.secret_location)],
                    s.id)
        self.stores_stack.setCurrentWidget(self.stores if stores else self.empty)
        if stores and not self.stores.currentIndex().isValid():
            self.stores.setCurrentIndex(self.stores_model.index(0, 0))
        self._enable()

    def show_schedule(self, schedule: SyncSchedule) -> None:
        for w in (self.periodic, self.on_start, self.minutes):
            w.blockSignals(True)
        self.periodic.setChecked(schedule.periodic)
        self.on_start.setChecked(schedule.on_start)
        self.minutes.setValue(schedule.minutes)
        for w in (self.periodic, self.on_start, self.minutes):
            w.blockSignals(False)

    def show_running(self, running: bool, cancelling: bool = False) -> None:
        self.running, self.cancelling = running, cancelling
        self._enable()
        if cancelling:
            self.cancel_button.setEnabled(False)
            self.result.setText("Cancelling after the page being written…")
        elif running:
            self.result.setStyleSheet("")
            self.result.setText("Syncing…")

    def clear_progress(self) -> None:
        self.progress_model.removeRows(0, self.progress_model.rowCount())
        self._progress_rows.clear()

    def show_progress(self, store: str, resource: str, tally: ResourceTally) -> None:
        cells = [store, status(resource), f"{tally.pages:,}", f"{tally.fetched:,}", f"{tally.created:,}",
                 f"{tally.updated:,}", f"{tally.quarantined:,}", waits(tally)]
        row = self._progress_rows.get((store, resource))
        if row is None:
            self._progress_rows[(store, resource)] = self.progress_model.rowCount()
            add_row(self.progress_model, cells, numeric=NUMERIC)
        else:
            for column, text in enumerate(cells):
                self.progress_model.item(row, column).setText(text)
        if not self.cancelling:
            self.result.setText("Syncing…")

    def show_waiting(self, store: str, seconds: float) -> None:
        self.result.setText(f"Syncing… waiting {seconds:.1f} s before the next request to {store} "
                            "(its rate limit, or a retry).")

    def show_result(self, message: str, ok: bool) -> None:
        self.result.setStyleSheet("" if ok else "color: #a01818;")
        self.result.setText(message)

    def show_history(self, runs: list[SyncRunRow]) -> None:
        fill(self.history_model, [([when(r.started_at), r.store, status(r.status), duration(r.seconds),
                                    f"{r.fetched:,}", f"{r.created:,}", f"{r.updated:,}", f"{r.quarantined:,}",
                                    " ".join(r.errors)], r.id) for r in runs], numeric=(3, 4, 5, 6, 7))
        for i, r in enumerate(runs):
            self.history_model.item(i, 8).setToolTip("\n".join(r.errors))

    def show_quarantined(self, records: list[QuarantineRow]) -> None:
        fill(self.quarantine_model, [([when(q.created_at), q.store, status(q.resource), q.external_id or "—",
                                       q.reason], q.id) for q in records])
        for i, q in enumerate(records):
            self.quarantine_model.item(i, 4).setToolTip(q.reason)
        self.tabs.setTabText(1, f"&Quarantined records ({len(records):,})")
        self.payload.clear()

    def show_payload(self, text: str) -> None:
        self.payload.setPlainText(text)

    def _enable(self) -> None:
        idle = not self.running and self.stores_model.rowCount() > 0
        for button in (self.sync_button, self.sync_one_button, self.disconnect_button):
            button.setEnabled(idle)
        self.cancel_button.setEnabled(self.running)

    def _sync_all(self) -> None:
        if self.presenter is not None:
            self.presenter.sync_now()

    def _sync_selected(self) -> None:
        name = self.selected_store()
        if self.presenter is not None and name is not None:
            self.presenter.sync_now(name)

    def _disconnect_selected(self) -> None:
        name = self.selected_store()
        if self.presenter is None or name is None:
            return
        answer = QMessageBox.question(self, "Disconnect store", f"Disconnect {name}? ecrm forgets its secret and "
                                      "stops syncing it; the customers and orders it brought stay.")
        if answer == QMessageBox.StandardButton.Yes:
            self.presenter.disconnect(name)

    def _schedule_changed(self) -> None:
        if self.presenter is not None:
            self.presenter.set_schedule(SyncSchedule(self.minutes.value(), self.periodic.isChecked(),
                                                     self.on_start.isChecked()))

    def _quarantine_selected(self, selected: QItemSelection, _old: QItemSelection) -> None:
        rows = selected.indexes()
        if self.presenter is not None and rows:
            record_id = self.quarantine_model.index(rows[0].row(), 0).data(ID_ROLE)
            self.presenter.select_quarantined(int(record_id))


def fill(model: QStandardItemModel, rows: list[tuple[list[str], int]], numeric: tuple[int, ...] = ()) -> None:
    """Replace a small model's rows; each row's id rides on its first cell."""
    model.removeRows(0, model.rowCount())
    for cells, item_id in rows:
        add_row(model, cells, item_id, numeric)

