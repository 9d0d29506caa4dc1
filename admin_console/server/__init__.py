"""The console server: REST + WebSocket API, live hub of kiosk links, database, auth, TLS.

Nothing is built at import: :func:`admin_console.server.console.build_console` is the
composition root, called from ``epn-console serve`` (or a test harness).
"""
