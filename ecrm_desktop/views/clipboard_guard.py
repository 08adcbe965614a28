"""Keeping what ecrm copies (a customer's email from the list, a line of an order) out of clipboard history and
cloud clipboards: every copy made while ecrm is in front is re-published with the hints clipboard managers honour
for passwords (KDE's Klipper and the managers that follow it, Windows' clipboard history and cloud sync). Pasting
works as before."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QMimeData, QObject, Qt
from PySide6.QtGui import QClipboard, QGuiApplication

KDE_HINT = "x-kde-passwordManagerHint"
_WINDOWS = 'application/x-qt-windows-mime;value="{}"'
CONCEALED: Mapping[str, bytes] = {
    KDE_HINT: b"secret",
    _WINDOWS.format("ExcludeClipboardContentFromMonitorProcessing"): b"\x01\x00\x00\x00",
    _WINDOWS.format("CanIncludeInClipboardHistory"): b"\x00\x00\x00\x00",
    _WINDOWS.format("CanUploadToCloudClipboard"): b"\x00\x00\x00\x00",
}


class ClipboardGuard(QObject):
    """Marks ecrm's own copies (clipboard and X11 selection) as secret as soon as they are made."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clipboard = QGuiApplication.clipboard()
        # Bound methods, not lambdas: Qt then drops the connections when the guard goes (with its window), and
        # the clipboard's last signals at exit no longer call into a deleted object (a crash at interpreter exit).
        self.clipboard.dataChanged.connect(self._clipboard_changed)
        self.clipboard.selectionChanged.connect(self._selection_changed)

    def _clipboard_changed(self) -> None:
        self.conceal(QClipboard.Mode.Clipboard)

    def _selection_changed(self) -> None:
        self.conceal(QClipboard.Mode.Selection)

    def conceal(self, mode: QClipboard.Mode) -> None:
        """Re-publish the current contents with the hints, if ecrm put them there and they lack them."""
        ours = self.clipboard.ownsClipboard() if mode is QClipboard.Mode.Clipboard else self.clipboard.ownsSelection()
        if not ours and QGuiApplication.applicationState() != Qt.ApplicationState.ApplicationActive:
            return  # another program's copy, heard while ecrm is in the background: not ours to touch
        current = self.clipboard.mimeData(mode)
        if current is None or current.hasFormat(KDE_HINT) or not current.formats():
            return
        marked = QMimeData()
        for name in current.formats():
            marked.setData(name, current.data(name))
        for name, value in CONCEALED.items():
            marked.setData(name, value)
        self.clipboard.setMimeData(marked, mode)
