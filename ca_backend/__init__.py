"""The reference CA backend: the contract of kiosk/core/contract.py over real HTTP, real SQLite,
real X.509. Tests, the demo and field hubs run it on loopback."""
