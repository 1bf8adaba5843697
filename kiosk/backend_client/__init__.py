"""Client of the CA backend's contract (httpx) and the outbox sync worker. No Textual."""
