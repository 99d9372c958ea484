#!/usr/bin/env python3
"""A WebSocket client that subscribes and then never reads: a slow studio on a bad network.

Usage: slow-ws-client.py HOST PORT PATH MESSAGE [TIMES]
Its receive buffer is set small before it connects (which also stops the kernel from growing
it); the message is sent TIMES times (default 1), with "$ID" in it replaced by 1, 2, ... (a
client that subscribes many times makes the server's send buffer, a few megabytes, fill in
seconds). It prints "subscribed" once the messages are sent, then sleeps until it is killed.
"""
import base64
import os
import socket
import struct
import sys
import time

host, port, path, message = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
times = int(sys.argv[5]) if len(sys.argv) > 5 else 1
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect((host, port))
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(
    (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode()
)
head = b""
while b"\r\n\r\n" not in head:
    chunk = s.recv(1)
    if not chunk:
        sys.exit("the server closed the connection during the handshake")
    head += chunk
if b" 101 " not in head.split(b"\r\n")[0]:
    sys.exit(f"no upgrade: {head!r}")
for k in range(1, times + 1):
    payload = message.replace("$ID", str(k)).encode()
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    n = len(payload)
    header = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n))
    s.sendall(header + mask + masked)
print("subscribed", flush=True)
while True:
    time.sleep(3600)
