#!/usr/bin/env python3
"""A lossy, duplicating, reordering UDP link between two secnets, in user space (the test kernel
has no sch_netem). It runs in alpha's namespace: alpha's configuration names bravo at
LISTEN_A (this relay), bravo's names alpha at LISTEN_B (this relay too); every datagram is
forwarded to the other real daemon after a random delay (so some overtake others), unless
dropped, and sometimes twice. Decisions come from a seeded generator, so two implementations
under test meet the same sequence of drops and duplicates.

usage: impair.py HOST A_PORT LISTEN_A_PORT B_HOST B_PORT LISTEN_B_PORT LOSS DUP DELAY_MS JITTER_MS SEED
"""
import heapq, random, select, socket, sys, time

host, a_port, la_port, b_host, b_port, lb_port = sys.argv[1], *map(int, sys.argv[2:4]), sys.argv[4], *map(int, sys.argv[5:7])
loss, dup, delay, jitter = float(sys.argv[7]), float(sys.argv[8]), float(sys.argv[9]) / 1000, float(sys.argv[10]) / 1000
rnd = random.Random(int(sys.argv[11]))
sa = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); sa.bind((host, la_port))   # faces alpha
sb = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); sb.bind((host, lb_port))   # faces bravo
for s in (sa, sb): s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 21)
pending, seq = [], 0
stats = {"forwarded": 0, "dropped": 0, "duplicated": 0}
while True:
    now = time.monotonic()
    while pending and pending[0][0] <= now:
        _, _, sock, data, dst = heapq.heappop(pending)
        sock.sendto(data, dst); stats["forwarded"] += 1
    timeout = max(0.0, pending[0][0] - now) if pending else 1.0
    for s in select.select([sa, sb], [], [], timeout)[0]:
        data, src = s.recvfrom(65536)
        out, dst = (sb, (b_host, b_port)) if s is sa else (sa, (host, a_port))
        if rnd.random() < loss:
            stats["dropped"] += 1; continue
        copies = 2 if rnd.random() < dup else 1
        stats["duplicated"] += copies - 1
        for _ in range(copies):
            seq += 1
            heapq.heappush(pending, (time.monotonic() + max(0.0, delay + rnd.uniform(-jitter, jitter)), seq, out, data, dst))
