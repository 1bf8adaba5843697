"""Self-service kiosk for a certificate authority's service hall.

The package is layered: `kiosk.core.domain`, `kiosk.store`, `kiosk.devices` and
`kiosk.backend_client` are plain Python (no Textual), usable from scripts and tests;
only `kiosk.ui.app` and `kiosk.screens` import Textual.
"""

__version__ = "0.1.0"
