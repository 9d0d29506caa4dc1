"""EPN Kiosk: the public PC side (session engine, agent, shell)."""
