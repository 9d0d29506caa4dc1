"""What the public PC and the console both run: the versioned wire protocol between a
kiosk agent and the console, the ticket-code rule, and the wrong-try rule. Imports neither
``kiosk`` nor ``admin_console``; both import it."""
