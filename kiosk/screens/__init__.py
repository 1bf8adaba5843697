"""The kiosk's Textual screens. Only this package and kiosk.ui.app import Textual."""
