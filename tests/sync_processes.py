"""Processes of the crash test: `emulator PLATFORM` serves the sample store and prints its URL;
`sync FOLDER [BULK_THRESHOLD]` syncs the workspace there once (secrets from the database: no keyring), saying
"syncing" when it starts, and exits with the `ecrm sync` exit code."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from keyring.backends.fail import Keyring as NoKeyring

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.sync import EXIT_CODES
from ecrm_desktop.services.workspace import WorkspaceService
from ecrm_desktop.sync.emulator.faults import Faults
from tests.conftest import PASSWORD
from tests.sync_support import emulator, run_sync, sample_store

NO_KEYRING = SecretStore(NoKeyring())


def main(argv: list[str]) -> int:
    if argv[0] == "emulator":
        # answers 50 ms late, so a sync lasts long enough to be killed in, however fast the machine
        with emulator(sample_store(80), Platform(argv[1]), Faults(retry_after=0.05, latency=0.05)) as server:
            print(server.url, flush=True)
            while True:
                time.sleep(60)
    session = WorkspaceService(NO_KEYRING).unlock(Path(argv[1]), "admin", PASSWORD)
    print("syncing", flush=True)  # start-up is over: the crash test's random instants count from here
    try:
        tuning = {"bulk_threshold": int(argv[2])} if len(argv) > 2 else {}
        return EXIT_CODES[run_sync(session, NO_KEYRING, page_size=5, **tuning)["status"]]
    finally:
        session.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
