"""What the tests share: real parts started for a test (the reference backend, SoftHSM, a private
cupsd, a small full disk, a fault proxy) and ways to drive the kiosk as a subscriber does.
Imported as `support.<module>` (pytest puts tests/ on the path), never from another test module."""
