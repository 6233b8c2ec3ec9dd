"""The sans-I/O engine: commands in, events and pushes out, in log order.

Nothing in this package opens a socket, awaits, or reads a clock. The server
stamps each command with the time it was accepted, appends it to the log, and
every process applies the log through :class:`engine.core.Engine`.
"""
