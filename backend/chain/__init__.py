"""The registry contract: its compiled artifact and the client the service reads and writes it with."""
