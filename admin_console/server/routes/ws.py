"""The WebSockets: each PC's link, and the staff's live view of the room."""

from __future__ import annotations

from fastapi import APIRouter, WebSocket

from admin_console.server.console import Console

router = APIRouter()


@router.websocket("/ws/kiosk")
async def kiosk_socket(websocket: WebSocket) -> None:
    console: Console = websocket.app.state.console
    await console.hub.serve_kiosk(websocket)


@router.websocket("/ws/staff")
async def staff_socket(websocket: WebSocket) -> None:
    console: Console = websocket.app.state.console
    await console.hub.serve_staff(websocket)
