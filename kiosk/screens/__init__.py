"""The kiosk's Textual screens. Only this package and kiosk.app import Textual."""
